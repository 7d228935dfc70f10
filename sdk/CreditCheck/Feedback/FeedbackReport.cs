using System.Globalization;

namespace CreditCheck;

/// <summary>What a host executed for one decision, built fluently:
/// <c>FeedbackReport.For(decision).Executed("proc.deny") with { Department = "市财政局" }</c>.
/// Department, operator and transaction reference default to those of the check request; the subject's name to the
/// matched entries' (set <see cref="SubjectName"/> from the host's records).</summary>
public sealed record FeedbackReport
{
    private readonly List<MeasureFeedback> _measures = [];

    private FeedbackReport(CreditDecision decision)
    {
        Decision = decision;
        SubjectName = decision.MatchedEntries.Select(m => m.Entry.SubjectName).FirstOrDefault(n => !string.IsNullOrEmpty(n));
        Department = decision.Department;
        Operator = decision.Operator;
        TransactionReference = decision.TransactionReference;
    }

    private FeedbackReport(FeedbackReport other)
    {
        Decision = other.Decision;
        SubjectName = other.SubjectName;
        Department = other.Department;
        Operator = other.Operator;
        District = other.District;
        TransactionReference = other.TransactionReference;
        ItemCode = other.ItemCode;
        ItemName = other.ItemName;
        ExecutedAt = other.ExecutedAt;
        _measures = [.. other._measures];
    }

    /// <summary>The decision reported on.</summary>
    public CreditDecision Decision { get; }

    /// <summary>The subject's name (企业名称 or 姓名) as the host knows it, for whoever reads the feedback: set it from
    /// the application, bid or supplier record, so that a clean subject's record is named too (found by review: only
    /// listed subjects' were). Default: the name on the decision's first matched entry, or null when none matched.</summary>
    public string? SubjectName { get; init; }

    /// <summary>The executing department (执行部门).</summary>
    public string? Department { get; init; }

    /// <summary>The administrative district (行政区划), e.g. "440300".</summary>
    public string? District { get; init; }

    /// <summary>The operator (经办人).</summary>
    public string? Operator { get; init; }

    /// <summary>The host's transaction id (办件编号, project number …).</summary>
    public string? TransactionReference { get; init; }

    /// <summary>The matter's code in the host (事项编码).</summary>
    public string? ItemCode { get; init; }

    /// <summary>The matter's name in the host (事项名称).</summary>
    public string? ItemName { get; init; }

    /// <summary>When the measures were executed; the report time when not set.</summary>
    public DateTimeOffset? ExecutedAt { get; init; }

    /// <summary>The measures reported so far.</summary>
    public IReadOnlyList<MeasureFeedback> Measures => _measures;

    /// <summary>Starts a report on a decision.</summary>
    /// <param name="decision">The decision the host acted on.</param>
    /// <returns>An empty report; add measures with <see cref="Executed"/>, <see cref="NotExecuted"/>,
    /// <see cref="Overridden"/> or <see cref="AllExecuted"/>. A report with no measure says the check was
    /// made and nothing had to be executed, so it is accepted only for a decision that applied no measure.</returns>
    public static FeedbackReport For(CreditDecision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return new FeedbackReport(decision);
    }

    /// <summary>Reports every applied measure of the decision as executed.</summary>
    /// <returns>This report, for chaining.</returns>
    public FeedbackReport AllExecuted()
    {
        foreach (var applied in Decision.AppliedMeasures)
        {
            if (!_measures.Exists(m => m.MeasureCode == applied.Measure.Code))
            {
                _measures.Add(new MeasureFeedback(applied.Measure.Code, ExecutionResult.Executed));
            }
        }

        return this;
    }

    /// <summary>Reports a measure as executed.</summary>
    /// <param name="measureCode">An applied measure's code.</param>
    /// <param name="outcome">The result in the host's words, optional.</param>
    /// <returns>This report, for chaining.</returns>
    public FeedbackReport Executed(string measureCode, string? outcome = null) =>
        Add(new MeasureFeedback(measureCode, ExecutionResult.Executed) { Outcome = outcome });

    /// <summary>Reports a measure as not executed, with the reason.</summary>
    /// <param name="measureCode">An applied measure's code.</param>
    /// <param name="reason">Why it was not executed.</param>
    /// <returns>This report, for chaining.</returns>
    public FeedbackReport NotExecuted(string measureCode, string reason) =>
        Add(new MeasureFeedback(measureCode, ExecutionResult.NotExecuted) { Reason = reason });

    /// <summary>Reports a measure as overridden, with who and why.</summary>
    /// <param name="measureCode">An applied measure's code.</param>
    /// <param name="by">Who set it aside.</param>
    /// <param name="reason">Why.</param>
    /// <returns>This report, for chaining.</returns>
    public FeedbackReport Overridden(string measureCode, string by, string reason) =>
        Add(new MeasureFeedback(measureCode, ExecutionResult.Overridden) { OverriddenBy = by, Reason = reason });

    /// <summary>Adds a measure's feedback with every detail.</summary>
    /// <param name="feedback">The feedback; its measure must be one the decision applied, once.</param>
    /// <returns>This report, for chaining.</returns>
    /// <exception cref="ArgumentException">The measure was not applied, is reported twice, or a
    /// required reason or overrider is missing.</exception>
    public FeedbackReport Add(MeasureFeedback feedback)
    {
        ArgumentNullException.ThrowIfNull(feedback);
        Validate(feedback);
        _measures.Add(feedback);
        return this;
    }

    private void Validate(MeasureFeedback feedback)
    {
        var field = string.Create(CultureInfo.InvariantCulture, $"Measures[{_measures.Count}]");
        if (feedback.Result == ExecutionResult.NothingToExecute)
        {
            throw Refused(feedback, field + ".Result", "NothingToExecute is not reported per measure: send a report without measures instead.",
                "“无需执行”不按措施反馈：请发送不含措施的反馈。");
        }

        if (!Decision.AppliedMeasures.Any(a => a.Measure.Code == feedback.MeasureCode))
        {
            var codes = string.Join(", ", Decision.AppliedMeasures.Select(a => a.Measure.Code));
            throw Refused(
                feedback,
                field + ".Measure",
                string.Create(CultureInfo.InvariantCulture,
                    $"Measure '{feedback.MeasureCode}' was not applied by check {Decision.CheckId}; {(codes.Length == 0 ? "it applied none" : "it applied " + codes)}."),
                $"该次核查未适用措施“{feedback.MeasureCode}”；{(codes.Length == 0 ? "该次核查未适用任何措施" : "适用的措施为 " + codes)}。");
        }

        if (_measures.Exists(m => m.MeasureCode == feedback.MeasureCode))
        {
            throw Refused(feedback, field + ".Measure", $"Measure '{feedback.MeasureCode}' is already in this report.", $"措施“{feedback.MeasureCode}”在本次反馈中重复。");
        }

        if (feedback.Result is ExecutionResult.NotExecuted or ExecutionResult.Overridden && string.IsNullOrWhiteSpace(feedback.Reason))
        {
            throw Refused(feedback, field + ".Reason", $"Measure '{feedback.MeasureCode}' is {feedback.Result}: a reason is required.",
                $"措施“{feedback.MeasureCode}”为{(feedback.Result == ExecutionResult.NotExecuted ? "未执行" : "经批准不执行")}，须说明原因。");
        }

        if (feedback.Result == ExecutionResult.Overridden && string.IsNullOrWhiteSpace(feedback.OverriddenBy))
        {
            throw Refused(feedback, field + ".OverriddenBy", $"Measure '{feedback.MeasureCode}' is overridden: say who overrode it.",
                $"措施“{feedback.MeasureCode}”经批准不执行，须写明批准人。");
        }
    }

    private static FeedbackReportException Refused(MeasureFeedback feedback, string field, string message, string chinese) =>
        new(message, [new FeedbackProblem(field, message, chinese)], nameof(feedback));
}
