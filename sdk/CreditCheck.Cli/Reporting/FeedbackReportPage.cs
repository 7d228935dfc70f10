using System.Globalization;
using System.Net;
using System.Text;
using CreditCheck.Catalog;

namespace CreditCheck.Cli.Reporting;

/// <summary>What the report's heading says.</summary>
/// <param name="Title">The page title.</param>
/// <param name="Period">The period counted.</param>
/// <param name="Department">The one department reported on, or null for all.</param>
/// <param name="Source">Where the feedback was read.</param>
/// <param name="GeneratedAt">When the page was made.</param>
internal sealed record ReportHeading(string Title, ReportPeriod Period, string? Department, string Source, DateTimeOffset GeneratedAt);

/// <summary>
/// Renders <see cref="FeedbackStatistics"/> as one self-contained HTML page — inline CSS and inline SVG
/// charts, no script and nothing fetched — the periodic report a department sends upward (执行情况报告).
/// Lists and scenarios are named from the catalog given; a code it lacks is shown as it is.
/// </summary>
internal static class FeedbackReportPage
{
    private const int ChartRows = 15;

    private static readonly SvgBarChart.Series ChecksSeries = new("核查次数", "#4e79a7");
    private static readonly SvgBarChart.Series HitsSeries = new("命中次数", "#f28e2b");
    private static readonly SvgBarChart.Series PunishmentSeries = new("惩戒措施执行", "#e15759");
    private static readonly SvgBarChart.Series RewardSeries = new("激励措施执行", "#59a14f");
    private static readonly SvgBarChart.Series ExecutedSeries = new("已执行", "#4e79a7");
    private static readonly SvgBarChart.Series NotExecutedSeries = new("未执行", "#bab0ac");
    private static readonly SvgBarChart.Series OverriddenSeries = new("经批准不执行", "#edc948");

    private const string Style = """
        :root { color-scheme: light; }
        * { box-sizing: border-box; }
        body { margin: 0; background: #f4f6f9; color: #1f2d3d; font: 14px/1.6 "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif; }
        main { max-width: 1000px; margin: 0 auto; padding: 32px 40px 48px; background: #fff; min-height: 100vh; }
        header { border-bottom: 3px solid #b71c1c; padding-bottom: 14px; margin-bottom: 24px; }
        h1 { margin: 0 0 8px; font-size: 26px; color: #b71c1c; letter-spacing: 1px; }
        h2 { margin: 32px 0 12px; font-size: 19px; border-left: 5px solid #b71c1c; padding-left: 10px; }
        h3 { margin: 18px 0 8px; font-size: 15px; color: #44546a; }
        .meta { margin: 2px 0; color: #5a6b7f; font-size: 13px; }
        .cards { display: grid; grid-template-columns: repeat(3, 1fr); gap: 12px; margin: 8px 0 4px; }
        .card { border: 1px solid #e1e6ee; border-radius: 6px; padding: 12px 16px; background: #fafbfd; }
        .card .name { color: #5a6b7f; font-size: 13px; }
        .card .number { font-size: 28px; font-weight: 600; font-variant-numeric: tabular-nums; }
        .card .note { color: #7b8a9c; font-size: 12px; }
        .card.checks .number { color: #4e79a7; } .card.hits .number { color: #f28e2b; }
        .card.punish .number { color: #e15759; } .card.reward .number { color: #59a14f; }
        .card.not .number { color: #7f7f7f; } .card.over .number { color: #b08b00; }
        table { width: 100%; border-collapse: collapse; margin: 8px 0 4px; font-size: 13px; }
        th, td { border: 1px solid #dde3eb; padding: 6px 8px; text-align: left; vertical-align: top; }
        th { background: #eef2f7; font-weight: 600; white-space: nowrap; }
        td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        tr.total td { font-weight: 600; background: #fbf7f2; }
        code { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 12px; color: #44546a; }
        .empty { color: #7b8a9c; padding: 8px 0; }
        .chart { display: block; max-width: 100%; height: auto; margin: 4px 0 8px; }
        .chart text { font-size: 12px; fill: #1f2d3d; }
        .chart .label { text-anchor: end; font-size: 13px; }
        .chart .tick { text-anchor: middle; fill: #7b8a9c; font-size: 11px; }
        .chart .value { fill: #44546a; font-size: 11px; }
        .chart .grid { stroke: #e6eaf0; stroke-width: 1; }
        .chart .axis { stroke: #9aa7b6; stroke-width: 1; }
        table.reasons th:first-child { width: 45%; }
        table.reasons .n { width: 6em; }
        .hint { color: #7b8a9c; font-size: 12px; }
        footer p { font-weight: 600; margin: 0 0 4px; }
        footer { margin-top: 36px; padding-top: 12px; border-top: 1px solid #dde3eb; color: #5a6b7f; font-size: 12px; }
        footer li { margin: 2px 0; }
        @media print { body { background: #fff; } main { padding: 0; max-width: none; } h2 { break-after: avoid; } table, svg { break-inside: avoid; } }
        """;

    public static string Render(FeedbackStatistics statistics, ReportHeading heading, CreditCatalog catalog, IReadOnlyList<DepartmentRow>? ranking = null)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        ArgumentNullException.ThrowIfNull(heading);
        ArgumentNullException.ThrowIfNull(catalog);
        var scenarioNames = catalog.Scenarios.GroupBy(s => s.Code, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Name, StringComparer.Ordinal);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>").Append(Encode(heading.Title)).Append("</title>\n<style>\n").Append(Style).Append("</style>\n</head>\n<body>\n<main>\n");

        Heading(html, heading, statistics.Totals);
        Cards(html, statistics.Totals);

        html.Append("<h2>一、总体情况</h2>\n");
        TallyTable(html, "统计范围", [new FeedbackGroup(heading.Department ?? "全部执行部门", null, statistics.Totals)], withName: false, total: null);

        html.Append("<h2>二、分部门统计</h2>\n");
        Breakdown(html, "分部门统计", statistics.ByDepartment, statistics.Totals, "执行部门", null,
            [ChecksSeries, HitsSeries, PunishmentSeries, RewardSeries], t => [t.Checks, t.Hits, t.PunishmentsExecuted, t.RewardsExecuted]);

        if (ranking is { Count: > 0 })
        {
            html.Append("<h3>部门考核排名</h3>\n");
            Ranking(html, ranking);
        }

        html.Append("<h2>三、分应用场景统计</h2>\n");
        Breakdown(html, "分应用场景统计", statistics.ByScenario, statistics.Totals, "场景编码", code => scenarioNames.GetValueOrDefault(code),
            [ChecksSeries, HitsSeries], t => [t.Checks, t.Hits]);

        html.Append("<h2>四、分名单统计</h2>\n");
        Breakdown(html, "分名单统计", statistics.ByList, null, "名单编码", code => catalog.FindList(code)?.Name,
            [HitsSeries, PunishmentSeries, RewardSeries], t => [t.Hits, t.PunishmentsExecuted, t.RewardsExecuted]);
        html.Append("<p class=\"hint\">一条措施反馈计入触发它的每一个名单，各名单合计可能大于总数。</p>\n");

        html.Append("<h2>五、分措施统计</h2>\n");
        Breakdown(html, "分措施统计", statistics.ByMeasure, null, "措施编码", null,
            [ExecutedSeries, NotExecutedSeries, OverriddenSeries], t => [t.PunishmentsExecuted + t.RewardsExecuted, t.NotExecuted, t.Overridden], stacked: true);

        html.Append("<h2>六、未执行原因</h2>\n");
        Reasons(html, statistics.NotExecutedReasons, "未执行原因", "本期没有未执行的措施。");

        html.Append("<h2>七、经批准不执行情况</h2>\n<h3>按决定人</h3>\n");
        Reasons(html, statistics.OverriddenBy, "决定人", "本期没有经批准不执行的措施。");
        html.Append("<h3>按理由</h3>\n");
        Reasons(html, statistics.OverrideReasons, "理由", "本期没有经批准不执行的措施。");

        Footer(html);
        html.Append("</main>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static void Heading(StringBuilder html, ReportHeading heading, FeedbackTally totals)
    {
        html.Append("<header>\n<h1>").Append(Encode(heading.Title)).Append("</h1>\n")
            .Append("<p class=\"meta\">统计区间：").Append(Encode(heading.Period.Describe())).Append("，按措施执行时间</p>\n")
            .Append("<p class=\"meta\">执行部门：").Append(Encode(heading.Department ?? "全部")).Append("　数据来源：").Append(Encode(heading.Source))
            .Append("　反馈记录：").Append(Number(totals.Records)).Append(" 条</p>\n")
            .Append("<p class=\"meta\">生成时间：").Append(Encode(ReportPeriod.Show(heading.GeneratedAt))).Append("（北京时间）</p>\n</header>\n");
    }

    private static void Cards(StringBuilder html, FeedbackTally totals)
    {
        html.Append("<section class=\"cards\">\n");
        Card(html, "checks", "核查次数", totals.Checks, "有反馈的核查");
        Card(html, "hits", "命中次数", totals.Hits, "命中率 " + Rate(totals.Hits, totals.Checks));
        Card(html, "punish", "惩戒措施执行", totals.PunishmentsExecuted, "惩戒类、监管类措施已执行");
        Card(html, "reward", "激励措施执行", totals.RewardsExecuted, "激励类措施已执行");
        Card(html, "not", "未执行", totals.NotExecuted, "均须说明原因，见第六部分");
        Card(html, "over", "经批准不执行", totals.Overridden, "见第七部分");
        html.Append("</section>\n");
    }

    private static void Card(StringBuilder html, string kind, string name, int value, string note) =>
        html.Append(CultureInfo.InvariantCulture, $"<div class=\"card {kind}\"><div class=\"name\">{name}</div><div class=\"number\">{Number(value)}</div><div class=\"note\">{Encode(note)}</div></div>\n");

    private static void Breakdown(
        StringBuilder html,
        string title,
        IReadOnlyList<FeedbackGroup> groups,
        FeedbackTally? total,
        string keyHeader,
        Func<string, string?>? names,
        IReadOnlyList<SvgBarChart.Series> series,
        Func<FeedbackTally, int[]> values,
        bool stacked = false)
    {
        if (groups.Count == 0)
        {
            html.Append("<p class=\"empty\">本期无数据。</p>\n");
            return;
        }

        var named = groups.Select(g => g with { Name = g.Name ?? names?.Invoke(g.Key) }).ToList();
        var rows = named.Take(ChartRows).Select(g => new SvgBarChart.Row(g.Name ?? g.Key, values(g.Tally))).ToList();
        html.Append(SvgBarChart.Render(title, series, rows, stacked)).Append('\n');
        if (groups.Count > ChartRows)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"hint\">图中显示核查次数最多的 {ChartRows} 项，下表列出全部 {groups.Count} 项。</p>\n");
        }

        TallyTable(html, keyHeader, named, withName: names is not null || named.Any(g => g.Name is not null), total);
    }

    private static void TallyTable(StringBuilder html, string keyHeader, IReadOnlyList<FeedbackGroup> groups, bool withName, FeedbackTally? total)
    {
        html.Append("<table>\n<thead><tr><th>").Append(Encode(keyHeader)).Append("</th>");
        if (withName)
        {
            html.Append("<th>名称</th>");
        }

        html.Append("<th class=\"n\">核查次数</th><th class=\"n\">命中次数</th><th class=\"n\">命中率</th><th class=\"n\">惩戒措施执行</th>")
            .Append("<th class=\"n\">激励措施执行</th><th class=\"n\">未执行</th><th class=\"n\">经批准不执行</th><th class=\"n\">反馈记录</th></tr></thead>\n<tbody>\n");
        foreach (var group in groups)
        {
            html.Append("<tr><td>").Append(withName ? "<code>" + Encode(group.Key) + "</code>" : Encode(group.Key)).Append("</td>");
            if (withName)
            {
                html.Append("<td>").Append(Encode(group.Name ?? "")).Append("</td>");
            }

            Counts(html, group.Tally);
            html.Append("</tr>\n");
        }

        if (total is not null)
        {
            html.Append("<tr class=\"total\"><td").Append(withName ? " colspan=\"2\"" : "").Append(">合计</td>");
            Counts(html, total);
            html.Append("</tr>\n");
        }

        html.Append("</tbody>\n</table>\n");
    }

    private static void Ranking(StringBuilder html, IReadOnlyList<DepartmentRow> rows)
    {
        html.Append("<table class=\"ranking\">\n<thead><tr><th class=\"n\">排名</th><th>部门</th><th class=\"n\">核查数</th><th class=\"n\">反馈数</th><th class=\"n\">反馈率</th>")
            .Append("<th class=\"n\">命中数</th><th class=\"n\">闭环率</th><th class=\"n\">作出承诺</th><th class=\"n\">已履约</th><th class=\"n\">未履约</th><th class=\"n\">逾期</th></tr></thead>\n<tbody>\n");
        foreach (var r in rows)
        {
            html.Append("<tr><td class=\"n\">").Append(r.Rank.ToString(CultureInfo.InvariantCulture)).Append("</td><td>").Append(Encode(r.Department)).Append("</td>");
            foreach (var cell in new[]
            {
                Number(r.Checks), Number(r.Reported), Percent(r.FeedbackRate), Number(r.Hits), Percent(r.ClosedLoopRate),
                Number(r.Commitments.Made), Number(r.Commitments.Kept), Number(r.Commitments.Broken), Number(r.Commitments.Overdue),
            })
            {
                html.Append("<td class=\"n\">").Append(cell).Append("</td>");
            }

            html.Append("</tr>\n");
        }

        html.Append("</tbody>\n</table>\n<p class=\"hint\">核查数、命中数为各接入系统计数的全部核查（含未反馈的）；反馈率 = 反馈数 ÷ 核查数；闭环率 = 命中后措施均已反馈执行、或说明理由未执行/经批准不执行的核查 ÷ 命中数。")
            .Append("排名依次按反馈率、闭环率（无命中视为已闭环）、核查数从高到低，三项相同者并列。</p>\n");
    }

    private static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Percent(double? rate) => rate is { } r ? (100 * r).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "—";

    private static void Counts(StringBuilder html, FeedbackTally t)
    {
        foreach (var cell in new[] { Number(t.Checks), Number(t.Hits), Rate(t.Hits, t.Checks), Number(t.PunishmentsExecuted), Number(t.RewardsExecuted), Number(t.NotExecuted), Number(t.Overridden), Number(t.Records) })
        {
            html.Append("<td class=\"n\">").Append(cell).Append("</td>");
        }
    }

    private static void Reasons(StringBuilder html, IReadOnlyList<ReasonCount> reasons, string header, string empty)
    {
        if (reasons.Count == 0)
        {
            html.Append("<p class=\"empty\">").Append(Encode(empty)).Append("</p>\n");
            return;
        }

        html.Append("<table class=\"reasons\">\n<thead><tr><th>").Append(Encode(header)).Append("</th><th class=\"n\">次数</th><th>涉及措施</th></tr></thead>\n<tbody>\n");
        foreach (var reason in reasons)
        {
            html.Append("<tr><td>").Append(Encode(reason.Reason)).Append("</td><td class=\"n\">").Append(Number(reason.Count))
                .Append("</td><td>").Append(Encode(string.Join("、", reason.Measures))).Append("</td></tr>\n");
        }

        html.Append("</tbody>\n</table>\n");
    }

    private static void Footer(StringBuilder html) => html.Append("""
        <footer>
        <p>统计口径</p>
        <ul>
        <li>核查次数：统计区间内有执行反馈的核查，按核查编号去重；命中次数：其中匹配到名单条目的核查（与各接入系统的命中计数口径一致）。</li>
        <li>惩戒措施执行：惩戒类、监管类措施反馈为“已执行”的次数；激励措施执行：激励类措施反馈为“已执行”的次数。</li>
        <li>未执行：反馈为“未执行”的措施次数（须说明原因）；经批准不执行：有权限的人员决定不执行的措施次数（须说明决定人和理由）。</li>
        <li>同一反馈记录（核查编号 + 措施编码）重复送达时只计一次。</li>
        </ul>
        </footer>

        """);

    private static string Number(int value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Rate(int part, int whole) =>
        whole == 0 ? "—" : (100.0 * part / whole).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
