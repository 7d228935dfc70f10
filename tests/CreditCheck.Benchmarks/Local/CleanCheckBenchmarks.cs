using BenchmarkDotNet.Attributes;
using CreditCheck.Benchmarks.Support;
using CreditCheck.Redis;
using CreditCheck.Stores;

namespace CreditCheck.Benchmarks.Local;

/// <summary>
/// One check of a clean subject (the vast majority of checks) through <see cref="ICreditChecker"/>:
/// on the embedded in-memory store, and on the Redis store's local-filter path (a real redis-server
/// holding N listed subjects; the check itself never touches the network). Also the store lookups
/// alone, to separate the store's cost from the decision's, and a cached listed subject.
/// </summary>
/// <remarks>
/// Baseline: a raw <see cref="Dictionary{TKey, TValue}"/> lookup of the parsed subject, the least any
/// local check must do — what a hand-rolled in-process integration holding the whole list would
/// cost. Parsing is left out of every case: it is the caller's cost and the same for any integration
/// (<see cref="KeyDerivationBenchmarks"/> has it). Each case checks the next of 4,096 distinct
/// subjects, so no single entry stays hot in a branch predictor.
/// </remarks>
[MemoryDiagnoser]
public class CleanCheckBenchmarks
{
    private const int Subjects = 4096;

    private RedisServer? _server;
    private Sdk? _redis;
    private Sdk? _inMemory;
    private Dictionary<SubjectId, ListEntry> _dictionary = null!;
    private CheckRequest[] _clean = null!;
    private SubjectId[] _cleanIds = null!;
    private CheckRequest[] _listed = null!;
    private CreditChecker _uncounted = null!;
    private CreditChecker _counted = null!;
    private IAsyncDisposable? _counter; // the counted checker's counter, flushed at cleanup
    private int _next;

    /// <summary>Listed subjects published to Redis and loaded into the embedded store.</summary>
    [Params(100_000)]
    public int Listed { get; set; }

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => CleanupAsync().GetAwaiter().GetResult();

    [Benchmark(Baseline = true, Description = "Dictionary lookup (baseline)")]
    public bool DictionaryLookup() => _dictionary.ContainsKey(_cleanIds[Next()]);

    [Benchmark(Description = "Embedded store: check clean")]
    public CreditDecision InMemoryCheckClean() => _inMemory!.Checker.CheckAsync(_clean[Next()]).Result;

    [Benchmark(Description = "Redis store, local filter: check clean")]
    public CreditDecision RedisCheckClean() => _redis!.Checker.CheckAsync(_clean[Next()]).Result;

    // The check counter's cost on the hot path: the same checker over the same store, without and with it
    // (both without metrics, so the difference is the counting alone).
    [Benchmark(Description = "Embedded store: check clean, not counted")]
    public CreditDecision InMemoryCheckCleanUncounted() => _uncounted.CheckAsync(_clean[Next()]).Result;

    [Benchmark(Description = "Embedded store: check clean, counted")]
    public CreditDecision InMemoryCheckCleanCounted() => _counted.CheckAsync(_clean[Next()]).Result;

    [Benchmark(Description = "Embedded store: lookup clean")]
    public SubjectLookup InMemoryLookupClean() => _inMemory!.Store.LookupAsync(_cleanIds[Next()]).Result;

    [Benchmark(Description = "Redis store, local filter: lookup clean")]
    public SubjectLookup RedisLookupClean() => _redis!.Store.LookupAsync(_cleanIds[Next()]).Result;

    [Benchmark(Description = "Redis store, cache: check listed")]
    public CreditDecision RedisCheckListedCached() => _redis!.Checker.CheckAsync(_listed[Next() & 1023]).Result;

    private int Next() => _next++ & (Subjects - 1);

    private async Task SetupAsync()
    {
        var data = ListedData.Create(Listed);
        _dictionary = data.ByList.SelectMany(l => l.Records).ToDictionary(r => r.Subject, r => r.Entry);
        _server = await RedisServer.StartAsync();
        await using (var publisher = await RedisCreditPublisher.ConnectAsync(Sdk.RedisOptions(_server.Configuration)))
        {
            await Sdk.PublishAsync(publisher, data);
        }

        _redis = await Sdk.StartRedisAsync(_server.Configuration);
        _inMemory = await Sdk.StartInMemoryAsync(data);
        var options = Microsoft.Extensions.Options.Options.Create(new CreditCheckOptions());
        var counter = new InMemoryCheckCounter(null, TimeProvider.System);
        _counter = counter;
        _uncounted = new CreditChecker(_inMemory.Store, options, TimeProvider.System);
        _counted = new CreditChecker(_inMemory.Store, options, TimeProvider.System, counter: counter);

        // Clean subjects the Redis filter answers locally (a false positive would measure the cache).
        var store = _redis.RedisStore!;
        var clean = new List<SubjectId>(Subjects);
        for (var n = 0; clean.Count < Subjects; n++)
        {
            var subject = SyntheticIds.Mixed(n, SyntheticIds.Ranges.CleanCompanies, SyntheticIds.Ranges.CleanPersons);
            if ((await store.LookupAsync(subject)).Source == LookupSource.LocalFilter)
            {
                clean.Add(subject);
            }
        }

        _cleanIds = [.. clean];
        _clean = [.. clean.Select(s => new CheckRequest(s, ListedData.Scenario))];
        _listed = [.. data.Subjects.Take(1024).Select(s => new CheckRequest(s, ListedData.Scenario))];
        foreach (var request in _listed)
        {
            var decision = await _redis.Checker.CheckAsync(request);
            if (decision.MatchedEntries.Count == 0)
            {
                throw new InvalidOperationException($"Listed subject {request.Subject} was not found in Redis ({decision.Path}).");
            }
        }

        if ((await _redis.Checker.CheckAsync(_listed[0])).Path != DecisionPath.Cache)
        {
            throw new InvalidOperationException("A listed subject checked twice was not answered from the cache.");
        }
    }

    private async Task CleanupAsync()
    {
        if (_counter is not null)
        {
            await _counter.DisposeAsync();
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }

        if (_inMemory is not null)
        {
            await _inMemory.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
