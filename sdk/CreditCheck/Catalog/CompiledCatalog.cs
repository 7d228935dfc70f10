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
        for (var l = 0; l < source.Lists.Count; l++)
        {
            var listCode = source.Lists[l].Code;
            for (var s = 0; s < scenarioCount; s++)
            {
                var scenario = source.Scenarios[s].Code;
                var here = source.Measures
                    .Where(m => m.Lists.Contains(listCode, StringComparer.Ordinal) && m.Scenarios.Any(p => ScenarioMatcher.Matches(p, scenario)))
                    .ToArray();
                _direct[(l * scenarioCount) + s] = [.. here.Where(m => !m.RelatedPersonsOnly)];
                _related[(l * scenarioCount) + s] = [.. here.Where(m => m.ReachesRelatedPersons)];
            }
        }
    }

    public CreditCatalog Source { get; }

    public CreditList List(int index) => Source.Lists[index];

    public bool TryGetList(string code, out int index) => _listIndex.TryGetValue(code, out index);

    /// <summary>Resolves a requested scenario to a declared one: itself, or its nearest declared
    /// ancestor (<c>procurement.bid.open</c> → <c>procurement.bid</c>). False when none is declared.</summary>
    public bool TryResolveScenario(string code, out int index)
    {
        if (_scenarioIndex.TryGetValue(code, out index))
        {
            return true;
        }

        if (!_fallbacks.TryGetValue(code, out index))
        {
            index = FindAncestor(code);
            if (_fallbacks.Count < MaxRememberedFallbacks)
            {
                _fallbacks.TryAdd(code, index); // bounded: hosts may send arbitrary codes
            }
        }

        return index >= 0;
    }

    public Scenario Scenario(int index) => Source.Scenarios[index];

    /// <summary>The measures an entry of <paramref name="list"/> triggers in <paramref name="scenario"/>;
    /// for a person listed because of an enterprise, only those that reach related persons.</summary>
    public Measure[] Measures(int list, int scenario, bool relatedPerson)
    {
        var cell = (list * Source.Scenarios.Count) + scenario;
        return relatedPerson ? _related[cell] : _direct[cell];
    }

    public string KnownTopLevelScenarios() =>
        string.Join(", ", Source.Scenarios.Where(s => s.ParentCode is null).Select(s => s.Code));

    private int FindAncestor(string requested)
    {
        var code = requested;
        for (var dot = code.LastIndexOf('.'); dot > 0; dot = code.LastIndexOf('.'))
        {
            code = code[..dot];
            if (_scenarioIndex.TryGetValue(code, out var index))
            {
                return index;
            }
        }

        return -1;
    }
}
