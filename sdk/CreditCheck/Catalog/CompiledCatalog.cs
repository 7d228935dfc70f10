using System.Collections.Concurrent;
using System.Collections.Frozen;

namespace CreditCheck.Catalog;

/// <summary>
/// A catalog compiled once into a table (list × scenario → measures), so that a check looks up
/// instead of searching. Built when a catalog is first used; immutable afterwards.
/// </summary>
internal sealed class CompiledCatalog
{
    private readonly FrozenDictionary<string, int> _scenarioIndex;
    private readonly FrozenDictionary<string, int> _listIndex;
    private readonly Measure[][] _direct;
    private readonly Measure[][] _related;
    private readonly Measure[][] _coListed;
    private readonly bool[] _inSector;
    private readonly AppliedMeasure[][] _goodStanding;
    private readonly FrozenDictionary<string, Measure[][]> _byRatingLevel;
    private readonly CreditList[][] _acting;
    private readonly FrozenSet<string>[] _mayHideAdverse;
    private const int MaxRememberedFallbacks = 1024;
    private readonly ConcurrentDictionary<string, int> _fallbacks = new(StringComparer.Ordinal);

    public CompiledCatalog(CreditCatalog source)
    {
        Source = source;
        _scenarioIndex = source.Scenarios.Select((s, i) => (s.Code, i)).ToFrozenDictionary(p => p.Code, p => p.i, StringComparer.Ordinal);
        _listIndex = source.Lists.Select((l, i) => (l.Code, i)).ToFrozenDictionary(p => p.Code, p => p.i, StringComparer.Ordinal);

        var scenarioCount = source.Scenarios.Count;
        _direct = new Measure[source.Lists.Count * scenarioCount][];
        _related = new Measure[_direct.Length][];
        _coListed = new Measure[_direct.Length][];
        _inSector = new bool[_direct.Length];
        for (var l = 0; l < source.Lists.Count; l++)
        {
            var list = source.Lists[l];
            for (var s = 0; s < scenarioCount; s++)
            {
                var scenario = source.Scenarios[s].Code;
                var inSector = list.Sectors.Count == 0 || list.Sectors.Any(p => ScenarioMatcher.Matches(p, scenario));
                _inSector[(l * scenarioCount) + s] = inSector;
                var here = !inSector ? [] : source.Measures
                    .Where(m => m.Lists.Contains(list.Code, StringComparer.Ordinal) && m.Scenarios.Any(p => ScenarioMatcher.Matches(p, scenario)))
                    .ToArray();
                _direct[(l * scenarioCount) + s] = [.. here.Where(m => !m.RelatedPersonsOnly)];
                _related[(l * scenarioCount) + s] = [.. here.Where(m => m.ReachesRelatedPersons)];

                // A person listed in their own right *and* named for the enterprise (its 法定代表人) gets the list's full
                // measures and still those that only a related person gets (barred from being a 法定代表人 elsewhere).
                _coListed[(l * scenarioCount) + s] = [.. here];
            }
        }

        // Measures for subjects in good standing, per scenario and subject kind, built once and shared by every
        // clean decision (they carry no entry), so a clean check allocates nothing more for them.
        _goodStanding = new AppliedMeasure[scenarioCount * 2][];
        for (var s = 0; s < scenarioCount; s++)
        {
            var scenario = source.Scenarios[s].Code;
            var here = source.Measures
                .Where(m => m.AppliesInGoodStanding && m.Scenarios.Any(p => ScenarioMatcher.Matches(p, scenario)))
                .ToArray();
            _goodStanding[s * 2] = Applied(here, SubjectKind.LegalEntity);
            _goodStanding[(s * 2) + 1] = Applied(here, SubjectKind.NaturalPerson);
        }

        // Measures a rating level triggers, per scenario: "rating:level" → scenario → measures.
        _byRatingLevel = source.Ratings
            .SelectMany(r => r.Levels.Select(l => $"{r.Code}:{l.Code}"))
            .ToFrozenDictionary(
                key => key,
                key => source.Scenarios
                    .Select(s => source.Measures
                        .Where(m => m.RatingLevels.Contains(key, StringComparer.Ordinal) && m.Scenarios.Any(p => ScenarioMatcher.Matches(p, s.Code)))
                        .ToArray())
                    .ToArray(),
                StringComparer.Ordinal);

        // The lists whose entries can change an answer in a scenario: a punishment or watch entry in its sector (it
        // makes the answer Review at least, measures or not), a red list or rating with a measure here.
        // Per subject kind too: a list that holds no subject of the kind cannot be missed for it.
        _acting = new CreditList[scenarioCount * 2][];
        _mayHideAdverse = new FrozenSet<string>[scenarioCount];
        for (var s = 0; s < scenarioCount; s++)
        {
            var scenario = source.Scenarios[s].Code;
            // The measures of each rating's levels here, read once for both sets below.
            Measure[] RatingMeasures(CreditList rating) =>
                [.. source.Measures.Where(m => m.RatingLevels.Any(r => r.StartsWith(rating.Code + ":", StringComparison.Ordinal)) && m.Scenarios.Any(p => ScenarioMatcher.Matches(p, scenario)))];
            var ratingMeasures = source.Lists.Where(l => l.Category == ListCategory.Rating).ToDictionary(l => l.Code, RatingMeasures, StringComparer.Ordinal);
            CreditList[] acting = [.. source.Lists.Where((list, l) => list.Category switch
            {
                ListCategory.Reward => _coListed[(l * scenarioCount) + s].Length > 0,
                ListCategory.Rating => ratingMeasures[list.Code].Length > 0,
                _ => _inSector[(l * scenarioCount) + s],
            })];
            _acting[s * 2] = [.. acting.Where(l => l.SubjectKinds.Contains(SubjectKind.LegalEntity))];
            _acting[(s * 2) + 1] = [.. acting.Where(l => l.SubjectKinds.Contains(SubjectKind.NaturalPerson))];

            // Of those, the ones whose entries can make the answer worse: a missing red list hides only a benefit.
            _mayHideAdverse[s] = acting.Where(list => list.Category switch
            {
                ListCategory.Reward => false,
                ListCategory.Rating => ratingMeasures[list.Code].Any(m => !m.IsBenefit),
                _ => true,
            }).Select(l => l.Code).ToFrozenSet(StringComparer.Ordinal);
        }

        static AppliedMeasure[] Applied(Measure[] measures, SubjectKind kind) =>
            [.. measures.Where(m => m.AppliesTo(kind)).Select(m => new AppliedMeasure { Measure = m, TriggeredBy = [] })];
    }

    public CreditCatalog Source { get; }

    public CreditList List(int index) => Source.Lists[index];

    public bool TryGetList(string code, out int index) => _listIndex.TryGetValue(code, out index);

    /// <summary>Resolves a requested scenario to a declared one: itself, or its nearest declared
    /// ancestor (<c>procurement.bid.open</c> → <c>procurement.bid</c>). False when none is declared, or when the
    /// code is a slip of a declared one (<see cref="CreditCatalog.SuggestScenario"/>).</summary>
    public bool TryResolveScenario(string code, out int index)
    {
        if (_scenarioIndex.TryGetValue(code, out index))
        {
            return true;
        }

        if (!_fallbacks.TryGetValue(code, out index))
        {
            // A slip of a declared code is not a finer code: refused, not resolved to the parent (see ScenarioSpelling).
            index = CatalogReader.IsScenarioCode(code) && Source.SuggestScenario(code) is null ? FindAncestor(code) : -1;
            if (_fallbacks.Count < MaxRememberedFallbacks)
            {
                _fallbacks.TryAdd(code, index); // bounded: hosts may send arbitrary codes
            }
        }

        return index >= 0;
    }

    public Scenario Scenario(int index) => Source.Scenarios[index];

    /// <summary>The measures an entry of <paramref name="list"/> triggers in <paramref name="scenario"/> (none
    /// outside the list's sector): for a person affected only through an enterprise's entry, only those that
    /// reach related persons; for a person co-listed with the enterprise, all of them, those meant only for
    /// related persons included; otherwise all but those.</summary>
    public Measure[] Measures(int list, int scenario, bool relatedPerson, bool coListedPerson = false)
    {
        var cell = (list * Source.Scenarios.Count) + scenario;
        return relatedPerson ? _related[cell] : coListedPerson ? _coListed[cell] : _direct[cell];
    }

    /// <summary>The measures a result at <paramref name="level"/> of the rating <paramref name="rating"/> triggers in
    /// <paramref name="scenario"/>; false when the rating has no such level.</summary>
    public bool TryGetLevelMeasures(string rating, string? level, int scenario, out Measure[] measures)
    {
        if (level is not null && _byRatingLevel.TryGetValue($"{rating}:{level}", out var byScenario))
        {
            measures = byScenario[scenario];
            return true;
        }

        measures = [];
        return false;
    }

    /// <summary>Whether entries of <paramref name="list"/> act in <paramref name="scenario"/> (its sector).</summary>
    public bool InSector(int list, int scenario) => _inSector[(list * Source.Scenarios.Count) + scenario];

    /// <summary>The lists that act in <paramref name="scenario"/> for a subject of <paramref name="kind"/> (an entry on
    /// them can change its answer) and are not in <paramref name="held"/> (list codes), in catalog order; empty when the
    /// store holds them all.</summary>
    public CreditList[] ListsNotHeld(int scenario, SubjectKind kind, IReadOnlySet<string> held)
    {
        var acting = _acting[(scenario * 2) + (kind == SubjectKind.NaturalPerson ? 1 : 0)];
        var missing = 0;
        foreach (var list in acting)
        {
            missing += held.Contains(list.Code) ? 0 : 1;
        }

        return missing == 0 ? [] : [.. acting.Where(l => !held.Contains(l.Code))];
    }

    /// <summary>Whether an entry of <paramref name="list"/>, one of <see cref="ListsNotHeld"/>, could make the answer in
    /// <paramref name="scenario"/> worse: a punishment or watch list, or a rating with a level that restricts here — not a
    /// red list, nor a rating whose levels here only reward.</summary>
    public bool MayHideAdverse(CreditList list, int scenario) => _mayHideAdverse[scenario].Contains(list.Code);

    /// <summary>The measures that apply to a subject of <paramref name="kind"/> in good standing in
    /// <paramref name="scenario"/>; shared instances, triggered by no entry.</summary>
    public AppliedMeasure[] GoodStanding(int scenario, SubjectKind kind) =>
        _goodStanding[(scenario * 2) + (kind == SubjectKind.NaturalPerson ? 1 : 0)];

    public string KnownTopLevelScenarios() =>
        string.Join(", ", Source.Scenarios.Where(s => s.ParentCode is null).Select(s => s.Code));

    private int FindAncestor(string requested)
    {
        // Looked up by span: no copy of the code per level.
        var lookup = _scenarioIndex.GetAlternateLookup<ReadOnlySpan<char>>();
        var code = requested.AsSpan();
        for (var dot = code.LastIndexOf('.'); dot > 0; dot = code.LastIndexOf('.'))
        {
            code = code[..dot];
            if (lookup.TryGetValue(code, out var index))
            {
                return index;
            }
        }

        return -1;
    }
}
