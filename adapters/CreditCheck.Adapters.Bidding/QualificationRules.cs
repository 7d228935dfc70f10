using System.Globalization;
using CreditCheck.Catalog;

namespace CreditCheck.Adapters.Bidding;

/// <summary>
/// Turns a bidder's decision into its status and credit score. Pure. A Deny measure (限制参与招标投标)
/// disqualifies; a decision of <see cref="DecisionOutcome.Review"/> or <see cref="DecisionOutcome.Restricted"/>
/// (a watch list, unknown or unreadable data, a degraded check) flags the bidder for review; otherwise it is
/// qualified. The score is the tender's points for each list whose entries triggered the bonus measure,
/// counted once per list, capped; a disqualified bidder scores nothing.
/// </summary>
internal static class QualificationRules
{
    public static BidderQualification Decide(Bidder bidder, int index, CreditDecision decision, CreditScoringRules rules)
    {
        var reasons = new List<BidderReason>();
        var status = decision.Outcome switch
        {
            DecisionOutcome.Denied => BidderStatus.Disqualified,
            DecisionOutcome.Review or DecisionOutcome.Restricted => BidderStatus.FlaggedForReview,
            _ => BidderStatus.Qualified,
        };

        foreach (var measure in decision.AppliedMeasures.Where(m => !m.Measure.IsBenefit).OrderBy(m => m.Measure.Effect))
        {
            reasons.Add(new BidderReason($"{bidder.Name}{AdapterText.Grounds(decision, measure)}：{measure.Measure.Name}", measure.LegalBasis, measure.Measure.Code));
        }

        if (decision.IsDegraded)
        {
            // Chinese only: the English DegradedReason stays in the decision for developers and logs.
            reasons.Insert(0, new BidderReason(AdapterText.IsOlderCodeCheck(decision, bidder.Subject)
                ? $"{bidder.Name}{AdapterText.Unchecked(decision, bidder.Subject)}后再定"
                : $"{bidder.Name}的信用记录{AdapterText.NotChecked(decision)}（{AdapterText.Unchecked(decision, bidder.Subject)}），需核查后再定", null));
        }

        if (status == BidderStatus.FlaggedForReview && !decision.AppliedMeasures.Any(m => m.Measure.Effect is MeasureEffect.Restrict or MeasureEffect.Review))
        {
            reasons.AddRange(RecordReasons(bidder, decision));
        }

        if (status == BidderStatus.Qualified)
        {
            // Never "未发现" beside a record shown (found by review: an expired 失信被执行人 entry).
            reasons.Insert(0, new BidderReason(AdapterText.NoneActs([decision], "限制投标的信用记录"), decision.ResolvedScenario.LegalBasis));
            reasons.AddRange(AdapterText.NotYetInForce(decision, bidder.Name, "现不限制投标，定标前须重新核查").Select(w => new BidderReason(w, null)));
        }

        if (decision.HasObjection)
        {
            reasons.Add(new BidderReason($"{bidder.Name}的名单记录异议处理中，措施照常适用，以认定部门核查结论为准", null));
        }

        var items = new List<CreditScoreItem>();
        decimal score = 0;
        var capped = false;
        var bonus = decision.AppliedMeasures.FirstOrDefault(m => m.Measure.Code == rules.BonusMeasure);
        if (status != BidderStatus.Disqualified && bonus is not null)
        {
            foreach (var list in bonus.TriggeredBy.GroupBy(e => e.Entry.ListCode, StringComparer.Ordinal))
            {
                if (rules.PointsPerList.TryGetValue(list.Key, out var points) && points > 0)
                {
                    var first = list.First();
                    items.Add(new CreditScoreItem(list.Key, first.List?.Name ?? list.Key, [.. list.Select(e => e.Entry.EntryId)], points));
                }
            }

            var total = items.Sum(i => i.Points);
            capped = rules.Cap is { } cap && total > cap;
            score = capped ? rules.Cap!.Value : total;
            reasons.Add(items.Count == 0
                ? new BidderReason($"{bidder.Name}{AdapterText.Grounds(decision, bonus)}，但招标文件未对这些名单规定信用加分", bonus.LegalBasis, bonus.Measure.Code)
                : new BidderReason(
                    string.Create(CultureInfo.InvariantCulture, $"信用加分 {score:0.##} 分（{string.Join("，", items.Select(i => $"{i.ListName} {i.Points:0.##} 分"))}{(capped ? $"，合计 {total:0.##} 分，按上限 {score:0.##} 分计" : string.Empty)}）"),
                    bonus.LegalBasis,
                    bonus.Measure.Code));
        }

        foreach (var voided in decision.VoidedMeasures.Where(m => m.Measure.Code == rules.BonusMeasure))
        {
            reasons.Add(new BidderReason($"不予信用加分：{voided.VoidReason}", null, voided.Measure.Code));
        }

        foreach (var other in decision.AppliedMeasures.Where(m => m.Measure.IsBenefit && m.Measure.Code != rules.BonusMeasure))
        {
            reasons.Add(new BidderReason($"{bidder.Name}{AdapterText.Grounds(decision, other)}：{other.Measure.Name}，按招标文件规定适用", other.LegalBasis, other.Measure.Code));
        }

        return new BidderQualification
        {
            Bidder = bidder,
            Index = index,
            Status = status,
            CreditScore = score,
            ScoreItems = items,
            Capped = capped,
            Reasons = reasons,
            Decision = decision,
        };
    }

    private static IEnumerable<BidderReason> RecordReasons(Bidder bidder, CreditDecision decision)
    {
        foreach (var entry in decision.MatchedEntries)
        {
            if (DecisionReasons.Describe(entry, bidder.Name, "需核查") is { } text)
            {
                yield return new BidderReason(text, entry.List?.LegalBasis);
            }
        }

        if (decision.UnreadableEntries.Count > 0)
        {
            yield return new BidderReason($"{bidder.Name}有{decision.UnreadableEntries.Count}条名单记录无法读取，需核查", null);
        }
    }
}
