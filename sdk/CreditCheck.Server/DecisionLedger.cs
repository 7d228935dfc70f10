using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using CreditCheck.Catalog;

namespace CreditCheck.Server;

/// <summary>The decisions this service made, kept so that a feedback report can name one by its check id
/// (<see cref="FeedbackReport.For(CreditDecision)"/> needs the decision). Bounded by
/// <see cref="ServerOptions.MaxRetainedDecisions"/> and <see cref="ServerOptions.DecisionRetention"/>: the
/// oldest go first. A client finds only its own decisions. Thread-safe.</summary>
/// <remarks>
/// <para>Kept cheaply for the garbage collector: under load every decision lives long enough to reach the oldest
/// generation, and 200,000 whole decision graphs (request, lists, strings, dictionary nodes) made each collection
/// copy and trace them — the service's tail latency at a fixed rate came from there. So a decision without
/// entries (a clean subject, the common case, with or without good-standing measures) is kept as a slot in a
/// ring (an array grown by doubling up to the bound, then reused) plus a few dozen bytes in a shared 64 KiB chunk;
/// its references point only at objects that live anyway (the client's id, the catalog's scenario, an array of the catalog's measures when any applied).
/// It is rebuilt on <see cref="Find"/> equal, member for member, to the decision made. A decision that matched
/// entries, ratings or unreadable entries is kept whole, as it is: rare, and its report names those entries.</para>
/// </remarks>
internal sealed class DecisionLedger
{
    // Below the large object heap's 85,000 bytes, so a chunk is an ordinary object collected once its decisions go.
    private const int ChunkBytes = 64 * 1024;

    // An encoding larger than this (long texts in the request) gets its own array rather than most of a chunk.
    private const int OwnArrayAbove = ChunkBytes / 8;

    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly int _max;
    private readonly long _retentionTicks;

    // Check id → sequence number; a sequence's slot is _slots[sequence % _slots.Length]. A Dictionary keeps its
    // entries in one array of structs, so it adds no object per decision either.
    private readonly Dictionary<Guid, long> _index = [];
    private Slot[] _slots;
    private long _oldest; // the live sequences are [_oldest, _next)
    private long _next;
    private byte[] _chunk = new byte[ChunkBytes];
    private int _chunkUsed;

    public DecisionLedger(ServerOptions options, TimeProvider time)
    {
        _time = time;
        _max = options.MaxRetainedDecisions;
        _retentionTicks = options.DecisionRetention.Ticks;
        _slots = new Slot[Math.Clamp(_max, 1, 1024)]; // grows by doubling up to _max, so an idle service stays small
    }

    /// <summary>How many decisions are kept now.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return (int)(_next - _oldest);
            }
        }
    }

    /// <summary>Keeps a decision, made for this request, for the client that asked for it.</summary>
    /// <param name="request">The request decided: a decision shows its subject only masked, and the rebuilt
    /// decision needs the subject itself.</param>
    /// <param name="decision">The checker's decision on it.</param>
    /// <param name="clientId">The client that asked; only it finds the decision.</param>
    public void Add(CheckRequest request, CreditDecision decision, string clientId)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentNullException.ThrowIfNull(clientId);
        var compact = IsCompact(request, decision);
        var length = compact ? CompactDecision.Length(request, decision) : 0;
        var now = _time.GetUtcNow().UtcTicks;
        lock (_gate)
        {
            if (_index.ContainsKey(decision.CheckId))
            {
                return; // kept already: the first keeps its place, as before
            }

            EvictLocked(now, makeRoom: true);
            if (_next - _oldest == _slots.Length)
            {
                GrowLocked();
            }

            ref var slot = ref _slots[(int)(_next % _slots.Length)];
            slot.CheckId = decision.CheckId;
            slot.At = now;
            slot.ClientId = clientId;
            if (compact)
            {
                var (bytes, offset) = ReserveLocked(length);
                CompactDecision.Write(request, decision, bytes.AsSpan(offset, length));
                slot.Bytes = bytes;
                slot.Offset = offset;
                slot.Length = length;
                slot.Scenario = decision.ResolvedScenario;
                var measures = decision.AppliedMeasures.Count == 0 ? null : decision.AppliedMeasures.Select(a => a.Measure).ToArray();
                slot.Extra = decision.ListsNotHeld.Count == 0 ? measures : new NotHeldExtra(measures, decision.ListsNotHeld);
            }
            else
            {
                slot.Extra = decision;
            }

            _index.Add(decision.CheckId, _next);
            _next++;
        }
    }

    /// <summary>The decision with this id if this client asked for it and it is still kept.</summary>
    public CreditDecision? Find(Guid checkId, string clientId)
    {
        Slot slot;
        lock (_gate)
        {
            EvictLocked(_time.GetUtcNow().UtcTicks, makeRoom: false);
            if (!_index.TryGetValue(checkId, out var sequence))
            {
                return null;
            }

            slot = _slots[(int)(sequence % _slots.Length)];
        }

        if (!string.Equals(slot.ClientId, clientId, StringComparison.Ordinal))
        {
            return null;
        }

        // Outside the lock: a chunk's bytes are written once and never reused, so they outlive the slot's eviction.
        return slot.Extra switch
        {
            CreditDecision whole => whole,
            NotHeldExtra extra => CompactDecision.Read(slot.CheckId, slot.Scenario!, extra.Measures, slot.Bytes.AsSpan(slot.Offset, slot.Length), extra.ListsNotHeld),
            _ => CompactDecision.Read(slot.CheckId, slot.Scenario!, slot.Extra as Measure[], slot.Bytes.AsSpan(slot.Offset, slot.Length), []),
        };
    }

    /// <summary>Whether the decision is rebuilt whole from its compact form: no entries, ratings, voided measures or
    /// unreadable entries, and its measures (if any) apply in good standing, triggered by nothing. And it was made
    /// for this request (the checker's decision carries the request's own texts).</summary>
    private static bool IsCompact(CheckRequest request, CreditDecision decision)
    {
        if (decision.SubjectKind != request.Subject.Kind
            || decision.SubjectCheckCharacterConforms != request.Subject.CheckCharacterConforms
            || !ReferenceEquals(decision.Scenario, request.Scenario)
            || !ReferenceEquals(decision.TransactionReference, request.TransactionReference)
            || !ReferenceEquals(decision.Department, request.Department)
            || !ReferenceEquals(decision.Operator, request.Operator))
        {
            return false;
        }

        if (decision.MatchedEntries.Count != 0 || decision.VoidedMeasures.Count != 0 || decision.UnreadableEntries.Count != 0 || decision.Ratings.Count != 0)
        {
            return false;
        }

        foreach (var applied in decision.AppliedMeasures)
        {
            if (applied.TriggeredBy.Count != 0 || applied.Rating is not null || applied.VoidReason is not null || applied.VoidReasonEnglish is not null)
            {
                return false;
            }
        }

        return true;
    }

    private void EvictLocked(long now, bool makeRoom)
    {
        while (_oldest < _next)
        {
            ref var oldest = ref _slots[(int)(_oldest % _slots.Length)];
            if (!(makeRoom && _next - _oldest >= _max) && now - oldest.At <= _retentionTicks)
            {
                return;
            }

            _index.Remove(oldest.CheckId);
            oldest = default; // lets its chunk, measures or whole decision go
            _oldest++;
        }
    }

    private void GrowLocked()
    {
        var grown = new Slot[(int)Math.Min((long)_slots.Length * 2, _max)];
        for (var sequence = _oldest; sequence < _next; sequence++)
        {
            grown[(int)(sequence % grown.Length)] = _slots[(int)(sequence % _slots.Length)];
        }

        _slots = grown;
    }

    private (byte[] Bytes, int Offset) ReserveLocked(int length)
    {
        if (length > OwnArrayAbove)
        {
            return (new byte[length], 0);
        }

        if (_chunkUsed + length > ChunkBytes)
        {
            _chunk = new byte[ChunkBytes]; // the full one stays alive while a slot refers to it
            _chunkUsed = 0;
        }

        var offset = _chunkUsed;
        _chunkUsed += length;
        return (_chunk, offset);
    }

    /// <summary>One kept decision: a value in the ring, so keeping it allocates nothing of its own.</summary>
    private struct Slot
    {
        public Guid CheckId;
        public long At; // UTC ticks when kept
        public string? ClientId;
        public byte[]? Bytes; // the compact decision's encoding at Offset, Length (shared chunk)
        public int Offset;
        public int Length;
        public Scenario? Scenario; // the catalog's resolved scenario (compact)
        public object? Extra; // the catalog's applied measures (compact; with the lists not held, when any), or the whole decision (kept as it is)
    }

    /// <summary>A compact decision's measures and the lists its store did not hold (shared by the decisions of one store state).</summary>
    private sealed record NotHeldExtra(Measure[]? Measures, IReadOnlyList<CreditList> ListsNotHeld);
}

/// <summary>The members of a decision without entries, as bytes with no references, and the decision rebuilt from
/// them. Texts are kept exactly: ASCII one byte a character, anything else as UTF-16 (a request's text may hold
/// what UTF-8 cannot round-trip, such as a lone surrogate from a JSON escape).</summary>
internal static class CompactDecision
{
    private const int FixedBytes = 1 /* kind */ + 1 /* flags */ + 1 /* outcome */ + 1 /* path */ + 8 /* sequence */ + 8 /* data age */
        + 8 /* evaluated at, UTC ticks */ + 2 /* its offset, minutes */ + 16 /* preset check id */;

    private const byte LenientSubject = 1;
    private const byte HasPresetCheckId = 2;
    private const byte ScenarioIsResolved = 4;

    public static int Length(CheckRequest request, CreditDecision decision)
    {
        return FixedBytes + TextLength(request.Subject.Value)
            + (request.Scenario == decision.ResolvedScenario.Code ? 0 : TextLength(request.Scenario))
            + TextLength(request.TransactionReference) + TextLength(request.Department) + TextLength(request.Operator)
            + TextLength(decision.CatalogVersion) + TextLength(decision.PlatformRequestId) + TextLength(decision.DegradedReason);
    }

    public static void Write(CheckRequest request, CreditDecision decision, Span<byte> destination)
    {
        var scenarioIsResolved = request.Scenario == decision.ResolvedScenario.Code;
        destination[0] = (byte)request.Subject.Kind;
        destination[1] = (byte)((request.Subject.CheckCharacterConforms ? 0 : LenientSubject)
            | (request.PresetCheckId is null ? 0 : HasPresetCheckId)
            | (scenarioIsResolved ? ScenarioIsResolved : 0));
        destination[2] = (byte)decision.Outcome;
        destination[3] = (byte)decision.Path;
        BinaryPrimitives.WriteInt64LittleEndian(destination[4..], decision.Sequence);
        BinaryPrimitives.WriteInt64LittleEndian(destination[12..], decision.DataAge.Ticks);
        BinaryPrimitives.WriteInt64LittleEndian(destination[20..], decision.EvaluatedAt.UtcTicks);
        BinaryPrimitives.WriteInt16LittleEndian(destination[28..], (short)decision.EvaluatedAt.TotalOffsetMinutes);
        (request.PresetCheckId ?? Guid.Empty).TryWriteBytes(destination[30..46]);
        var rest = destination[FixedBytes..];
        WriteText(ref rest, request.Subject.Value);
        if (!scenarioIsResolved)
        {
            WriteText(ref rest, request.Scenario);
        }

        WriteText(ref rest, request.TransactionReference);
        WriteText(ref rest, request.Department);
        WriteText(ref rest, request.Operator);
        WriteText(ref rest, decision.CatalogVersion);
        WriteText(ref rest, decision.PlatformRequestId);
        WriteText(ref rest, decision.DegradedReason);
    }

    public static CreditDecision Read(Guid checkId, Scenario resolved, Measure[]? measures, ReadOnlySpan<byte> source, IReadOnlyList<CreditList> listsNotHeld)
    {
        var kind = (SubjectKind)source[0];
        var flags = source[1];
        var outcome = (DecisionOutcome)source[2];
        var path = (DecisionPath)source[3];
        var sequence = BinaryPrimitives.ReadInt64LittleEndian(source[4..]);
        var dataAge = new TimeSpan(BinaryPrimitives.ReadInt64LittleEndian(source[12..]));
        var offset = TimeSpan.FromMinutes(BinaryPrimitives.ReadInt16LittleEndian(source[28..]));
        var evaluatedAt = new DateTimeOffset(BinaryPrimitives.ReadInt64LittleEndian(source[20..]) + offset.Ticks, offset);
        Guid? preset = (flags & HasPresetCheckId) != 0 ? new Guid(source[30..46]) : null;
        var rest = source[FixedBytes..];

        // The canonical value parses back to the same id (kind, scheme, value, check character).
        var subject = SubjectId.Parse(ReadText(ref rest)!, kind,
            (flags & LenientSubject) != 0 ? SubjectIdParseMode.LenientCheckCharacter : SubjectIdParseMode.Strict);
        var scenario = (flags & ScenarioIsResolved) != 0 ? resolved.Code : ReadText(ref rest)!;
        var request = new CheckRequest(subject, scenario)
        {
            TransactionReference = ReadText(ref rest),
            Department = ReadText(ref rest),
            Operator = ReadText(ref rest),
            PresetCheckId = preset,
        };
        return new CreditDecision(request)
        {
            CheckId = checkId,
            ResolvedScenario = resolved,
            Outcome = outcome,
            MatchedEntries = [],
            AppliedMeasures = measures is null ? [] : [.. measures.Select(m => new AppliedMeasure { Measure = m, TriggeredBy = [] })],
            VoidedMeasures = [],
            UnreadableEntries = [],
            CatalogVersion = ReadText(ref rest)!,
            Sequence = sequence,
            PlatformRequestId = ReadText(ref rest),
            DataAge = dataAge,
            EvaluatedAt = evaluatedAt,
            Path = path,
            DegradedReason = ReadText(ref rest),
            ListsNotHeld = listsNotHeld,
        };
    }

    // A text: 4 bytes of header (-1 null; else the length in chars, the top bit set for UTF-16), then the chars.
    private static int TextLength(string? text) =>
        text is null ? 4 : 4 + (Ascii.IsValid(text) ? text.Length : text.Length * 2);

    private static void WriteText(ref Span<byte> destination, string? text)
    {
        if (text is null)
        {
            BinaryPrimitives.WriteInt32LittleEndian(destination, -1);
            destination = destination[4..];
            return;
        }

        var ascii = Ascii.IsValid(text);
        BinaryPrimitives.WriteInt32LittleEndian(destination, ascii ? text.Length : text.Length | int.MinValue);
        destination = destination[4..];
        if (ascii)
        {
            Ascii.FromUtf16(text, destination, out _);
            destination = destination[text.Length..];
        }
        else
        {
            MemoryMarshal.AsBytes(text.AsSpan()).CopyTo(destination);
            destination = destination[(text.Length * 2)..];
        }
    }

    private static string? ReadText(ref ReadOnlySpan<byte> source)
    {
        var header = BinaryPrimitives.ReadInt32LittleEndian(source);
        source = source[4..];
        if (header == -1)
        {
            return null;
        }

        var length = header & int.MaxValue;
        string text;
        if (header >= 0)
        {
            text = Encoding.ASCII.GetString(source[..length]);
            source = source[length..];
        }
        else
        {
            text = new string(MemoryMarshal.Cast<byte, char>(source[..(length * 2)]));
            source = source[(length * 2)..];
        }

        return text;
    }
}
