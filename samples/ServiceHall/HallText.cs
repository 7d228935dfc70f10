using System.Globalization;
using CreditCheck;
using CreditCheck.Adapters.Approval;

namespace ServiceHall;

/// <summary>The page's Chinese wording for the SDK's enums.</summary>
public static class HallText
{
    private static readonly TimeSpan ChinaStandardTime = TimeSpan.FromHours(8);

    /// <summary>The route's badge: its text and its style class.</summary>
    public static (string Text, string Css) Badge(ApprovalRoute route) => route switch
    {
        ApprovalRoute.GreenChannel => ("绿色通道 · 优先办理", "green"),
        ApprovalRoute.TolerantAcceptance => ("容缺受理", "teal"),
        ApprovalRoute.Commitment => ("告知承诺", "blue"),
        ApprovalRoute.StrictReview => ("从严审核", "amber"),
        ApprovalRoute.Refused => ("不予受理", "red"),
        _ => ("一般程序", "grey"),
    };

    public static string Party(ApplicationParty party) => party switch
    {
        ApplicationParty.Enterprise => "申请单位",
        ApplicationParty.Person => "申请人",
        _ => "法定代表人",
    };

    public static string Outcome(DecisionOutcome outcome) => outcome switch
    {
        DecisionOutcome.Clear => "未发现影响办理的记录",
        DecisionOutcome.Benefit => "守信激励",
        DecisionOutcome.Review => "重点关注，从严审核",
        DecisionOutcome.Restricted => "失信限制",
        _ => "禁止（依法不予办理）",
    };

    public static string State(EntryState state) => state switch
    {
        EntryState.InForce => "有效",
        EntryState.UnderObjection => "有效（异议处理中）",
        EntryState.SuspendedByObjection => "异议核查中，措施暂停",
        EntryState.NotYetValid => "尚未生效",
        EntryState.Expired => "已过期",
        EntryState.Repaired => "已信用修复",
        EntryState.Revoked => "已撤销",
        EntryState.OutsideSector => "有效（仅在本行业领域适用，本事项不适用）",
        _ => "名单不在当前目录",
    };

    public static string Result(ExecutionResult result) => result switch
    {
        ExecutionResult.Executed => "已执行",
        ExecutionResult.NotExecuted => "未执行",
        ExecutionResult.Overridden => "经批准变更",
        _ => "无需执行措施",
    };

    /// <summary>Said beside a conclusion reached while the list data could not be read: what the clerk
    /// should do, not why (the reason is in the decision and the log).</summary>
    public const string Degraded = "（名单数据暂时无法读取，此结论按保守规则给出，请人工核实）";

    /// <summary>The subject as the page shows it: an enterprise's code in full (public information), a
    /// person's identity number masked.</summary>
    public static string Code(ApprovalApplication application, ApplicationParty party) => party switch
    {
        ApplicationParty.Enterprise => application.Enterprise?.Value ?? string.Empty,
        ApplicationParty.Person => application.Person?.Masked ?? string.Empty,
        _ => application.LegalRepresentative?.Masked ?? string.Empty,
    };

    public static string Date(DateOnly date) => date.ToString("yyyy年M月d日", CultureInfo.InvariantCulture);

    public static string Time(DateTimeOffset instant) => instant.ToOffset(ChinaStandardTime).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
