using System.Globalization;
using CreditCheck.Stores;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CreditCheck;

/// <summary>
/// Feedback delivery (反馈): accepts reports, journals them when a journal is configured, and delivers
/// them to the store at least once, in batches, from a background loop that retries with capped
/// exponential backoff while the store cannot take them.
/// </summary>
/// <remarks>
/// <para>One per host, registered by <c>AddCreditCheck</c> as itself and as <see cref="ICreditFeedback"/>;
/// thread-safe. It starts with the host (replaying what a previous run's journal left undelivered) or,
/// without a host, on first use; stopping the host waits up to <see cref="FeedbackOptions.ShutdownTimeout"/>
/// for the backlog. Disposing stops at once: what is undelivered stays in the journal, or, without one,
/// is lost and logged.</para>
/// <para>Records wait in a bounded memory buffer. When it is full they overflow, counted in
/// <see cref="Status"/> and logged: with a journal they are delivered from it later; without one they
/// are dropped. Every record carries an idempotency key, so a consumer drops the duplicates that
/// at-least-once delivery (a retry after a lost reply, a replay after a crash) may produce.</para>
/// </remarks>
public sealed class CreditFeedback : ICreditFeedback, IFeedbackHealth, IAsyncDisposable, IDisposable
{
    private const int MaxTextLength = 1000;
    private static readonly TimeSpan FutureTolerance = TimeSpan.FromMinutes(5);

    private readonly FeedbackOptions _options;
    private readonly IFeedbackSink _sink;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Lock _startLock = new();
    private readonly Queue<Pending> _buffer = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly SemaphoreSlim _retryNow = new(0, 1);
    private TaskCompletionSource _progress = NewSignal();
    private FeedbackJournal? _journal;
    private Task? _loop;
    private InvalidOperationException? _startFailure;
    private volatile bool _started;

    // Offsets: logical journal offsets with a journal, record counters without one. Everything before
    // _checkpoint is delivered; everything before _tail is acknowledged.
    private long _tail;
    private long _checkpoint;
    private long _backlog;
    private long _delivered;
    private long _overflowed;
    private long _dropped;
    private long _discarded;
    private long _streakOverflowed;
    private long _streakDropped;
    private bool _overflowing;
    private DateTimeOffset? _lastDeliveredAt;
    private volatile string? _lastError;
    private int _stopping;
    private int _disposed;

    internal CreditFeedback(FeedbackOptions options, IFeedbackSink sink, TimeProvider time, ILoggerFactory? loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        var validation = new FeedbackOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(nameof(FeedbackOptions), typeof(FeedbackOptions), validation.Failures);
        }

        _options = options;
        _sink = sink;
        _time = time;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<CreditFeedback>();
    }

    /// <summary>Backlog, delivered, overflowed and dropped counts, and the last delivery error.</summary>
    public FeedbackStatus Status
    {
        get
        {
            lock (_gate)
            {
                return new FeedbackStatus(
                    _backlog,
                    _buffer.Count,
                    _delivered,
                    _overflowed,
                    _dropped,
                    _discarded,
                    _options.JournalPath is not null,
                    _lastDeliveredAt,
                    _lastError);
            }
        }
    }

    long IFeedbackHealth.Backlog => Interlocked.Read(ref _backlog);

    long IFeedbackHealth.Overflowed => Interlocked.Read(ref _overflowed);

    long IFeedbackHealth.Dropped => Interlocked.Read(ref _dropped);

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">The journal cannot be used (in use by another process,
    /// not a journal, unreadable).</exception>
    /// <exception cref="IOException">The journal could not be written; the report was not acknowledged.</exception>
    public async ValueTask<IReadOnlyList<FeedbackRecord>> ReportAsync(FeedbackReport report, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        var now = _time.GetUtcNow();
        Validate(report, now);
        Start();
        var records = FeedbackRecord.FromReport(report, now);
        var durable = Accept(records);
        if (_journal is { } journal)
        {
            await journal.EnsureDurableAsync(durable, cancellationToken).ConfigureAwait(false);
        }

        return records;
    }

    /// <summary>Waits until every record acknowledged before the call is delivered, retrying a failing
    /// store at once rather than after its backoff.</summary>
    /// <param name="timeout">How long to wait at most.</param>
    /// <param name="cancellationToken">Cancels the wait (delivery goes on).</param>
    /// <returns>True when everything was delivered in time.</returns>
    public async Task<bool> FlushAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        Start();
        long target;
        lock (_gate)
        {
            target = _tail;
        }

        using var deadline = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        while (true)
        {
            Task progress;
            lock (_gate)
            {
                if (_checkpoint >= target)
                {
                    return true;
                }

                progress = _progress.Task;
            }

            if (_loop is not { IsCompleted: false })
            {
                return false;
            }

            Signal(_retryNow);
            try
            {
                await progress.WaitAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return false;
            }
        }
    }

    /// <summary>For containers disposed synchronously (<c>using var provider = …</c>): the same as
    /// <see cref="DisposeAsync"/>, waited for.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Stops delivery at once, without waiting for the backlog (stopping the host waits for it):
    /// with a journal the backlog is delivered at the next start; without one it is lost, and logged.</summary>
    /// <returns>When stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await StopLoopAsync().ConfigureAwait(false);
        if (Volatile.Read(ref _stopping) == 0)
        {
            ReportUndelivered();
        }

        _journal?.Dispose();
        _stop.Dispose();
        _wake.Dispose();
        _retryNow.Dispose();
    }

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

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static void Signal(SemaphoreSlim semaphore)
    {
        try
        {
            semaphore.Release();
        }
        catch (SemaphoreFullException)
        {
            // already signalled
        }
        catch (ObjectDisposedException)
        {
            // stopping
        }
    }

    private static void Validate(FeedbackReport report, DateTimeOffset now)
    {
        var problems = new List<string>();
        if (report.Decision.CheckId == Guid.Empty)
        {
            problems.Add("the decision has no CheckId.");
        }

        if (report.Measures.Count == 0 && report.Decision.AppliedMeasures.Count > 0)
        {
            // An empty report means "nothing to execute"; said of a decision with measures it would
            // count a punishment as a plain check.
            problems.Add($"it reports no measure, but the decision applied {string.Join(", ", report.Decision.AppliedMeasures.Select(a => a.Measure.Code))}: " +
                "report each one (Executed, NotExecuted with the reason, Overridden), or AllExecuted().");
        }

        Text(problems, "Department", report.Department);
        Text(problems, "District", report.District);
        Text(problems, "Operator", report.Operator);
        Text(problems, "TransactionReference", report.TransactionReference);
        Text(problems, "ItemCode", report.ItemCode);
        Text(problems, "ItemName", report.ItemName);
        if (report.ExecutedAt is { } executed && executed > now + FutureTolerance)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"ExecutedAt {executed:O} is in the future (now {now:O})."));
        }

        foreach (var measure in report.Measures)
        {
            var name = $"measure '{measure.MeasureCode}'";
            Text(problems, name + " Reason", measure.Reason);
            Text(problems, name + " OverriddenBy", measure.OverriddenBy);
            Text(problems, name + " Outcome", measure.Outcome);
            if (measure.Amount < 0)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{name} Amount is {measure.Amount}; an amount involved is not negative."));
            }

            if (measure.EffectiveFrom is { } from && measure.EffectiveUntil is { } until && until < from)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{name} EffectiveUntil {until:O} is before EffectiveFrom {from:O}."));
            }
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException($"The feedback report on check {report.Decision.CheckId} is invalid: {string.Join(" ", problems)}", nameof(report));
        }
    }

    private static void Text(List<string> problems, string name, string? value)
    {
        if (value is { Length: > MaxTextLength })
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{name} is {value.Length} characters long; at most {MaxTextLength} are kept."));
        }
    }

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
                if (records.Count > 0 && !await DeliverAsync(records, stop).ConfigureAwait(false))
                {
                    return;
                }

                Complete(end, records.Count, discarded);
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

    /// <summary>Writes a batch until the store takes it; false when stopped first.</summary>
    private async Task<bool> DeliverAsync(IReadOnlyList<FeedbackRecord> records, CancellationToken stop)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await _sink.WriteAsync(records, stop).ConfigureAwait(false);
                if (attempt > 0)
                {
                    Log.FeedbackDeliveryRestored(_logger, _sink.Name, attempt);
                }

                return true;
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
                    return false;
                }
            }
            catch (OperationCanceledException)
            {
                return false;
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

    /// <summary>A record in memory and its place: journal offsets, or a counter without a journal.</summary>
    private sealed record Pending(long Start, long End, FeedbackRecord Record);

    /// <summary>Buffered records from <c>Start</c> to <c>End</c>, or (no records) a journal range to read.</summary>
    private sealed record Batch(IReadOnlyList<FeedbackRecord>? Records, long Start, long End);
}
