using System.Collections.Frozen;
using CreditCheck.Catalog;
using CreditCheck.Stores;

namespace CreditCheck;

/// <summary>
/// The facts of the last decision of the two kinds that most checks give, per scenario of one compiled catalog:
/// clean (per subject kind too, since the good-standing measures differ), and decided by the unavailability policy
/// while the store cannot answer. The next such decision that says the same (the same store sequence, path,
/// platform request and problem) is given the same <see cref="DecisionFacts"/>: a 10,000-subject batch then makes
/// a handful of them, not 10,000, also during an outage.
/// </summary>
/// <remarks>
/// One per checker, so the unavailability policy is fixed. Thread-safe: a slot holds facts that are never changed;
/// a thread that finds no fit makes new facts and puts them in the slot, and the last writer wins.
/// </remarks>
internal sealed class SharedDecisionFacts
{
    private readonly DecisionFacts?[] _clean;
    private readonly Unavailable?[] _unavailable;
    private readonly NotCovered?[] _notCovered;
    private Coverage? _coverage;

    public SharedDecisionFacts(CompiledCatalog catalog)
    {
        Catalog = catalog;
        _clean = new DecisionFacts?[catalog.Source.Scenarios.Count * 2];
        _unavailable = new Unavailable?[catalog.Source.Scenarios.Count];
        _notCovered = new NotCovered?[catalog.Source.Scenarios.Count * 2];
    }

    /// <summary>The catalog the slots were filled from; the scenario indexes are its own.</summary>
    public CompiledCatalog Catalog { get; }

    public DecisionFacts? FindClean(int scenario, SubjectKind kind, in SubjectLookup lookup, DecisionPath path, string? degraded)
    {
        var facts = Volatile.Read(ref _clean[CleanSlot(scenario, kind)]);
        return facts is not null
            && facts.Sequence == lookup.Freshness.Sequence
            && facts.Path == path
            && string.Equals(facts.PlatformRequestId, lookup.PlatformRequestId, StringComparison.Ordinal)
            && string.Equals(facts.DegradedReason, degraded, StringComparison.Ordinal)
            && ReferenceEquals(facts.ListsNotHeld, ListsNotHeld(scenario, kind, lookup.ListsHeld))
            ? facts
            : null;
    }

    public void KeepClean(int scenario, SubjectKind kind, DecisionFacts facts) => Volatile.Write(ref _clean[CleanSlot(scenario, kind)], facts);

    /// <summary>The Review facts made from <paramref name="clean"/> under <see cref="ListsNotHeldPolicy.Review"/>, when the
    /// last ones of the scenario and kind were made from the same clean facts.</summary>
    public DecisionFacts? FindNotCovered(int scenario, SubjectKind kind, DecisionFacts clean) =>
        Volatile.Read(ref _notCovered[CleanSlot(scenario, kind)]) is { } slot && ReferenceEquals(slot.Clean, clean) ? slot.Facts : null;

    public void KeepNotCovered(int scenario, SubjectKind kind, DecisionFacts clean, DecisionFacts facts) =>
        Volatile.Write(ref _notCovered[CleanSlot(scenario, kind)], new NotCovered(clean, facts));

    /// <summary>The policy's facts for a lookup the store could not answer, when the last one of the scenario had the
    /// same problem (the degraded reason is composed from it), sequence and platform request, and no unreadable entry.</summary>
    public DecisionFacts? FindUnavailable(int scenario, in SubjectLookup lookup)
    {
        var slot = Volatile.Read(ref _unavailable[scenario]);
        return slot is not null
            && lookup.Unreadable.Count == 0
            && slot.Facts.Sequence == lookup.Freshness.Sequence
            && string.Equals(slot.Problem, lookup.Problem, StringComparison.Ordinal)
            && string.Equals(slot.Facts.PlatformRequestId, lookup.PlatformRequestId, StringComparison.Ordinal)
            ? slot.Facts
            : null;
    }

    public void KeepUnavailable(int scenario, in SubjectLookup lookup, DecisionFacts facts)
    {
        if (lookup.Unreadable.Count == 0)
        {
            Volatile.Write(ref _unavailable[scenario], new Unavailable(lookup.Problem, facts));
        }
    }

    /// <summary>The lists acting in <paramref name="scenario"/> for <paramref name="kind"/> that <paramref name="held"/>
    /// lacks (<see cref="CompiledCatalog.ListsNotHeld"/>), one shared array per scenario, kind and store state: a store gives
    /// one immutable set per state to every lookup of it, so the arrays are kept for the last set seen.</summary>
    public IReadOnlyList<CreditList> ListsNotHeld(int scenario, SubjectKind kind, FrozenSet<string>? held)
    {
        if (held is null)
        {
            return DecisionFacts.NoLists;
        }

        var coverage = Volatile.Read(ref _coverage);
        if (coverage is null || !ReferenceEquals(coverage.Held, held))
        {
            coverage = new Coverage(held, new IReadOnlyList<CreditList>?[Catalog.Source.Scenarios.Count * 2]);
            Volatile.Write(ref _coverage, coverage);
        }

        var slot = CleanSlot(scenario, kind);
        var lists = Volatile.Read(ref coverage.BySlot[slot]);
        if (lists is null)
        {
            var missing = Catalog.ListsNotHeld(scenario, kind, held);
            lists = missing.Length == 0 ? DecisionFacts.NoLists : missing;
            Volatile.Write(ref coverage.BySlot[slot], lists);
        }

        return lists;
    }

    private static int CleanSlot(int scenario, SubjectKind kind) => (scenario * 2) + (kind == SubjectKind.NaturalPerson ? 1 : 0);

    private sealed record Unavailable(string? Problem, DecisionFacts Facts);

    private sealed record NotCovered(DecisionFacts Clean, DecisionFacts Facts);

    private sealed record Coverage(FrozenSet<string> Held, IReadOnlyList<CreditList>?[] BySlot);
}
