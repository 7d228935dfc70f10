namespace CreditCheck;

/// <summary>A feedback report that does not fit its decision or breaks a rule, every problem named by the report's
/// field (<c>ExecutedAt</c>, <c>Measures[0].Amount</c>), in English and in Chinese, so that a service can point its
/// caller at the field and a clerk can read why. Still an <see cref="ArgumentException"/>.</summary>
public sealed class FeedbackReportException : ArgumentException
{
    /// <summary>Creates it from the problems found.</summary>
    /// <param name="message">The whole message, in English.</param>
    /// <param name="problems">Each problem.</param>
    /// <param name="paramName">The argument that holds the report or the measure.</param>
    public FeedbackReportException(string message, IReadOnlyList<FeedbackProblem> problems, string? paramName)
        : base(message, paramName) => Problems = problems;

    /// <summary>Every problem found, in the order found.</summary>
    public IReadOnlyList<FeedbackProblem> Problems { get; }
}

/// <summary>One problem of a feedback report.</summary>
/// <param name="Field">The report's field, as its properties are named: <c>ExecutedAt</c>, <c>Department</c>,
/// <c>Measures</c>, or <c>Measures[i].Amount</c> for the i-th measure added (0-based).</param>
/// <param name="Message">What is wrong, in English.</param>
/// <param name="ChineseMessage">What is wrong, in Chinese.</param>
public sealed record FeedbackProblem(string Field, string Message, string ChineseMessage);
