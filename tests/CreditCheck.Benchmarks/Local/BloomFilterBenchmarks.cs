using BenchmarkDotNet.Attributes;
using CreditCheck.Redis;

namespace CreditCheck.Benchmarks.Local;

/// <summary>
/// The Redis store's local filter (<see cref="SplitBlockBloomFilter"/>, 1.75 bytes per key) against
/// the exact set it replaces, a <see cref="HashSet{T}"/> of the same 64-bit fingerprints (baseline,
/// about 20+ bytes per key). Probes are 1,024 fingerprints per invocation: absent ones (a clean
/// subject, the common case) or present ones (a listed subject).
/// </summary>
[MemoryDiagnoser]
public class BloomFilterBenchmarks
{
    private const int Probes = 1024;

    private SplitBlockBloomFilter _filter = null!;
    private HashSet<ulong> _set = null!;
    private ulong[] _absent = null!;
    private ulong[] _present = null!;

    /// <summary>Keys in the filter and the set.</summary>
    [Params(100_000, 1_000_000)]
    public int Keys { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(20240102);
        var keys = new ulong[Keys];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = (ulong)random.NextInt64() ^ ((ulong)random.Next() << 63);
        }

        _filter = new SplitBlockBloomFilter(Keys);
        _set = new HashSet<ulong>(Keys);
        foreach (var key in keys)
        {
            _filter.Add(key);
            _set.Add(key);
        }

        _present = [.. Enumerable.Range(0, Probes).Select(_ => keys[random.Next(keys.Length)])];
        _absent = new ulong[Probes];
        for (var i = 0; i < Probes;)
        {
            var candidate = (ulong)random.NextInt64() ^ ((ulong)random.Next() << 63);
            if (!_set.Contains(candidate))
            {
                _absent[i++] = candidate;
            }
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Probes, Description = "HashSet<ulong>.Contains, absent (baseline)")]
    public int HashSetAbsent()
    {
        var hits = 0;
        foreach (var key in _absent)
        {
            hits += _set.Contains(key) ? 1 : 0;
        }

        return hits;
    }

    [Benchmark(OperationsPerInvoke = Probes, Description = "SplitBlockBloomFilter.MayContain, absent")]
    public int FilterAbsent()
    {
        var hits = 0;
        foreach (var key in _absent)
        {
            hits += _filter.MayContain(key) ? 1 : 0;
        }

        return hits;
    }

    [Benchmark(OperationsPerInvoke = Probes, Description = "HashSet<ulong>.Contains, present")]
    public int HashSetPresent()
    {
        var hits = 0;
        foreach (var key in _present)
        {
            hits += _set.Contains(key) ? 1 : 0;
        }

        return hits;
    }

    [Benchmark(OperationsPerInvoke = Probes, Description = "SplitBlockBloomFilter.MayContain, present")]
    public int FilterPresent()
    {
        var hits = 0;
        foreach (var key in _present)
        {
            hits += _filter.MayContain(key) ? 1 : 0;
        }

        return hits;
    }
}
