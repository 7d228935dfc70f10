namespace CreditCheck;

/// <summary>Reports what the host executed for a decision (反馈). Registered by <c>AddCreditCheck</c>;
/// the store decides where the records go (Redis: <c>cc:{ns}:feedback</c>).</summary>
public interface ICreditFeedback
{
    /// <summary>Accepts a report and returns the records it produced, one per measure (or one
    /// <see cref="ExecutionResult.NothingToExecute"/> record for a decision without measures). When the
    /// call returns the records are acknowledged: journaled when a journal is configured, and queued for
    /// at-least-once delivery; reporting the same measure of the same check again produces the same
    /// <see cref="FeedbackRecord.Key"/>. A report is final: for a measure already reported (and recognised as such:
    /// <see cref="CreditFeedback"/> knows the last 10,000 records it acknowledged, and a keyed store — the embedded
    /// store, a Redis namespace — every record it holds, whichever process stored it) the record kept is returned,
    /// marked <see cref="FeedbackRecord.IsRepeat"/>, whatever result the repeat gave, and the repeat is not recorded.</summary>
    /// <param name="report">The report, built with <see cref="FeedbackReport.For(CreditDecision)"/>.</param>
    /// <param name="cancellationToken">Cancels waiting; a record already acknowledged is still delivered.</param>
    /// <returns>The records, in the order of the report's measures: each as reported, or the record kept for a repeat.</returns>
    /// <exception cref="ArgumentException">A measure the decision did not apply, a missing reason, no measure
    /// for a decision that applied some, or a detail out of range (an execution time in the future, a
    /// negative amount, an effective period ending before it starts, a text over 1,000 characters).</exception>
    ValueTask<IReadOnlyList<FeedbackRecord>> ReportAsync(FeedbackReport report, CancellationToken cancellationToken = default);
}
