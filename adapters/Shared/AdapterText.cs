using System.Globalization;
using CreditCheck.Catalog;

namespace CreditCheck.Adapters;

/// <summary>
/// Chinese wording the approval, procurement, bidding and supervision adapters share for what the core's
/// <see cref="DecisionReasons"/> does not word: why a check is not a full answer (and what it found, as of when,
/// when it was answered from the last known data), a person who is on a list only through an enterprise, what earned
/// a measure (lists, a grade, good standing), and records shown that do not act here. Compiled into each adapter
/// (linked source, internal), so a clerk reads the same sentence for the same fact in every adapter.
/// </summary>
/// <remarks>
/// Clerks and the files they keep read Chinese only: the English <see cref="CreditDecision.DegradedReason"/>
/// (an exception's text, a policy name) is for developers and logs, and stays in the decision
/// (<see cref="CreditDecision.ExplanationEnglish"/>, the evidence JSON's <c>degradedReason</c>).
/// </remarks>
internal static class AdapterText
{
    private static readonly TimeSpan ChinaStandardTime = TimeSpan.FromHours(8);

    /// <summary>Whether a degraded decision comes from a check by an older code (组织机构代码, 工商注册号) that
    /// found nothing: entries listed under the 统一社会信用代码 it belongs to are not found by it.</summary>
    /// <param name="decision">The decision.</param>
    /// <param name="subject">The identifier the check was made with.</param>
    /// <returns>True when the check should be made again by the 统一社会信用代码.</returns>
    public static bool IsOlderCodeCheck(CreditDecision decision, SubjectId subject) =>
        decision.IsDegraded && decision.MatchedEntries.Count == 0
        && subject.Scheme is IdentifierScheme.OrganizationCode or IdentifierScheme.RegistrationNumber;

    /// <summary>What happened to a degraded check, in Chinese (never the English reason).</summary>
    /// <param name="decision">A degraded decision.</param>
    /// <param name="subject">The identifier the check was made with.</param>
    /// <returns>e.g. <c>名单数据暂时无法读取</c>, or for a check by 组织机构代码 <c>以组织机构代码核查，查不到以统一社会信用代码列入的记录，请以统一社会信用代码核查</c>.</returns>
    public static string Unchecked(CreditDecision decision, SubjectId subject)
    {
        if (IsOlderCodeCheck(decision, subject))
        {
            return $"以{SchemeName(subject.Scheme)}核查，查不到以统一社会信用代码列入的记录，请以统一社会信用代码核查";
        }

        return decision.Path == DecisionPath.LastKnown
            ? $"名单数据未能更新，按最近一次同步的数据{SyncedAt(decision)}核查"
            : IsNotCovered(decision) ? $"本系统未载入{ListNames(decision)}，无法确认是否名列其中"
            : "名单数据暂时无法读取";
    }

    /// <summary>How a degraded check fell short, after <c>信用记录</c>: not made on current data, or (under
    /// <see cref="ListsNotHeldPolicy.Review"/>) made on current data that lacks lists acting here.</summary>
    /// <param name="decision">A degraded decision.</param>
    /// <returns><c>未能按最新数据查询</c> or <c>未能全部核查</c>.</returns>
    public static string NotChecked(CreditDecision decision) => IsNotCovered(decision) ? "未能全部核查" : "未能按最新数据查询";

    /// <summary>Whether a decision was degraded only because lists acting in its scenario are not held
    /// (<see cref="ListsNotHeldPolicy.Review"/>): the store answered from current data, it just lacks those lists.</summary>
    private static bool IsNotCovered(CreditDecision decision) =>
        decision.IsDegraded && decision.ListsNotHeld.Count > 0 && decision.Path is not (DecisionPath.Policy or DecisionPath.LastKnown);

    private static string ListNames(CreditDecision decision) => string.Concat(decision.ListsNotHeld.Select(l => $"“{l.Name}”"));

    /// <summary>That nothing of a kind was found, said as it is known: from current data, from the last known data
    /// (as of when), or not at all when the check could not be made (a policy answered). Never a flat "未发现" for a
    /// degraded answer (found by review).</summary>
    /// <param name="decision">The decision; for several subjects, the one least known (<see cref="LeastKnown"/>).</param>
    /// <param name="what">What was not found, e.g. <c>限制投标的信用记录</c>.</param>
    /// <param name="each">Whether the sentence speaks of several subjects (<c>均未发现</c>).</param>
    /// <returns>e.g. <c>未发现限制投标的信用记录</c>, <c>按最近一次同步的数据（截至2026-12-07 09:30）未发现限制投标的信用记录</c>
    /// or <c>信用记录未能查询，未能确认有无限制投标的信用记录</c>.</returns>
    public static string NotFound(CreditDecision decision, string what, bool each = false)
    {
        var found = each ? "均未发现" : "未发现";
        if (decision.Path == DecisionPath.LastKnown)
        {
            return $"按最近一次同步的数据{SyncedAt(decision)}{found}{what}";
        }

        return IsNotCovered(decision) ? $"本系统未载入{ListNames(decision)}，未能确认有无{what}"
            : decision.IsDegraded ? $"信用记录未能查询，未能确认有无{what}"
            : found + what + DecisionReasons.NotCovered(decision);
    }

    /// <summary>Of several decisions, the one made with the least current data: a check that could not be made,
    /// else one from the last known data, else one on current data lacking lists, else the first.</summary>
    /// <param name="decisions">The decisions; not empty.</param>
    /// <returns>The decision a sentence about all of them should be worded by.</returns>
    public static CreditDecision LeastKnown(IEnumerable<CreditDecision> decisions)
    {
        var all = decisions.ToList();
        return all.FirstOrDefault(d => d.IsDegraded && d.Path == DecisionPath.Policy)
            ?? all.FirstOrDefault(d => d.Path == DecisionPath.LastKnown)
            ?? all.FirstOrDefault(d => d.IsDegraded) // on current data lacking lists (ListsNotHeldPolicy.Review)
            ?? all[0];
    }

    /// <summary>When the data of a last-known answer was last confirmed current, China Standard Time, e.g.
    /// <c>（截至2026-12-07 09:30）</c>; empty when the store did not say.</summary>
    /// <param name="decision">The decision.</param>
    /// <returns>The time in full-width brackets, or empty.</returns>
    public static string SyncedAt(CreditDecision decision) => decision.DataAge > TimeSpan.Zero
        ? string.Create(CultureInfo.InvariantCulture, $"（截至{(decision.EvaluatedAt - decision.DataAge).ToOffset(ChinaStandardTime):yyyy-MM-dd HH:mm}）")
        : string.Empty;

    /// <summary>The lists a measure's (or a decision's) entries put the subject on, telling a person listed in
    /// their own right from one only linked through a listed enterprise (<see cref="MatchedEntry.IsRelatedPerson"/>).</summary>
    /// <param name="entries">The entries, e.g. <see cref="AppliedMeasure.TriggeredBy"/>; not empty.</param>
    /// <param name="detail">Whether to name the enterprise of a person co-listed with it (a person only linked
    /// through an enterprise is always named as such).</param>
    /// <returns>e.g. <c>列入失信被执行人名单</c>, <c>列入拖欠农民工工资失信联合惩戒对象名单（系“某公司”的法定代表人，与企业一并列入）</c>,
    /// or <c>为列入失信被执行人名单的“某公司”的法定代表人（本人未列入）</c>.</returns>
    public static string Lists(IReadOnlyCollection<MatchedEntry> entries, bool detail = true)
    {
        var own = entries.Where(e => !e.IsRelatedPerson).ToList();
        var parts = new List<string>();
        if (own.Count > 0)
        {
            var text = "列入" + DecisionReasons.ListNames(own);
            var coListed = own.Select(e => e.Entry.RelatedTo).FirstOrDefault(r => r is not null);
            parts.Add(coListed is null || !detail ? text : $"{text}（系“{coListed.EnterpriseName}”的{DecisionReasons.RoleName(coListed.Role)}，与企业一并列入）");
        }

        foreach (var group in entries.Where(e => e.IsRelatedPerson).GroupBy(e => (e.Entry.RelatedTo!.EnterpriseName, e.Entry.RelatedTo.Role)))
        {
            parts.Add($"为列入{DecisionReasons.ListNames(group)}的“{group.Key.EnterpriseName}”的{DecisionReasons.RoleName(group.Key.Role)}");
        }

        var lists = string.Join("，", parts);
        return own.Count == 0 ? lists + "（本人未列入）" : lists;
    }

    /// <summary>What earned or triggered a measure, in Chinese, for a sentence <c>{subject}{grounds}：{measure}</c>: the
    /// lists of its entries (<see cref="Lists"/>), the grade that earned it (<see cref="Grade"/>), or for a measure every
    /// subject in good standing gets, that there is no 失信 record (<see cref="NoAdverseRecord"/>). One rule for the
    /// approval, procurement and bidding adapters (found by review: a benefit earned by 纳税信用 A级 read "无失信记录").</summary>
    /// <param name="decision">The decision the measure belongs to.</param>
    /// <param name="measure">An applied measure of it.</param>
    /// <param name="detail">As for <see cref="Lists"/>.</param>
    /// <returns>e.g. <c>列入纳税信用A级纳税人</c>, <c>纳税信用评价A级</c>, <c>无失信记录</c> or
    /// <c>所列名单记录在本事项不适用联合奖惩措施</c>.</returns>
    public static string Grounds(CreditDecision decision, AppliedMeasure measure, bool detail = true) =>
        measure.TriggeredBy.Count > 0 ? Lists(measure.TriggeredBy, detail)
        : measure.Rating is { } rating ? Grade(rating)
        : NoAdverseRecord(decision);

    /// <summary>A rating result as the documents name it, e.g. <c>纳税信用评价A级</c>.</summary>
    /// <param name="rating">The rating result.</param>
    /// <returns>The rating's name followed by the level's.</returns>
    public static string Grade(RatingResult rating) => rating.Rating.Name + rating.Level.Name;

    /// <summary>That the subject has no 失信 record acting here, said without contradicting what the clerk sees: beside
    /// a record shown (an entry expired, repaired, not yet in force, outside its sector, or an enterprise's the person
    /// is only linked to) the records are said not to apply in this matter, as the core's explanation says, never
    /// "无失信记录" (found by review); from the last known data, as of when.</summary>
    /// <param name="decision">The decision.</param>
    /// <returns><c>无失信记录</c>, <c>所列名单记录在本事项不适用联合奖惩措施</c> or <c>按最近一次同步的数据（截至…）未发现失信记录</c>.</returns>
    public static string NoAdverseRecord(CreditDecision decision) =>
        ShowsRecord(decision) ? NotApplicable(decision)
        : decision.IsDegraded ? NotFound(decision, "失信记录")
        : decision.ListsNotHeld.Count > 0 ? "已载入的名单中无失信记录" + DecisionReasons.NotCovered(decision)
        : "无失信记录";

    /// <summary>That nothing of a kind acts on any of the decisions: <see cref="NotFound"/> when no record is shown,
    /// else that the records shown do not apply in this matter (found by review: "未发现限制投标的信用记录" beside an
    /// expired 失信被执行人 entry).</summary>
    /// <param name="decisions">The decisions (one subject's, or a consortium's members'); not empty.</param>
    /// <param name="what">What was not found, e.g. <c>限制投标的信用记录</c>.</param>
    /// <param name="each">Whether the sentence speaks of several subjects.</param>
    /// <returns>e.g. <c>未发现限制投标的信用记录</c> or <c>所列名单记录在本事项不适用联合奖惩措施</c>.</returns>
    public static string NoneActs(IReadOnlyCollection<CreditDecision> decisions, string what, bool each = false)
    {
        var least = LeastKnown(decisions);
        return decisions.Any(ShowsRecord) ? NotApplicable(least) : NotFound(least, what, each);
    }

    /// <summary><see cref="NoneActs"/> for a consortium's members: <c>联合体各成员均未发现…</c> when none shows a record, else
    /// <c>联合体成员所列名单记录在本事项不适用…</c> (found from outside: "各成员所列名单记录" read as every member having one).</summary>
    /// <param name="decisions">The members' decisions; not empty.</param>
    /// <param name="what">What was not found, e.g. <c>限制投标的信用记录</c>.</param>
    /// <returns>The sentence.</returns>
    public static string ConsortiumNoneActs(IReadOnlyCollection<CreditDecision> decisions, string what) =>
        (decisions.Any(ShowsRecord) ? "联合体成员" : "联合体各成员") + NoneActs(decisions, what, each: true);

    /// <summary>Whether a decision shows a record other than a red list entry (a red list entry is no record against
    /// the subject), or entries it could not read.</summary>
    /// <param name="decision">The decision.</param>
    /// <returns>True when the clerk sees such a record beside the decision.</returns>
    public static bool ShowsRecord(CreditDecision decision) =>
        decision.UnreadableEntries.Count > 0 || decision.MatchedEntries.Any(e => e.List?.Category != ListCategory.Reward);

    /// <summary>Warnings for a decision's records that are not in force yet (e.g. a 政府采购 ban announced ahead of its
    /// start): they do not act now, but will, so the clerk checks again before the step they would bar.</summary>
    /// <param name="decision">The decision.</param>
    /// <param name="subject">How the subject is named, e.g. a supplier's name.</param>
    /// <param name="consequence">What follows, e.g. <c>现不限制参与，确定中标/成交前须重新核查</c>.</param>
    /// <returns>e.g. <c>某公司列入政府采购严重违法失信行为记录名单，该记录自2027年1月1日起生效，现不限制参与，确定中标/成交前须重新核查</c>.</returns>
    public static IEnumerable<string> NotYetInForce(CreditDecision decision, string subject, string consequence)
    {
        foreach (var entry in decision.MatchedEntries.Where(e => e.State == EntryState.NotYetValid && e.List?.Category != ListCategory.Reward))
        {
            var from = entry.Entry.ValidFrom is { } start
                ? $"自{start.ToOffset(ChinaStandardTime).ToString("yyyy年M月d日", CultureInfo.InvariantCulture)}起生效"
                : "尚未生效";
            yield return $"{subject}{Lists([entry])}，该记录{from}，{consequence}";
        }
    }

    /// <summary>The note for a decision with an entry under objection (异议, DOMAIN §4), one sentence for every adapter
    /// (found from outside: approval said nothing of it): its measures still apply unless the catalog suspends them
    /// during the objection, and the designating body's finding decides.</summary>
    /// <param name="decision">The decision.</param>
    /// <param name="subject">How the subject is named, e.g. a supplier's name or <c>申请单位</c>.</param>
    /// <returns>e.g. <c>某公司的名单记录异议处理中，措施照常适用，以认定部门核查结论为准</c>, or null without an objection.</returns>
    public static string? Objection(CreditDecision decision, string subject) =>
        !decision.HasObjection ? null
        : decision.MatchedEntries.Any(e => e.State == EntryState.UnderObjection) ? $"{subject}的名单记录异议处理中，措施照常适用，以认定部门核查结论为准"
        : $"{subject}的名单记录异议核查中，措施暂停适用，以认定部门核查结论为准";

    // Said as the core's explanation says it (DecisionText): the records shown do not apply here.
    private static string NotApplicable(CreditDecision decision) =>
        (decision.Path == DecisionPath.LastKnown ? $"按最近一次同步的数据{SyncedAt(decision)}，" : string.Empty) + "所列名单记录在本事项不适用联合奖惩措施";

    private static string SchemeName(IdentifierScheme scheme) => scheme == IdentifierScheme.RegistrationNumber ? "工商注册号" : "组织机构代码";
}
