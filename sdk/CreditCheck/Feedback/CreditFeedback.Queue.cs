using CreditCheck.Stores;
using Microsoft.Extensions.Logging;

namespace CreditCheck;

/// <summary>The bounded queue: records acknowledged into the memory buffer (or, past it, only into the
/// journal), taken in batches, and completed once the sink holds them.</summary>
public sealed partial class CreditFeedback
{
    /// <summary>Journals and queues the records; returns the journal offset that must be on disk before
    /// they count as acknowledged.</summary>
    private long Accept(List<FeedbackRecord> records)
    {
        byte[][]? lines = null;
        byte[]? data = null;
        if (_journal is not null)
        {
            lines = [.. records.Select(FeedbackJournal.Encode)];
            data = lines.SelectMany(l => l).ToArray();
        }

        int overflowStarted = 0;
        long endedOverflowed = -1, endedDropped = 0;
        long tail;
        lock (_gate)
        {
            if (lines is null && _options.AcknowledgeOnDelivery && _buffer.Count + records.Count > _options.BufferCapacity)
            {
                // Acknowledged only once delivered: a record that does not fit is refused, never dropped.
                throw new IOException(
                    $"{_buffer.Count} feedback records already wait for {_sink.Name} and this report has {records.Count} "
                    + $"(BufferCapacity {_options.BufferCapacity}); the report is not acknowledged: report it again later.");
            }

            var offset = _journal?.Append(data!) ?? _tail;
            for (var i = 0; i < records.Count; i++)
            {
                long start = offset, end;
                if (lines is not null)
                {
                    end = offset + lines[i].Length;
                    offset = end;
                    _tail = end;
                    _backlog++;
                }
                else
                {
                    end = offset + 1;
                }

                if (_buffer.Count < _options.BufferCapacity)
                {
                    if (lines is null)
                    {
                        offset = end;
                        _tail = end;
                        _backlog++;
                    }

                    _buffer.Enqueue(new Pending(start, end, records[i]));
                    Remember(records[i], end);
                    if (_overflowing)
                    {
                        _overflowing = false;
                        (endedOverflowed, endedDropped) = (_streakOverflowed, _streakDropped);
                    }
                }
                else
                {
                    // Full: with a journal the record is in it and the loop reads it from there; without,
                    // it is gone. Either way counted, and logged once per overflow.
                    _overflowed++;
                    _streakOverflowed++;
                    if (lines is null)
                    {
                        _dropped++;
                        _streakDropped++;
                    }
                    else
                    {
                        Remember(records[i], end); // in the journal: it will be delivered
                    }

                    if (!_overflowing)
                    {
                        _overflowing = true;
                        _streakOverflowed = 1;
                        _streakDropped = lines is null ? 1 : 0;
                        overflowStarted = lines is null ? 2 : 1;
                    }
                }
            }

            tail = _tail;
        }

        if (endedOverflowed >= 0)
        {
            Log.FeedbackOverflowEnded(_logger, endedOverflowed, endedDropped);
        }

        if (overflowStarted == 1)
        {
            Log.FeedbackOverflowJournaled(_logger, _options.BufferCapacity);
        }
        else if (overflowStarted == 2)
        {
            Log.FeedbackOverflowDropped(_logger, _options.BufferCapacity);
        }

        Signal(_wake);
        return tail;
    }

    /// <summary>The next records to deliver: from memory when the buffer holds the first undelivered
    /// one, otherwise (records that overflowed, or a previous run's) from the journal.</summary>
    private Batch? NextBatch()
    {
        lock (_gate)
        {
            if (_checkpoint >= _tail)
            {
                return null;
            }

            if (_buffer.TryPeek(out var head) && head.Start == _checkpoint)
            {
                var records = new List<FeedbackRecord>();
                var end = _checkpoint;
                foreach (var pending in _buffer)
                {
                    if (pending.Start != end || records.Count >= _options.BatchSize)
                    {
                        break;
                    }

                    records.Add(pending.Record);
                    end = pending.End;
                }

                return new Batch(records, _checkpoint, end);
            }

            if (_journal is null)
            {
                throw new InvalidOperationException($"Feedback offsets out of step: delivered up to {_checkpoint}, buffer starts at {head?.Start}.");
            }

            return new Batch(null, _checkpoint, _buffer.Count > 0 ? head!.Start : _tail);
        }
    }

    private (IReadOnlyList<FeedbackRecord> Records, long End, int Discarded) Read(Batch batch)
    {
        var read = _journal!.Read(batch.Start, batch.End, _options.BatchSize);
        if (read.End <= batch.Start)
        {
            throw new IOException($"The feedback journal '{_journal.Path}' has no complete line at {batch.Start}.");
        }

        return (read.Records, read.End, read.Discarded);
    }

    private void Complete(long end, int delivered, int discarded, IReadOnlyList<FeedbackRecord>? records = null, IReadOnlyList<FeedbackRecord?>? kept = null)
    {
        TaskCompletionSource progress;
        List<(FeedbackRecord Kept, FeedbackRecord Delivered)>? notes;
        lock (_gate)
        {
            notes = records is null ? null : NoteKept(records, kept, end);
            _checkpoint = end;
            while (_buffer.TryPeek(out var head) && head.End <= end)
            {
                _buffer.Dequeue();
            }

            _backlog -= delivered + discarded;
            _delivered += delivered;
            _discarded += discarded;
            if (delivered > 0)
            {
                _lastDeliveredAt = _time.GetUtcNow();
                _lastError = null;
            }

            progress = _progress;
            _progress = NewSignal();
        }

        LogKept(notes); // before the report waiting for this delivery is answered
        progress.TrySetResult();
    }

    /// <summary>A record in memory and its place: journal offsets, or a counter without a journal.</summary>
    private sealed record Pending(long Start, long End, FeedbackRecord Record);

    /// <summary>Keeps what was acknowledged under a key (the first only), with the offset that must be durable or
    /// delivered before it counts as acknowledged, so that a repeat is answered with it. Under <see cref="_gate"/>.</summary>
    private void Remember(FeedbackRecord record, long end)
    {
        if (!_reported.TryAdd(record.Key, (record, end)))
        {
            return;
        }

        _reportedOrder.Enqueue(record.Key);
        if (_reportedOrder.Count > RememberedReports)
        {
            _reported.Remove(_reportedOrder.Dequeue());
        }
    }

    /// <summary>Asks a keyed store (<see cref="IKeyedFeedbackSink"/>) which of the records' keys it already holds — those
    /// this process does not remember having acknowledged — so that a repeat sent through another process (hosts behind a
    /// load balancer on one Redis namespace) is recognised. A store that cannot answer does not refuse the report: it is
    /// logged (3014) and the records are accepted; the store keeps the first of each key when they are delivered.</summary>
    /// <returns>The records the store holds, by key; null when it was not asked or holds none.</returns>
    private async ValueTask<Dictionary<string, FeedbackRecord>?> FindStoredAsync(IReadOnlyList<FeedbackRecord> records, CancellationToken cancellationToken)
    {
        if (_keyed is null)
        {
            return null;
        }

        List<string> unknown;
        lock (_gate)
        {
            unknown = [.. records.Select(r => r.Key).Where(k => !_reported.ContainsKey(k))];
        }

        var pausedUntil = Interlocked.Read(ref _lookupPausedUntil);
        if (unknown.Count == 0 || (pausedUntil != 0 && _time.GetTimestamp() < pausedUntil))
        {
            return null;
        }

        IReadOnlyList<FeedbackRecord?> found;
        try
        {
            found = await _keyed.FindAsync(unknown, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Interlocked.Exchange(ref _lookupPausedUntil, _time.GetTimestamp() + (long)(LookupPause.TotalSeconds * _time.TimestampFrequency));
            Log.FeedbackRepeatsNotChecked(_logger, e, _sink.Name, unknown.Count, LookupPause);
            return null;
        }

        Interlocked.Exchange(ref _lookupPausedUntil, 0);
        Dictionary<string, FeedbackRecord>? stored = null;
        for (var i = 0; i < unknown.Count && i < found.Count; i++)
        {
            if (found[i] is { } record && record.Key == unknown[i])
            {
                (stored ??= new(StringComparer.Ordinal))[record.Key] = record;
            }
        }

        return stored;
    }

    /// <summary>Splits a report's records into those already acknowledged — by this process (the last
    /// <see cref="RememberedReports"/>) or, as <paramref name="stored"/> says, held by the store — answered with what was
    /// recorded then, marked <see cref="FeedbackRecord.IsRepeat"/>, and the fresh ones to accept.</summary>
    /// <returns>The answer in the report's order (fresh records as reported), the fresh records, and the offset the
    /// repeats need durable or delivered (-1 when none).</returns>
    private (FeedbackRecord[] Answer, List<FeedbackRecord> Fresh, long RepeatsUntil) SplitRepeats(IReadOnlyList<FeedbackRecord> records, Dictionary<string, FeedbackRecord>? stored)
    {
        var answer = new FeedbackRecord[records.Count];
        var fresh = new List<FeedbackRecord>(records.Count);
        var until = -1L;
        lock (_gate)
        {
            for (var i = 0; i < records.Count; i++)
            {
                if (_reported.TryGetValue(records[i].Key, out var seen))
                {
                    answer[i] = seen.Record with { IsRepeat = true };
                    until = Math.Max(until, seen.End);
                }
            }
        }

        for (var i = 0; i < records.Count; i++)
        {
            if (answer[i] is null && stored is not null && stored.TryGetValue(records[i].Key, out var held))
            {
                answer[i] = held with { IsRepeat = true };
            }

            if (answer[i] is null)
            {
                answer[i] = records[i];
                fresh.Add(records[i]);
            }
            else if (answer[i].Result != records[i].Result)
            {
                Log.FeedbackRepeatNotRecorded(_logger, records[i].Key, answer[i].Result, records[i].Result);
            }
        }

        return (answer, fresh, until);
    }

    /// <summary>After delivery: a keyed store that kept another record under a key (reported through another process, and
    /// delivered first) is what is recorded; remembered in its stead, so that a later repeat is answered with it, and
    /// logged. Under <see cref="_gate"/>; returns what to log.</summary>
    private List<(FeedbackRecord Kept, FeedbackRecord Delivered)>? NoteKept(IReadOnlyList<FeedbackRecord> records, IReadOnlyList<FeedbackRecord?>? kept, long end)
    {
        List<(FeedbackRecord, FeedbackRecord)>? notes = null;
        for (var i = 0; kept is not null && i < records.Count && i < kept.Count; i++)
        {
            if (kept[i] is not { } other || other.Key != records[i].Key)
            {
                continue;
            }

            if (_reported.TryGetValue(other.Key, out var seen))
            {
                _reported[other.Key] = (other, seen.End);
            }
            else
            {
                Remember(other, end);
            }

            (notes ??= []).Add((other, records[i]));
        }

        return notes;
    }

    private void LogKept(List<(FeedbackRecord Kept, FeedbackRecord Delivered)>? notes)
    {
        foreach (var (kept, delivered) in notes ?? [])
        {
            if (kept.Result != delivered.Result)
            {
                Log.FeedbackRepeatNotRecorded(_logger, kept.Key, kept.Result, delivered.Result);
            }
            else
            {
                Log.FeedbackKeptByStore(_logger, kept.Key, _sink.Name, kept.ReportedAt);
            }
        }
    }

    /// <summary>With <see cref="FeedbackOptions.AcknowledgeOnDelivery"/>, once the report's records are delivered: each
    /// whose key the store already held under another record (the same measure reported through another process at the
    /// same moment) is answered with the record kept, marked <see cref="FeedbackRecord.IsRepeat"/>.</summary>
    private void AnswerKeptByStore(FeedbackRecord[] answer)
    {
        lock (_gate)
        {
            for (var i = 0; i < answer.Length; i++)
            {
                // A fresh record is remembered as itself when accepted; another record in its place is the store's (NoteKept).
                if (!answer[i].IsRepeat && _reported.TryGetValue(answer[i].Key, out var seen) && !ReferenceEquals(seen.Record, answer[i]))
                {
                    answer[i] = seen.Record with { IsRepeat = true };
                }
            }
        }
    }

    /// <summary>Buffered records from <c>Start</c> to <c>End</c>, or (no records) a journal range to read.</summary>
    private sealed record Batch(IReadOnlyList<FeedbackRecord>? Records, long Start, long End);
}
