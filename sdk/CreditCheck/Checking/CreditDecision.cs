using System.Diagnostics.CodeAnalysis;
using CreditCheck.Catalog;
using CreditCheck.Stores;

namespace CreditCheck;

/// <summary>
/// The answer to one check: the outcome, what triggered it, the measures to apply with their legal
/// basis, and the data it was decided on, for the clerk, the applicant and the auditor.
/// </summary>
/// <remarks>
/// Immutable and thread-safe. The subject appears only masked. Report what was executed back with
/// <see cref="CheckId"/>. Explanations are composed on first read, so a clean check costs little.
/// </remarks>
public sealed class CreditDecision
{
    // Everything but the request, the id, the time and the explanations: owned by a decision made through the
    // public constructor, shared (and never changed) among the alike clean or policy decisions the checker makes.
    private readonly DecisionFacts _facts;

    // Composed on first read (they name the subject's check character, so they are the decision's own).
    private Texts? _texts;

    /// <summary>Creates a decision for a request. The checker makes decisions; hosts may make their own
    /// in tests, with every required member set.</summary>
    /// <param name="request">The request decided.</param>
    public CreditDecision(CheckRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        Request = request;
        _facts = new DecisionFacts();
    }

    /// <summary>The checker's decisions: <paramref name="facts"/> may be shared with other decisions and is
    /// not changed after this (no initializer may follow this constructor).</summary>
    // The required members live in the facts, which the engine filled: the compiler cannot see that.
#pragma warning disable CS8618
    [SetsRequiredMembers]
    internal CreditDecision(CheckRequest request, Guid checkId, DecisionFacts facts, DateTimeOffset evaluatedAt, TimeSpan dataAge)
    {
        Request = request;
        CheckId = checkId;
        _facts = facts;
        EvaluatedAt = evaluatedAt;
        DataAge = dataAge;
    }
#pragma warning restore CS8618

    /// <summary>Unique, time-ordered id of this check (UUID version 7); feedback refers to it.</summary>
    public required Guid CheckId { get; init; }

    /// <summary>The subject, masked: <c>9144**********123X</c>.</summary>
    public string Subject => SubjectId.Masked;

    /// <summary>Legal entity or natural person.</summary>
    public SubjectKind SubjectKind => SubjectId.Kind;

    /// <summary>False when the subject's code was accepted with a non-conforming check character
    /// (<see cref="SubjectIdParseMode.LenientCheckCharacter"/>).</summary>
    public bool SubjectCheckCharacterConforms => SubjectId.CheckCharacterConforms;

    /// <summary>The scenario code requested.</summary>
    public string Scenario => Request.Scenario;

    /// <summary>The declared scenario the request resolved to (itself, or its nearest declared ancestor).</summary>
    public required Scenario ResolvedScenario { get => _facts.ResolvedScenario; init => _facts.ResolvedScenario = value; }

    /// <summary>The host's transaction reference, if given.</summary>
    public string? TransactionReference => Request.TransactionReference;

    /// <summary>The checking department, if given.</summary>
    public string? Department => Request.Department;

    /// <summary>The operator, if given.</summary>
    public string? Operator => Request.Operator;

    /// <summary>What the host should do.</summary>
    public required DecisionOutcome Outcome { get => _facts.Outcome; init => _facts.Outcome = value; }

    /// <summary>Every entry found for the subject, with how each was treated (in force, expired, repaired …).</summary>
    public required IReadOnlyList<MatchedEntry> MatchedEntries { get => _facts.MatchedEntries; init => _facts.MatchedEntries = value; }

    /// <summary>The measures to apply, each with the entries that triggered it and its legal basis.</summary>
    public required IReadOnlyList<AppliedMeasure> AppliedMeasures { get => _facts.AppliedMeasures; init => _facts.AppliedMeasures = value; }

    /// <summary>Measures that would apply but do not, each with the reason (benefits voided by
    /// punishment; measures suspended by an objection).</summary>
    public required IReadOnlyList<AppliedMeasure> VoidedMeasures { get => _facts.VoidedMeasures; init => _facts.VoidedMeasures = value; }

    /// <summary>Entries the store holds for the subject but could not read; the outcome is at least
    /// <see cref="DecisionOutcome.Review"/> when there are any.</summary>
    public required IReadOnlyList<UnreadableEntry> UnreadableEntries { get => _facts.UnreadableEntries; init => _facts.UnreadableEntries = value; }

    /// <summary>The subject's current rating levels (公共信用综合评价, 纳税信用 …), one per rating result in force;
    /// empty when it has none.</summary>
    public IReadOnlyList<RatingResult> Ratings { get => _facts.Ratings; init => _facts.Ratings = value; }

    /// <summary>Version of the catalog the decision was made on.</summary>
    public required string CatalogVersion { get => _facts.CatalogVersion; init => _facts.CatalogVersion = value; }

    /// <summary>The store's change sequence the decision reflects.</summary>
    public required long Sequence { get => _facts.Sequence; init => _facts.Sequence = value; }

    /// <summary>The credit platform's id for the query the decision was made from (query-through store),
    /// or null; feedback on the decision carries it to the platform.</summary>
    public string? PlatformRequestId { get => _facts.PlatformRequestId; init => _facts.PlatformRequestId = value; }

    /// <summary>The catalog's lists that act in this scenario but of which the store holds no data (never
    /// imported into the namespace, or not followed from the credit platform): a subject on them is not found, so the
    /// answer does not cover them (the explanation says so). Empty when the store holds every such list, or does not say
    /// (the embedded store). Not a degraded answer: the store answered from current data.</summary>
    public IReadOnlyList<CreditList> ListsNotHeld { get => _facts.ListsNotHeld; init => _facts.ListsNotHeld = value; }

    /// <summary>How old the data was: zero for the embedded store; for a shared store, the time since
    /// the sequence was last confirmed current.</summary>
    public required TimeSpan DataAge { get; init; }

    /// <summary>When the decision was made.</summary>
    public required DateTimeOffset EvaluatedAt { get; init; }

    /// <summary>Which path produced it.</summary>
    public required DecisionPath Path { get => _facts.Path; init => _facts.Path = value; }

    /// <summary>Whether it was decided without current data (the store could not answer: the unavailability policy, or
    /// last-known entries), or on current data lacking a list that could hold a 失信 record here, under
    /// <see cref="ListsNotHeldPolicy.Review"/>. <see cref="DegradedReason"/> says which.</summary>
    public bool IsDegraded => DegradedReason is not null;

    /// <summary>Whether a benefit applied was earned by a red list entry or a credit rating (守信激励), as opposed to
    /// the measures for every subject without a 失信 record (告知承诺, 容缺受理: facilitation, not a reward).</summary>
    public bool IsBenefitEarned
    {
        get
        {
            foreach (var measure in AppliedMeasures)
            {
                if (measure.Measure.IsBenefit && (measure.TriggeredBy.Count > 0 || measure.Rating is not null))
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>Why it is degraded (see <see cref="IsDegraded"/>), or null.</summary>
    public string? DegradedReason { get => _facts.DegradedReason; init => _facts.DegradedReason = value; }

    /// <summary>Whether the subject's adverse records (punishment and watch lists) that act here are all an enterprise's
    /// they are only linked to, as its legal representative or other related person not listed in their own right: the
    /// subject has no 失信 record of their own. One rule for every text and adapter that words such a link (a red list
    /// entry of their own does not make them a 失信主体).</summary>
    public bool IsAdverseOnlyThroughLink
    {
        get
        {
            if (UnreadableEntries.Count > 0)
            {
                return false; // an entry that could not be read might be their own
            }

            var linked = false;
            foreach (var entry in MatchedEntries)
            {
                if (!entry.Acts || entry.List?.Category == ListCategory.Reward)
                {
                    continue;
                }

                if (!entry.IsRelatedPerson)
                {
                    return false;
                }

                linked = true;
            }

            return linked;
        }
    }

    /// <summary>Whether any entry in force is under objection (异议中).</summary>
    public bool HasObjection => MatchedEntries.Any(e => e.State is EntryState.UnderObjection or EntryState.SuspendedByObjection);

    /// <summary>A plain Chinese explanation for the clerk.</summary>
    public string Explanation => TextMembers().Chinese ??= DecisionText.Chinese(this);

    /// <summary>The same explanation in English.</summary>
    public string ExplanationEnglish => TextMembers().English ??= DecisionText.English(this);

    internal CheckRequest Request { get; }

    internal SubjectId SubjectId => Request.Subject;

    /// <summary>Outcome and explanation, for logs (the subject is masked).</summary>
    public override string ToString() => $"{Outcome} {Subject} @ {Scenario}: {ExplanationEnglish}";

    // Readers may compose explanations on several threads at once: one holder wins, and what the others
    // composed is the same text.
    private Texts TextMembers() => _texts ?? Interlocked.CompareExchange(ref _texts, new Texts(), null) ?? _texts;

    private sealed class Texts
    {
        public string? Chinese { get; set; }

        public string? English { get; set; }
    }
}

/// <summary>An entry found for the subject and how the decision treated it.</summary>
public sealed class MatchedEntry
{
    /// <summary>Creates an empty instance; set every required member.</summary>
    public MatchedEntry()
    {
    }

    /// <summary>The entry.</summary>
    public required ListEntry Entry { get; init; }

    /// <summary>Its list, or null when the catalog does not know the list.</summary>
    public required CreditList? List { get; init; }

    /// <summary>In force, expired, repaired …</summary>
    public required EntryState State { get; init; }

    /// <summary>The scheme of the key that found it (an older entry may be found by 组织机构代码).</summary>
    public required IdentifierScheme MatchedBy { get; init; }

    /// <summary>Whether the entry names a person affected only through an enterprise's entry (法定代表人 …):
    /// then only measures that reach related persons apply. False for a person listed in their own right
    /// because of an enterprise (<see cref="RelatedParty.ListedInOwnRight"/>, or by default on a list that
    /// <see cref="CreditList.CoListsRelatedPersons"/>), who gets the list's full measures.</summary>
    public bool IsRelatedPerson => Entry.RelatedTo is { } related && !(related.ListedInOwnRight ?? List?.CoListsRelatedPersons ?? false);

    /// <summary>Whether the entry names a person listed in their own right because of an enterprise (co-listed
    /// with it, e.g. under 保障农民工工资支付条例 第四十八条).</summary>
    public bool IsCoListedPerson => Entry.RelatedTo is not null && !IsRelatedPerson;

    /// <summary>Whether its measures apply (in force, or under objection without suspension).</summary>
    public bool IsInForce => State is EntryState.InForce or EntryState.UnderObjection;

    /// <summary>Whether the entry still stands behind the decision: in force, suspended pending an objection's
    /// outcome, or on a list the catalog does not know (never taken for none).</summary>
    public bool Acts => IsInForce || State is EntryState.SuspendedByObjection or EntryState.UnknownList;
}

/// <summary>A measure the decision applies (or voided), the entries that triggered it, and its basis.</summary>
public sealed class AppliedMeasure
{
    /// <summary>Creates an empty instance; set every required member.</summary>
    public AppliedMeasure()
    {
    }

    /// <summary>The measure.</summary>
    public required Measure Measure { get; init; }

    /// <summary>The entries that triggered it; empty for a measure that applies because the subject is in good
    /// standing (<see cref="Measure.AppliesInGoodStanding"/>).</summary>
    public required IReadOnlyList<MatchedEntry> TriggeredBy { get; init; }

    /// <summary>The legal basis, from the catalog.</summary>
    public string LegalBasis => Measure.LegalBasis;

    /// <summary>The rating level that triggered it (<see cref="Measure.RatingLevels"/>), or null.</summary>
    public RatingResult? Rating { get; init; }

    /// <summary>For a voided measure, why, in Chinese; null for an applied one.</summary>
    public string? VoidReason { get; init; }

    /// <summary>For a voided measure, why, in English; null for an applied one.</summary>
    public string? VoidReasonEnglish { get; init; }
}

/// <summary>A subject's level in a rating, as its result entry says.</summary>
public sealed class RatingResult
{
    /// <summary>Creates an empty instance; set every required member.</summary>
    public RatingResult()
    {
    }

    /// <summary>The rating (公共信用综合评价, 纳税信用 …).</summary>
    public required CreditRating Rating { get; init; }

    /// <summary>The subject's level in it.</summary>
    public required RatingLevel Level { get; init; }

    /// <summary>Since when the level holds (the result's start of validity, or its listing date), if known.</summary>
    public DateTimeOffset? AsOf { get; init; }

    /// <summary>The result entry.</summary>
    public required ListEntry Entry { get; init; }

    /// <summary><c>rating:level</c>, e.g. <c>tax-credit-rating:A</c>.</summary>
    public override string ToString() => $"{Rating.Code}:{Level.Code}";
}
