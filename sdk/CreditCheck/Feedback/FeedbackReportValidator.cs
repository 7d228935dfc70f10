using System.Globalization;

namespace CreditCheck;

/// <summary>Checks a feedback report against its decision before anything is journaled: every measure
/// the decision applied reported, texts within what is kept, no execution time in the future.</summary>
internal static class FeedbackReportValidator
{
    private const int MaxTextLength = 1000;

    // Clocks of hosts differ; an execution a little ahead of ours is not an error.
    private static readonly TimeSpan FutureTolerance = TimeSpan.FromMinutes(5);

    private static readonly TimeSpan China = TimeSpan.FromHours(8);

    private static bool IsMidnight(DateTimeOffset time) => time.ToOffset(China).TimeOfDay == TimeSpan.Zero;

    /// <summary>Throws <see cref="FeedbackReportException"/> naming every problem of the report.</summary>
    public static void Validate(FeedbackReport report, DateTimeOffset now)
    {
        var problems = new List<FeedbackProblem>();
        if (report.Decision.CheckId == Guid.Empty)
        {
            problems.Add(new("CheckId", "the decision has no CheckId.", "核查结果没有核查编号。"));
        }

        if (report.Measures.Count == 0 && report.Decision.AppliedMeasures.Count > 0)
        {
            // An empty report means "nothing to execute"; said of a decision with measures it would
            // count a punishment as a plain check.
            var codes = string.Join(", ", report.Decision.AppliedMeasures.Select(a => a.Measure.Code));
            problems.Add(new(
                "Measures",
                $"it reports no measure, but the decision applied {codes}: report each one (Executed, NotExecuted with the reason, Overridden), or all as executed (AllExecuted() in .NET; \"allExecuted\": true over HTTP, all_executed over gRPC).",
                $"反馈未包含任何措施，但该次核查适用了 {codes}：请逐项反馈（已执行、未执行并说明原因、经批准不执行），或全部已执行。"));
        }

        Text(problems, "Department", "执行部门", report.Department);
        Text(problems, "District", "行政区划", report.District);
        Text(problems, "Operator", "经办人", report.Operator);
        Text(problems, "TransactionReference", "业务编号", report.TransactionReference);
        Text(problems, "ItemCode", "事项编码", report.ItemCode);
        Text(problems, "ItemName", "事项名称", report.ItemName);
        if (report.ExecutedAt is { } executed && executed > now + FutureTolerance)
        {
            problems.Add(new(
                "ExecutedAt",
                string.Create(CultureInfo.InvariantCulture, $"ExecutedAt {executed:O} is in the future (now {now:O})."),
                string.Create(CultureInfo.InvariantCulture, $"执行时间 {executed:O} 晚于当前时间 {now:O}。")));
        }
        else if (report.ExecutedAt is { } early && early < report.Decision.EvaluatedAt - FutureTolerance)
        {
            // A measure is executed after the check that decided it; an earlier time is a typo or a wrong zone, and would
            // count the execution in a period before the check (found from outside: 2020-01-01 was taken for today's check).
            problems.Add(new(
                "ExecutedAt",
                // Both times in China Standard Time (found from outside: "2026-12-08T00:00+08:00 早于 2026-12-07T21:41Z" read as
                // impossible), and a date alone said to be its midnight.
                string.Create(CultureInfo.InvariantCulture, $"ExecutedAt {early.ToOffset(China):yyyy-MM-dd'T'HH:mm:ssK} is before the check was made ({report.Decision.EvaluatedAt.ToOffset(China):yyyy-MM-dd'T'HH:mm:ssK}, China Standard Time): a measure is executed after the check that decided it{(IsMidnight(early) ? "; a date alone is read as 00:00 of that day, so send the time of execution" : string.Empty)}."),
                string.Create(CultureInfo.InvariantCulture, $"执行时间 {early.ToOffset(China):yyyy-MM-dd HH:mm:ss} 早于核查时间 {report.Decision.EvaluatedAt.ToOffset(China):yyyy-MM-dd HH:mm:ss}（北京时间）{(IsMidnight(early) ? "；只给日期时按当日 0 时计，请报送执行的具体时间" : string.Empty)}。")));
        }

        for (var i = 0; i < report.Measures.Count; i++)
        {
            var measure = report.Measures[i];
            var field = string.Create(CultureInfo.InvariantCulture, $"Measures[{i}].");
            var name = $"measure '{measure.MeasureCode}'";
            var measureZh = $"措施“{measure.MeasureCode}”的";
            Text(problems, field + "Reason", measureZh + "原因", measure.Reason, name + " Reason", lines: true);
            Text(problems, field + "OverriddenBy", measureZh + "批准人", measure.OverriddenBy, name + " OverriddenBy");
            Text(problems, field + "Outcome", measureZh + "处理结果", measure.Outcome, name + " Outcome", lines: true);
            if (measure.Amount < 0)
            {
                problems.Add(new(
                    field + "Amount",
                    string.Create(CultureInfo.InvariantCulture, $"{name} Amount is {measure.Amount}; an amount involved is not negative."),
                    string.Create(CultureInfo.InvariantCulture, $"{measureZh}涉及金额为 {measure.Amount}，不能为负数。")));
            }

            if (measure.EffectiveFrom is { } from && measure.EffectiveUntil is { } until && until < from)
            {
                problems.Add(new(
                    field + "EffectiveUntil",
                    string.Create(CultureInfo.InvariantCulture, $"{name} EffectiveUntil {until:O} is before EffectiveFrom {from:O}."),
                    string.Create(CultureInfo.InvariantCulture, $"{measureZh}截止时间 {until:O} 早于开始时间 {from:O}。")));
            }
        }

        if (problems.Count > 0)
        {
            throw new FeedbackReportException(
                $"The feedback report on check {report.Decision.CheckId} is invalid: {string.Join(" ", problems.Select(p => p.Message))}", problems, nameof(report));
        }
    }

    // A text within the kept length and free of control characters: a NUL or an escape in a record reaches the platform,
    // the exports and the auditor's screen unseen. A reason or an outcome (lines) may keep its line breaks and tabs.
    private static void Text(List<FeedbackProblem> problems, string field, string chineseName, string? value, string? name = null, bool lines = false)
    {
        if (value is { Length: > MaxTextLength })
        {
            problems.Add(new(
                field,
                string.Create(CultureInfo.InvariantCulture, $"{name ?? field} is {value.Length} characters long; at most {MaxTextLength} are kept."),
                string.Create(CultureInfo.InvariantCulture, $"{chineseName}长 {value.Length} 字，最多保留 {MaxTextLength} 字。")));
        }
        else if (value is not null && IndexOfControl(value, lines) is var at and >= 0)
        {
            problems.Add(new(
                field,
                string.Create(CultureInfo.InvariantCulture, $"{name ?? field} holds the control character U+{(int)value[at]:X4} at position {at + 1}{(lines ? " (line breaks and tabs are allowed)" : "; it is one line of text")}."),
                string.Create(CultureInfo.InvariantCulture, $"{chineseName}第 {at + 1} 个字符是控制字符（U+{(int)value[at]:X4}）{(lines ? "（可含换行和制表符）" : "，应为单行文字")}。")));
        }
    }

    private static int IndexOfControl(string value, bool lines)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsControl(value[i]) && !(lines && value[i] is '\n' or '\r' or '\t'))
            {
                return i;
            }
        }

        return -1;
    }
}
