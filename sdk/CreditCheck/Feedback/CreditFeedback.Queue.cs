using CreditCheck.Stores;
using Microsoft.Extensions.Logging;

namespace CreditCheck;

/// <summary>The bounded queue: records acknowledged into the memory buffer (or, past it, only into the
/// journal), taken in batches, and completed once the sink holds them.</summary>
public sealed partial class CreditFeedback
{
    /// <summary>Journals and queues the records; returns the journal offset that must be on disk before
    /// they count as acknowledged.</summary>
    private long Accept(IReadOnlyList<FeedbackRecord> records)
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

    /// <summary>Buffered records from <c>Start</c> to <c>End</c>, or (no records) a journal range to read.</summary>
    private sealed record Batch(IReadOnlyList<FeedbackRecord>? Records, long Start, long End);
}
