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

    /// <summary>The 核查结论 of one check. 守信激励 only when a red list (or a rating) earned the benefit: 告知承诺 and
    /// 容缺受理 for everyone without a 失信 record are facilitation, not a reward (DOMAIN §7). Never "nothing found"
    /// beside a record shown: a record that acts elsewhere (a sector list outside its sector, a 法定代表人 of a listed
    /// enterprise where no measure reaches him) is said not to apply here, as the core's explanation says; nor "无失信记录"
    /// for an answer from the last known data (<see cref="DecisionPath.LastKnown"/>): it says as of when.</summary>
    public static string Conclusion(CreditDecision decision)
    {
        var shown = decision.MatchedEntries.Count > 0;

        // A clean answer from the last known data says what is known, as of when (found by review: it said "无失信记录").
        var lastKnown = decision.Path == DecisionPath.LastKnown;
        var relatedOnly = decision.IsAdverseOnlyThroughLink;
        return decision.Outcome switch
        {
            DecisionOutcome.Clear when relatedOnly => "本人未列入名单（系列入名单企业的相关人员，见名单记录），本事项不适用联合奖惩措施",
            DecisionOutcome.Clear when shown => "本事项不适用联合奖惩措施",
            DecisionOutcome.Clear when lastKnown => $"按最近一次同步的数据{SyncedAt(decision)}未发现影响办理的记录",
            DecisionOutcome.Clear when decision.IsDegraded => "核查未能完成，按正常程序办理",
            DecisionOutcome.Clear => "未发现影响办理的记录" + DecisionReasons.NotCovered(decision),
            DecisionOutcome.Benefit when decision.IsBenefitEarned => "守信激励",
            DecisionOutcome.Benefit when shown => "本事项不适用联合奖惩措施，可适用便利措施",
            DecisionOutcome.Benefit when lastKnown || decision.IsDegraded => $"按最近一次同步的数据{SyncedAt(decision)}未发现失信记录，可适用便利措施",
            DecisionOutcome.Benefit when decision.ListsNotHeld.Count > 0 => "已载入的名单中无失信记录，可适用便利措施" + DecisionReasons.NotCovered(decision),
            DecisionOutcome.Benefit => "无失信记录，可适用便利措施",
            DecisionOutcome.Review when decision.IsDegraded => "从严审核",
            DecisionOutcome.Review => "需审慎核查，从严审核",
            DecisionOutcome.Restricted => "失信限制",
            _ => "禁止（依法不予办理）",
        };
    }

    /// <summary>When the data of a last-known answer was last confirmed current, e.g. <c>（截至2026-12-07 09:30）</c>;
    /// empty when the store did not say.</summary>
    private static string SyncedAt(CreditDecision decision) => decision.DataAge > TimeSpan.Zero
        ? $"（截至{(decision.EvaluatedAt - decision.DataAge).ToOffset(ChinaStandardTime).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)}）"
        : string.Empty;

    /// <summary>How a person named on an entry because of an enterprise stands: only linked through it, or
    /// listed with it in their own right; empty for an entry on the subject itself.</summary>
    public static string Related(MatchedEntry entry) => entry.Entry.RelatedTo is not { } related
        ? string.Empty
        : entry.IsRelatedPerson
            ? $"；系“{related.EnterpriseName}”的{DecisionReasons.RoleName(related.Role)}，因企业列入而关联，本人未列入"
            : $"；系“{related.EnterpriseName}”的{DecisionReasons.RoleName(related.Role)}，与企业一并列入";

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

    /// <summary>Said beside a conclusion reached without a full answer: what happened and what the clerk should
    /// do, in Chinese (the English reason is in the decision and the log, event 9001).</summary>
    public static string Degraded(CreditDecision decision, SubjectId? subject)
    {
        if (!decision.IsDegraded)
        {
            return string.Empty;
        }

        if (decision.MatchedEntries.Count == 0 && subject is { Scheme: IdentifierScheme.OrganizationCode or IdentifierScheme.RegistrationNumber } older)
        {
            var scheme = older.Scheme == IdentifierScheme.OrganizationCode ? "组织机构代码" : "工商注册号";
            return $"（以{scheme}核查，查不到以统一社会信用代码列入的记录，请以统一社会信用代码核查）";
        }

        return decision.Path == DecisionPath.LastKnown
            ? "（名单数据未能更新，此结论按最近一次取得的数据给出，请人工核实）"
            : "（名单数据暂时无法读取，此结论按保守规则给出，请人工核实）";
    }

    /// <summary>The identifier a party was checked with.</summary>
    public static SubjectId? Subject(ApprovalApplication application, ApplicationParty party) => party switch
    {
        ApplicationParty.Enterprise => application.Enterprise,
        ApplicationParty.Person => application.Person,
        _ => application.LegalRepresentative,
    };

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
