using System.Globalization;
using System.Text;
using CreditCheck.Catalog;
using CreditCheck.Stores;

namespace CreditCheck.Cli.Reporting;

/// <summary>
/// Writes feedback records as CSV for people (Chinese headers, labels and China Standard Time, a fixed
/// column order, RFC 4180 quoting, CRLF) or as JSON for scripts (an array of the records in the JSON the
/// Redis stream holds, one record per line).
/// </summary>
internal static class FeedbackExport
{
    private static readonly (string Header, Func<FeedbackRecord, string> Value)[] Columns =
    [
        ("记录键", r => r.Key),
        ("核查编号", r => r.CheckId.ToString("D")),
        ("执行时间", r => Time(r.ExecutedAt)),
        ("反馈时间", r => Time(r.ReportedAt)),
        ("执行部门", r => Text(r.Department)),
        ("行政区划", r => Text(r.District)),
        ("经办人", r => Text(r.Operator)),
        ("主体类型", r => r.SubjectKind == SubjectKind.LegalEntity ? "法人和非法人组织" : "自然人"),
        ("主体代码", r => r.SubjectCode),
        ("主体名称", r => Text(r.SubjectName)),
        ("应用场景", r => Text(r.Scenario)),
        ("核查结果", r => Labels.Outcome(r.Outcome)),
        ("命中名单", r => string.Join("; ", r.Lists)),
        ("名单条目", r => Text(string.Join("; ", r.EntryIds))),
        ("措施编码", r => Text(r.MeasureCode)),
        ("措施名称", r => Text(r.MeasureName)),
        ("措施类别", r => r.MeasureKind is { } kind ? Labels.MeasureKind(kind) : ""),
        ("执行情况", r => Labels.Result(r.Result)),
        ("原因", r => Text(r.Reason)),
        ("否决人", r => Text(r.OverriddenBy)),
        ("执行结果", r => Text(r.ResultText)),
        ("涉及金额（元）", r => r.Amount?.ToString(CultureInfo.InvariantCulture) ?? ""),
        ("措施生效时间", r => r.EffectiveFrom is { } from ? Time(from) : ""),
        ("措施截止时间", r => r.EffectiveUntil is { } until ? Time(until) : ""),
        ("法律依据", r => Text(r.LegalBasis)),
        ("办件编号", r => Text(r.TransactionReference)),
        ("事项编码", r => Text(r.ItemCode)),
        ("事项名称", r => Text(r.ItemName)),
        ("目录版本", r => Text(r.CatalogVersion)),
        ("数据序号", r => r.Sequence.ToString(CultureInfo.InvariantCulture)),
    ];

    /// <summary>The CSV header row, in the documented order.</summary>
    public static IReadOnlyList<string> Headers { get; } = [.. Columns.Select(c => c.Header)];

    public static void WriteCsv(TextWriter writer, IEnumerable<FeedbackRecord> records)
    {
        writer.Write(CsvText.Row(Headers));
        writer.Write("\r\n");
        foreach (var record in records)
        {
            writer.Write(CsvText.Row(Columns.Select(c => c.Value(record))));
            writer.Write("\r\n");
        }
    }

    public static void WriteJson(TextWriter writer, IReadOnlyList<FeedbackRecord> records)
    {
        if (records.Count == 0)
        {
            writer.Write("[]\n");
            return;
        }

        writer.Write("[\n");
        for (var i = 0; i < records.Count; i++)
        {
            writer.Write("  ");
            writer.Write(FeedbackJson.Serialize(records[i]));
            writer.Write(i < records.Count - 1 ? ",\n" : "\n");
        }

        writer.Write("]\n");
    }

    private static string Time(DateTimeOffset moment) => ReportPeriod.Show(moment);

    // Text a host typed: a leading = + - @ would make Excel run it as a formula (CSV injection).
    private static string Text(string? value) => CsvText.Typed(value);
}

/// <summary>The Chinese words the export and the report use for the SDK's codes.</summary>
internal static class Labels
{
    public const string NoDepartment = "（未填写部门）";

    public static string Outcome(DecisionOutcome outcome) => outcome switch
    {
        DecisionOutcome.Clear => "未命中",
        DecisionOutcome.Benefit => "守信激励",
        DecisionOutcome.Review => "从严审核",
        DecisionOutcome.Restricted => "限制办理",
        DecisionOutcome.Denied => "不予办理",
        _ => outcome.ToString(),
    };

    public static string Result(ExecutionResult result) => result switch
    {
        ExecutionResult.Executed => "已执行",
        ExecutionResult.NotExecuted => "未执行",
        ExecutionResult.Overridden => "经批准不执行",
        ExecutionResult.NothingToExecute => "无需执行",
        _ => result.ToString(),
    };

    public static string MeasureKind(MeasureKind kind) => kind switch
    {
        Catalog.MeasureKind.Restriction => "惩戒",
        Catalog.MeasureKind.Supervision => "监管",
        Catalog.MeasureKind.Benefit => "激励",
        _ => kind.ToString(),
    };
}
