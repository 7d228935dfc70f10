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
/// The commands go through a <see cref="RespPipe"/> when one can be opened (a few hundred nanoseconds
/// per row), otherwise through the multiplexer (correct, but its cost per command makes it several
/// times slower). A chunk's writes are sent without waiting for their replies; they are read, and
/// checked, before the next chunk's reads and at <see cref="FinishAsync"/>. Encoding (JSON, keys,
/// hashes) runs on the thread pool, several chunks at once; staging runs one chunk at a time.
/// </remarks>
internal sealed class ImportStager : IAsyncDisposable
{
    // Variadic commands are split so that no single command holds Redis for long.
    private const int MaxPerCommand = 1000;

    private readonly RedisConnection _connection;
    private readonly RespPipe? _pipe;
    private readonly string _list;
    private readonly string _generation;
    private readonly bool _replace;
    private readonly bool _hasCommitted;
    private readonly string _token;
    private readonly long _leaseMilliseconds;
    private readonly byte[] _listBytes;
    private readonly byte[] _generationBytes;
    private readonly byte[] _entriesPrefix;
    private readonly SeenFilter _seen = new();
    private Task _staged = Task.CompletedTask;
    private int _unreadReplies;

    private ImportStager(RedisConnection connection, RespPipe? pipe, string list, string generation, bool replace, bool hasCommitted, string token, TimeSpan lease)
    {
        _connection = connection;
        _pipe = pipe;
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

    /// <summary>Whether the fast plain connection is used (else the multiplexer).</summary>
    public bool Piped => _pipe is not null;

    private RedisKeys Keys => _connection.Keys;

    public static async Task<ImportStager> OpenAsync(
        RedisConnection connection,
        RedisStoreOptions options,
        string list,
        string generation,
        bool replace,
        bool hasCommitted,
        string token,
        TimeSpan lease,
        bool allowPipe)
    {
        RespPipe? pipe = null;
        if (allowPipe)
        {
            var configuration = ConfigurationOptions.Parse(options.Configuration ?? connection.Multiplexer.Configuration);
            var endPoint = await connection.Database.IdentifyEndpointAsync(connection.Keys.Sequence, CommandFlags.DemandMaster).ConfigureAwait(false);
            if (endPoint is not null)
            {
                pipe = await RespPipe.TryOpenAsync(endPoint, configuration, options.User, options.Password).ConfigureAwait(false);
            }
        }

        return new ImportStager(connection, pipe, list, generation, replace, hasCommitted, token, lease);
    }

    /// <summary>Encodes the chunk on the thread pool and stages it after the previous one.</summary>
    public Task<ChunkOutcome> Stage(List<ListRecord> records)
    {
        var encoded = Task.Run(() => EncodedChunk.Of(records, _connection.SubjectKeys));
        var staged = _staged.ContinueWith(
            async previous =>
            {
                await previous.ConfigureAwait(false); // a failed chunk fails every later one
                using var chunk = await encoded.ConfigureAwait(false);
                return await StageAsync(chunk).ConfigureAwait(false);
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
        await _staged.ConfigureAwait(false);
        if (_pipe is not null)
        {
            await _pipe.FlushAsync().ConfigureAwait(false);
            await ReadWriteRepliesAsync(_pipe).ConfigureAwait(false);
        }
    }

    /// <summary>After a failure: waits for the chunks handed over and for Redis to have run every
    /// command sent. Returns false when that cannot be known (the connection broke), so the caller
    /// leaves the staging for the next import to collect rather than racing late writes.</summary>
    public async Task<bool> SettleAsync()
    {
        await Task.WhenAny(_staged).ConfigureAwait(false);
        if (_pipe is null)
        {
            return true; // the multiplexer's writes were all awaited, chunk by chunk
        }

        try
        {
            // Replies come in order: once PING's is read, Redis has run everything sent before it.
            _pipe.Command("PING");
            await _pipe.FlushAsync().ConfigureAwait(false);
            var count = _unreadReplies + 1;
            _unreadReplies = 0;
            while (count-- > 0)
            {
                try
                {
                    await _pipe.ReadAsync(null).ConfigureAwait(false);
                }
                catch (RedisReplyException)
                {
                    // a write that failed: the import failed already
                }
            }

            return true;
        }
        catch (Exception e) when (e is StagingConnectionException or TimeoutException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_pipe is not null)
        {
            await _pipe.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<ChunkOutcome> StageAsync(EncodedChunk chunk)
    {
        var count = chunk.Records.Count;
        var maybeStaged = new List<int>();
        for (var i = 0; i < count; i++)
        {
            if (_seen.MayContain(chunk.Identity(i)))
            {
                maybeStaged.Add(i);
            }
        }

        var (owned, committed, staged) = _pipe is null ? await ReadAsync(chunk, maybeStaged).ConfigureAwait(false) : await ReadAsync(_pipe, chunk, maybeStaged).ConfigureAwait(false);
        var stagedValue = new int[count];
        Array.Fill(stagedValue, -1);
        for (var k = 0; k < maybeStaged.Count; k++)
        {
            stagedValue[maybeStaged[k]] = staged.IsNull(k) ? -1 : k;
        }

        if (!owned)
        {
            throw new ImportConflictException($"The import of list '{_list}' lost its lock (it was held up for longer than the lease); nothing was imported. Run the import again.");
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

            if (stagedValue[i] >= 0)
            {
                (repeats ??= []).Add(new Repeat(i, !HashOf(staged[stagedValue[i]]).SequenceEqual(hash)));
                decisions[i] = new Decision(Outcome.Repeat, -1);
                continue;
            }

            firstInChunk[new FieldKey(chunk, i)] = i;
            _seen.Add(chunk.Identity(i));
            if (committed is null || committed.IsNull(i))
            {
                decisions[i] = new Decision(Outcome.Added, -1);
                added++;
            }
            else if (HashOf(committed[i]).SequenceEqual(hash))
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

        if (_pipe is null)
        {
            await WriteAsync(chunk, decisions, committed).ConfigureAwait(false);
        }
        else
        {
            await WriteAsync(_pipe, chunk, decisions, committed).ConfigureAwait(false);
        }

        return new ChunkOutcome(added, updated, unchanged, repeats);
    }

    /// <summary>The hash part of an index value <c>generation⇥hash</c>.</summary>
    private static ReadOnlySpan<byte> HashOf(ReadOnlySpan<byte> value) => value[(value.IndexOf((byte)'\t') + 1)..];

    /// <summary>The generation part of an index value <c>generation⇥hash</c>.</summary>
    private static ReadOnlySpan<byte> GenerationOf(ReadOnlySpan<byte> value) => value[..Math.Max(0, value.IndexOf((byte)'\t'))];

    private async Task<(bool Owned, ReplyValues? Committed, ReplyValues Staged)> ReadAsync(RespPipe pipe, EncodedChunk chunk, List<int> maybeStaged)
    {
        pipe.Begin(8);
        pipe.Argument("EVAL");
        pipe.Argument(RedisScripts.RenewLock.Text);
        pipe.Argument("1");
        pipe.Argument(Keys.Sequence);
        pipe.Argument(Keys.Prefix);
        pipe.Argument(_list);
        pipe.Argument(_token);
        pipe.Argument(_leaseMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (_hasCommitted)
        {
            WriteFieldsCommand(pipe, Keys.ListIndex(_list), chunk, null);
        }

        if (maybeStaged.Count > 0)
        {
            WriteFieldsCommand(pipe, Keys.StagedIndex(_list), chunk, maybeStaged);
        }

        await pipe.FlushAsync().ConfigureAwait(false);
        await ReadWriteRepliesAsync(pipe).ConfigureAwait(false);

        var owned = await pipe.ReadAsync(null).ConfigureAwait(false) == 1;
        ReplyValues? committed = null;
        if (_hasCommitted)
        {
            committed = new ReplyValues();
            await pipe.ReadAsync(committed).ConfigureAwait(false);
        }

        var staged = new ReplyValues();
        if (maybeStaged.Count > 0)
        {
            await pipe.ReadAsync(staged).ConfigureAwait(false);
        }

        return (owned, committed, staged);
    }

    private async Task<(bool Owned, ReplyValues? Committed, ReplyValues Staged)> ReadAsync(EncodedChunk chunk, List<int> maybeStaged)
    {
        var database = _connection.Database;
        var names = new RedisValue[chunk.Records.Count];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = Join(chunk.Key(i), chunk.EntryId(i));
        }

        var renew = _connection.EvaluateAsync(RedisScripts.RenewLock, [Keys.Sequence], [Keys.Prefix, _list, _token, _leaseMilliseconds]);
        var committed = _hasCommitted ? database.HashGetAsync(Keys.ListIndex(_list), names) : null;
        var staged = maybeStaged.Count > 0 ? database.HashGetAsync(Keys.StagedIndex(_list), [.. maybeStaged.Select(i => names[i])]) : Task.FromResult(Array.Empty<RedisValue>());
        var owned = (long)await renew.ConfigureAwait(false) == 1;
        return (owned, committed is null ? null : Values(await committed.ConfigureAwait(false)), Values(await staged.ConfigureAwait(false)));

        static ReplyValues Values(RedisValue[] values)
        {
            var result = new ReplyValues();
            foreach (var value in values)
            {
                if (value.IsNull)
                {
                    result.AddNull();
                }
                else
                {
                    result.Add((byte[])value!);
                }
            }

            return result;
        }
    }

    /// <summary>HMGET of the index fields of the chunk's records (or of some of them).</summary>
    private static void WriteFieldsCommand(RespPipe pipe, string key, EncodedChunk chunk, List<int>? only)
    {
        var count = only?.Count ?? chunk.Records.Count;
        pipe.Begin(count + 2);
        pipe.Argument("HMGET");
        pipe.Argument(key);
        for (var k = 0; k < count; k++)
        {
            var i = only is null ? k : only[k];
            pipe.Joined(chunk.Key(i), chunk.EntryId(i));
        }
    }

    /// <summary>Sends the chunk's writes without waiting: the staged index first (an entry field is
    /// only ever written after the index value that names it, so that what an abandoned import staged
    /// is found from its staged index), then the entries, the garbage of updated entries, the filter
    /// fingerprints.</summary>
    private Task WriteAsync(RespPipe pipe, EncodedChunk chunk, Decision[] decisions, ReplyValues? committed)
    {
        var replies = 0;
        var count = decisions.Length;
        var list = _listBytes.AsSpan();
        var generation = _generationBytes.AsSpan();
        for (var start = 0; start < count; start += MaxPerCommand)
        {
            var end = Math.Min(count, start + MaxPerCommand);
            var pairs = Count(decisions, start, end, static d => d.Outcome != Outcome.Repeat);
            if (pairs == 0)
            {
                continue;
            }

            pipe.Begin((pairs * 2) + 2);
            pipe.Argument("HSET");
            pipe.Argument(Keys.StagedIndex(_list));
            for (var i = start; i < end; i++)
            {
                if (decisions[i].Outcome == Outcome.Repeat)
                {
                    continue;
                }

                pipe.Joined(chunk.Key(i), chunk.EntryId(i));
                if (decisions[i].Outcome == Outcome.Unchanged)
                {
                    pipe.Argument(committed![decisions[i].Committed]);
                }
                else
                {
                    pipe.Joined(generation, chunk.Hash(i));
                }
            }

            replies++;
        }

        for (var i = 0; i < count; i++)
        {
            if (decisions[i].Outcome is Outcome.Added or Outcome.Updated)
            {
                pipe.Begin(4);
                pipe.Argument("HSET");
                pipe.Argument(_entriesPrefix, chunk.Key(i));
                pipe.Joined(list, chunk.EntryId(i), generation);
                pipe.Argument(chunk.Json(i));
                replies++;
            }
        }

        var garbage = Count(decisions, 0, count, static d => d.Outcome == Outcome.Updated);
        if (garbage > 0)
        {
            pipe.Begin(garbage + 2);
            pipe.Argument("RPUSH");
            pipe.Argument(Keys.StagedGarbage(_list));
            for (var i = 0; i < count; i++)
            {
                if (decisions[i].Outcome == Outcome.Updated)
                {
                    pipe.Joined(chunk.Key(i), list, chunk.EntryId(i), GenerationOf(committed![decisions[i].Committed]));
                }
            }

            replies++;
        }

        if (Fingerprints(chunk, decisions) is { Length: > 0 } prints)
        {
            pipe.Begin(3);
            pipe.Argument("APPEND");
            pipe.Argument(Keys.StagedFingerprints(_list));
            pipe.Argument(prints);
            replies++;
        }

        if (chunk.OrganizationCodes)
        {
            // Readers then also look up the 组织机构代码 a 统一社会信用代码 embeds.
            pipe.Command("HSET", Keys.Meta, "orgKeys", "1");
            replies++;
        }

        _unreadReplies += replies;
        return pipe.FlushAsync();
    }

    private async Task WriteAsync(EncodedChunk chunk, Decision[] decisions, ReplyValues? committed)
    {
        var batch = _connection.Database.CreateBatch();
        var tasks = new List<Task>();
        var count = decisions.Length;
        var index = new List<HashEntry>();
        var garbage = new List<RedisValue>();
        for (var i = 0; i < count; i++)
        {
            switch (decisions[i].Outcome)
            {
                case Outcome.Unchanged:
                    index.Add(new HashEntry(Join(chunk.Key(i), chunk.EntryId(i)), committed![decisions[i].Committed].ToArray()));
                    break;
                case Outcome.Added or Outcome.Updated:
                    index.Add(new HashEntry(Join(chunk.Key(i), chunk.EntryId(i)), Join(_generationBytes, chunk.Hash(i))));
                    if (decisions[i].Outcome == Outcome.Updated)
                    {
                        garbage.Add(Join(chunk.Key(i), _listBytes, chunk.EntryId(i), GenerationOf(committed![decisions[i].Committed])));
                    }

                    break;
            }
        }

        if (index.Count > 0)
        {
            tasks.Add(batch.HashSetAsync(Keys.StagedIndex(_list), [.. index]));
        }

        for (var i = 0; i < count; i++)
        {
            if (decisions[i].Outcome is Outcome.Added or Outcome.Updated)
            {
                tasks.Add(batch.HashSetAsync(Keys.EntriesPrefix + Encoding.ASCII.GetString(chunk.Key(i)), Join(_listBytes, chunk.EntryId(i), _generationBytes), chunk.Json(i).ToArray()));
            }
        }

        if (garbage.Count > 0)
        {
            tasks.Add(batch.ListRightPushAsync(Keys.StagedGarbage(_list), [.. garbage]));
        }

        if (Fingerprints(chunk, decisions) is { Length: > 0 } prints)
        {
            tasks.Add(batch.StringAppendAsync(Keys.StagedFingerprints(_list), prints));
        }

        if (chunk.OrganizationCodes)
        {
            tasks.Add(batch.HashSetAsync(Keys.Meta, "orgKeys", "1"));
        }

        batch.Execute();
        await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    /// <summary>Parts joined by tabs, as one value (the multiplexer's path).</summary>
    private static byte[] Join(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second) => [.. first, (byte)'\t', .. second];

    private static byte[] Join(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, ReadOnlySpan<byte> third, ReadOnlySpan<byte> fourth) =>
        [.. first, (byte)'\t', .. second, (byte)'\t', .. third, (byte)'\t', .. fourth];

    private static byte[] Join(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, ReadOnlySpan<byte> third) =>
        [.. first, (byte)'\t', .. second, (byte)'\t', .. third];

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

    private async Task ReadWriteRepliesAsync(RespPipe pipe)
    {
        // Every write's reply is read: an error (out of memory, a key of the wrong type) fails the import.
        var count = _unreadReplies;
        _unreadReplies = 0;
        await pipe.SkipAsync(count).ConfigureAwait(false);
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
