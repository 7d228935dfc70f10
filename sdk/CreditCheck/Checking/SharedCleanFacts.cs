using CreditCheck.Catalog;
using CreditCheck.Stores;

namespace CreditCheck;

/// <summary>
/// The facts of the last clean decision per scenario and subject kind of one compiled catalog, given again to
/// the next clean decision that says the same: the same store sequence, path, platform request and degraded
/// reason. Most checks are clean, so most decisions share a handful of <see cref="DecisionFacts"/>.
/// </summary>
/// <remarks>
/// Thread-safe: a slot holds facts that are never changed; a thread that finds no fit makes new facts and
/// puts them in the slot, and the last writer wins.
/// </remarks>
internal sealed class SharedCleanFacts
{
    private readonly DecisionFacts?[] _slots;

    public SharedCleanFacts(CompiledCatalog catalog)
    {
        Catalog = catalog;
        _slots = new DecisionFacts?[catalog.Source.Scenarios.Count * 2];
    }

    /// <summary>The catalog the slots were filled from; the scenario indexes are its own.</summary>
    public CompiledCatalog Catalog { get; }

    public DecisionFacts? Find(int scenario, SubjectKind kind, in SubjectLookup lookup, DecisionPath path, string? degraded)
    {
        var facts = Volatile.Read(ref _slots[Slot(scenario, kind)]);
        return facts is not null
            && facts.Sequence == lookup.Freshness.Sequence
            && facts.Path == path
            && string.Equals(facts.PlatformRequestId, lookup.PlatformRequestId, StringComparison.Ordinal)
            && string.Equals(facts.DegradedReason, degraded, StringComparison.Ordinal)
            ? facts
            : null;
    }

    public void Keep(int scenario, SubjectKind kind, DecisionFacts facts) => Volatile.Write(ref _slots[Slot(scenario, kind)], facts);

    private static int Slot(int scenario, SubjectKind kind) => (scenario * 2) + (kind == SubjectKind.NaturalPerson ? 1 : 0);
}
