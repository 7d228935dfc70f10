using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using CreditCheck.Stores;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace CreditCheck;

/// <summary>
/// The append-only journal that makes acknowledged feedback survive a crash. The file starts with a
/// header naming its generation; then one line per record, <c>{fnv64 of the JSON, 16 hex} {json}\n</c>.
/// A checkpoint file beside it (<c>{journal}.checkpoint</c>: generation and byte offset) says where the
/// undelivered records start; when the delivered part grows large, the file is rewritten without it
/// under a new generation.
/// </summary>
/// <remarks>
/// Offsets handed out are logical: they keep growing across compactions (physical = logical − base),
/// so a caller's offsets stay valid. Appends are serialized by a lock; flushing to disk is shared by
/// every caller waiting at the time (one fsync for many reports). Reads and compaction happen on the
/// delivery loop only. Damaged bytes are never just deleted: they are appended to <c>{journal}.damaged</c>.
/// </remarks>
internal sealed partial class FeedbackJournal : IDisposable
{
    private const string Magic = "#creditcheck-feedback-journal v1 ";
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly string _path;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _sync = new(1, 1);
    private SafeFileHandle _handle;
    private string _generation;
    private long _headerLength;
    private long _base;
    private long _length;
    private long _durable;

    private FeedbackJournal(string path, ILogger logger, SafeFileHandle handle, string generation, long headerLength, long physicalLength)
    {
        _path = path;
        _logger = logger;
        _handle = handle;
        _generation = generation;
        _headerLength = headerLength;
        _length = physicalLength;
        _durable = physicalLength;
    }

    /// <summary>The full path of the journal file.</summary>
    public string Path => _path;

    /// <summary>Logical offset of the first record not yet delivered, as found at open.</summary>
    public long Start { get; private set; }

    /// <summary>Records waiting after <see cref="Start"/> at open (damaged middle lines included: they
    /// are skipped, and counted, when read).</summary>
    public long PendingAtOpen { get; private set; }

    /// <summary>Lines of a torn end discarded at open.</summary>
    public int TornLinesAtOpen { get; private set; }

    /// <summary>Logical end of what was written.</summary>
    public long End
    {
        get
        {
            lock (_lock)
            {
                return _length;
            }
        }
    }

    private string CheckpointPath => _path + ".checkpoint";

    private string DamagedPath => _path + ".damaged";

    [GeneratedRegex("^#creditcheck-feedback-journal v1 ([0-9a-f]{32})$")]
    private static partial Regex HeaderPattern();

    /// <summary>Opens (or creates) the journal, finds the undelivered records, and cuts a torn end.</summary>
    /// <exception cref="InvalidOperationException">The file is in use, unreadable, or not a journal.</exception>
    public static FeedbackJournal Open(string path, ILogger logger)
    {
        var full = System.IO.Path.GetFullPath(path);
        SafeFileHandle handle;
        try
        {
            // FileShare.None takes an exclusive lock: two processes appending to one journal would
            // interleave their lines and their checkpoints.
            handle = File.OpenHandle(full, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException(
                $"The feedback journal '{full}' cannot be opened: {e.Message} Each process needs a journal file of its own.", e);
        }

        try
        {
            var journal = OpenHeader(full, logger, handle);
            journal.Recover();
            return journal;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            handle.Dispose();
            throw new InvalidOperationException($"The feedback journal '{full}' cannot be read: {e.Message}", e);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>One record as a journal line.</summary>
    public static byte[] Encode(FeedbackRecord record)
    {
        var json = FeedbackJson.Serialize(record);
        return Encoding.UTF8.GetBytes(Fnv1a.Hash(json).ToString("x16", CultureInfo.InvariantCulture) + " " + json + "\n");
    }

    /// <summary>Appends encoded lines (not yet on disk: see <see cref="EnsureDurableAsync"/>).</summary>
    /// <returns>The logical offset the data starts at.</returns>
    public long Append(byte[] data)
    {
        lock (_lock)
        {
            var start = _length;
            try
            {
                RandomAccess.Write(_handle, data, start - _base);
            }
            catch (IOException)
            {
                // Leave no half line for the next append to follow (a full disk, say).
                TryCut(start - _base);
                throw;
            }

            _length = start + data.Length;
            return start;
        }
    }

    /// <summary>Returns once everything up to <paramref name="end"/> is on disk; one flush serves every
    /// caller waiting meanwhile.</summary>
    public async ValueTask EnsureDurableAsync(long end, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _durable) >= end)
        {
            return;
        }

        await _sync.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Volatile.Read(ref _durable) >= end)
            {
                return;
            }

            SafeFileHandle handle;
            long target;
            lock (_lock)
            {
                handle = _handle;
                target = _length;
            }

            RandomAccess.FlushToDisk(handle);
            Volatile.Write(ref _durable, Math.Max(Volatile.Read(ref _durable), target));
        }
        finally
        {
            _sync.Release();
        }
    }

    /// <summary>Reads up to <paramref name="max"/> records from <paramref name="from"/> up to
    /// <paramref name="limit"/> (logical offsets on line boundaries). Damaged lines are skipped, logged
    /// and kept aside.</summary>
    public JournalRead Read(long from, long limit, int max)
    {
        SafeFileHandle handle;
        long @base;
        lock (_lock)
        {
            handle = _handle;
            @base = _base;
        }

        var records = new List<FeedbackRecord>();
        var end = from;
        var discarded = 0;
        foreach (var line in Lines(handle, from - @base, limit - @base))
        {
            if (!line.Complete)
            {
                break; // cannot happen below the limit; stop rather than guess
            }

            end = line.End + @base;
            if (Decode(line.Bytes, out var error) is { } record)
            {
                records.Add(record);
            }
            else
            {
                discarded++;
                KeepDamaged(line.Bytes, appendNewline: true);
                Log.FeedbackJournalDamaged(_logger, _path, line.Start, error!, DamagedPath);
            }

            if (records.Count >= max)
            {
                break;
            }
        }

        return new JournalRead(records, end, discarded);
    }

    /// <summary>Records that everything before <paramref name="delivered"/> was delivered, and rewrites
    /// the file without it once that part is large.</summary>
    public async Task CommitAsync(long delivered, long compactBytes)
    {
        await _sync.WaitAsync().ConfigureAwait(false);
        try
        {
            lock (_lock)
            {
                var physical = delivered - _base;
                WriteCheckpoint(_generation, physical);
                var deliveredBytes = physical - _headerLength;
                if (deliveredBytes >= compactBytes && _length - delivered <= deliveredBytes)
                {
                    Compact(physical);
                }
            }
        }
        finally
        {
            _sync.Release();
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _handle.Dispose();
        }

        _sync.Dispose();
    }

    private static FeedbackJournal OpenHeader(string path, ILogger logger, SafeFileHandle handle)
    {
        var length = RandomAccess.GetLength(handle);
        var head = new byte[(int)Math.Min(length, 128)];
        var read = RandomAccess.Read(handle, head, 0);
        var newline = Array.IndexOf(head, (byte)'\n', 0, read);
        if (newline < 0)
        {
            // Empty, or a header torn while the file was being created: start a fresh journal.
            var text = Encoding.ASCII.GetString(head, 0, read);
            var expected = Magic + new string('0', 32);
            if (read == length && read < expected.Length && IsTornHeader(text))
            {
                RandomAccess.SetLength(handle, 0);
                return Create(path, logger, handle);
            }

            throw NotAJournal(path, text);
        }

        var header = Encoding.ASCII.GetString(head, 0, newline);
        var match = HeaderPattern().Match(header);
        if (!match.Success)
        {
            throw NotAJournal(path, header);
        }

        return new FeedbackJournal(path, logger, handle, match.Groups[1].Value, newline + 1, length);
    }

    private static bool IsTornHeader(string text)
    {
        if (text.Length <= Magic.Length)
        {
            return Magic.StartsWith(text, StringComparison.Ordinal);
        }

        return text.StartsWith(Magic, StringComparison.Ordinal) && text[Magic.Length..].All(char.IsAsciiHexDigitLower);
    }

    private static FeedbackJournal Create(string path, ILogger logger, SafeFileHandle handle)
    {
        var generation = Guid.NewGuid().ToString("N");
        var header = Header(generation);
        RandomAccess.Write(handle, header, 0);
        RandomAccess.FlushToDisk(handle);
        return new FeedbackJournal(path, logger, handle, generation, header.Length, header.Length);
    }

    private static byte[] Header(string generation) => Encoding.ASCII.GetBytes(Magic + generation + "\n");

    private static InvalidOperationException NotAJournal(string path, string firstLine) => new(
        $"'{path}' is not a CreditCheck feedback journal (its first line is '{(firstLine.Length > 60 ? firstLine[..60] + "…" : firstLine)}'); " +
        "move it away or set CreditCheck:Feedback:JournalPath to another file.");

    /// <summary>Finds the checkpoint, counts what is pending, and cuts a torn end.</summary>
    private void Recover()
    {
        var start = ReadCheckpoint();
        long pending = 0, complete = 0, goodEnd = start;
        int badAfterGood = 0;
        var partial = false;
        foreach (var line in Lines(_handle, start, _length))
        {
            if (!line.Complete)
            {
                partial = true;
                break;
            }

            complete++;
            if (Decode(line.Bytes, out _) is not null)
            {
                pending = complete;
                goodEnd = line.End;
                badAfterGood = 0;
            }
            else
            {
                badAfterGood++;
            }
        }

        if (goodEnd < _length)
        {
            // A crash during a write leaves a partial last line (or zeros): it was never acknowledged,
            // since a report returns only after its lines are on disk. Cut it, but keep the bytes.
            var torn = new byte[_length - goodEnd];
            RandomAccess.Read(_handle, torn, goodEnd);
            KeepDamaged(torn, appendNewline: false);
            RandomAccess.SetLength(_handle, goodEnd);
            RandomAccess.FlushToDisk(_handle);
            TornLinesAtOpen = badAfterGood + (partial ? 1 : 0);
            Log.FeedbackJournalTorn(_logger, _path, TornLinesAtOpen, torn.Length, goodEnd, DamagedPath);
            _length = goodEnd;
            _durable = goodEnd;
        }

        Start = start;
        PendingAtOpen = pending;
        if (pending > 0)
        {
            Log.FeedbackJournalReplayed(_logger, _path, pending);
        }
    }

    private long ReadCheckpoint()
    {
        if (!File.Exists(CheckpointPath))
        {
            if (_length > _headerLength)
            {
                Log.FeedbackCheckpointIgnored(_logger, _path, "there is no checkpoint file");
            }

            return _headerLength;
        }

        var text = File.ReadAllText(CheckpointPath).Trim();
        var parts = text.Split(' ');
        string? problem = null;
        long offset = 0;
        if (parts.Length != 2 || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out offset))
        {
            problem = $"the checkpoint file is unreadable ('{(text.Length > 60 ? text[..60] : text)}')";
        }
        else if (parts[0] != _generation)
        {
            // Normal after a crash between a compaction and its checkpoint: the file then holds only
            // undelivered records.
            problem = "the checkpoint belongs to an earlier generation of the journal";
        }
        else if (offset < _headerLength || offset > _length)
        {
            problem = $"the checkpoint offset {offset} lies outside the journal (header {_headerLength}, length {_length})";
        }
        else if (offset > _headerLength && !EndsLine(offset))
        {
            problem = $"the checkpoint offset {offset} is not at the start of a line";
        }

        if (problem is null)
        {
            return offset;
        }

        if (_length > _headerLength)
        {
            Log.FeedbackCheckpointIgnored(_logger, _path, problem);
        }

        return _headerLength;
    }

    private bool EndsLine(long offset)
    {
        Span<byte> previous = stackalloc byte[1];
        return RandomAccess.Read(_handle, previous, offset - 1) == 1 && previous[0] == (byte)'\n';
    }

    private void Compact(long physical)
    {
        var generation = Guid.NewGuid().ToString("N");
        var header = Header(generation);
        var temporary = _path + ".compact";
        var target = File.OpenHandle(temporary, FileMode.Create, FileAccess.ReadWrite, FileShare.None);
        var physicalEnd = _length - _base;
        try
        {
            RandomAccess.Write(target, header, 0);
            var buffer = new byte[64 * 1024];
            for (var offset = physical; offset < physicalEnd;)
            {
                var read = RandomAccess.Read(_handle, buffer.AsSpan(0, (int)Math.Min(buffer.Length, physicalEnd - offset)), offset);
                if (read == 0)
                {
                    throw new IOException($"The feedback journal '{_path}' ended at {offset}, before {physicalEnd}.");
                }

                RandomAccess.Write(target, buffer.AsSpan(0, read), header.Length + offset - physical);
                offset += read;
            }

            RandomAccess.FlushToDisk(target);

            // Atomic: a crash leaves either the old file with its checkpoint, or the new one, whose
            // generation the old checkpoint does not match, so all of it (all undelivered) is replayed.
            File.Move(temporary, _path, overwrite: true);
        }
        catch
        {
            target.Dispose();
            TryDelete(temporary);
            throw;
        }

        _handle.Dispose();
        _handle = target;
        _base += physical - header.Length;
        _generation = generation;
        var removed = physical - _headerLength;
        _headerLength = header.Length;
        Volatile.Write(ref _durable, _length);
        WriteCheckpoint(generation, header.Length);
        Log.FeedbackJournalCompacted(_logger, _path, removed, physicalEnd - physical);
    }

    private void WriteCheckpoint(string generation, long physical)
    {
        // Replace, never overwrite in place: a torn checkpoint would only cause duplicates, but a
        // whole one is cheap. Not flushed: losing it also only causes duplicates.
        var temporary = CheckpointPath + ".tmp";
        File.WriteAllText(temporary, generation + " " + physical.ToString(CultureInfo.InvariantCulture) + "\n");
        File.Move(temporary, CheckpointPath, overwrite: true);
    }

    private void KeepDamaged(byte[] bytes, bool appendNewline)
    {
        try
        {
            using var stream = new FileStream(DamagedPath, FileMode.Append, FileAccess.Write, FileShare.Read);
            stream.Write(bytes);
            if (appendNewline)
            {
                stream.WriteByte((byte)'\n');
            }
        }
        catch (IOException)
        {
            // Keeping the bytes aside is a courtesy; the log already says what was found.
        }
    }

    private void TryCut(long physical)
    {
        try
        {
            RandomAccess.SetLength(_handle, physical);
        }
        catch (IOException)
        {
            // the next open cuts the torn end instead
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // best effort
        }
    }

    private static FeedbackRecord? Decode(byte[] line, out string? error)
    {
        if (line.Length < 18 || line[16] != (byte)' ')
        {
            error = "not a checksum and a record";
            return null;
        }

        string checksum, json;
        try
        {
            checksum = StrictUtf8.GetString(line, 0, 16);
            json = StrictUtf8.GetString(line, 17, line.Length - 17);
        }
        catch (DecoderFallbackException)
        {
            error = "not UTF-8";
            return null;
        }

        if (!ulong.TryParse(checksum, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var expected) || Fnv1a.Hash(json) != expected)
        {
            error = "checksum mismatch";
            return null;
        }

        return FeedbackJson.Deserialize(json, out error);
    }

    /// <summary>The lines between two physical offsets, without their newline; a last line without one
    /// is returned as incomplete.</summary>
    private static IEnumerable<RawLine> Lines(SafeFileHandle handle, long from, long to)
    {
        var buffer = new byte[64 * 1024];
        var bufferStart = from;
        var count = 0;
        var lineStart = 0;
        var scanned = 0;
        while (true)
        {
            var newline = Array.IndexOf(buffer, (byte)'\n', scanned, count - scanned);
            if (newline >= 0)
            {
                yield return new RawLine(bufferStart + lineStart, bufferStart + newline + 1, true, buffer.AsSpan(lineStart, newline - lineStart).ToArray());
                lineStart = newline + 1;
                scanned = lineStart;
                continue;
            }

            scanned = count;
            var available = to - (bufferStart + count);
            if (available <= 0)
            {
                break;
            }

            if (lineStart > 0)
            {
                Array.Copy(buffer, lineStart, buffer, 0, count - lineStart);
                bufferStart += lineStart;
                count -= lineStart;
                scanned -= lineStart;
                lineStart = 0;
            }

            if (count == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }

            var read = RandomAccess.Read(handle, buffer.AsSpan(count, (int)Math.Min(buffer.Length - count, available)), bufferStart + count);
            if (read == 0)
            {
                break;
            }

            count += read;
        }

        if (lineStart < count)
        {
            yield return new RawLine(bufferStart + lineStart, bufferStart + count, false, buffer.AsSpan(lineStart, count - lineStart).ToArray());
        }
    }

    private readonly record struct RawLine(long Start, long End, bool Complete, byte[] Bytes);
}

/// <summary>Records read from the journal, the logical offset after the last line consumed, and how
/// many damaged lines were skipped.</summary>
internal sealed record JournalRead(IReadOnlyList<FeedbackRecord> Records, long End, int Discarded);
