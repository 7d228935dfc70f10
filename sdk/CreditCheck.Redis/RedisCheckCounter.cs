using CreditCheck.Stores;
using StackExchange.Redis;

namespace CreditCheck.Redis;

/// <summary>
/// Every host's check counts in the namespace: one hash per day, <c>cc:{ns}:counts:{yyyy-MM-dd}</c>, fields
/// <c>c⇥department⇥scenario</c> (checks) and <c>h⇥department⇥scenario</c> (hits). Each flush is one
/// <c>MULTI … HINCRBY … EXPIRE … EXEC</c> round trip (all or nothing, so a retried flush never counts twice),
/// never one per check; a crash loses at most the last <see cref="CheckCounter.FlushInterval"/> of counts.
/// </summary>
/// <remarks><c>UseRedis</c> registers it; the operator tool builds it over its store to read the counts.</remarks>
public sealed class RedisCheckCounter : CheckCounter
{
    private static readonly TimeSpan Keep = TimeSpan.FromDays(400);

    private readonly RedisCreditStore _store;
    private readonly RedisStoreOptions _options;
    private readonly TimeProvider _time;

    /// <summary>A counter writing on <paramref name="store"/>'s connection.</summary>
    /// <param name="store">The store whose connection it writes on.</param>
    /// <param name="options">The namespace, and <see cref="RedisStoreOptions.OperationTimeout"/> (a flush waits five times it).</param>
    /// <param name="time">The clock of the flush timer; null for the system clock.</param>
    /// <param name="flushInterval">How often counts are written; default one second.</param>
    public RedisCheckCounter(RedisCreditStore store, RedisStoreOptions options, TimeProvider? time = null, TimeSpan? flushInterval = null)
        : base(time ?? TimeProvider.System, flushInterval)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _options = options;
        _time = time ?? TimeProvider.System;
    }

    /// <inheritdoc/>
    protected override async Task WriteAsync(IReadOnlyList<CheckCount> counts, CancellationToken cancellationToken)
    {
        var timeout = _options.OperationTimeout * 5;
        var connection = await _store.GetConnectionAsync().WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
        if (!connection.Multiplexer.IsConnected)
        {
            // Redis is down: fail now rather than wait in the client's backlog (the last flush of a host stopping
            // on a dead Redis waited 5 s there); the counts are kept for the next flush.
            throw new RedisException("Redis is not connected; the counts are kept for the next flush.");
        }

        if (!_store.HasSynchronized)
        {
            // Not yet read (the namespace may not exist: a mistyped name would get counts keys of its own, and the
            // operator tool would take it for a namespace). Kept for the next flush.
            throw new RedisException($"Namespace '{_options.Namespace}' has not been read from Redis yet (it may not exist); the counts are kept for the next flush.");
        }

        var transaction = connection.Database.CreateTransaction();
        var pending = new List<Task>(counts.Count * 2);
        foreach (var count in counts)
        {
            var key = connection.Keys.Counts(count.Day);
            var field = count.Department + "\t" + count.Scenario;
            pending.Add(transaction.HashIncrementAsync(key, "c\t" + field, count.Checks));
            if (count.Hits != 0)
            {
                pending.Add(transaction.HashIncrementAsync(key, "h\t" + field, count.Hits));
            }
        }

        foreach (var day in counts.Select(c => c.Day).Distinct())
        {
            pending.Add(transaction.KeyExpireAsync(connection.Keys.Counts(day), Keep));
        }

        if (!await transaction.ExecuteAsync().WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false))
        {
            throw new RedisException("The counts transaction was not applied.");
        }

        await Task.WhenAll(pending).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override async Task<IReadOnlyList<CheckCount>> ReadAsync(DateOnly from, DateOnly until, CancellationToken cancellationToken = default)
    {
        var connection = await _store.GetConnectionAsync().WaitAsync(_options.OperationTimeout * 5, _time, cancellationToken).ConfigureAwait(false);
        var days = new List<DateOnly>();
        for (var day = from; day < until; day = day.AddDays(1))
        {
            days.Add(day);
        }

        var batch = connection.Database.CreateBatch();
        var reads = days.Select(d => batch.HashGetAllAsync(connection.Keys.Counts(d))).ToArray();
        batch.Execute();
        var fields = await Task.WhenAll(reads).WaitAsync(_options.OperationTimeout * 5, _time, cancellationToken).ConfigureAwait(false);

        var rows = new List<CheckCount>();
        for (var i = 0; i < days.Count; i++)
        {
            var byKey = new Dictionary<(string, string), (long Checks, long Hits)>();
            foreach (var entry in fields[i])
            {
                var parts = entry.Name.ToString().Split('\t');
                if (parts.Length != 3 || !entry.Value.TryParse(out long value))
                {
                    continue; // not a counter field
                }

                var current = byKey.GetValueOrDefault((parts[1], parts[2]));
                byKey[(parts[1], parts[2])] = parts[0] == "h" ? (current.Checks, current.Hits + value) : (current.Checks + value, current.Hits);
            }

            rows.AddRange(byKey.Select(p => new CheckCount(days[i], p.Key.Item1, p.Key.Item2, p.Value.Checks, p.Value.Hits)));
        }

        return [.. rows.OrderBy(c => c.Day).ThenBy(c => c.Department, StringComparer.Ordinal).ThenBy(c => c.Scenario, StringComparer.Ordinal)];
    }
}
