using System.Globalization;
using StackExchange.Redis;

namespace CreditCheck.Redis;

/// <summary>The watch on subjects' entry hashes (<c>cc:{ns}:e:…</c>), which no manifest covers: one deleted or
/// evicted leaves its list looking whole while the subject it lists reads empty. At each resync and idle poll one
/// read-only script reads the node's evictions against the publisher's verified mark and samples a few index
/// fields per list; while keys may have been evicted, or a sampled entry is missing, an empty read of a subject
/// the local filter holds is damage, not a clean bill.</summary>
public sealed partial class RedisCreditStore
{
    // Missing entries remembered (and checked again at each poll until an import restores them).
    private const int MaxKnownMissing = 16;

    private volatile string? _entryDamage;
    private List<MissingEntry> _knownMissing = [];

    /// <summary>Index fields sampled per list at each idle poll (HRANDFIELD); test hook.</summary>
    internal int EntrySampleSize { get; set; } = 16;

    /// <summary>For a read that found no entry: why it is not a clean answer, or null. Entry damage only
    /// concerns subjects the filter holds: the filter rules the others out, and its source is guarded by the manifests.</summary>
    private string? EmptyReadDamage(Probe probe) =>
        _damage ?? (probe.MayBeListed && _entryDamage is { } damage
            ? $"{_connection!.Keys.Entries(probe.Key!)} holds no entry although the local filter holds the subject, and {damage}"
            : null);

    /// <summary>Reads the node's evictions and the verified mark, samples each list's index, checks again the
    /// entries known missing; sets or clears the entry damage.</summary>
    private async Task CheckEntriesAsync()
    {
        var connection = _connection!;
        var known = _knownMissing;
        var arguments = new List<RedisValue>(2 + (known.Count * 2)) { connection.Keys.Prefix, EntrySampleSize };
        foreach (var entry in known)
        {
            arguments.Add(entry.List);
            arguments.Add(entry.IndexField);
        }

        var result = (RedisResult[])(await connection.EvaluateAsync(RedisScripts.EntryCheck, [connection.Keys.Sequence], [.. arguments])
            .WaitAsync(_options.OperationTimeout, _time).ConfigureAwait(false))!;
        var suspicion = EvictionWatch.Parse((string?)result[0]).Suspicion((string?)result[1]);
        var flat = (RedisResult[])result[2]!;
        var missing = new List<MissingEntry>();
        var seen = new HashSet<(string, string)>();
        for (var i = 0; i + 3 < flat.Length && missing.Count < MaxKnownMissing; i += 4)
        {
            var entry = new MissingEntry((string)flat[i]!, (string)flat[i + 1]!, (string)flat[i + 2]!, (string)flat[i + 3]!);
            if (seen.Add((entry.List, entry.IndexField)))
            {
                missing.Add(entry);
            }
        }

        _knownMissing = missing;
        SetEntryDamage(Describe(missing, suspicion));
    }

    private static string? Describe(List<MissingEntry> missing, string? suspicion)
    {
        var parts = new List<string>(2);
        if (missing.Count > 0)
        {
            var named = string.Join(", ", missing.Take(3).Select(m => $"{m.Key} has no field '{m.Field.Replace('\t', '⇥')}'"));
            parts.Add(string.Create(CultureInfo.InvariantCulture,
                $"{missing.Count} entr{(missing.Count == 1 ? "y" : "ies")} named by a list's index but missing from the subject's entry hash (found by sampling; deleted, or evicted by a maxmemory policy): {named}{(missing.Count > 3 ? ", …" : "")}"));
        }

        if (suspicion is not null)
        {
            parts.Add($"{suspicion}: subjects' entry hashes may have been evicted (verify and repair: creditcheck verify)");
        }

        return parts.Count == 0 ? null : string.Join("; ", parts);
    }

    /// <summary>Logs a change, then makes it visible. When it clears, the cache goes too: it may hold
    /// empty reads of subjects whose entries were missing then.</summary>
    private void SetEntryDamage(string? damage)
    {
        var before = _entryDamage;
        if (damage == before)
        {
            return;
        }

        if (damage is not null)
        {
            Log.EntryDataDamaged(_logger, _options.Namespace, damage);
        }
        else
        {
            _cache.Clear();
            Log.EntryDataRestored(_logger, _options.Namespace);
        }

        _entryDamage = damage;
    }

    private static string? Combine(string? first, string? second) =>
        first is null ? second : second is null ? first : $"{first}; {second}";

    /// <summary>An index field (<c>subjectKey⇥entryId</c> of a list) whose entry field is missing from <see cref="Key"/>.</summary>
    private readonly record struct MissingEntry(string List, string IndexField, string Key, string Field);
}
