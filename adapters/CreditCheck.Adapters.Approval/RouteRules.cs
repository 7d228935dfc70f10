using System.Globalization;
using CreditCheck.Catalog;

namespace CreditCheck.Adapters.Approval;

/// <summary>
/// Turns the decisions on an application's parties into a route. Pure. In order: a Deny measure on anyone
/// refuses; a decision of <see cref="DecisionOutcome.Review"/> or worse on anyone (a 失信 or 重点关注 record,
/// or a check that could not be made) means strict review without facilitation; otherwise 告知承诺 when
/// offered and allowed, else 容缺受理 when materials are missing and allowed, else the green channel when
/// 行政审批绿色通道 applies, else the standard procedure. Every other benefit the principal earned (优先办理,
/// 财政资金同等条件下优先, 信用加分 …) does not change the procedure: it is shown with its basis beside the route
/// and counts as used by it. Benefits are the principal applicant's only (the
/// enterprise when given); 告知承诺 and 容缺受理 also need every party free of any 失信 record in force
/// (国办发〔2020〕42号 excludes 失信 records from 告知承诺; local 容缺受理 rules, 容缺受理). A person only linked
/// through another listed enterprise has no record of their own: their link bars facilitation only where the
/// core voided it for them (a measure of that enterprise's entry reaches them in this matter).
/// </summary>
internal static class RouteRules
{
    private static readonly TimeSpan ChinaStandardTime = TimeSpan.FromHours(8);

    public static ApprovalResult Decide(ApprovalApplication application, ResolvedMatter matter, IReadOnlyList<PartyDecision> decisions, ApprovalOptions options)
    {
        var builder = new Builder(application, matter, decisions);
        if (decisions.Any(d => d.Decision.Outcome == DecisionOutcome.Denied))
        {
            return Refuse(builder);
        }

        if (decisions.Any(d => d.Decision.Outcome >= DecisionOutcome.Review))
        {
            return StrictReview(builder);
        }

        return Facilitate(builder, options);
    }

    private static ApprovalResult Refuse(Builder b)
    {
        foreach (var (party, decision) in b.Decisions)
        {
            foreach (var measure in decision.AppliedMeasures.Where(m => m.Measure.Effect == MeasureEffect.Deny))
            {
                b.Reasons.Add(MeasureReason(party, decision, measure));
            }
        }

        AddRestrictions(b, MeasureEffect.Deny);
        AddObjections(b);
        var (barred, decided, bar) = b.Decisions
            .SelectMany(d => d.Decision.AppliedMeasures.Where(m => m.Measure.Effect == MeasureEffect.Deny).Select(m => (d.Party, d.Decision, Measure: m)))
            .First();
        return b.Build(ApprovalRoute.Refused, $"不予受理：{bar.Measure.Name}（{Label(barred)}{AdapterText.Grounds(decided, bar, detail: false)}；依据：{bar.LegalBasis}）。");
    }

    private static ApprovalResult StrictReview(Builder b)
    {
        AddRestrictions(b, null);
        foreach (var (party, decision) in b.Decisions.Where(d => d.Decision.Outcome >= DecisionOutcome.Review))
        {
            if (decision.IsDegraded)
            {
                // Chinese only: the English DegradedReason (an exception's text) stays in the decision for developers.
                var subject = SubjectOf(b.Application, party);
                b.Reasons.Add(new RouteReason(party, AdapterText.IsOlderCodeCheck(decision, subject)
                    ? $"{Label(party)}{AdapterText.Unchecked(decision, subject)}，核查前从严审核"
                    : $"{Label(party)}信用记录{AdapterText.NotChecked(decision)}（{AdapterText.Unchecked(decision, subject)}），从严审核", null));
            }

            // A record with no measure here (重点关注, a list the catalog lacks, unreadable data) still needs a reason.
            if (!decision.AppliedMeasures.Any(m => !m.Measure.IsBenefit && m.Measure.Effect != MeasureEffect.Notify))
            {
                b.Reasons.AddRange(RecordReasons(party, decision));
            }
        }

        foreach (var (party, decision) in b.Decisions)
        {
            foreach (var voided in decision.VoidedMeasures)
            {
                b.Reasons.Add(new RouteReason(party, $"{Label(party)}不适用{voided.Measure.Name}：{voided.VoidReason}", null, voided.Measure.Code));
            }
        }

        AddObjections(b);

        // Only the facilitations the record bars (found by review: a person only linked through a listed enterprise,
        // whose link voided 容缺受理 alone, read "…信用修复前不适用容缺受理，须提交全部材料，不适用容缺受理和告知承诺").
        var record = AdverseRecord(b.Application, b.Decisions);
        var barred = Barred(record);
        var bars = barred.Count == 0 ? string.Empty : "，不适用" + string.Join("和", barred);
        return b.Build(ApprovalRoute.StrictReview, $"从严审核：{record?.Text ?? "存在需核查的信用记录"}，须提交全部材料{bars}。");
    }

    // Found from outside: an entry under objection went unmentioned here, while procurement and bidding note it (DOMAIN §4).
    private static void AddObjections(Builder b)
    {
        foreach (var (party, decision) in b.Decisions)
        {
            if (AdapterText.Objection(decision, Label(party)) is { } objection)
            {
                b.Reasons.Add(new RouteReason(party, objection, null));
            }
        }
    }

    private static ApprovalResult Facilitate(Builder b, ApprovalOptions options)
    {
        var application = b.Application;
        var matter = b.Matter;
        var principal = Principal(b.Decisions);
        var benefits = principal.Decision.AppliedMeasures.Where(m => m.Measure.IsBenefit).ToList();
        var commitment = benefits.FirstOrDefault(m => m.Measure.Effect == MeasureEffect.Commitment);
        var tolerant = benefits.FirstOrDefault(m => m.Measure.Effect == MeasureEffect.TolerantAcceptance);

        // 绿色通道 is 行政审批绿色通道 only (found by review: 优先办理 on a 资质审核 and 评先评优优先 read "绿色通道：优先办理").
        var greenChannel = benefits.Any(m => m.Measure.Effect == MeasureEffect.FastTrack);

        // Every other benefit is shown beside the route and used by it (found by review: 财政资金、项目申报同等条件下优先 was
        // dropped, the page said no measure applied, and feedback reported it not executed). 优先办理 is what the green
        // channel already says.
        var alongside = benefits.Where(m => m.Measure.Effect is not (MeasureEffect.Commitment or MeasureEffect.TolerantAcceptance)).ToList();
        var named = alongside.Where(m => m.Measure.Effect != MeasureEffect.FastTrack && !(greenChannel && m.Measure.Effect == MeasureEffect.Priority))
            .Select(m => m.Measure.Name).Distinct(StringComparer.Ordinal).ToList();
        var record = AdverseRecord(application, b.Decisions);
        var missing = application.MissingMaterials;
        var notes = new List<RouteReason>();
        ApprovalRoute? route = null;
        string? summary = null;

        if (application.OffersCommitment)
        {
            var whyNot = WhyNot(matter.Commitment, commitment, record, MeasureEffect.Commitment);
            if (whyNot is null)
            {
                route = ApprovalRoute.Commitment;
                b.Reasons.Add(commitment is not null
                    ? new RouteReason(principal.Party, $"{Label(principal.Party)}{AdapterText.Grounds(principal.Decision, commitment)}，作出信用承诺：{commitment.Measure.Name}，事后核查", commitment.LegalBasis, commitment.Measure.Code)
                    : new RouteReason(principal.Party, $"{Label(principal.Party)}{AdapterText.NoAdverseRecord(principal.Decision)}，作出信用承诺，按告知承诺办理，事后核查", options.CommitmentLegalBasis));
                b.Used(principal.Party, commitment);
                if (missing.Count > 0)
                {
                    notes.Add(new RouteReason(null, $"缺少的{Join(missing)}以申请人书面承诺代替，审批后核查", null));
                }

                summary = "告知承诺：申请人签署信用承诺书后按承诺办理，事后核查";
            }
            else
            {
                notes.Add(new RouteReason(whyNot.Value.Party, whyNot.Value.Text, null));
            }
        }

        if (route is null && missing.Count > 0)
        {
            var notTolerable = matter.TolerableMaterials.Count == 0
                ? []
                : missing.Where(m => !matter.TolerableMaterials.Contains(m, StringComparer.Ordinal)).ToList();
            var whyNot = WhyNot(matter.TolerantAcceptance, tolerant, record, MeasureEffect.TolerantAcceptance)
                ?? (notTolerable.Count > 0 ? (null, $"缺少的{Join(notTolerable)}不属于可容缺材料") : null);
            if (whyNot is null)
            {
                route = ApprovalRoute.TolerantAcceptance;
                var deadline = DateOnly.FromDateTime(principal.Decision.EvaluatedAt.ToOffset(ChinaStandardTime).DateTime).AddDays(matter.TolerantAcceptanceDays);
                b.FollowUp = missing;
                b.Deadline = deadline;
                var when = deadline.ToString("yyyy年M月d日", CultureInfo.InvariantCulture);
                b.Reasons.Add(tolerant is not null
                    ? new RouteReason(principal.Party, $"{Label(principal.Party)}{AdapterText.Grounds(principal.Decision, tolerant)}：{tolerant.Measure.Name}，{Join(missing)}须于{when}前补齐", tolerant.LegalBasis, tolerant.Measure.Code)
                    : new RouteReason(principal.Party, $"{Label(principal.Party)}{AdapterText.NoAdverseRecord(principal.Decision)}，容缺受理，{Join(missing)}须于{when}前补齐", options.TolerantAcceptanceLegalBasis));
                b.Used(principal.Party, tolerant);
                summary = $"容缺受理：先予受理，{Join(missing)}须于{when}前补齐";
            }
            else
            {
                notes.Add(new RouteReason(whyNot.Value.Party, whyNot.Value.Text, null));
            }
        }

        foreach (var measure in alongside)
        {
            b.Reasons.Add(MeasureReason(principal.Party, principal.Decision, measure));
            b.Used(principal.Party, measure);
        }

        if (route is null && greenChannel)
        {
            route = ApprovalRoute.GreenChannel;
            summary = "绿色通道：优先办理";
        }

        if (route is null)
        {
            route = ApprovalRoute.Standard;
            var basis = principal.Decision.ResolvedScenario.LegalBasis;

            // "No record" only when no record is shown: a 法定代表人 whose serious-list entry voided the 告知承诺 was told
            // there was nothing (found from outside), and so was an applicant whose 经营异常名录 entry acts only in its
            // sector (found by review: "no record" beside the record on the page).
            var shown = b.Decisions.Any(d => d.Decision.MatchedEntries.Count > 0);
            b.Reasons.Insert(0, missing.Count > 0
                ? new RouteReason(null, $"材料不全，缺少{Join(missing)}，补齐后按一般程序受理", null) // a rule of the procedure, not of credit: no credit basis cited (found from outside)
                : record is { } r
                    ? new RouteReason(null, $"{r.Text}，本事项未适用限制措施，按一般程序办理{(Barred(r) is { Count: > 0 } barred ? $"，{r.Until}不适用{string.Join("、", barred)}" : string.Empty)}", basis)
                    : alongside.Count > 0
                        ? new RouteReason(null, "按一般程序办理，并适用下列激励措施", basis)
                        : shown
                            ? new RouteReason(null, "所列名单记录在本事项不适用联合奖惩措施，按一般程序办理", basis)
                            : new RouteReason(null, $"{AdapterText.NotFound(AdapterText.LeastKnown(b.Decisions.Select(d => d.Decision)), "影响办理的信用记录")}，按一般程序办理", basis));
            summary = missing.Count > 0 ? $"一般程序：缺少{Join(missing)}，补齐后受理" : "一般程序：按正常程序办理";
        }
        else if (route != ApprovalRoute.GreenChannel && greenChannel)
        {
            summary += "；同时走绿色通道，优先办理";
        }

        if (named.Count > 0)
        {
            summary += $"；适用激励措施：{string.Join("、", named)}";
        }

        // A person only linked through a listed enterprise, reached by none of its measures here: said, and not
        // held against the application (found by review: such a link barred 告知承诺 and 容缺受理 in every matter).
        foreach (var (party, decision) in b.Decisions)
        {
            var linked = decision.MatchedEntries.Where(e => e.IsRelatedPerson && e.IsInForce && e.List?.Category != ListCategory.Reward).ToList();
            if (linked.Count > 0 && decision.VoidedMeasures.Count == 0)
            {
                notes.Add(new RouteReason(party, $"{Label(party)}{AdapterText.Lists(linked)}，该企业的失信惩戒措施不及于本事项", null));
            }
        }

        b.Reasons.AddRange(notes);
        AddRestrictions(b, null);
        return b.Build(route.Value, summary + "。", greenChannel);
    }

    /// <summary>The principal applicant, whose benefits the route uses: the enterprise when given, else the person.</summary>
    internal static PartyDecision Principal(IReadOnlyList<PartyDecision> decisions) =>
        decisions.FirstOrDefault(d => d.Party == ApplicationParty.Enterprise) ?? decisions[0];

    /// <summary>Why a facilitation is not available, or null when it is.</summary>
    private static (ApplicationParty? Party, string Text)? WhyNot(FacilitationEligibility eligibility, AppliedMeasure? granted, Record? record, MeasureEffect facilitation) =>
        eligibility switch
        {
            FacilitationEligibility.None => (null, $"本事项不适用{Name(facilitation)}"),
            _ when record is { } r && r.Bars(facilitation) => (r.Party, $"{r.Text}，{r.Until}不适用{Name(facilitation)}"),
            FacilitationEligibility.Catalog when granted is null => (null, $"本事项未规定对申请人适用{Name(facilitation)}"), // 信用目录 is no clerk's word
            _ => null,
        };

    /// <summary>The facilitations a record bars, by name: both for a record of the party's own (or none known).</summary>
    private static List<string> Barred(Record? record) =>
        [.. new[] { MeasureEffect.TolerantAcceptance, MeasureEffect.Commitment }.Where(f => record?.Bars(f) ?? true).Select(Name)];

    /// <summary>A facilitation's name: 告知承诺 or 容缺受理.</summary>
    private static string Name(MeasureEffect facilitation) => facilitation == MeasureEffect.Commitment ? "告知承诺" : "容缺受理";

    /// <summary>The 失信 records in force on the first party that has any (related-person listings included), every
    /// list named, or null; with until when they bar facilitation.</summary>
    private static Record? AdverseRecord(ApprovalApplication application, IReadOnlyList<PartyDecision> decisions)
    {
        foreach (var (party, decision) in decisions)
        {
            if (decision.IsDegraded)
            {
                var subject = SubjectOf(application, party);
                return AdapterText.IsOlderCodeCheck(decision, subject)
                    ? new Record(party, $"{Label(party)}{AdapterText.Unchecked(decision, subject)}", "核查前")
                    : new Record(party, $"{Label(party)}信用记录{AdapterText.NotChecked(decision)}", "核实前");
            }

            // A person only linked through a listed enterprise is not listed (found by review): not a record of theirs.
            // Every list the party is on is named (found by review: only the first was).
            var entries = decision.MatchedEntries.Where(e => e.Acts && e.List?.Category != ListCategory.Reward && !e.IsRelatedPerson).ToList();
            if (entries.Count > 0)
            {
                return new Record(party, $"{Label(party)}列入{DecisionReasons.ListNames(entries)}", "信用修复前");
            }

            if (decision.VoidedMeasures.Count > 0 && decision.IsAdverseOnlyThroughLink)
            {
                // An enterprise's record whose measures reach the person here: it bars only what the core voided for them.
                var linked = decision.MatchedEntries.Where(e => e.Acts && e.IsRelatedPerson && e.List?.Category != ListCategory.Reward).ToList();
                var voided = decision.VoidedMeasures.Select(m => m.Measure.Effect).ToHashSet();
                return new Record(party, $"{Label(party)}{AdapterText.Lists(linked)}，相关措施及于本人", "该企业信用修复前", voided);
            }

            if (decision.VoidedMeasures.Count > 0)
            {
                return new Record(party, $"{Label(party)}{decision.VoidedMeasures[0].VoidReason}", "信用修复前");
            }

            if (decision.UnreadableEntries.Count > 0)
            {
                return new Record(party, $"{Label(party)}有无法读取的名单记录", "核实前");
            }
        }

        return null;
    }

    /// <summary>The identifier a party was checked with.</summary>
    private static SubjectId SubjectOf(ApprovalApplication application, ApplicationParty party) => (party switch
    {
        ApplicationParty.Enterprise => application.Enterprise,
        ApplicationParty.Person => application.Person,
        _ => application.LegalRepresentative,
    }) ?? throw new InvalidOperationException($"The application has no {party} but a decision on one.");

    /// <summary>Every applied non-benefit measure not yet given as a reason (restrictions, reviews, notices).</summary>
    private static void AddRestrictions(Builder b, MeasureEffect? alreadyGiven)
    {
        foreach (var (party, decision) in b.Decisions)
        {
            foreach (var measure in decision.AppliedMeasures.Where(m => !m.Measure.IsBenefit && m.Measure.Effect != alreadyGiven))
            {
                b.Reasons.Add(measure.Measure.Effect == MeasureEffect.Notify
                    ? new RouteReason(party, $"提示：{Label(party)}{AdapterText.Grounds(decision, measure)}，{measure.Measure.Name}", measure.LegalBasis, measure.Measure.Code)
                    : MeasureReason(party, decision, measure));
            }
        }
    }

    private static IEnumerable<RouteReason> RecordReasons(ApplicationParty party, CreditDecision decision)
    {
        foreach (var entry in decision.MatchedEntries)
        {
            if (DecisionReasons.Describe(entry, Label(party), "从严审核", unknownListConsequence: "需人工核查") is { } text)
            {
                yield return new RouteReason(party, text, entry.List?.LegalBasis, null);
            }
        }

        if (decision.UnreadableEntries.Count > 0)
        {
            yield return new RouteReason(party, $"{Label(party)}有{decision.UnreadableEntries.Count}条名单记录无法读取，需人工核查", null);
        }
    }

    private static RouteReason MeasureReason(ApplicationParty party, CreditDecision decision, AppliedMeasure measure) =>
        new(party, $"{Label(party)}{AdapterText.Grounds(decision, measure)}：{measure.Measure.Name}", measure.LegalBasis, measure.Measure.Code);

    internal static string Label(ApplicationParty party) => party switch
    {
        ApplicationParty.Enterprise => "申请单位",
        ApplicationParty.Person => "申请人",
        _ => "法定代表人",
    };

    private static string Join(IEnumerable<string> materials) => string.Join("、", materials);

    /// <summary>A record that bars facilitation: whose, in Chinese, until when (信用修复前, 核实前 …), and, for a person only
    /// linked through a listed enterprise, the effects the core voided for them (null: a record of their own bars all).</summary>
    private readonly record struct Record(ApplicationParty Party, string Text, string Until, IReadOnlySet<MeasureEffect>? Voided = null)
    {
        /// <summary>Whether the record bars a facilitation (<see cref="MeasureEffect.Commitment"/> or <see cref="MeasureEffect.TolerantAcceptance"/>).</summary>
        public bool Bars(MeasureEffect facilitation) => Voided is null || Voided.Contains(facilitation);
    }

    private sealed class Builder(ApprovalApplication application, ResolvedMatter matter, IReadOnlyList<PartyDecision> decisions)
    {
        private readonly HashSet<(ApplicationParty, string)> _used = [];

        public ApprovalApplication Application => application;

        public ResolvedMatter Matter => matter;

        public IReadOnlyList<PartyDecision> Decisions => decisions;

        public List<RouteReason> Reasons { get; } = [];

        public IReadOnlyList<string> FollowUp { get; set; } = [];

        public DateOnly? Deadline { get; set; }

        /// <summary>Marks a party's benefit as used by the route (reported executed when the clerk follows it): by party
        /// as well as code, for every party may hold the same good-standing measure.</summary>
        public void Used(ApplicationParty party, AppliedMeasure? measure)
        {
            if (measure is not null)
            {
                _used.Add((party, measure.Measure.Code));
            }
        }

        public ApprovalResult Build(ApprovalRoute route, string summary, bool priority = false) => new()
        {
            Application = application,
            Route = route,
            Scenario = matter.Scenario,
            MatterName = application.MatterName ?? matter.Name,
            Priority = priority,
            FollowUpMaterials = FollowUp,
            FollowUpDeadline = Deadline,
            Reasons = Reasons.DistinctBy(r => (r.Party, r.Text)).ToList(),
            Decisions = decisions,
            Summary = summary,
            UsedBenefits = _used,
        };
    }
}
