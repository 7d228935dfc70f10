using System.Globalization;
using CreditCheck.Catalog;

namespace CreditCheck.Adapters.Bidding;

/// <summary>
/// Turns a bidder's decisions into its status and credit score. Pure. A Deny measure (限制参与招标投标)
/// disqualifies; a decision of <see cref="DecisionOutcome.Review"/> or <see cref="DecisionOutcome.Restricted"/>
/// (a watch list, unknown or unreadable data), or any degraded check (<see cref="CreditDecision.IsDegraded"/>, whatever
/// its outcome: a FailOpen Clear, the last known data), flags the bidder for review; otherwise it is qualified. The score is the tender's points for each list whose entries triggered the bonus measure,
/// counted once per list, capped; a disqualified bidder scores nothing.
/// </summary>
/// <remarks>
/// A consortium (联合体) is judged member by member, each as a bidder would be, and takes its members' worst status:
/// under 《中华人民共和国招标投标法》第三十一条 every member must meet the qualification conditions, so one disqualified
/// member disqualifies it and one flagged member flags it. It scores one member's points, as
/// <see cref="CreditScoringRules.ConsortiumScoring"/> (the tender documents' choice) picks them.
/// </remarks>
internal static class QualificationRules
{
    /// <summary>Why a member's record binds the consortium, after the member's measure.</summary>
    private const string BindsConsortium = "；依照招标投标法第三十一条，联合体各方均应当具备规定的相应资格条件，该联合体投标应予否决";

    public static BidderQualification Decide(Bidder bidder, int index, IReadOnlyList<CreditDecision> decisions, CreditScoringRules rules)
    {
        var members = bidder.Members;
        if (!bidder.IsConsortium)
        {
            var decision = decisions[0];
            var judged = Judge(bidder.Name, bidder.Subject, decision, rules, member: false);
            return new BidderQualification
            {
                Bidder = bidder,
                Index = index,
                Status = judged.Status,
                CreditScore = judged.Score,
                ScoreItems = judged.Items,
                Capped = judged.Capped,
                Reasons = [.. judged.Reasons.Select(r => r.Reason)],
                Decision = decision,
                Members = [judged.Check(members[0], decision)],
                ScoredMember = judged.Status == BidderStatus.Disqualified ? null : 0,
            };
        }

        return DecideConsortium(bidder, index, decisions, rules);
    }

    private static BidderQualification DecideConsortium(Bidder bidder, int index, IReadOnlyList<CreditDecision> decisions, CreditScoringRules rules)
    {
        var members = bidder.Members;
        var judged = members.Select((m, k) => Judge($"联合体成员“{m.Name}”", m.Subject, decisions[k], rules, member: true)).ToList();
        var status = judged.Max(j => j.Status);
        var reasons = new List<BidderReason>();
        if (status == BidderStatus.Qualified)
        {
            // Never "未发现" beside a record shown, for any member (as for a single bidder).
            reasons.Add(new BidderReason(AdapterText.ConsortiumNoneActs(decisions, "限制投标的信用记录"), decisions[0].ResolvedScenario.LegalBasis));
        }

        // The members that decided the status first, so that the first reason explains it; a disqualified consortium's
        // benefits are no reason for anything (as in procurement: never among the reasons it is refused).
        foreach (var k in Enumerable.Range(0, members.Count).OrderBy(k => judged[k].Status == status ? 0 : 1))
        {
            reasons.AddRange(judged[k].Reasons.Where(r => status != BidderStatus.Disqualified || !r.IsBenefit).Select(r => r.Reason));
        }

        int? scored = status == BidderStatus.Disqualified ? null
            : rules.ConsortiumScoring == ConsortiumScoring.LeadMember ? 0
            : Enumerable.Range(0, members.Count).MinBy(k => judged[k].Score);
        var bonus = decisions.SelectMany(d => d.AppliedMeasures).FirstOrDefault(m => m.Measure.Code == rules.BonusMeasure);
        if (bonus is not null)
        {
            if (scored is null)
            {
                reasons.Add(new BidderReason("该联合体投标应予否决，不计信用加分", null, bonus.Measure.Code));
            }
            else
            {
                var rule = rules.ConsortiumScoring == ConsortiumScoring.LeadMember ? $"招标文件规定按牵头人“{members[0].Name}”的得分计" : "招标文件规定按各成员中的最低得分计";
                var each = string.Join("，", members.Select((m, k) => string.Create(CultureInfo.InvariantCulture, $"{m.Name} {judged[k].Score:0.##} 分")));
                reasons.Add(new BidderReason(
                    string.Create(CultureInfo.InvariantCulture, $"联合体信用加分 {judged[scored.Value].Score:0.##} 分（{rule}：{each}）"),
                    bonus.LegalBasis,
                    bonus.Measure.Code));
            }
        }

        var deciding = status == BidderStatus.Qualified ? scored!.Value : judged.FindIndex(j => j.Status == status);
        return new BidderQualification
        {
            Bidder = bidder,
            Index = index,
            Status = status,
            CreditScore = scored is { } s ? judged[s].Score : 0,
            ScoreItems = scored is { } i ? judged[i].Items : [],
            Capped = scored is { } c && judged[c].Capped,
            Reasons = reasons,
            Decision = decisions[deciding],
            Members = [.. members.Select((m, k) => judged[k].Check(m, decisions[k]))],
            ScoredMember = scored,
        };
    }

    /// <summary>Judges one subject: a single bidder (named by its name) or a consortium member (named
    /// <c>联合体成员“…”</c>, its restrictions said to bind the consortium, and no "nothing found" line of its own).</summary>
    private static Judged Judge(string label, SubjectId subject, CreditDecision decision, CreditScoringRules rules, bool member)
    {
        var reasons = new List<(BidderReason Reason, bool IsBenefit)>();
        var byOutcome = decision.Outcome switch
        {
            DecisionOutcome.Denied => BidderStatus.Disqualified,
            DecisionOutcome.Review or DecisionOutcome.Restricted => BidderStatus.FlaggedForReview,
            _ => BidderStatus.Qualified,
        };

        // Found from outside: a degraded Clear (FailOpen, the last known data, an older code) was qualified outright. A
        // check not made on current data is looked at first: flagged, never disqualified for it.
        var status = byOutcome == BidderStatus.Qualified && decision.IsDegraded ? BidderStatus.FlaggedForReview : byOutcome;

        foreach (var measure in decision.AppliedMeasures.Where(m => !m.Measure.IsBenefit).OrderBy(m => m.Measure.Effect))
        {
            var binds = member && measure.Measure.Effect == MeasureEffect.Deny ? BindsConsortium : string.Empty;
            reasons.Add((new BidderReason($"{label}{AdapterText.Grounds(decision, measure)}：{measure.Measure.Name}{binds}", measure.LegalBasis, measure.Measure.Code), false));
        }

        if (decision.IsDegraded)
        {
            // Chinese only: the English DegradedReason stays in the decision for developers and logs.
            reasons.Insert(0, (new BidderReason(AdapterText.IsOlderCodeCheck(decision, subject)
                ? $"{label}{AdapterText.Unchecked(decision, subject)}后再定"
                : $"{label}的信用记录{AdapterText.NotChecked(decision)}（{AdapterText.Unchecked(decision, subject)}），需核查后再定", null), false));
        }

        if (byOutcome == BidderStatus.FlaggedForReview && !decision.AppliedMeasures.Any(m => m.Measure.Effect is MeasureEffect.Restrict or MeasureEffect.Review))
        {
            reasons.AddRange(RecordReasons(label, decision).Select(r => (r, false)));
        }

        if (byOutcome == BidderStatus.Qualified)
        {
            // Never "未发现" beside a record shown (found by review: an expired 失信被执行人 entry). A consortium says it
            // once for all its members. A degraded check says it only from the last known data (what that data showed),
            // after the reason it is flagged; a check not made at all has nothing to say.
            if (!member && (!decision.IsDegraded || decision.Path == DecisionPath.LastKnown))
            {
                reasons.Insert(decision.IsDegraded ? 1 : 0, (new BidderReason(AdapterText.NoneActs([decision], "限制投标的信用记录"), decision.ResolvedScenario.LegalBasis), false));
            }

            reasons.AddRange(AdapterText.NotYetInForce(decision, label, "现不限制投标，定标前须重新核查").Select(w => (new BidderReason(w, null), false)));
        }

        if (AdapterText.Objection(decision, label) is { } objection)
        {
            reasons.Add((new BidderReason(objection, null), false));
        }

        var items = new List<CreditScoreItem>();
        decimal score = 0;
        var capped = false;
        var bonus = decision.AppliedMeasures.FirstOrDefault(m => m.Measure.Code == rules.BonusMeasure);
        var scoreOf = member ? label : string.Empty;
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
            reasons.Add((items.Count == 0
                ? new BidderReason($"{label}{AdapterText.Grounds(decision, bonus)}，但招标文件未对这些名单规定信用加分", bonus.LegalBasis, bonus.Measure.Code)
                : new BidderReason(
                    string.Create(CultureInfo.InvariantCulture, $"{scoreOf}信用加分 {score:0.##} 分（{string.Join("，", items.Select(i => $"{i.ListName} {i.Points:0.##} 分"))}{(capped ? $"，合计 {total:0.##} 分，按上限 {score:0.##} 分计" : string.Empty)}）"),
                    bonus.LegalBasis,
                    bonus.Measure.Code), true));
        }

        foreach (var voided in decision.VoidedMeasures.Where(m => m.Measure.Code == rules.BonusMeasure))
        {
            reasons.Add((new BidderReason($"{scoreOf}不予信用加分：{voided.VoidReason}", null, voided.Measure.Code), false));
        }

        foreach (var other in decision.AppliedMeasures.Where(m => m.Measure.IsBenefit && m.Measure.Code != rules.BonusMeasure))
        {
            reasons.Add((new BidderReason($"{label}{AdapterText.Grounds(decision, other)}：{other.Measure.Name}，按招标文件规定适用", other.LegalBasis, other.Measure.Code), true));
        }

        return new Judged(status, score, items, capped, reasons);
    }

    private static IEnumerable<BidderReason> RecordReasons(string label, CreditDecision decision)
    {
        foreach (var entry in decision.MatchedEntries)
        {
            if (DecisionReasons.Describe(entry, label, "需核查") is { } text)
            {
                yield return new BidderReason(text, entry.List?.LegalBasis);
            }
        }

        if (decision.UnreadableEntries.Count > 0)
        {
            yield return new BidderReason($"{label}有{decision.UnreadableEntries.Count}条名单记录无法读取，需核查", null);
        }
    }

    /// <summary>One subject judged: its status, points and reasons (each marked whether it is about a benefit).</summary>
    private sealed record Judged(BidderStatus Status, decimal Score, IReadOnlyList<CreditScoreItem> Items, bool Capped, IReadOnlyList<(BidderReason Reason, bool IsBenefit)> Reasons)
    {
        public BidderMemberCheck Check(BidderMember member, CreditDecision decision) => new()
        {
            Member = member,
            Decision = decision,
            Status = Status,
            CreditScore = Score,
            ScoreItems = Items,
        };
    }
}
