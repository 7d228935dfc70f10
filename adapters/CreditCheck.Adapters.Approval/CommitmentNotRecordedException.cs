namespace CreditCheck.Adapters.Approval;

/// <summary>
/// <see cref="ApprovalAdapter.ReportAsync"/> recorded the feedback but could not record the 信用承诺 that follows it (the
/// commitment store, e.g. Redis, could not be written or read). Nothing recorded is lost: <see cref="Feedback"/> holds
/// the records accepted. Report the same route again once the store is back: the feedback is recognised by its keys
/// and the commitment is recorded once.
/// </summary>
public sealed class CommitmentNotRecordedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CommitmentNotRecordedException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was recorded and what was not.</param>
    public CommitmentNotRecordedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was recorded and what was not.</param>
    /// <param name="innerException">Why the commitment was not recorded.</param>
    public CommitmentNotRecordedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a report whose feedback was recorded and whose commitment was not.</summary>
    /// <param name="message">What was recorded and what was not.</param>
    /// <param name="innerException">Why the commitment was not recorded.</param>
    /// <param name="feedback">The feedback records accepted.</param>
    /// <param name="commitment">The commitment not recorded.</param>
    public CommitmentNotRecordedException(string message, Exception innerException, IReadOnlyList<FeedbackRecord> feedback, NewCommitment commitment)
        : base(message, innerException)
    {
        Feedback = feedback;
        Commitment = commitment;
    }

    /// <summary>The feedback records accepted (as <see cref="ApprovalAdapter.ReportAsync"/> would have returned them).</summary>
    public IReadOnlyList<FeedbackRecord> Feedback { get; } = [];

    /// <summary>The commitment not recorded, or null when not given.</summary>
    public NewCommitment? Commitment { get; }
}
