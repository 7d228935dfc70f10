using System.Globalization;

namespace CreditCheck.Redis;

/// <summary>
/// The import's own bound on every wait for Redis. StackExchange.Redis normally fails a command that gets no
/// reply (its async timeout), but after a connection blip a batch's tasks have been seen never to complete: an
/// import awaiting them would wait forever, holding nothing (its lock lapses) and telling nothing. Every await on
/// Redis in the import path goes through <see cref="WithinAsync{T}(Task{T}, string)"/>, so a stuck reply fails the
/// import with a <see cref="TimeoutException"/> that says what was not answered.
/// </summary>
/// <remarks>The bound is ten <see cref="RedisStoreOptions.OperationTimeout"/>s (20 s by default), at least 1 s and at
/// most the import lock's lease: a reply later than the lease is worthless anyway, since the lock has lapsed.</remarks>
internal readonly struct ReplyDeadline(TimeSpan bound)
{
    public TimeSpan Bound { get; } = bound;

    public static ReplyDeadline For(RedisStoreOptions options, TimeSpan lease)
    {
        var bound = TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerSecond, options.OperationTimeout.Ticks * 10));
        return new ReplyDeadline(bound < lease ? bound : lease);
    }

    public async Task<T> WithinAsync<T>(Task<T> task, string what)
    {
        await WithinAsync((Task)task, what).ConfigureAwait(false);
        return await task.ConfigureAwait(false);
    }

    public async Task WithinAsync(Task task, string what)
    {
        try
        {
            await task.WaitAsync(Bound, TimeProvider.System).ConfigureAwait(false);
        }
        catch (TimeoutException e) when (!task.IsCompleted)
        {
            // The abandoned task may still fail later: observed here, so that it is not reported as unobserved.
            _ = task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw new TimeoutException(
                string.Create(CultureInfo.InvariantCulture, $"Redis did not answer {what} within {Bound.TotalSeconds:0.#} s (the connection broke or Redis is stalled)"),
                e);
        }
    }
}
