using CreditCheck.Catalog;

namespace CreditCheck.Adapters.Procurement;

/// <summary>
/// Turns the decisions on a supplier's members into its status. Pure. A member denied (拒绝参与政府采购活动,
/// 禁止参加政府采购活动) excludes the supplier — for a consortium, one listed member excludes all of it
/// (财库〔2016〕125号). Otherwise the supplier is eligible, flagged for review when a member's decision is
/// <see cref="DecisionOutcome.Review"/> or worse (重点关注, unknown or unreadable data) or degraded
/// (<see cref="CreditDecision.IsDegraded"/>, whatever its outcome: a FailOpen Clear, the last known data).
/// </summary>
internal static class ScreeningRules
{
    public static SupplierScreening Decide(Supplier supplier, int index, IReadOnlyList<MemberCheck> checks, ProcurementProject project, string scenario, string channel)
    {
        var reasons = new List<ScreeningReason>();
        var denied = checks.Where(c => c.Decision.Outcome == DecisionOutcome.Denied).ToList();
        var review = checks.Any(c => c.Decision.Outcome is DecisionOutcome.Review or DecisionOutcome.Restricted);

        // Found from outside: a degraded Clear (FailOpen, the last known data, an older code) was eligible with no review
        // and its record said "可参与" under 说明. A check not made on current data needs a person, whatever its outcome.
        var degraded = checks.Any(c => c.Decision.IsDegraded);
        foreach (var (member, decision) in denied)
        {
            foreach (var measure in decision.AppliedMeasures.Where(m => m.Measure.Effect == MeasureEffect.Deny))
            {
                var text = supplier.IsConsortium
                    ? $"联合体成员“{member.Name}”{AdapterText.Grounds(decision, measure)}：{measure.Measure.Name}，该联合体不得参与"
                    : $"{member.Name}{AdapterText.Grounds(decision, measure)}：{measure.Measure.Name}";
                reasons.Add(new ScreeningReason(member.Name, text, measure.LegalBasis, measure.Measure.Code));
            }
        }

        foreach (var (member, decision) in checks)
        {
            if (decision.IsDegraded)
            {
                // Chinese only: the English DegradedReason stays in the decision and the record's JSON.
                reasons.Add(new ScreeningReason(member.Name, AdapterText.IsOlderCodeCheck(decision, member.Subject)
                    ? $"{member.Name}{AdapterText.Unchecked(decision, member.Subject)}后再定"
                    : $"{member.Name}的信用记录{AdapterText.NotChecked(decision)}（{AdapterText.Unchecked(decision, member.Subject)}），需人工核查后再定", null));
            }

            foreach (var measure in decision.AppliedMeasures.Where(m => m.Measure.Effect is MeasureEffect.Restrict or MeasureEffect.Review or MeasureEffect.Notify))
            {
                reasons.Add(new ScreeningReason(member.Name, $"{member.Name}{AdapterText.Grounds(decision, measure)}：{measure.Measure.Name}", measure.LegalBasis, measure.Measure.Code));
            }

            if (decision.Outcome is DecisionOutcome.Review or DecisionOutcome.Restricted
                && !decision.AppliedMeasures.Any(m => m.Measure.Effect is MeasureEffect.Restrict or MeasureEffect.Review))
            {
                reasons.AddRange(RecordReasons(member, decision));
            }
        }

        // A degraded check says it only from the last known data (what that data showed), after the reason for the
        // review; a check not made at all has nothing to say.
        if (denied.Count == 0 && !review && checks.All(c => !c.Decision.IsDegraded || c.Decision.Path == DecisionPath.LastKnown))
        {
            // Never "未发现" beside a record shown (found by review: a ban not yet in force, listed "（尚未生效）").
            reasons.Insert(degraded ? reasons.Count : 0, new ScreeningReason(
                supplier.Name,
                supplier.IsConsortium
                    ? AdapterText.ConsortiumNoneActs([.. checks.Select(c => c.Decision)], "拒绝参与政府采购活动的信用记录")
                    : AdapterText.NoneActs([.. checks.Select(c => c.Decision)], "拒绝参与政府采购活动的信用记录"),
                checks[0].Decision.ResolvedScenario.LegalBasis));
        }

        // A record not yet in force bars nothing now but will: the clerk checks again before the award.
        foreach (var (member, decision) in checks)
        {
            foreach (var warning in AdapterText.NotYetInForce(decision, member.Name, "现不限制参与，确定中标/成交前须重新核查"))
            {
                reasons.Add(new ScreeningReason(member.Name, warning, null));
            }
        }

        foreach (var (member, decision) in checks)
        {
            if (AdapterText.Objection(decision, member.Name) is { } objection)
            {
                reasons.Add(new ScreeningReason(member.Name, objection, null));
            }
        }

        // Benefits are the procurement file's to apply (e.g. 减免投标保证金): shown, not decided here; and never among the
        // reasons a supplier is refused (found by review: a member's benefit listed under "拒绝参与的理由").
        foreach (var (member, decision) in denied.Count > 0 ? [] : checks)
        {
            foreach (var measure in decision.AppliedMeasures.Where(m => m.Measure.IsBenefit))
            {
                reasons.Add(new ScreeningReason(member.Name, $"{member.Name}{AdapterText.Grounds(decision, measure)}：{measure.Measure.Name}，按采购文件规定适用", measure.LegalBasis, measure.Measure.Code));
            }
        }

        var screening = new SupplierScreening
        {
            Supplier = supplier,
            Index = index,
            Status = denied.Count > 0 ? SupplierStatus.Excluded : SupplierStatus.Eligible,
            RequiresReview = denied.Count == 0 && (review || degraded),
            Reasons = reasons.DistinctBy(r => (r.Member, r.Text)).ToList(),
            Checks = checks,
        };
        screening.Evidence = new ProcurementEvidence(project, scenario, channel, screening);
        return screening;
    }

    private static IEnumerable<ScreeningReason> RecordReasons(SupplierMember member, CreditDecision decision)
    {
        foreach (var entry in decision.MatchedEntries)
        {
            if (DecisionReasons.Describe(entry, member.Name, "需人工核查") is { } text)
            {
                yield return new ScreeningReason(member.Name, text, entry.List?.LegalBasis);
            }
        }

        if (decision.UnreadableEntries.Count > 0)
        {
            yield return new ScreeningReason(member.Name, $"{member.Name}有{decision.UnreadableEntries.Count}条名单记录无法读取，需人工核查", null);
        }
    }
}
