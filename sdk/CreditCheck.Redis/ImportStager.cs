using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using CreditCheck.Stores;
using StackExchange.Redis;

namespace CreditCheck.Redis;

/// <summary>
/// Stages an import's records, chunk after chunk in the order given, under the import's generation
/// (invisible until the commit). Per chunk: one read of the committed and the staged index for the
/// chunk's entries (and the lock renewed), then one batch of writes. An entry whose committed content
/// has the same hash keeps its committed index value (unchanged); any other is written under the new
/// generation, after its staged index value, so that an abandoned import can be collected from its
/// staged index.
/// An entry this import staged already is not staged again but reported as a repeat: the staged index
/// is the import's memory of the entries it has seen, so the client keeps nothing per row.
/// </summary>
/// <remarks>
/// Everything goes through the multiplexer, in one batch per chunk's reads and one per its writes. A
/// chunk's writes are sent without waiting for their replies, and the next chunk's reads go ahead of
/// them when that chunk is encoded by then, so the next chunk is decided while Redis runs the writes
/// (the connection keeps commands in order: a chunk's reads see every chunk's writes but the last one's,
/// which the stager still holds). Write replies are checked two chunks later and at
/// <see cref="FinishAsync"/>. Encoding (JSON, keys, hashes) runs on the thread pool, several chunks at
/// once; staging runs one chunk at a time.
/// </remarks>
internal sealed class ImportStager
{
    // Variadic commands are split so that no single command holds Redis for long.
    private const int MaxPerCommand = 1000;

    private readonly RedisConnection _connection;
    private readonly string _list;
    private readonly string _generation;
    private readonly bool _replace;
    private readonly bool _hasCommitted;
    private readonly string _token;
    private readonly long _leaseMilliseconds;
    private readonly byte[] _listBytes;
    private readonly byte[] _generationBytes;
    private readonly byte[] _entriesPrefix;
    private readonly ReplyDeadline _deadline;
    private readonly SeenFilter _seen = new();
    private readonly Queue<PendingChunk> _pending = new(); // handed over, not yet staged; locked
    private Task _staged = Task.CompletedTask;
    private Task _writtenBefore = Task.CompletedTask; // the writes of every chunk but the last staged
    private Task _written = Task.CompletedTask; // the last staged chunk's writes
    private Staged? _previous; // the last staged chunk and the entries it staged, until the next is decided
    private FilterChecksum _prints;
    private int _restored;

    private ImportStager(RedisConnection connection, string list, string generation, bool replace, bool hasCommitted, string token, TimeSpan lease, ReplyDeadline deadline)
    {
        _deadline = deadline;
        _connection = connection;
        _list = list;
        _generation = generation;
        _replace = replace;
        _hasCommitted = hasCommitted;
        _token = token;
        _leaseMilliseconds = (long)lease.TotalMilliseconds;
        _listBytes = Encoding.UTF8.GetBytes(list);
        _generationBytes = Encoding.UTF8.GetBytes(generation);
        _entriesPrefix = Encoding.UTF8.GetBytes(connection.Keys.EntriesPrefix);
    }

    private RedisKeys Keys => _connection.Keys;

    public static ImportStager Open(
        RedisConnection connection,
        string list,
        string generation,
        bool replace,
        bool hasCommitted,
        string token,
        TimeSpan lease,
        ReplyDeadline deadline,
        FilterChecksum copied) =>
        new(connection, list, generation, replace, hasCommitted, token, lease, deadline) { _prints = copied };

    /// <summary>The count and checksum of the staged fingerprints (those copied from the committed list in
    /// merge mode, and every one this import appended), for the list's manifest. Read after
    /// <see cref="FinishAsync"/>.</summary>
    public FilterChecksum StagedPrints => _prints;

    /// <summary>Whether an unchanged entry's field is written again under its committed generation (same
    /// content): a replace import then restores entry fields deleted or evicted behind an index that still
    /// names them. Set when they may be missing (a verify found some, or Redis evicted keys), since it costs a
    /// write per unchanged entry.</summary>
    public bool RestoreUnchanged { get; set; }

    /// <summary>How many unchanged entries <see cref="RestoreUnchanged"/> wrote back that were missing (their field
    /// was new to the subject's entry hash). Read after <see cref="FinishAsync"/>.</summary>
    public int Restored => Volatile.Read(ref _restored);

    /// <summary>Encodes the chunk on the thread pool and stages it after the previous one.</summary>
    public Task<ChunkOutcome> Stage(List<ListRecord> records)
    {
        var pending = new PendingChunk(Task.Run(() => EncodedChunk.Of(records, _connection.SubjectKeys)));
        lock (_pending)
        {
            _pending.Enqueue(pending);
        }

        var staged = _staged.ContinueWith(
            async previous =>
            {
                await previous.ConfigureAwait(false); // a failed chunk fails every later one
                lock (_pending)
                {
                    _pending.Dequeue();
                }

                return await StageAsync(await pending.Encoded.ConfigureAwait(false), pending.Reads).ConfigureAwait(false);
            },
            CancellationToken.None,
            TaskContinuationOptions.DenyChildAttach,
            TaskScheduler.Default).Unwrap();
        _staged = staged;
        return staged;
    }

    /// <summary>Waits until every chunk is staged and every write acknowledged.</summary>
    public async Task FinishAsync()
    {
        await new ReplyDeadline(_deadline.Bound * 2).WithinAsync(_staged, "the staging of a chunk").ConfigureAwait(false);
        await _writtenBefore.ConfigureAwait(false);
        await _written.ConfigureAwait(false);
        _previous?.Chunk.Dispose();
        _previous = null;
    }

    /// <summary>After a failure: waits for the chunks handed over and for the replies to every write
    /// sent. Returns false when a write failed on the connection (it may or may not have run), so the
    /// caller leaves the staging for the next import to collect rather than racing late writes.</summary>
    /// <remarks>Bounded like every wait of the import (<see cref="ReplyDeadline"/>): a chunk or write still unanswered
    /// then counts as a failed write.</remarks>
    public async Task<bool> SettleAsync()
    {
        try
        {
            await _deadline.WithinAsync(Task.WhenAny(_staged), "the chunks handed over").ConfigureAwait(false);
            await _deadline.WithinAsync(Task.WhenAll(_writtenBefore, _written), "the writes sent").ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is RedisServerException)
        {
            return true; // Redis refused a write: it ran, and failed; the import failed already
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return false;
        }
    }

    /// <remarks>A chunk's reads are sent before the previous chunk's writes when the chunk is ready by then
    /// (<see cref="ReadAhead"/>), so that it is decided while Redis runs those writes. Its reads then miss what
    /// the previous chunk stages; that chunk is therefore kept until this one is decided, and an entry it
    /// staged is found in it.</remarks>
    private async Task<ChunkOutcome> StageAsync(EncodedChunk chunk, Task<Reads>? readAhead)
    {
        var count = chunk.Records.Count;
        var (owned, names, committed, staged, maybeStaged) = await (readAhead ?? SendReads(chunk)).ConfigureAwait(false);

        // The writes sent before these reads ran before them (one connection, in order); a write Redis
        // refused (out of memory, a key of the wrong type) fails the import here.
        await _writtenBefore.ConfigureAwait(false);
        var previous = _previous;
        var stagedValue = new int[count];
        Array.Fill(stagedValue, -1);
        for (var k = 0; k < maybeStaged.Count; k++)
        {
            stagedValue[maybeStaged[k]] = staged[k].IsNull ? -1 : k;
        }

        if (!owned)
        {
            throw new ImportConflictException($"The import of list '{_list}' lost its lock (it was held up for longer than the lease); nothing was imported. Run the import again.")
            {
                ChineseMessage = $"名单 '{_list}' 的导入失去了锁（停顿超过了租期）；未导入任何数据，请重新导入",
            };
        }

        // Decide each record: a repeat of an entry staged before (in an earlier chunk, or earlier in
        // this one), unchanged, updated or added.
        var decisions = new Decision[count];
        var firstInChunk = new Dictionary<FieldKey, int>(count);
        List<Repeat>? repeats = null;
        int added = 0, updated = 0, unchanged = 0;
        for (var i = 0; i < count; i++)
        {
            var hash = chunk.Hash(i);
            if (firstInChunk.TryGetValue(new FieldKey(chunk, i), out var first))
            {
                (repeats ??= []).Add(new Repeat(i, !chunk.Hash(first).SequenceEqual(hash)));
                decisions[i] = new Decision(Outcome.Repeat, -1);
                continue;
            }

            if (previous is not null && previous.First.TryGetValue(new FieldKey(chunk, i), out var before))
            {
                (repeats ??= []).Add(new Repeat(i, !previous.Chunk.Hash(before).SequenceEqual(hash)));
                decisions[i] = new Decision(Outcome.Repeat, -1);
                continue;
            }

            if (stagedValue[i] >= 0)
            {
                (repeats ??= []).Add(new Repeat(i, !HashOf(Bytes(staged[stagedValue[i]])).SequenceEqual(hash)));
                decisions[i] = new Decision(Outcome.Repeat, -1);
                continue;
            }

            firstInChunk[new FieldKey(chunk, i)] = i;
            _seen.Add(chunk.Identity(i));
            if (committed is null || committed[i].IsNull)
            {
                decisions[i] = new Decision(Outcome.Added, -1);
                added++;
            }
            else if (HashOf(Bytes(committed[i])).SequenceEqual(hash))
            {
                decisions[i] = new Decision(Outcome.Unchanged, i);
                unchanged++;
            }
            else
            {
                decisions[i] = new Decision(Outcome.Updated, i);
                updated++;
            }
        }

        previous?.Chunk.Dispose();
        _previous = new Staged(chunk, firstInChunk);
        ReadAhead();
        _writtenBefore = _written; // the writes before it were awaited above
        _written = Write(chunk, decisions, names, committed);
        return new ChunkOutcome(added, updated, unchanged, repeats);
    }

    /// <summary>Sends the next chunk's reads now, ahead of this chunk's writes, if it is encoded already.</summary>
    private void ReadAhead()
    {
        lock (_pending)
        {
            if (_pending.TryPeek(out var next) && next is { Reads: null, Encoded.IsCompletedSuccessfully: true })
            {
                next.Reads = SendReads(next.Encoded.Result);
            }
        }
    }

    /// <summary>The reads of a chunk, sent now: which entries the filter says this import may have staged,
    /// and <see cref="ReadAsync"/> of them.</summary>
    private Task<Reads> SendReads(EncodedChunk chunk)
    {
        var maybeStaged = new List<int>();
        for (var i = 0; i < chunk.Records.Count; i++)
        {
            if (_seen.MayContain(chunk.Identity(i)))
            {
                maybeStaged.Add(i);
            }
        }

        return ReadAsync(chunk, maybeStaged);
    }

    /// <summary>The hash part of an index value <c>generation⇥hash</c>.</summary>
    private static ReadOnlySpan<byte> HashOf(ReadOnlySpan<byte> value) => value[(value.IndexOf((byte)'\t') + 1)..];

    /// <summary>The generation part of an index value <c>generation⇥hash</c>.</summary>
    private static ReadOnlySpan<byte> GenerationOf(ReadOnlySpan<byte> value) => value[..Math.Max(0, value.IndexOf((byte)'\t'))];

    /// <summary>One batch: the lock renewed, the committed index values of the chunk's entries, and the
    /// staged ones of those the filter says this import may have staged already.</summary>
    private async Task<Reads> ReadAsync(EncodedChunk chunk, List<int> maybeStaged)
    {
        var batch = _connection.Database.CreateBatch();
        var renew = batch.ScriptEvaluateAsync(RedisScripts.RenewLock, [Keys.Sequence], [Keys.Prefix, _list, _token, _leaseMilliseconds]);
        RedisValue[]? names = _hasCommitted ? [.. Enumerable.Range(0, chunk.Records.Count).Select(i => Name(chunk, i))] : null;
        var committed = names is null ? null : batch.HashGetAsync(Keys.ListIndex(_list), names);
        var staged = maybeStaged.Count > 0 ? batch.HashGetAsync(Keys.StagedIndex(_list), [.. maybeStaged.Select(i => names?[i] ?? Name(chunk, i))]) : null;
        batch.Execute();
        var owned = (long)await _deadline.WithinAsync(renew, "the renewal of the import's lock").ConfigureAwait(false) == 1;
        return new Reads(
            owned,
            names,
            committed is null ? null : await _deadline.WithinAsync(committed, "a chunk's read of the list's index").ConfigureAwait(false),
            staged is null ? [] : await _deadline.WithinAsync(staged, "a chunk's read of the staged index").ConfigureAwait(false),
            maybeStaged);
    }

    /// <summary>A record's field in the list's index: storage key and entry id.</summary>
    private static RedisValue Name(EncodedChunk chunk, int index) => Join(chunk.Key(index), chunk.EntryId(index));

    /// <summary>Sends the chunk's writes in one batch without waiting: the staged index first (an entry
    /// field is only ever written after the index value that names it, so that what an abandoned import
    /// staged is found from its staged index), then the entries, the garbage of updated entries, the
    /// filter fingerprints. Returns the task of their replies.</summary>
    private Task Write(EncodedChunk chunk, Decision[] decisions, RedisValue[]? names, RedisValue[]? committed)
    {
        var batch = _connection.Database.CreateBatch();
        var tasks = new List<Task>();
        var count = decisions.Length;
        for (var start = 0; start < count; start += MaxPerCommand)
        {
            var index = new List<HashEntry>(Math.Min(MaxPerCommand, count - start));
            for (var i = start; i < Math.Min(count, start + MaxPerCommand); i++)
            {
                switch (decisions[i].Outcome)
                {
                    case Outcome.Unchanged:
                        index.Add(new HashEntry(names?[i] ?? Name(chunk, i), committed![decisions[i].Committed]));
                        break;
                    case Outcome.Added or Outcome.Updated:
                        index.Add(new HashEntry(names?[i] ?? Name(chunk, i), Join(_generationBytes, chunk.Hash(i))));
                        break;
                }
            }

            if (index.Count > 0)
            {
                tasks.Add(batch.HashSetAsync(Keys.StagedIndex(_list), [.. index]));
            }
        }

        var garbage = new List<RedisValue>();
        List<Task<bool>>? restores = null;
        for (var i = 0; i < count; i++)
        {
            if (decisions[i].Outcome is Outcome.Added or Outcome.Updated)
            {
                tasks.Add(batch.HashSetAsync(
                    EntriesKey(chunk.Key(i)),
                    Join(_listBytes, chunk.EntryId(i), _generationBytes),
                    chunk.Json(i).ToArray()));
                if (decisions[i].Outcome == Outcome.Updated)
                {
                    garbage.Add(Join(chunk.Key(i), _listBytes, chunk.EntryId(i), GenerationOf(Bytes(committed![decisions[i].Committed]))));
                }
            }
            else if (decisions[i].Outcome == Outcome.Unchanged && RestoreUnchanged)
            {
                // HSET answers true for a field it created: an entry that was missing, now restored.
                var restore = batch.HashSetAsync(
                    EntriesKey(chunk.Key(i)),
                    Join(_listBytes, chunk.EntryId(i), GenerationOf(Bytes(committed![decisions[i].Committed]))),
                    chunk.Json(i).ToArray());
                tasks.Add(restore);
                (restores ??= []).Add(restore);
            }
        }

        if (garbage.Count > 0)
        {
            tasks.Add(batch.ListRightPushAsync(Keys.StagedGarbage(_list), [.. garbage]));
        }

        if (Fingerprints(chunk, decisions) is { Length: > 0 } prints)
        {
            tasks.Add(batch.StringAppendAsync(Keys.StagedFingerprints(_list), prints));
            _prints = _prints.Add(prints); // chunks are staged one at a time
        }

        if (chunk.OrganizationCodes)
        {
            // Readers then also look up the 组织机构代码 a 统一社会信用代码 embeds.
            tasks.Add(batch.HashSetAsync(Keys.Meta, "orgKeys", "1"));
        }

        batch.Execute();
        return tasks.Count == 0 ? Task.CompletedTask : WrittenAsync(tasks, restores);
    }

    /// <summary>The chunk's write replies (<see cref="RepliesOf"/>), bounded; then counts the entries restored.</summary>
    private async Task WrittenAsync(List<Task> tasks, List<Task<bool>>? restores)
    {
        await _deadline.WithinAsync(RepliesOf(tasks), "a chunk's writes").ConfigureAwait(false);
        if (restores is not null)
        {
            Interlocked.Add(ref _restored, restores.Count(t => t.Result));
        }
    }

    /// <summary>Completes when every write has its reply, and fails with the first refused one. Replies come
    /// in the order sent (one slot, one connection), so it waits on the last write only and then reads the
    /// others' outcomes: a continuation on each of a thousand writes would cost a thread-pool hand-off each.
    /// A write still pending then (resent after a redirect) is waited for with the rest.</summary>
    private static async Task RepliesOf(List<Task> tasks)
    {
        try
        {
            await tasks[^1].ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // the failure is taken below, in order, with any earlier one
        }

        foreach (var task in tasks)
        {
            if (!task.IsCompletedSuccessfully)
            {
                await Task.WhenAll(tasks).ConfigureAwait(false);
                return;
            }
        }
    }

    /// <summary>A value's bytes without a copy when Redis gave them as an array.</summary>
    private static ReadOnlySpan<byte> Bytes(RedisValue value) => ((ReadOnlyMemory<byte>)value).Span;

    /// <summary>Parts joined by tabs, as one value (the multiplexer's path).</summary>
    private static byte[] Join(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second) => Joined(first, second, [], [], 2);

    private static byte[] Join(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, ReadOnlySpan<byte> third, ReadOnlySpan<byte> fourth) =>
        Joined(first, second, third, fourth, 4);

    private static byte[] Join(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, ReadOnlySpan<byte> third) =>
        Joined(first, second, third, [], 3);

    /// <summary>The first <paramref name="parts"/> parts joined by tabs, in one array of the exact size. (A
    /// collection expression of spans, <c>[.. first, (byte)'\t', .. second]</c>, grows a list byte by byte: it
    /// was a tenth of a first import's garbage.)</summary>
    private static byte[] Joined(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, ReadOnlySpan<byte> third, ReadOnlySpan<byte> fourth, int parts)
    {
        var joined = new byte[first.Length + second.Length + third.Length + fourth.Length + parts - 1];
        var rest = joined.AsSpan();
        Put(ref rest, first, parts > 1);
        Put(ref rest, second, parts > 2);
        Put(ref rest, third, parts > 3);
        fourth.CopyTo(rest);
        return joined;

        static void Put(ref Span<byte> rest, ReadOnlySpan<byte> part, bool tab)
        {
            part.CopyTo(rest);
            rest = rest[part.Length..];
            if (tab)
            {
                rest[0] = (byte)'\t';
                rest = rest[1..];
            }
        }
    }

    /// <summary>A subject's entries key: the namespace's entries prefix and the storage key.</summary>
    private RedisKey EntriesKey(ReadOnlySpan<byte> storageKey)
    {
        var key = new byte[_entriesPrefix.Length + storageKey.Length];
        _entriesPrefix.CopyTo(key, 0);
        storageKey.CopyTo(key.AsSpan(_entriesPrefix.Length));
        return key;
    }

    /// <summary>The filter fingerprints the chunk adds: every staged subject in replace mode (the list's
    /// filter is rebuilt), only new entries' subjects in merge mode (the committed ones were copied).</summary>
    private byte[] Fingerprints(EncodedChunk chunk, Decision[] decisions)
    {
        var prints = new byte[Count(decisions, 0, decisions.Length, d => d.Outcome == Outcome.Added || (_replace && d.Outcome != Outcome.Repeat)) * 8];
        var at = 0;
        for (var i = 0; i < decisions.Length; i++)
        {
            if (decisions[i].Outcome == Outcome.Added || (_replace && decisions[i].Outcome != Outcome.Repeat))
            {
                chunk.Fingerprints.AsSpan(i * 8, 8).CopyTo(prints.AsSpan(at));
                at += 8;
            }
        }

        return prints;
    }

    private static int Count(Decision[] decisions, int start, int end, Func<Decision, bool> match)
    {
        var count = 0;
        for (var i = start; i < end; i++)
        {
            count += match(decisions[i]) ? 1 : 0;
        }

        return count;
    }

    private enum Outcome
    {
        Added,
        Updated,
        Unchanged,
        Repeat,
    }

    /// <summary>What staging does with a record; <c>Committed</c> is the index of its committed index
    /// value in the read's reply (unchanged, updated), or -1.</summary>
    private readonly record struct Decision(Outcome Outcome, int Committed);

    /// <summary>A chunk handed to the stager: its encoding, and its reads once sent ahead.</summary>
    private sealed class PendingChunk(Task<EncodedChunk> encoded)
    {
        public Task<EncodedChunk> Encoded { get; } = encoded;

        public Task<Reads>? Reads { get; set; }
    }

    /// <summary>A chunk's reads: whether the import still holds the lock, its entries' index fields and their
    /// committed values (when the list has any; the writes reuse the fields), and the staged values of
    /// <paramref name="MaybeStaged"/> (indexes of the entries the filter says may be staged already).</summary>
    private sealed record Reads(bool Owned, RedisValue[]? Names, RedisValue[]? Committed, RedisValue[] Staged, List<int> MaybeStaged);

    /// <summary>A staged chunk and the first record of each entry it staged.</summary>
    private sealed record Staged(EncodedChunk Chunk, Dictionary<FieldKey, int> First);

    /// <summary>A record's index field (storage key and entry id), compared by its bytes.</summary>
    private readonly struct FieldKey(EncodedChunk chunk, int index) : IEquatable<FieldKey>
    {
        public bool Equals(FieldKey other) =>
            chunk.Key(index).SequenceEqual(other.Chunk.Key(other.Index)) && chunk.EntryId(index).SequenceEqual(other.Chunk.EntryId(other.Index));

        public override bool Equals(object? obj) => obj is FieldKey other && Equals(other);

        public override int GetHashCode()
        {
            var hash = default(HashCode);
            hash.AddBytes(chunk.Key(index));
            hash.AddBytes(chunk.EntryId(index));
            return hash.ToHashCode();
        }

        private EncodedChunk Chunk => chunk;

        private int Index => index;
    }
}

/// <summary>A record of a chunk that repeats an entry staged earlier in the import.</summary>
/// <param name="Index">Its index in the chunk.</param>
/// <param name="Differs">Whether its content differs from the entry staged first.</param>
internal readonly record struct Repeat(int Index, bool Differs);

/// <summary>What staging one chunk did.</summary>
internal sealed record ChunkOutcome(int Added, int Updated, int Unchanged, List<Repeat>? Repeats);
