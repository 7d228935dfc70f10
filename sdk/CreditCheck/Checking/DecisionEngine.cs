using System.Collections.Frozen;
using CreditCheck.Catalog;
using CreditCheck.Stores;

namespace CreditCheck;

/// <summary>
/// The rules that turn a subject's entries into a decision. Pure: the same catalog, entries,
/// scenario and time give the same outcome.
/// </summary>
/// <remarks>
/// Rules, in order: an entry triggers only while <see cref="EntryStatus.Active"/> (or under
/// objection, unless the catalog suspends measures then), inside its validity window and, for a list
/// with a sector, in a scenario of that sector (else it is <see cref="EntryState.OutsideSector"/> and
/// does nothing); a person affected only through an enterprise's entry triggers only measures that reach
/// related persons, while a person listed in their own right because of one triggers them all; a measure
/// limited to some subject kinds applies only to those; a subject in good standing gets the measures that
/// apply in good standing, which any 失信 record voids; a 失信 record
/// (an entry in force on a punishment or watch list, an entry suspended by objection, on an unknown
/// list, or unreadable) voids benefits unless a benefit survives punishment; the outcome is the most
/// severe effect applied, and never better than <see cref="DecisionOutcome.Review"/> while a
/// punishment or watch entry is in force, an entry is suspended by objection, an entry's list is
/// unknown, or an entry could not be read.
/// </remarks>
internal static class DecisionEngine
{
    private static readonly IReadOnlyList<MatchedEntry> NoEntries = [];
    private static readonly IReadOnlyList<AppliedMeasure> NoMeasures = [];
    private static readonly IReadOnlyList<UnreadableEntry> NoUnreadable = [];

    public static CreditDecision Decide(
        CompiledCatalog catalog,
        CheckRequest request,
        in SubjectLookup lookup,
        UnavailablePolicy policy,
        DateTimeOffset now,
        Guid checkId,
        SharedDecisionFacts? shared = null,
        ListsNotHeldPolicy notHeldPolicy = ListsNotHeldPolicy.Name)
    {
        var scenario = ResolveScenario(catalog, request.Scenario);
        var path = PathOf(lookup.Source);
        var age = lookup.Freshness.AsOf is { } asOf && asOf < now ? now - asOf : TimeSpan.Zero;

        if ((request.Subject.Scheme is IdentifierScheme.OrganizationCode or IdentifierScheme.RegistrationNumber || !request.Subject.CheckCharacterConforms) // first: the cheapest, and rare
            && lookup.Entries.Count == 0 && lookup.Unreadable.Count == 0 && lookup.Source != LookupSource.Unavailable)
        {
            // A 组织机构代码 or 工商注册号 finds only entries listed under it: an entry under the 统一社会信用代码 that
            // embeds it is not searched by it (found from outside: a listed enterprise checked by its 组织机构代码 was
            // answered Clear). Nothing found under an older code is therefore not "not listed". Nor under a code
            // taken with a wrong check character: it may be a listed code mistyped (found from outside too).
            var closed = policy == UnavailablePolicy.FailOpen ? policy : UnavailablePolicy.FailClosed;
            return new CreditDecision(request, checkId, new DecisionFacts
            {
                ResolvedScenario = catalog.Scenario(scenario),
                Outcome = closed == UnavailablePolicy.FailOpen ? DecisionOutcome.Clear : DecisionOutcome.Review,
                MatchedEntries = NoEntries,
                AppliedMeasures = NoMeasures,
                UnreadableEntries = NoUnreadable,
                CatalogVersion = catalog.Source.Version,
                Sequence = lookup.Freshness.Sequence,
                PlatformRequestId = lookup.PlatformRequestId,
                Path = DecisionPath.Policy,
                DegradedReason = $"{OlderCodeProblem(request.Subject)} Policy {closed} applied.",
            }, now, age);
        }

        if (lookup.Source == LookupSource.Unavailable || (lookup.Source == LookupSource.LastKnown && policy != UnavailablePolicy.LastKnown))
        {
            var policyFacts = shared?.FindUnavailable(scenario, lookup);
            if (policyFacts is null)
            {
                policyFacts = new DecisionFacts
                {
                    ResolvedScenario = catalog.Scenario(scenario),
                    Outcome = policy == UnavailablePolicy.FailOpen ? DecisionOutcome.Clear : DecisionOutcome.Review,
                    MatchedEntries = NoEntries,
                    AppliedMeasures = NoMeasures,
                    UnreadableEntries = lookup.Unreadable,
                    CatalogVersion = catalog.Source.Version,
                    Sequence = lookup.Freshness.Sequence,
                    PlatformRequestId = lookup.PlatformRequestId,
                    Path = DecisionPath.Policy,
                    DegradedReason = $"{lookup.Problem ?? "The store could not answer."} Policy {policy} applied.",
                };
                shared?.KeepUnavailable(scenario, lookup, policyFacts);
            }

            return new CreditDecision(request, checkId, policyFacts, now, age);
        }

        if (lookup.Entries.Count == 0 && lookup.Unreadable.Count == 0)
        {
            // Good standing: the measures for every subject without a 失信 record (告知承诺, 容缺受理) apply.
            var goodStanding = catalog.GoodStanding(scenario, request.Subject.Kind);
            var degraded = lookup.Source == LookupSource.LastKnown ? lookup.Problem : null;
            var facts = shared?.FindClean(scenario, request.Subject.Kind, lookup, path, degraded);
            if (facts is null)
            {
                var notHeld = ListsNotHeld(catalog, shared, scenario, request.Subject.Kind, lookup.ListsHeld);
                facts = new DecisionFacts
                {
                    ResolvedScenario = catalog.Scenario(scenario),
                    Outcome = goodStanding.Length == 0 ? DecisionOutcome.Clear : DecisionOutcome.Benefit,
                    MatchedEntries = NoEntries,
                    AppliedMeasures = goodStanding.Length == 0 ? NoMeasures : goodStanding,
                    UnreadableEntries = NoUnreadable,
                    CatalogVersion = catalog.Source.Version,
                    Sequence = lookup.Freshness.Sequence,
                    PlatformRequestId = lookup.PlatformRequestId,
                    Path = path,
                    DegradedReason = degraded,
                    ListsNotHeld = notHeld,
                };
                shared?.KeepClean(scenario, request.Subject.Kind, facts);
            }

            if (notHeldPolicy == ListsNotHeldPolicy.Review && facts.ListsNotHeld.Count > 0 && facts.Outcome < DecisionOutcome.Review)
            {
                facts = shared?.FindNotCovered(scenario, request.Subject.Kind, facts) ?? NotCovered(catalog, scenario, facts, shared, request.Subject.Kind);
            }

            return new CreditDecision(request, checkId, facts, now, age);
        }

        return DecideListed(catalog, request, lookup, scenario, path, age, now, checkId, shared, notHeldPolicy);
    }

    /// <summary>Under <see cref="ListsNotHeldPolicy.Review"/>: a clean decision made while lists that could hold a 失信
    /// record here are not held, answered Review and degraded, its benefits withheld; the clean facts themselves when only
    /// lists that reward are missing (a missing red list hides a benefit, not a record).</summary>
    private static DecisionFacts NotCovered(CompiledCatalog catalog, int scenario, DecisionFacts clean, SharedDecisionFacts? shared, SubjectKind kind)
    {
        var facts = clean;
        if (Hiding(catalog, scenario, clean.ListsNotHeld) is { } hiding)
        {
            var (applied, withheld, reason) = Withhold(clean.AppliedMeasures, hiding, clean.DegradedReason);
            facts = new DecisionFacts
            {
                ResolvedScenario = clean.ResolvedScenario,
                Outcome = DecisionOutcome.Review,
                MatchedEntries = clean.MatchedEntries,
                AppliedMeasures = applied,
                VoidedMeasures = withheld,
                UnreadableEntries = clean.UnreadableEntries,
                Ratings = clean.Ratings,
                CatalogVersion = clean.CatalogVersion,
                Sequence = clean.Sequence,
                PlatformRequestId = clean.PlatformRequestId,
                Path = clean.Path,
                DegradedReason = reason,
                ListsNotHeld = clean.ListsNotHeld,
            };
        }

        shared?.KeepNotCovered(scenario, kind, clean, facts);
        return facts;
    }

    /// <summary>The lists not held that could hold a 失信 record here (<see cref="CompiledCatalog.MayHideAdverse"/>), or null.</summary>
    private static List<CreditList>? Hiding(CompiledCatalog catalog, int scenario, IReadOnlyList<CreditList> notHeld)
    {
        List<CreditList>? hiding = null;
        foreach (var list in notHeld)
        {
            if (catalog.MayHideAdverse(list, scenario))
            {
                (hiding ??= []).Add(list);
            }
        }

        return hiding;
    }

    /// <summary>A decision better than Review while lists that could hold a 失信 record here are not held: its benefits
    /// withheld (other measures, e.g. a 通报 reaching a related person, stay applied), and the degraded reason that says so
    /// (after the lookup's own problem, if any).</summary>
    private static (IReadOnlyList<AppliedMeasure> Applied, IReadOnlyList<AppliedMeasure> Withheld, string Reason) Withhold(
        IReadOnlyList<AppliedMeasure> applied, List<CreditList> hiding, string? problem)
    {
        var names = string.Concat(hiding.Select(l => $"“{l.Name}”"));
        var codes = string.Join(", ", hiding.Select(l => l.Code));
        var kept = applied.Where(a => !a.Measure.IsBenefit).ToList();
        var withheld = applied.Where(a => a.Measure.IsBenefit).Select(a => new AppliedMeasure
        {
            Measure = a.Measure,
            TriggeredBy = a.TriggeredBy,
            Rating = a.Rating,
            VoidReason = $"本系统未载入{names}，无法确认无失信记录，暂不适用",
            VoidReasonEnglish = $"withheld: the store holds no data of {codes}, so a 失信 record cannot be ruled out",
        }).ToList();
        var reason = $"The store holds no data of {codes}, which could hold a 失信 record acting here (never imported, or not followed from the credit platform): a subject on them cannot be told from a clean one. Policy ListsNotHeld=Review applied.";
        return (kept.Count == 0 ? NoMeasures : kept, withheld.Count == 0 ? NoMeasures : withheld, problem is null ? reason : $"{problem} {reason}");
    }

    /// <summary>The lists acting here that the store does not hold: the shared array of this store state when the checker
    /// keeps shared facts, else made for this decision.</summary>
    private static IReadOnlyList<CreditList> ListsNotHeld(CompiledCatalog catalog, SharedDecisionFacts? shared, int scenario, SubjectKind kind, FrozenSet<string>? held) =>
        shared is not null ? shared.ListsNotHeld(scenario, kind, held)
        : held is null || catalog.ListsNotHeld(scenario, kind, held) is not { Length: > 0 } missing ? DecisionFacts.NoLists : missing;

    private static string OlderCodeProblem(SubjectId subject) => subject.Scheme switch
    {
        IdentifierScheme.OrganizationCode or IdentifierScheme.RegistrationNumber =>
            $"Checked by a {(subject.Scheme == IdentifierScheme.OrganizationCode ? "组织机构代码" : "工商注册号")}: nothing is listed under it, but entries listed under the 统一社会信用代码 it belongs to are not found by it; check by the 统一社会信用代码.",
        _ => "The code's check character does not conform to its standard (accepted leniently) and nothing is listed under it: it may be a listed code mistyped; check the code.",
    };

    /// <summary>A store that never delivered a catalog cannot resolve the scenario: the policy
    /// decides, and the decision names the scenario as requested.</summary>
    public static CreditDecision DecideWithoutCatalog(CheckRequest request, in SubjectLookup lookup, UnavailablePolicy policy, DateTimeOffset now, Guid checkId) => new(request)
    {
        CheckId = checkId,
        ResolvedScenario = new Scenario { Code = request.Scenario, Name = request.Scenario, LegalBasis = string.Empty, Edition = string.Empty },
        Outcome = policy == UnavailablePolicy.FailOpen ? DecisionOutcome.Clear : DecisionOutcome.Review,
        MatchedEntries = NoEntries,
        AppliedMeasures = NoMeasures,
        VoidedMeasures = NoMeasures,
        UnreadableEntries = lookup.Unreadable ?? [],
        CatalogVersion = string.Empty,
        Sequence = lookup.Freshness.Sequence,
        PlatformRequestId = lookup.PlatformRequestId,
        DataAge = TimeSpan.Zero,
        EvaluatedAt = now,
        Path = DecisionPath.Policy,
        DegradedReason = $"{lookup.Problem ?? "The store has no catalog yet."} Policy {policy} applied.",
    };

    private static CreditDecision DecideListed(
        CompiledCatalog catalog,
        CheckRequest request,
        in SubjectLookup lookup,
        int scenario,
        DecisionPath path,
        TimeSpan age,
        DateTimeOffset now,
        Guid checkId,
        SharedDecisionFacts? shared,
        ListsNotHeldPolicy notHeldPolicy)
    {
        var policy = catalog.Source.Policy;
        var matched = new List<MatchedEntry>(lookup.Entries.Count);
        var triggered = new Dictionary<Measure, List<MatchedEntry>>(ReferenceEqualityComparer.Instance);
        var order = new List<Measure>();
        var floor = DecisionOutcome.Clear;

        // What voids benefits (国办发〔2020〕42号: no 告知承诺 with a 失信 record; local rules: no 容缺受理): an entry
        // in force on a punishment or watch list, one whose measures an objection suspends, one on a
        // list the catalog lacks, or one that could not be read. Every one found is named (VoidGrounds).
        var grounds = new VoidGrounds();
        if (lookup.Unreadable.Count > 0)
        {
            floor = DecisionOutcome.Review;
            grounds.Add(("存在无法读取的名单记录，需人工核查", string.Empty, $"{string.Join(", ", lookup.Unreadable.Select(u => u.Field))} could not be read"));
        }

        List<RatingResult>? ratings = null;
        List<(Measure Measure, RatingResult By)>? byLevel = null;
        List<UnreadableEntry>? badLevels = null;
        var latestResults = LatestRatingResults(catalog, lookup.Entries, policy, now);
        foreach (var found in lookup.Entries)
        {
            var listKnown = catalog.TryGetList(found.Entry.ListCode, out var listIndex);
            var list = listKnown ? catalog.List(listIndex) : null;
            var state = StateOf(found.Entry, list, policy, now);
            if (list is { Category: ListCategory.Rating })
            {
                // A rating result is no 失信 record by itself: it earns or costs what its level's measures say.
                if (state is not (EntryState.InForce or EntryState.UnderObjection or EntryState.SuspendedByObjection))
                {
                    continue;
                }

                // A result a later one of the same rating superseded (last year's D after this year's A) is no current level:
                // found from outside, a subject rated D in 2025 and A in 2026 was answered Review with 提高抽查比例和频次.
                if (RatingAsOf(found.Entry) is { } asOf && latestResults is not null
                    && latestResults.TryGetValue(list.Code, out var latest) && asOf < latest)
                {
                    continue;
                }

                if (!catalog.TryGetLevelMeasures(list.Code, found.Entry.Level, scenario, out var levelMeasures))
                {
                    // A level the catalog lacks is damage: never read as a clean subject.
                    (badLevels ??= []).Add(new UnreadableEntry($"{list.Code}/{found.Entry.EntryId}", $"level '{found.Entry.Level}' is not a level of {list.Code}"));
                    floor = DecisionOutcome.Review;
                    grounds.Add(($"“{list.Name}”结果等级“{found.Entry.Level}”无法识别，需人工核查", string.Empty, $"entry {found.Entry.EntryId} on {list.Code} has an unknown level '{found.Entry.Level}'"));
                    continue;
                }

                var rating = catalog.Source.FindRating(list.Code)!;
                var result = new RatingResult { Rating = rating, Level = rating.FindLevel(found.Entry.Level)!, AsOf = found.Entry.ValidFrom ?? found.Entry.ListedOn, Entry = found.Entry };
                (ratings ??= []).Add(result);
                foreach (var measure in levelMeasures)
                {
                    if (state != EntryState.SuspendedByObjection && measure.AppliesTo(found.Entry.SubjectKind))
                    {
                        (byLevel ??= []).Add((measure, result));
                        if (!measure.IsBenefit)
                        {
                            // A level the catalog restricts or supervises here ends good standing here, as a watch entry would.
                            grounds.Add(($"{rating.Name}为{result.Level.Name}", string.Empty, $"{result} on {list.Code} entry {found.Entry.EntryId}"));
                        }
                    }
                }

                continue;
            }

            if (state is EntryState.InForce or EntryState.UnderObjection or EntryState.SuspendedByObjection && !catalog.InSector(listIndex, scenario))
            {
                state = EntryState.OutsideSector; // a sector list acts in its sector only (国办发〔2020〕49号)
            }

            var entry = new MatchedEntry { Entry = found.Entry, List = list, State = state, MatchedBy = found.MatchedBy };
            matched.Add(entry);

            switch (state)
            {
                case EntryState.UnknownList:
                    floor = DecisionOutcome.Review;
                    grounds.Add(($"名单{VoidGrounds.Names}不在当前目录中", $"“{found.Entry.ListCode}”", $"entry {found.Entry.EntryId} is on {found.Entry.ListCode}, a list the catalog lacks"));
                    continue;

                case EntryState.SuspendedByObjection:
                    floor = DecisionOutcome.Review;
                    var suspended = catalog.Measures(listIndex, scenario, entry.IsRelatedPerson, entry.IsCoListedPerson);
                    if (list!.Category != ListCategory.Reward)
                    {
                        grounds.Add(Blocker(entry, suspended.Length > 0, $"{VoidGrounds.Names}记录异议核查中", $"“{list.Name}”", $"entry {found.Entry.EntryId} on {list.Code} is under objection"));
                    }

                    AddTriggered(suspended, entry, triggered, order);
                    continue;

                case EntryState.InForce or EntryState.UnderObjection:
                    var reaching = catalog.Measures(listIndex, scenario, entry.IsRelatedPerson, entry.IsCoListedPerson);
                    if (list!.Category != ListCategory.Reward)
                    {
                        // A listed subject is never answered Clear, nor is a person listed in their own right because of
                        // an enterprise; a person affected only through the enterprise's entry only by the measures that reach it.
                        floor = entry.IsRelatedPerson ? floor : DecisionOutcome.Review;
                        grounds.Add(Blocker(entry, reaching.Length > 0, $"存在失信记录（{VoidGrounds.Names}）", list.Name, $"entry {found.Entry.EntryId} on {list.Code}"));
                    }

                    AddTriggered(reaching, entry, triggered, order);
                    continue;
            }
        }

        var applied = new List<AppliedMeasure>(order.Count);
        var voided = new List<AppliedMeasure>();
        var outcome = floor;

        // Measures for subjects in good standing: any 失信 record acting here ends good standing, whatever the
        // catalog's policy on red-list benefits (国办发〔2020〕42号).
        foreach (var good in catalog.GoodStanding(scenario, request.Subject.Kind))
        {
            if (triggered.ContainsKey(good.Measure))
            {
                continue; // a red list earned it too; decided below with its entries
            }

            if (grounds.Text is { } why)
            {
                voided.Add(new AppliedMeasure { Measure = good.Measure, TriggeredBy = [], VoidReason = $"{why.Chinese}，信用修复前不适用{good.Measure.Name}", VoidReasonEnglish = $"voided until credit repair: {why.English}" });
            }
            else
            {
                applied.Add(good);
                outcome = outcome < DecisionOutcome.Benefit ? DecisionOutcome.Benefit : outcome;
            }
        }

        foreach (var measure in order)
        {
            var by = triggered[measure];
            var (reason, reasonEnglish) = VoidReason(measure, by, policy.PunishmentVoidsBenefits ? grounds.Text : null);
            if (reason is not null)
            {
                voided.Add(new AppliedMeasure { Measure = measure, TriggeredBy = by, VoidReason = reason, VoidReasonEnglish = reasonEnglish });
                continue;
            }

            applied.Add(new AppliedMeasure { Measure = measure, TriggeredBy = by });
            var effect = OutcomeOf(measure.Effect);
            if (effect > outcome)
            {
                outcome = effect;
            }
        }

        foreach (var (measure, by) in byLevel ?? [])
        {
            if (triggered.ContainsKey(measure) || applied.Exists(a => a.Measure == measure) || voided.Exists(a => a.Measure == measure))
            {
                continue; // already earned through a list entry or another rating
            }

            if (measure.IsBenefit && !measure.SurvivesPunishment && policy.PunishmentVoidsBenefits && grounds.Text is { } why)
            {
                voided.Add(new AppliedMeasure { Measure = measure, TriggeredBy = [], Rating = by, VoidReason = $"{why.Chinese}，信用修复前不适用激励措施", VoidReasonEnglish = $"voided until credit repair: {why.English}" });
                continue;
            }

            applied.Add(new AppliedMeasure { Measure = measure, TriggeredBy = [], Rating = by });
            var effect = OutcomeOf(measure.Effect);
            if (effect > outcome)
            {
                outcome = effect;
            }
        }

        var notHeld = ListsNotHeld(catalog, shared, scenario, request.Subject.Kind, lookup.ListsHeld);
        var degraded = lookup.Source == LookupSource.LastKnown ? lookup.Problem : null;
        if (notHeldPolicy == ListsNotHeldPolicy.Review && notHeld.Count > 0 && outcome < DecisionOutcome.Review && Hiding(catalog, scenario, notHeld) is { } hiding)
        {
            (_, var withheld, degraded) = Withhold(applied, hiding, degraded);
            voided.AddRange(withheld);
            applied.RemoveAll(a => a.Measure.IsBenefit); // as Withhold kept them
            outcome = DecisionOutcome.Review;
        }

        return new CreditDecision(request)
        {
            CheckId = checkId,
            ResolvedScenario = catalog.Scenario(scenario),
            Outcome = outcome,
            MatchedEntries = matched,
            AppliedMeasures = applied.Count == 0 ? NoMeasures : applied,
            VoidedMeasures = voided.Count == 0 ? NoMeasures : voided,
            Ratings = ratings ?? (IReadOnlyList<RatingResult>)[],
            UnreadableEntries = badLevels is null ? lookup.Unreadable : [.. lookup.Unreadable, .. badLevels],
            CatalogVersion = catalog.Source.Version,
            Sequence = lookup.Freshness.Sequence,
            PlatformRequestId = lookup.PlatformRequestId,
            DataAge = age,
            EvaluatedAt = now,
            Path = path,
            DegradedReason = degraded,
            ListsNotHeld = notHeld,
        };
    }

    private static void AddTriggered(Measure[] measures, MatchedEntry entry, Dictionary<Measure, List<MatchedEntry>> triggered, List<Measure> order)
    {
        foreach (var measure in measures)
        {
            if (!measure.AppliesTo(entry.Entry.SubjectKind))
            {
                continue;
            }

            if (!triggered.TryGetValue(measure, out var by))
            {
                triggered[measure] = by = [];
                order.Add(measure);
            }

            by.Add(entry);
        }
    }

    /// <summary>What ends good standing for an entry that binds the subject: a record of the subject's own, always;
    /// a person only linked through a listed enterprise has no 失信 record of their own, so only where one of that
    /// entry's measures reaches them in this scenario (the basic list bars widening a measure's targets; found by
    /// review: such a person lost 告知承诺 in every scenario, told "存在失信记录").</summary>
    private static (string Template, string Name, string English)? Blocker(MatchedEntry entry, bool reachesHere, string template, string name, string english) =>
        !entry.IsRelatedPerson ? (template, name, english)
        : reachesHere ? ($"所关联企业{template}，相关措施及于本人", name, $"{english}, whose measures reach the linked person here")
        : null;

    private static (string? Chinese, string? English) VoidReason(Measure measure, List<MatchedEntry> by, (string Chinese, string English)? blocker)
    {
        if (by.TrueForAll(e => e.State == EntryState.SuspendedByObjection))
        {
            // Every list whose entries are under objection is named (found by review: none was).
            var lists = by.Select(e => e.List!).Distinct().ToList();
            return ($"{string.Join("、", lists.Select(l => $"“{l.Name}”"))}记录异议核查期间暂停适用",
                $"suspended while the objection to the entries on {string.Join(", ", lists.Select(l => l.Code))} is verified");
        }

        if (measure.IsBenefit && !measure.SurvivesPunishment && blocker is { } why)
        {
            return ($"{why.Chinese}，信用修复前不适用激励措施", $"voided until credit repair: {why.English}");
        }

        return (null, null);
    }

    /// <summary>When a rating's result takes effect: its validity's start, else the day it was listed.</summary>
    private static DateTimeOffset? RatingAsOf(ListEntry entry) => entry.ValidFrom ?? entry.ListedOn;

    /// <summary>For each rating with more than one current result of the subject (dated), the latest result's date: an
    /// earlier one is superseded (信用评价结果动态更新). Null when no rating has two: the common case costs nothing more.</summary>
    private static Dictionary<string, DateTimeOffset>? LatestRatingResults(CompiledCatalog catalog, IReadOnlyList<FoundEntry> entries, CatalogPolicy policy, DateTimeOffset now)
    {
        Dictionary<string, DateTimeOffset>? latest = null;
        var seen = 0;
        foreach (var found in entries)
        {
            if (RatingAsOf(found.Entry) is not { } asOf || !catalog.TryGetList(found.Entry.ListCode, out var index)
                || catalog.List(index) is not { Category: ListCategory.Rating } list
                || StateOf(found.Entry, list, policy, now) is not (EntryState.InForce or EntryState.UnderObjection or EntryState.SuspendedByObjection))
            {
                continue;
            }

            seen++;
            latest ??= new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
            if (!latest.TryGetValue(list.Code, out var known) || asOf > known)
            {
                latest[list.Code] = asOf;
            }
        }

        return seen > 1 ? latest : null;
    }

    private static EntryState StateOf(ListEntry entry, CreditList? list, CatalogPolicy policy, DateTimeOffset now)
    {
        if (list is null)
        {
            return EntryState.UnknownList;
        }

        switch (entry.Status)
        {
            case EntryStatus.Repaired:
                return EntryState.Repaired;
            case EntryStatus.Revoked:
                return EntryState.Revoked;
        }

        if (entry.ValidFrom is { } from && now < from)
        {
            return EntryState.NotYetValid;
        }

        if (entry.ValidUntil is { } until && now >= until)
        {
            return EntryState.Expired;
        }

        if (entry.Status == EntryStatus.UnderObjection)
        {
            return policy.ObjectionSuspendsMeasures ? EntryState.SuspendedByObjection : EntryState.UnderObjection;
        }

        return EntryState.InForce;
    }

    internal static DecisionOutcome OutcomeOf(MeasureEffect effect) => effect switch
    {
        MeasureEffect.Deny => DecisionOutcome.Denied,
        MeasureEffect.Restrict => DecisionOutcome.Restricted,
        MeasureEffect.Review => DecisionOutcome.Review,
        MeasureEffect.Notify => DecisionOutcome.Clear,
        _ => DecisionOutcome.Benefit,
    };

    private static DecisionPath PathOf(LookupSource source) => source switch
    {
        LookupSource.Embedded => DecisionPath.Embedded,
        LookupSource.LocalFilter => DecisionPath.LocalFilter,
        LookupSource.Cache => DecisionPath.Cache,
        LookupSource.Store => DecisionPath.Store,
        LookupSource.LastKnown => DecisionPath.LastKnown,
        _ => DecisionPath.Policy,
    };

    private static int ResolveScenario(CompiledCatalog catalog, string code)
    {
        if (catalog.TryResolveScenario(code, out var index))
        {
            return index;
        }

        if (Catalog.Scenario.FindCodeProblem(code) is { } problem)
        {
            throw new ArgumentException(
                $"Scenario '{(code.Length <= 80 ? code : $"{code.AsSpan(0, 60)}…")}' is not a scenario code: {problem.Message}. A code is lower-case words of a-z and 0-9 joined by '-', "
                + $"levels joined by '.', at most {Catalog.Scenario.MaxCodeLength} characters, such as 'procurement.bid'. Top-level scenarios: {catalog.KnownTopLevelScenarios()}.",
                nameof(code));
        }

        if (catalog.Source.SuggestScenario(code) is { } meant)
        {
            throw new ArgumentException(
                $"Scenario '{code}' is not in catalog {catalog.Source.Version}; did you mean '{meant}'? A code the catalog does not declare "
                + "resolves to its nearest declared ancestor, but not one this close to a declared code: the ancestor would apply none of its measures. "
                + $"Top-level scenarios: {catalog.KnownTopLevelScenarios()}.",
                nameof(code));
        }

        throw new ArgumentException(
            $"Scenario '{code}' is not in catalog {catalog.Source.Version}, nor is any ancestor of it. "
            + $"Top-level scenarios: {catalog.KnownTopLevelScenarios()}.",
            nameof(code));
    }
}
