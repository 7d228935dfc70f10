using System.Text;
using BenchmarkDotNet.Attributes;
using CreditCheck.Benchmarks.Support;
using CreditCheck.Redis;

namespace CreditCheck.Benchmarks.Local;

/// <summary>
/// What a check pays before any store is asked: parsing the identifier the host received, the
/// filter fingerprint (SipHash-2-4, every Redis-store check) and the storage key (HMAC-SHA256 and
/// hex, only when the filter says "maybe": a listed subject or a false positive). Baseline: the
/// string hash a dictionary computes for the canonical id.
/// </summary>
[MemoryDiagnoser]
public class KeyDerivationBenchmarks : IDisposable
{
    private const int Subjects = 1024;

    private SubjectKeys _keys = null!;
    private SubjectId[] _ids = null!;
    private string[] _texts = null!;
    private int _next;

    public void Dispose()
    {
        _keys?.Dispose();
        GC.SuppressFinalize(this);
    }

    [GlobalSetup]
    public void Setup()
    {
        _keys = new SubjectKeys(Encoding.UTF8.GetBytes(Sdk.Secret));
        _ids = [.. Enumerable.Range(0, Subjects).Select(n => SyntheticIds.Company(SyntheticIds.Ranges.CleanCompanies + n))];
        _texts = [.. _ids.Select(s => s.Value)];
    }

    [Benchmark(Baseline = true, Description = "string.GetHashCode of the id (baseline)")]
    public int StringHash() => _texts[Next()].GetHashCode(StringComparison.Ordinal);

    [Benchmark(Description = "SubjectId.Parse (USCC)")]
    public SubjectId Parse() => SubjectId.Parse(_texts[Next()], SubjectKind.LegalEntity);

    [Benchmark(Description = "SubjectKeys.Fingerprint (SipHash)")]
    public ulong Fingerprint() => _keys.Fingerprint(_ids[Next()]);

    [Benchmark(Description = "SubjectKeys.StorageKey (HMAC-SHA256, hex)")]
    public string StorageKey() => _keys.StorageKey(_ids[Next()]);

    private int Next() => _next++ & (Subjects - 1);
}
