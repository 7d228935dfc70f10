using StackExchange.Redis;

namespace CreditCheck.Redis;

/// <summary>The full verify: every index against the subjects' entry hashes, and the verified mark that
/// lets readers trust empty reads again after Redis evicted keys.</summary>
public sealed partial class RedisCreditPublisher
{
    // Index fields checked per script call: short enough not to hold Redis, few enough round trips.
    private const int VerifyPageSize = 1000;

    // Missing entries named per list in the result.
    private const int MissingNamed = 5;

    /// <summary>Walks each list's index (in pages) and checks that every entry it names exists in the subject's
    /// entry hash, and each list's keys against its manifest (<see cref="CheckListsAsync"/>). When every list is
    /// whole (and <paramref name="list"/> is null) it records the verified mark in <c>cc:{ns}:meta</c> (the
    /// node's run and eviction count read before the walk): stores then stop suspecting evicted entries until
    /// Redis evicts again. Lists with missing entries are recorded too, so that their next replace import
    /// writes the unchanged entries again (<c>creditcheck import FILE --list L --mode replace</c> restores them).</summary>
    /// <param name="list">One list only (no mark is written), or null for all.</param>
    /// <param name="cancellationToken">Cancels between pages.</param>
    /// <returns>Per list: entries checked, missing (the first few named), damage; and whether the mark was written.</returns>
    public async Task<RedisVerification> VerifyAsync(string? list = null, CancellationToken cancellationToken = default)
    {
        var database = _connection.Database;
        var watch = await ReadEvictionWatchAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        var lists = list is null ? [.. (await CheckListsAsync(cancellationToken).ConfigureAwait(false)).Keys] : new List<string> { list };
        var results = new List<RedisListVerification>(lists.Count);
        foreach (var name in lists)
        {
            var damage = await CheckListAsync(name).WaitAsync(cancellationToken).ConfigureAwait(false);
            long checkedCount = 0, missing = 0;
            var named = new List<string>();
            var cursor = "0";
            do
            {
                var page = (RedisResult[])(await Run(RedisScripts.VerifyEntries, name, cursor, VerifyPageSize, MissingNamed)
                    .WaitAsync(cancellationToken).ConfigureAwait(false))!;
                cursor = (string)page[0]!;
                checkedCount += (long)page[1];
                missing += (long)page[2];
                var found = (RedisResult[])page[3]!;
                for (var i = 0; i + 2 < found.Length && named.Count < MissingNamed; i += 3)
                {
                    named.Add($"{(string)found[i + 1]!} field '{((string)found[i + 2]!).Replace('\t', '⇥')}'");
                }
            }
            while (cursor != "0");

            results.Add(new RedisListVerification(name, checkedCount, missing, named, damage));
        }

        var damaged = results.Where(r => r.Missing > 0).Select(r => r.List).ToHashSet(StringComparer.Ordinal);
        var recorded = ((string?)await database.HashGetAsync(Keys.Meta, "missing").ConfigureAwait(false) ?? string.Empty)
            .Split('\t', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        recorded.ExceptWith(lists);
        recorded.UnionWith(damaged);
        var marked = list is null && results.All(r => r.IsWhole) && watch.RunId is not null;
        var batch = database.CreateBatch();
        var writes = new List<Task>
        {
            recorded.Count == 0 ? batch.HashDeleteAsync(Keys.Meta, "missing") : batch.HashSetAsync(Keys.Meta, "missing", string.Join('\t', recorded.Order(StringComparer.Ordinal))),
        };
        if (marked)
        {
            writes.Add(batch.HashSetAsync(Keys.Meta, "verified", watch.Mark(TimeProvider.System.GetUtcNow())));
        }

        batch.Execute();
        await Task.WhenAll(writes).ConfigureAwait(false);
        return new RedisVerification(results, watch.Policy, watch.EvictedKeys, marked);
    }

    /// <summary>Whether a list's entry fields may be missing: a verify found some, or Redis may have evicted keys
    /// since the last verified mark.</summary>
    private async Task<bool> EntriesMayBeMissingAsync(string list)
    {
        var meta = await _connection.Database.HashGetAsync(Keys.Meta, ["missing", "verified"]).ConfigureAwait(false);
        if (((string?)meta[0] ?? string.Empty).Split('\t').Contains(list, StringComparer.Ordinal))
        {
            return true;
        }

        return (await ReadEvictionWatchAsync().ConfigureAwait(false)).Suspicion((string?)meta[1]) is not null;
    }

    /// <summary>The namespace's node's eviction facts (INFO, through a script routed to its slot's primary).</summary>
    private async Task<EvictionWatch> ReadEvictionWatchAsync() =>
        EvictionWatch.Parse((string?)await _connection.EvaluateAsync(RedisScripts.EvictionInfo, [Keys.Sequence], []).ConfigureAwait(false));
}

/// <summary>What <see cref="RedisCreditPublisher.VerifyAsync"/> found.</summary>
/// <param name="Lists">Each list verified.</param>
/// <param name="EvictionPolicy">The node's <c>maxmemory-policy</c>, or null when INFO could not be read.</param>
/// <param name="EvictedKeys">The node's <c>evicted_keys</c> when the verify began, or null.</param>
/// <param name="MarkWritten">Whether every list was whole and the verified mark was written (stores stop
/// suspecting evicted entries).</param>
public sealed record RedisVerification(IReadOnlyList<RedisListVerification> Lists, string? EvictionPolicy, long? EvictedKeys, bool MarkWritten)
{
    /// <summary>Whether every list verified is whole.</summary>
    public bool IsWhole => Lists.All(l => l.IsWhole);
}

/// <summary>One list's verify.</summary>
/// <param name="List">The list's code.</param>
/// <param name="Checked">Entries its index names.</param>
/// <param name="Missing">Of those, entries missing from their subject's entry hash.</param>
/// <param name="FirstMissing">The first few missing, as "key field 'list⇥entry⇥generation'".</param>
/// <param name="Damage">What is wrong with its filter source, index or manifest (<see cref="RedisCreditPublisher.CheckListsAsync"/>), or null.</param>
public sealed record RedisListVerification(string List, long Checked, long Missing, IReadOnlyList<string> FirstMissing, string? Damage)
{
    /// <summary>Whether nothing is missing or damaged.</summary>
    public bool IsWhole => Missing == 0 && Damage is null;
}
