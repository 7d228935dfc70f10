using StackExchange.Redis;

namespace CreditCheck.Redis;

/// <summary>
/// Reads the lists' filter sources (<c>kb:{list}</c>, 8-byte fingerprints) in pieces straight into a new
/// filter, and for each list what it read: the byte count and the checksum (<see cref="FilterChecksum"/>)
/// that the manifest is compared with. A few pieces are in flight at once and each is dropped as soon as it
/// is added, so what a resync holds beside the filter stays small and fixed however long the lists are:
/// no reply holds a whole list (one 80 MB reply at 10 million listed subjects, buffered twice by the client).
/// </summary>
/// <remarks>Only the first <c>length</c> bytes of each list (its length in the snapshot) are read. Upserts
/// only append to a filter source, so that prefix is what the snapshot's manifest describes as long as no
/// import replaced the list meanwhile (the caller confirms its generations afterwards); what was appended
/// since arrives through the change log from the snapshot's sequence.</remarks>
internal static class FilterSourceReader
{
    /// <summary>Bytes per GETRANGE: a multiple of 8 (whole fingerprints) and under the large-object
    /// threshold (85,000 bytes), so each reply is a short-lived small object, not a large one that only a
    /// full collection frees.</summary>
    internal const int PieceBytes = 64 * 1024;

    /// <summary>Pieces requested before the first is awaited: enough to keep the connection busy.</summary>
    internal const int PiecesInFlight = 32;

    /// <summary>A list's filter source as the snapshot found it.</summary>
    public readonly record struct Source(string List, long Length);

    /// <summary>What was read of one list: the bytes GETRANGE returned (fewer than the snapshot's length when
    /// the key was truncated or deleted meanwhile) and their checksum.</summary>
    public readonly record struct Read(long Bytes, FilterChecksum Checksum);

    /// <summary>Reads the first <c>Length</c> bytes of each source into <paramref name="filter"/>, in pieces of
    /// <paramref name="pieceBytes"/> (a multiple of 8), <paramref name="piecesInFlight"/> requested at once;
    /// <paramref name="afterPiece"/> is a test hook run after each piece is added, <paramref name="pieceSent"/> one
    /// that sees each request sent. When a piece fails, the pieces still in flight are awaited (up to
    /// <paramref name="timeout"/>) before the error goes up: none is left running or failing unobserved.</summary>
    public static async Task<Read[]> ReadAsync(
        IDatabase database, RedisKeys keys, IReadOnlyList<Source> sources, SplitBlockBloomFilter filter, TimeSpan timeout, TimeProvider time,
        int pieceBytes = PieceBytes, int piecesInFlight = PiecesInFlight, Func<Task>? afterPiece = null, Action<Task>? pieceSent = null)
    {
        if (pieceBytes <= 0 || pieceBytes % 8 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(pieceBytes), pieceBytes, "A piece is a whole number of 8-byte fingerprints.");
        }

        var reads = new Read[sources.Count];
        var pending = new Queue<(int Source, Task<RedisValue> Piece)>(piecesInFlight);
        var (source, offset) = (0, 0L);
        try
        {
            while (true)
            {
                // Keep up to PiecesInFlight requests sent: the next piece of this list, or of the next list.
                while (pending.Count < Math.Max(1, piecesInFlight) && source < sources.Count)
                {
                    if (offset >= sources[source].Length)
                    {
                        (source, offset) = (source + 1, 0);
                        continue;
                    }

                    var end = Math.Min(offset + pieceBytes, sources[source].Length) - 1;
                    var request = database.StringGetRangeAsync(keys.ListFingerprints(sources[source].List), offset, end);
                    pieceSent?.Invoke(request);
                    pending.Enqueue((source, request));
                    offset = end + 1;
                }

                if (pending.Count == 0)
                {
                    return reads;
                }

                var (of, task) = pending.Peek();
                var piece = (byte[]?)await task.WaitAsync(timeout, time).ConfigureAwait(false) ?? [];
                pending.Dequeue();
                filter.AddWhileUnshared(piece);
                reads[of] = new Read(reads[of].Bytes + piece.Length, reads[of].Checksum.Add(piece));
                if (afterPiece is not null)
                {
                    await afterPiece().ConfigureAwait(false);
                }
            }
        }
        catch when (pending.Count > 0)
        {
            // A piece failed (or timed out) while others are still in flight: wait for them before the error goes
            // up, so none completes into a filter the caller drops or retries with, and none fails unobserved.
            await DrainAsync(pending.Select(p => p.Piece), timeout, time).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Adds filter sources read in one step (<see cref="RedisScripts.ConsistentSnapshot"/>: per list, an
    /// array of pieces) to <paramref name="filter"/>; returns what was read of each, as <see cref="ReadAsync"/> does.</summary>
    public static Read[] Add(RedisResult[] sources, SplitBlockBloomFilter filter)
    {
        var reads = new Read[sources.Length];
        for (var i = 0; i < sources.Length; i++)
        {
            foreach (var value in (RedisValue[])sources[i]!)
            {
                var piece = (byte[]?)value ?? [];
                filter.AddWhileUnshared(piece);
                reads[i] = new Read(reads[i].Bytes + piece.Length, reads[i].Checksum.Add(piece));
            }
        }

        return reads;
    }

    /// <summary>Waits up to <paramref name="timeout"/> for every piece still in flight, ignoring how each ends;
    /// a piece the server never answers (hung) is observed when the client finally fails it.</summary>
    private static async Task DrainAsync(IEnumerable<Task> pieces, TimeSpan timeout, TimeProvider time)
    {
        var all = pieces.ToArray();
        try
        {
            await Task.WhenAll(all).WaitAsync(timeout, time).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // each piece's own failure is observed below; the first piece's error is the one that goes up
        }

        foreach (var piece in all)
        {
            if (piece.IsCompleted)
            {
                _ = piece.Exception;
            }
            else
            {
                _ = piece.ContinueWith(static p => _ = p.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
    }
}
