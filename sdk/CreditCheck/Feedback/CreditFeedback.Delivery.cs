using CreditCheck.Stores;
using Microsoft.Extensions.Logging;

namespace CreditCheck;

/// <summary>The delivery loop: starts with the host (or the first report), sends batches to the sink,
/// retries with backoff, and drains what it can at shutdown.</summary>
public sealed partial class CreditFeedback
{
    /// <summary>Opens the journal (replaying what it holds) and starts the delivery loop; once.</summary>
    /// <exception cref="InvalidOperationException">The journal cannot be used.</exception>
    internal void Start()
    {
        if (_started)
        {
            return;
        }

        lock (_startLock)
        {
            if (_startFailure is not null)
            {
                throw _startFailure;
            }

            if (_started)
            {
                return;
            }

            if (_options.JournalPath is { } path)
            {
                try
                {
                    _journal = FeedbackJournal.Open(path, _logger);
                }
                catch (InvalidOperationException e)
                {
                    _startFailure = e;
                    throw;
                }

                lock (_gate)
                {
                    _checkpoint = _journal.Start;
                    _tail = _journal.End;
                    _backlog = _journal.PendingAtOpen;
                    _discarded = _journal.TornLinesAtOpen;
                }
            }

            _loop = Task.Run(() => RunAsync(_stop.Token));
            _started = true;
        }
    }

    /// <summary>Stopping the host: waits up to <see cref="FeedbackOptions.ShutdownTimeout"/> for the
    /// backlog, then stops the loop and says what is left.</summary>
    internal async Task StopAsync(CancellationToken cancellationToken)
    {
        if (!_started || Interlocked.Exchange(ref _stopping, 1) == 1)
        {
            return;
        }

        try
        {
            await FlushAsync(_options.ShutdownTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // the host is out of patience; what is left is reported below
        }

        await StopLoopAsync().ConfigureAwait(false);
        ReportUndelivered();
    }

    private async Task RunAsync(CancellationToken stop)
    {
        var failures = 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var batch = NextBatch();
                if (batch is null)
                {
                    await _wake.WaitAsync(stop).ConfigureAwait(false);
                    continue;
                }

                var (records, end, discarded) = batch.Records is { } buffered
                    ? (buffered, batch.End, 0)
                    : Read(batch);
                IReadOnlyList<FeedbackRecord?>? kept = null;
                if (records.Count > 0)
                {
                    (var delivered, kept) = await DeliverAsync(records, stop).ConfigureAwait(false);
                    if (!delivered)
                    {
                        return;
                    }
                }

                Complete(end, records.Count, discarded, records, kept);
                if (_journal is { } journal)
                {
                    await journal.CommitAsync(end, _options.JournalCompactBytes).ConfigureAwait(false);
                }

                failures = 0;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The journal failed (a full disk, say): keep going, slower; the records are not lost.
                failures++;
                var delay = Backoff(failures);
                _lastError = $"{e.GetType().Name}: {e.Message}";
                Log.FeedbackJournalFailed(_logger, e, _journal?.Path ?? "(none)", failures, delay);
                try
                {
                    await Task.Delay(delay, _time, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Writes a batch until the store takes it; false when stopped first. A keyed store (<see cref="IKeyedFeedbackSink"/>)
    /// stores each key once and says, per record, which other record it kept instead.</summary>
    private async Task<(bool Delivered, IReadOnlyList<FeedbackRecord?>? Kept)> DeliverAsync(IReadOnlyList<FeedbackRecord> records, CancellationToken stop)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                IReadOnlyList<FeedbackRecord?>? kept = null;
                if (_keyed is not null)
                {
                    kept = await _keyed.WriteOnceAsync(records, stop).ConfigureAwait(false);
                }
                else
                {
                    await _sink.WriteAsync(records, stop).ConfigureAwait(false);
                }

                if (attempt > 0)
                {
                    Log.FeedbackDeliveryRestored(_logger, _sink.Name, attempt);
                }

                return (true, kept);
            }
            catch (Exception e) when (!stop.IsCancellationRequested)
            {
                var delay = Backoff(attempt + 1);
                _lastError = $"{_sink.Name}: {e.GetType().Name}: {e.Message}";
                Log.FeedbackDeliveryFailed(_logger, e, records.Count, _sink.Name, attempt + 1, delay);
                try
                {
                    await _retryNow.WaitAsync(delay, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return (false, null);
                }
            }
            catch (OperationCanceledException)
            {
                return (false, null);
            }
        }
    }

    private TimeSpan Backoff(int attempt)
    {
        // Doubling, capped, with ±20 % jitter so that many hosts do not retry in step.
        var doubled = _options.RetryDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 30));
        var jittered = Math.Min(doubled, _options.MaxRetryDelay.TotalMilliseconds) * (0.8 + (Random.Shared.NextDouble() * 0.4));
        return TimeSpan.FromMilliseconds(Math.Clamp(jittered, 1, _options.MaxRetryDelay.TotalMilliseconds));
    }

    private async Task StopLoopAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
        }

        if (_loop is { } loop)
        {
            await loop.ConfigureAwait(false);
        }
    }

    private void ReportUndelivered()
    {
        long backlog;
        lock (_gate)
        {
            backlog = _backlog;
        }

        if (backlog > 0)
        {
            Log.FeedbackUndelivered(_logger, backlog, _sink.Name, _journal is null
                ? "they are lost (no journal is configured)"
                : $"they stay in the journal {_journal.Path} and are delivered at the next start");
        }
    }
}
