using System.Globalization;
using System.Text;

namespace CreditCheck;

/// <summary>Composes the plain explanations of a decision, in Chinese for the clerk and in English.</summary>
internal static class DecisionText
{
    private static readonly TimeSpan ChinaStandardTime = TimeSpan.FromHours(8);

    public static string Chinese(CreditDecision d)
    {
        var text = new StringBuilder();
        text.Append(Lead(d));

        if (d.DegradedReason is not null && d.MatchedEntries.Count == 0 && d.Request.Subject.Scheme is IdentifierScheme.OrganizationCode or IdentifierScheme.RegistrationNumber)
        {
            text.Append("【以组织机构代码或工商注册号核查，查不到以统一社会信用代码列入的记录，请以统一社会信用代码核查】");
        }
        else if (d.DegradedReason is not null && d.MatchedEntries.Count == 0 && !d.SubjectCheckCharacterConforms && d.Path == DecisionPath.Policy)
        {
            text.Append("【证件号码校验位不符合国家标准，且未查到名单记录：可能是号码录入有误，请核对号码后重新核查】");
        }
        else if (d.DegradedReason is not null && d.Path == DecisionPath.LastKnown)
        {
            text.Append("【降级决策：名单数据未能更新，按最近一次同步的数据核查，请人工核实】");
        }
        else if (NotCovered(d))
        {
            // The lead says it when no record is shown.
            text.Append(d.MatchedEntries.Count > 0 ? "【本系统未载入部分适用名单，按设定规则从严审核】" : string.Empty);
        }
        else if (d.DegradedReason is not null)
        {
            text.Append("【降级决策：信用数据不可用或非最新】");
        }

        foreach (var entry in d.MatchedEntries)
        {
            var list = entry.List?.Name ?? entry.Entry.ListCode;

            // A person only linked through a listed enterprise is not listed (found by review: "名列" said he was), worded
            // as DecisionReasons.Describe and the adapters word him.
            if (entry.IsRelatedPerson && entry.Entry.RelatedTo is { } linked)
            {
                text.Append(CultureInfo.InvariantCulture, $"为列入“{list}”的“{linked.EnterpriseName}”的{DecisionReasons.RoleName(linked.Role)}（本人未列入）");
            }
            else
            {
                text.Append(CultureInfo.InvariantCulture, $"名列“{list}”");
            }

            AppendSource(text, entry);
            text.Append(entry.State switch
            {
                EntryState.InForce => "；",
                EntryState.UnderObjection => "（异议中，措施照常适用）；",
                EntryState.SuspendedByObjection => "（异议中，措施暂停适用）；",
                EntryState.NotYetValid => "（尚未生效，不适用）；",
                EntryState.Expired => "（已过有效期，不适用）；",
                EntryState.Repaired => "（已信用修复，不适用）；",
                EntryState.Revoked => "（已撤销，不适用）；",
                EntryState.OutsideSector => "（该名单仅在本行业领域适用，本事项不适用）；",
                _ => "（名单不在当前目录中，需人工核查）；",
            });
            if (entry.Entry.RelatedTo is { } related && !entry.IsRelatedPerson)
            {
                text.Append(CultureInfo.InvariantCulture, $"系“{related.EnterpriseName}”的{DecisionReasons.RoleName(related.Role)}（与企业一并列入）；");
            }
        }

        foreach (var rating in d.Ratings)
        {
            text.Append(CultureInfo.InvariantCulture, $"{rating.Rating.Name}为{rating.Level.Name}；");
        }

        foreach (var measure in d.AppliedMeasures)
        {
            text.Append(CultureInfo.InvariantCulture, $"适用措施：{measure.Measure.Name}（依据：{measure.LegalBasis}）；");
        }

        foreach (var measure in d.VoidedMeasures)
        {
            text.Append(CultureInfo.InvariantCulture, $"不适用：{measure.Measure.Name}（{measure.VoidReason}）；");
        }

        if (d.UnreadableEntries.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"另有{d.UnreadableEntries.Count}条名单记录无法读取，需人工核查；");
        }

        if (d.ListsNotHeld.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"本次核查未覆盖{string.Concat(d.ListsNotHeld.Select(l => $"“{l.Name}”"))}（本系统未载入上述名单数据，名列其中的主体无法查出，如需请另行核查）；");
        }

        if (!d.SubjectCheckCharacterConforms)
        {
            text.Append("主体代码校验位不符合国家标准（按宽松模式接受）；");
        }

        return TrimSeparator(text, '；', '。');
    }

    public static string English(CreditDecision d)
    {
        var text = new StringBuilder();
        text.Append(d.Outcome switch
        {
            DecisionOutcome.Clear when d.ListsNotHeld.Count > 0 => "On the lists the store holds, no joint reward or punishment measure applies; proceed normally.",
            DecisionOutcome.Clear => "No joint reward or punishment measure applies; proceed normally.",
            DecisionOutcome.Benefit when !d.IsBenefitEarned && d.ListsNotHeld.Count > 0 => "No 失信 record on the lists the store holds: the measures for subjects in good standing may be granted.",
            DecisionOutcome.Benefit when !d.IsBenefitEarned => "No 失信 record: the measures for subjects in good standing may be granted.",
            DecisionOutcome.Benefit => "Good-credit subject: incentive measures may be granted.",
            DecisionOutcome.Review => "Review closely before proceeding.",
            DecisionOutcome.Restricted => "Restricted: listed subject.",
            _ => "Denied: listed subject.",
        });

        if (d.DegradedReason is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $" Degraded: {d.DegradedReason}");
        }

        foreach (var entry in d.MatchedEntries)
        {
            var state = entry.State switch
            {
                EntryState.InForce => "in force",
                EntryState.UnderObjection => "in force, under objection",
                EntryState.SuspendedByObjection => "under objection, measures suspended",
                EntryState.NotYetValid => "not yet valid",
                EntryState.Expired => "expired",
                EntryState.Repaired => "repaired",
                EntryState.Revoked => "revoked",
                EntryState.OutsideSector => "in force only in its sector, not here",
                _ => "list not in the catalog, check by hand",
            };
            text.Append(CultureInfo.InvariantCulture, $" Listed on {entry.Entry.ListCode} (entry {entry.Entry.EntryId}, {state})");
            if (entry.Entry.RelatedTo is { } related)
            {
                text.Append(CultureInfo.InvariantCulture, $" as {related.Role} of {related.EnterpriseName}{(entry.IsRelatedPerson ? ", affected through the enterprise's entry" : ", listed in their own right")}");
            }

            text.Append('.');
        }

        foreach (var rating in d.Ratings)
        {
            text.Append(CultureInfo.InvariantCulture, $" Rated {rating.Level.Code} in {rating.Rating.Code}.");
        }

        foreach (var measure in d.AppliedMeasures)
        {
            text.Append(CultureInfo.InvariantCulture, $" Applies {measure.Measure.Code} ({measure.Measure.Name}; basis: {measure.LegalBasis}).");
        }

        foreach (var measure in d.VoidedMeasures)
        {
            text.Append(CultureInfo.InvariantCulture, $" Not applied: {measure.Measure.Code} ({measure.VoidReasonEnglish}).");
        }

        if (d.UnreadableEntries.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $" {d.UnreadableEntries.Count} stored entries could not be read; check by hand.");
        }

        if (d.ListsNotHeld.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $" Not covered: the store holds no data of {string.Join(", ", d.ListsNotHeld.Select(l => l.Code))} (never imported, or not followed from the credit platform), so a subject on them is not found.");
        }

        if (!d.SubjectCheckCharacterConforms)
        {
            text.Append(" The subject's check character does not conform to the standard (accepted leniently).");
        }

        return text.ToString();
    }

    /// <summary>The conclusion the explanation opens with. Never "无失信记录" beside a record it shows (a sector list
    /// outside its sector, a person only linked through a listed enterprise) nor for an answer made without current
    /// data; never "失信主体" for a person only linked through a listed enterprise; never a measure's name for a check
    /// that could not be made (all found by review).</summary>
    private static string Lead(CreditDecision d)
    {
        var shown = d.MatchedEntries.Count > 0;
        var lastKnown = d.Path == DecisionPath.LastKnown;
        var notChecked = d.IsDegraded && !lastKnown;
        return d.Outcome switch
        {
            // A record that acts elsewhere (a 法定代表人's entry with no measure in this matter) is named below: "nothing
            // found" would contradict it (found from outside).
            DecisionOutcome.Clear when shown => "本事项不适用联合奖惩措施，按正常程序办理。",
            DecisionOutcome.Clear when lastKnown => $"按最近一次同步的数据{SyncedAt(d)}未发现适用的联合奖惩措施，按正常程序办理。",
            DecisionOutcome.Clear when notChecked => "核查未能完成，按设定的降级规则按正常程序办理。",
            DecisionOutcome.Clear when d.ListsNotHeld.Count > 0 => "在已载入的名单中未发现适用的联合奖惩措施，按正常程序办理。",
            DecisionOutcome.Clear => "未发现适用的联合奖惩措施，按正常程序办理。",
            DecisionOutcome.Benefit when d.IsBenefitEarned => lastKnown ? $"按最近一次同步的数据{SyncedAt(d)}为守信主体，可适用激励措施。" : "守信主体，可适用激励措施。",
            DecisionOutcome.Benefit when shown => "本事项不适用联合奖惩措施，可适用便利措施。",
            DecisionOutcome.Benefit when lastKnown => $"按最近一次同步的数据{SyncedAt(d)}未发现失信记录，可适用便利措施。",
            DecisionOutcome.Benefit when notChecked => "未能按最新数据核查，未发现失信记录，可适用便利措施。",
            DecisionOutcome.Benefit when d.ListsNotHeld.Count > 0 => "已载入的名单中无失信记录，可适用便利措施。",
            DecisionOutcome.Benefit => "无失信记录，可适用便利措施。",
            DecisionOutcome.Review when NotCovered(d) && !shown => "需审慎核查（本系统未载入部分适用名单，无法确认是否名列其中，按设定规则从严审核）。",
            DecisionOutcome.Review when notChecked && !shown => "需审慎核查（核查未能完成，按规定从严审核）。",
            DecisionOutcome.Review => "需审慎核查（从严审核）。",
            DecisionOutcome.Restricted when d.IsAdverseOnlyThroughLink => "本人未列入名单，所关联企业列入名单，相关措施及于本人，限制办理。",
            DecisionOutcome.Restricted => "失信主体，限制办理。",
            _ when d.IsAdverseOnlyThroughLink => "本人未列入名单，所关联企业列入名单，相关措施及于本人，依法不予办理。",
            _ => "失信主体，依法不予办理。",
        };
    }

    /// <summary>Whether the decision was degraded to Review only because lists acting here are not held
    /// (<see cref="ListsNotHeldPolicy.Review"/>), on current data.</summary>
    private static bool NotCovered(CreditDecision d) =>
        d.IsDegraded && d.ListsNotHeld.Count > 0 && d.Outcome == DecisionOutcome.Review && d.Path is not (DecisionPath.Policy or DecisionPath.LastKnown);

    /// <summary>When the data a last-known answer rests on was last confirmed current, China Standard Time: e.g.
    /// <c>（截至2026-12-07 09:30）</c>; empty when the store did not say.</summary>
    private static string SyncedAt(CreditDecision d) => d.DataAge > TimeSpan.Zero
        ? string.Create(CultureInfo.InvariantCulture, $"（截至{(d.EvaluatedAt - d.DataAge).ToOffset(ChinaStandardTime):yyyy-MM-dd HH:mm}）")
        : string.Empty;

    private static void AppendSource(StringBuilder text, MatchedEntry entry)
    {
        var parts = new[] { entry.Entry.Authority, entry.Entry.DecisionReference }.Where(p => !string.IsNullOrEmpty(p));
        var source = string.Join("，", parts);
        if (source.Length > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"（{source}）");
        }
    }

    private static string TrimSeparator(StringBuilder text, char separator, char end)
    {
        if (text.Length > 0 && text[^1] == separator)
        {
            text[^1] = end;
        }

        return text.ToString();
    }
}
