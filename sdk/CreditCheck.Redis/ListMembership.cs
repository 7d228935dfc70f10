using System.Buffers.Binary;
using System.Diagnostics;
using StackExchange.Redis;

namespace CreditCheck.Redis;

/// <summary>
/// Tells, exactly, whether a subject is in a list's committed data when its entry hash reads empty although the
/// local filter holds it: a false positive of the filter (not listed; "not listed" is right) or an entry hash
/// deleted or evicted (listed; damage).
/// </summary>
/// <remarks>
/// Why this way. The filter sources (<c>kb:{list}</c>) hold one 8-byte fingerprint for every index entry added since
/// the list's last replace import, and the manifests guard them. A filter false positive is, but for a 2^-64
/// collision, in none of them, so one read-only script that scans them for the fingerprint
/// (<see cref="RedisScripts.ListedPrints"/>, whole-fingerprint positions only) rules it out. Found in a list whose
/// manifest counts as many fingerprints as index entries, the subject is still listed: none was removed since. Found
/// in a list with removals, it may be one of them, so the list's index is searched for the subject's fields (HSCAN
/// MATCH <c>subject⇥*</c>, in pages, within the operation timeout; a list too long for that is answered degraded).
/// The alternatives are not exact or cost more: the index (<c>subject⇥entryId</c>) has no exact lookup without the
/// entry id, which lived in the deleted hash, so searching it first costs O(entries) for every false positive; a
/// host copy of the fingerprints (8 B per listed subject) exceeds the 4 B issue 17 allows beyond the filter, and a
/// truncated one is not exact, and neither tells a removed subject from a listed one. The scan costs Redis 16–21 ms
/// per million listed (benchmark README, loaded machine), in calls of 8 MB that each block it briefly, so the host first asks a second, independent filter
/// (<see cref="ProofFilter"/>, 2 B per listed subject): only about 3 in a million clean checks reach this scan.
/// </remarks>
internal static class ListMembership
{
    /// <summary>Bytes per GETRANGE inside the script: big enough that the calls cost little beside the search.</summary>
    internal const int PieceBytes = 1 << 20;

    /// <summary>Bytes of filter sources one script call scans (a million fingerprints; about 10–20 ms of Redis time).</summary>
    internal const int ScanBytesPerCall = 8 << 20;

    /// <summary>Index fields HSCAN looks at per page when a list with removals is searched.</summary>
    internal const int IndexPageSize = 10_000;

    /// <summary>What is known of one subject: the list that still lists it (<see cref="Listed"/> true), or none;
    /// or, when a list with removals could not be searched in time, that list (<see cref="Unresolved"/>).</summary>
    public readonly record struct Finding(string? List, bool Listed, bool Unresolved);

    /// <summary>For each (fingerprint, storage key): whether a list's committed data still lists it. A list with
    /// removals is searched only when <c>searchable</c> says it may be now (otherwise the finding is unresolved at once);
    /// the whole takes at most <c>timeout</c>; <c>scanBytesPerCall</c> is a test hook.</summary>
    public static async Task<Finding[]> FindAsync(RedisConnection connection, IReadOnlyList<(ulong Fingerprint, string Key)> subjects, TimeSpan timeout, TimeProvider time, Func<string, bool> searchable, CancellationToken cancellationToken, int scanBytesPerCall = ScanBytesPerCall)
    {
        var started = Stopwatch.GetTimestamp();
        var hits = await ScanAsync(connection, subjects, timeout, time, scanBytesPerCall, cancellationToken).ConfigureAwait(false);
        var findings = new Finding[subjects.Count];
        foreach (var (at, list, exact) in hits)
        {
            if (exact)
            {
                findings[at] = new Finding(list, Listed: true, Unresolved: false);
            }
        }

        // Found in lists with removals: whether each was removed by a single edit since the list's last import (then it
        // is known at once, nothing to search), asked for all such hits in one round trip.
        var uncertain = hits.Where(h => !h.Exact && !findings[h.At].Listed).ToArray();
        if (uncertain.Length == 0)
        {
            return findings;
        }

        var database = connection.Database;
        var removedReads = uncertain.Select(h => database.SetContainsAsync(connection.Keys.ListRemoved(h.List), subjects[h.At].Key)).ToArray();
        var left = timeout - Stopwatch.GetElapsedTime(started);
        await Task.WhenAll(removedReads).WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, time, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < uncertain.Length; i++)
        {
            var (at, list, _) = uncertain[i];
            if (findings[at].Listed || removedReads[i].Result)
            {
                continue;
            }

            left = timeout - Stopwatch.GetElapsedTime(started);
            findings[at] = !searchable(list) ? new Finding(list, Listed: false, Unresolved: true) : await InIndexAsync(connection, list, subjects[at].Key, left, time, cancellationToken).ConfigureAwait(false) switch
            {
                true => new Finding(list, Listed: true, Unresolved: false),
                false => findings[at],
                null => new Finding(list, Listed: false, Unresolved: true),
            };
        }

        return findings;
    }

    /// <summary>Scans every list's filter source for the fingerprints, <paramref name="scanBytesPerCall"/> (a multiple of 8) at a time (one script
    /// call each, so none blocks Redis for long): each (fingerprint's position, list, whether the list has no removals)
    /// found. A list replaced by an import while it was scanned (its generation changed) makes the scan start over;
    /// within <paramref name="timeout"/> in all.</summary>
    private static async Task<List<(int At, string List, bool Exact)>> ScanAsync(RedisConnection connection, IReadOnlyList<(ulong Fingerprint, string Key)> subjects, TimeSpan timeout, TimeProvider time, int scanBytesPerCall, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var arguments = new RedisValue[subjects.Count + 5];
        arguments[0] = connection.Keys.Prefix;
        arguments[1] = PieceBytes;
        arguments[2] = scanBytesPerCall;
        for (var i = 0; i < subjects.Count; i++)
        {
            var print = new byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(print, subjects[i].Fingerprint); // as the filter sources hold them
            arguments[i + 5] = print;
        }

        while (true)
        {
            var hits = new HashSet<(int At, string List, bool Exact)>();
            var generations = new Dictionary<string, string>(StringComparer.Ordinal);
            var replaced = false;
            (arguments[3], arguments[4]) = (1, 0);
            while (!replaced)
            {
                var left = timeout - Stopwatch.GetElapsedTime(started);
                var reply = (RedisResult[])(await connection.EvaluateAsync(RedisScripts.ListedPrints, [connection.Keys.Sequence], arguments)
                    .WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, time, cancellationToken).ConfigureAwait(false))!;
                var found = (RedisResult[])reply[3]!;
                for (var i = 0; i + 2 < found.Length; i += 3)
                {
                    hits.Add(((int)found[i], (string)found[i + 1]!, (string)found[i + 2]! == "1"));
                }

                var scanned = (RedisResult[])reply[4]!;
                for (var i = 0; i + 1 < scanned.Length; i += 2)
                {
                    var (list, generation) = ((string)scanned[i]!, (string)scanned[i + 1]!);
                    replaced |= generations.TryGetValue(list, out var before) && before != generation;
                    generations[list] = generation;
                }

                if ((int)reply[2] == 1 && !replaced)
                {
                    return [.. hits];
                }

                (arguments[3], arguments[4]) = ((long)reply[0], (long)reply[1]);
            }
        }
    }

    /// <summary>Whether a list's committed index has a field of the subject; null when the search did not end within
    /// <paramref name="budget"/>. Pages of <see cref="IndexPageSize"/>: no call blocks Redis for long.</summary>
    private static async Task<bool?> InIndexAsync(RedisConnection connection, string list, string key, TimeSpan budget, TimeProvider time, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        RedisKey index = connection.Keys.ListIndex(list);
        var pattern = key + "\t*"; // storage keys are hex: nothing in them is a glob character
        RedisValue cursor = 0;
        do
        {
            var left = budget - Stopwatch.GetElapsedTime(started);
            if (left <= TimeSpan.Zero)
            {
                return null;
            }

            RedisResult[] page;
            try
            {
                page = (RedisResult[])(await connection.Database.ExecuteAsync("HSCAN", index, cursor, "MATCH", pattern, "COUNT", IndexPageSize)
                    .WaitAsync(left, time, cancellationToken).ConfigureAwait(false))!;
            }
            catch (TimeoutException)
            {
                return null; // out of time: not known either way
            }

            if (((RedisResult[])page[1]!).Length > 0)
            {
                return true;
            }

            cursor = (RedisValue)page[0];
        }
        while (cursor != "0");

        return false;
    }
}
