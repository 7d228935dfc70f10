using System.Globalization;
using System.Net;
using CreditCheck.Redis;
using StackExchange.Redis;

namespace CreditCheck.Benchmarks.Support;

/// <summary>What Redis holds: <c>used_memory</c> from <c>INFO memory</c>, and <c>MEMORY USAGE</c> of keys.</summary>
internal static class RedisMemory
{
    /// <summary><c>used_memory</c> of <paramref name="node"/>, or of the one server when there is one.</summary>
    public static async Task<long> UsedMemoryAsync(IConnectionMultiplexer admin, EndPoint? node = null)
    {
        var server = node is null ? admin.GetServers()[0] : admin.GetServer(node);
        var info = await server.InfoAsync("memory");
        var used = info.SelectMany(g => g).First(p => p.Key == "used_memory").Value;
        return long.Parse(used, CultureInfo.InvariantCulture);
    }

    /// <summary><c>MEMORY USAGE key SAMPLES samples</c> (0 = every element), or 0 when the key is absent.</summary>
    public static async Task<long> UsageAsync(IDatabase db, RedisKey key, int samples = 5)
    {
        var answer = await db.ExecuteAsync("MEMORY", "USAGE", key, "SAMPLES", samples);
        return answer.IsNull ? 0 : (long)answer;
    }

    /// <summary>The bytes Redis holds per listed subject, by key kind: the subject hashes (a sample of
    /// <paramref name="sample"/> subjects), and each list's index and filter source.</summary>
    public static async Task<(double EntryHash, double Index, double FilterSource)> PerListedAsync(
        IDatabase db, SubjectKeys keys, IReadOnlyList<SubjectId> sampleSubjects, int listed)
    {
        long entries = 0;
        foreach (var subject in sampleSubjects)
        {
            entries += await UsageAsync(db, Sdk.EntriesPrefix + keys.StorageKey(subject), 0);
        }

        var names = new RedisKeys(Sdk.Namespace);
        long index = 0, prints = 0;
        foreach (var list in ListedData.ListCodes)
        {
            index += await UsageAsync(db, names.ListIndex(list));
            prints += await UsageAsync(db, names.ListFingerprints(list), 0);
        }

        return ((double)entries / sampleSubjects.Count, (double)index / listed, (double)prints / listed);
    }
}
