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
public sealed partial class CreditFeedback : ICreditFeedback, IFeedbackHealth, IAsyncDisposable, IDisposable
{
    private readonly FeedbackOptions _options;
    private readonly IFeedbackSink _sink;
    private readonly IKeyedFeedbackSink? _keyed;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Lock _startLock = new();
    private readonly Queue<Pending> _buffer = new();

    // What this process acknowledged, by key (the first report of each), for answering repeats truthfully: a retry comes
    // within minutes, so the last 10,000 (about 7 MB; 100,000 kept 71 MB in every host, found by review).
    private const int RememberedReports = 10_000;

    // Held while a report is split into repeats and fresh records and the fresh ones are accepted, so that two reports
    // of one measure at once cannot both be taken as the first (found by review: both were answered as recorded).
    // Taken before _gate, never inside it.
    private readonly Lock _claimGate = new();
    private readonly Dictionary<string, (FeedbackRecord Record, long End)> _reported = new(StringComparer.Ordinal);
    private readonly Queue<string> _reportedOrder = new();

    // After the store could not say what it holds, reports are not held up asking it again for this long (each would wait
    // for the store's timeout while it is down); their records are accepted and the store keeps the first of each key.
    private static readonly TimeSpan LookupPause = TimeSpan.FromSeconds(5);
    private long _lookupPausedUntil; // TimeProvider timestamp; 0: not paused
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

    /// <summary>Feedback delivery without a container (hosts use <c>AddCreditCheck</c>): for tools and
    /// scripts that report what they executed. Dispose it to deliver what is left.</summary>
    /// <param name="options">Buffer, journal and retry settings.</param>
    /// <param name="sink">Where records go: the store's sink (e.g. <c>RedisFeedbackSink</c>, <c>InMemoryFeedbackStore</c>).</param>
    /// <param name="time">The clock; null for the system clock.</param>
    /// <param name="loggerFactory">Optional logging.</param>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    public CreditFeedback(FeedbackOptions options, IFeedbackSink sink, TimeProvider? time = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(options);
        var validation = new FeedbackOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(nameof(FeedbackOptions), typeof(FeedbackOptions), validation.Failures);
        }

        _options = options;
        _sink = sink;
        _keyed = sink as IKeyedFeedbackSink;
        _time = time ?? TimeProvider.System;
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
    /// <exception cref="InvalidOperationException">No store takes feedback (no <c>UseInMemory</c>, <c>UseRedis</c> or other
    /// sink): nothing is acknowledged.</exception>
    /// <exception cref="IOException">The journal could not be written, or (with
    /// <see cref="FeedbackOptions.AcknowledgeOnDelivery"/> and no journal) the buffer is full or the store did not
    /// take the records in time; the report was not acknowledged.</exception>
    public async ValueTask<IReadOnlyList<FeedbackRecord>> ReportAsync(FeedbackReport report, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        if (_sink is MissingFeedbackSink)
        {
            // Acknowledged feedback must reach somewhere: without a sink it would be retried, then lost at exit.
            throw MissingFeedbackSink.Refusal();
        }

        var now = _time.GetUtcNow();
        var started = _time.GetTimestamp(); // the acknowledgement's time counts from here, the repeat lookup included
        FeedbackReportValidator.Validate(report, now);
        Start();
        // A report is final: a measure already reported is answered with what was recorded, marked as a repeat, and
        // not recorded again (found by review: a repeat with another result was returned as if it had been recorded).
        var records = FeedbackRecord.FromReport(report, now);
        var stored = await FindStoredAsync(records, cancellationToken).ConfigureAwait(false);
        FeedbackRecord[] answer;
        long durable;
        lock (_claimGate)
        {
            (answer, var fresh, durable) = SplitRepeats(records, stored);
            if (fresh.Count > 0)
            {
                durable = Math.Max(durable, Accept(fresh));
            }
        }

        if (durable < 0)
        {
            return answer; // every record was already held by the store
        }

        if (_journal is { } journal)
        {
            await journal.EnsureDurableAsync(durable, cancellationToken).ConfigureAwait(false);
        }
        else if (_options.AcknowledgeOnDelivery)
        {
            await WaitDeliveredAsync(durable, started, cancellationToken).ConfigureAwait(false);
            AnswerKeptByStore(answer); // delivered: the store may have kept another process's record of a key
        }

        return answer;
    }

    /// <summary>Without a journal, with <see cref="FeedbackOptions.AcknowledgeOnDelivery"/>: waits until the store
    /// has taken everything up to <paramref name="target"/> (a record counter), without hurrying a failing store
    /// (that is <see cref="FlushAsync"/>'s business), within <see cref="FeedbackOptions.AcknowledgeTimeout"/> of
    /// <paramref name="started"/>, the report's start (found from outside: the service answered 503 after 12 s, not 10,
    /// since the repeat lookup's own operation timeout came first).</summary>
    private async Task WaitDeliveredAsync(long target, long started, CancellationToken cancellationToken)
    {
        var left = _options.AcknowledgeTimeout - _time.GetElapsedTime(started);
        using var deadline = new CancellationTokenSource(left > TimeSpan.Zero ? left : TimeSpan.Zero, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        while (true)
        {
            Task progress;
            lock (_gate)
            {
                if (_checkpoint >= target)
                {
                    return;
                }

                progress = _progress.Task;
            }

            if (_loop is not { IsCompleted: false })
            {
                throw new IOException($"Feedback delivery to {_sink.Name} has stopped; the report is not acknowledged.");
            }

            try
            {
                await progress.WaitAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new IOException(
                    $"{_sink.Name} did not take the feedback records within {_options.AcknowledgeTimeout.TotalSeconds:0.###} s"
                    + (_lastError is { } error ? $" ({error})" : string.Empty)
                    + "; the report is not acknowledged: report it again (its records keep their keys, so a repeat is dropped).");
            }
        }
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

}
