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

    private void Complete(long end, int delivered, int discarded)
    {
        TaskCompletionSource progress;
        lock (_gate)
        {
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

    /// <summary>Splits a report's records into those already acknowledged — by this process (the last
    /// <see cref="RememberedReports"/>) or, when the store can say, held by the store — answered with what was recorded
    /// then, marked <see cref="FeedbackRecord.IsRepeat"/>, and the fresh ones to accept.</summary>
    /// <returns>The answer in the report's order (fresh records as reported), the fresh records, and the offset the
    /// repeats need durable or delivered (-1 when none).</returns>
    private (FeedbackRecord[] Answer, List<FeedbackRecord> Fresh, long RepeatsUntil) SplitRepeats(IReadOnlyList<FeedbackRecord> records)
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
            if (answer[i] is null && _sink is IFeedbackRecordLookup store && store.Find(records[i].Key) is { } stored)
            {
                answer[i] = stored with { IsRepeat = true };
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

    /// <summary>Buffered records from <c>Start</c> to <c>End</c>, or (no records) a journal range to read.</summary>
    private sealed record Batch(IReadOnlyList<FeedbackRecord>? Records, long Start, long End);
}
