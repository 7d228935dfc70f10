using System.Collections.Concurrent;

namespace CreditCheck.Stores;

/// <summary>Checks and hits of one department in one scenario on one day (China Standard Time).</summary>
/// <param name="Day">The day.</param>
/// <param name="Department">The department as the hosts give it, trimmed; empty when none was given.</param>
/// <param name="Scenario">The scenario code requested.</param>
/// <param name="Checks">Checks made.</param>
/// <param name="Hits">Of those, checks that matched list entries (命中).</param>
public sealed record CheckCount(DateOnly Day, string Department, string Scenario, long Checks, long Hits);

/// <summary>
/// Counts every check per department, scenario and day — reported on or not — so that reports can say
/// what share of checks got feedback (反馈率). The checker calls <see cref="Count"/> on its hot path: an
/// in-process increment, no I/O, no allocation once a department and scenario have been seen. A timer
/// hands the accumulated counts to the store (<see cref="WriteAsync"/>) every <see cref="FlushInterval"/>
/// and on dispose; a crash loses at most the counts of the last interval.
/// </summary>
/// <remarks>Store authors derive from it and register the instance as <c>CheckCounter</c>. Thread-safe.</remarks>
public abstract class CheckCounter : IAsyncDisposable, IDisposable
{
    private static readonly long TicksPerDay = TimeSpan.TicksPerDay;
    private static readonly long ChinaOffsetTicks = TimeSpan.FromHours(8).Ticks;

    [ThreadStatic]
    private static Last? t_last;

    private readonly ConcurrentDictionary<Key, Cell> _cells = new();
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private readonly ITimer _timer;
    private int _disposed;

    /// <summary>Starts the flush timer.</summary>
    /// <param name="time">The clock of the timer and the days.</param>
    /// <param name="flushInterval">How often counts are written; default one second.</param>
    protected CheckCounter(TimeProvider time, TimeSpan? flushInterval = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        FlushInterval = flushInterval ?? TimeSpan.FromSeconds(1);
        _timer = time.CreateTimer(static s => _ = ((CheckCounter)s!).FlushQuietlyAsync(), this, FlushInterval, FlushInterval);
    }

    /// <summary>How often counts are handed to the store.</summary>
    public TimeSpan FlushInterval { get; }

    /// <summary>Flushes that failed (the counts are kept and retried with the next flush).</summary>
    public long FailedFlushes => Interlocked.Read(ref _failedFlushes);

    private long _failedFlushes;

    /// <summary>Counts one check. Called by the checker; cheap and never throws.</summary>
    /// <param name="department">The request's department, or null.</param>
    /// <param name="scenario">The request's scenario.</param>
    /// <param name="hit">Whether the check matched list entries.</param>
    /// <param name="at">When the check was decided.</param>
    public void Count(string? department, string scenario, bool hit, DateTimeOffset at)
    {
        var day = (int)((at.UtcTicks + ChinaOffsetTicks) / TicksPerDay);
        department ??= string.Empty;

        // A host checks for few departments and scenarios, usually the same strings: the thread's last cell
        // is found by reference without hashing.
        var last = t_last;
        Cell cell;
        if (last is not null && ReferenceEquals(last.Owner, this) && last.Day == day && ReferenceEquals(last.Department, department) && ReferenceEquals(last.Scenario, scenario))
        {
            cell = last.Cell;
        }
        else
        {
            cell = _cells.GetOrAdd(new Key(day, department, scenario), static _ => new Cell());
            last ??= t_last = new Last();
            (last.Owner, last.Day, last.Department, last.Scenario, last.Cell) = (this, day, department, scenario, cell);
        }

        Interlocked.Increment(ref cell.Checks);
        if (hit)
        {
            Interlocked.Increment(ref cell.Hits);
        }
    }

    /// <summary>Writes the counts accumulated since the last flush now.</summary>
    /// <param name="cancellationToken">Cancels the write; the counts are kept for the next one.</param>
    /// <returns>Completes once the store holds them.</returns>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        await _flushing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var taken = new List<(Cell Cell, CheckCount Count)>();
            var today = (int)((DateTimeOffset.UnixEpoch.UtcTicks + ChinaOffsetTicks) / TicksPerDay);
            foreach (var (key, cell) in _cells)
            {
                var checks = Interlocked.Exchange(ref cell.Checks, 0);
                var hits = Interlocked.Exchange(ref cell.Hits, 0);
                if (checks != 0 || hits != 0)
                {
                    taken.Add((cell, new CheckCount(DateOnly.FromDayNumber(key.Day), key.Department.Trim(), key.Scenario, checks, hits)));
                }

                today = Math.Max(today, key.Day);
            }

            if (taken.Count > 0)
            {
                try
                {
                    await WriteAsync([.. taken.Select(t => t.Count)], cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    // Put them back: the next flush writes them (a write that failed is not half-applied by the stores here).
                    foreach (var (cell, count) in taken)
                    {
                        Interlocked.Add(ref cell.Checks, count.Checks);
                        Interlocked.Add(ref cell.Hits, count.Hits);
                    }

                    throw;
                }
            }

            // Days long past hold no more counts: drop their cells so a long-running host keeps a few.
            foreach (var (key, cell) in _cells)
            {
                if (key.Day < today - 2 && Interlocked.Read(ref cell.Checks) == 0)
                {
                    _cells.TryRemove(key, out _);
                }
            }
        }
        finally
        {
            _flushing.Release();
        }
    }

    /// <summary>Adds counts to the store (increments, not replacements).</summary>
    /// <param name="counts">The counts since the last write, one per day, department and scenario.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>Completes once stored; throws when the store cannot take them (they are retried).</returns>
    protected abstract Task WriteAsync(IReadOnlyList<CheckCount> counts, CancellationToken cancellationToken);

    /// <summary>The stored counts of the days in <c>[from, until)</c>, one row per day, department and scenario.</summary>
    /// <param name="from">The first day.</param>
    /// <param name="until">The first day not read.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The counts (what was flushed; call <see cref="FlushAsync"/> first for this process's latest).</returns>
    public abstract Task<IReadOnlyList<CheckCount>> ReadAsync(DateOnly from, DateOnly until, CancellationToken cancellationToken = default);

    /// <summary>Stops the timer and writes what is left.</summary>
    /// <returns>Completes after the last write (or its failure, which is swallowed: the host is stopping).</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _timer.DisposeAsync().ConfigureAwait(false);
        await FlushQuietlyAsync().ConfigureAwait(false);
        await DisposeCoreAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    /// <summary>Stops the timer and writes what is left, waiting for the write (for containers disposed synchronously).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _timer.Dispose();
        FlushQuietlyAsync().GetAwaiter().GetResult();
        DisposeCoreAsync().AsTask().GetAwaiter().GetResult();
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases what the store's counter holds, after the last flush.</summary>
    /// <returns>Completes when released.</returns>
    protected virtual ValueTask DisposeCoreAsync() => ValueTask.CompletedTask;

    private async Task FlushQuietlyAsync()
    {
        try
        {
            await FlushAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Interlocked.Increment(ref _failedFlushes); // counts never crash the host; kept for the next flush
        }
    }

    private readonly record struct Key(int Day, string Department, string Scenario);

    private sealed class Cell
    {
        public long Checks;
        public long Hits;
    }

    // One per thread, overwritten in place: a thread alternating between scenarios allocates nothing.
    private sealed class Last
    {
        public CheckCounter? Owner;
        public int Day;
        public string? Department;
        public string? Scenario;
        public Cell Cell = null!;
    }
}
