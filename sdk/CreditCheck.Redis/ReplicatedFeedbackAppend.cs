using System.Net;
using CreditCheck.Stores;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace CreditCheck.Redis;

/// <summary>
/// Appends a feedback batch to the stream's primary and acknowledges it only once <c>WAIT</c> says enough
/// replicas hold it (<see cref="RedisStoreOptions.FeedbackReplicas"/>). <c>WAIT</c> counts the writes of the
/// connection it runs on, so the <c>XADD</c>s and the <c>WAIT</c> all go through the <see cref="IServer"/> of the
/// node that owns the stream's key (the multiplexer's one interactive connection to that node), without
/// redirection, and are bracketed by <c>CLIENT ID</c>: a different id after them means the link was re-established
/// in between (a fresh connection would make <c>WAIT</c> count nothing of ours), and the batch is not acknowledged.
/// </summary>
/// <remarks>
/// A batch that is not acknowledged is retried by the queue. The records it already appended on the same
/// connection are not appended again: they are in the primary's stream, and a new <c>WAIT</c> on that connection
/// still covers them — so a primary without replicas, retried for hours, does not make the stream grow. After a
/// reconnect or a failover that proof is gone (the records may have been lost with the old primary, and a new
/// connection's <c>WAIT</c> does not cover them), so the batch is appended again whole and the reader drops the
/// repeats by key: the stream grows by one batch per reconnect, not per retry. Reading the stream back to find
/// what survived would cost an <c>XRANGE</c> per retry and still prove nothing about the replicas.
/// </remarks>
internal sealed class ReplicatedFeedbackAppend(RedisStoreOptions options, ILogger logger, TimeProvider time)
{
    /// <summary><c>WAIT</c> blocks the connection it runs on, which lookups share: wait in slices this long,
    /// so a lookup queued behind it waits at most a slice.</summary>
    private static readonly TimeSpan WaitSlice = TimeSpan.FromMilliseconds(50);

    /// <summary>Unconfirmed keys beyond this are forgotten (those records are appended again on retry).</summary>
    private const int MaxUnconfirmedKeys = 100_000;

    private static readonly RedisValue KeyField = "key";
    private static readonly RedisValue RecordField = "record";

    private readonly Lock _gate = new();
    private IConnectionMultiplexer? _watched;
    private long _linkChanges;
    private Unconfirmed? _unconfirmed;

    public async Task WriteAsync(RedisConnection connection, IReadOnlyList<FeedbackRecord> records, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Watch(connection.Multiplexer);
        var key = connection.Keys.Feedback;
        // The primary of the key's slot (the only server without a cluster); the cast matters: GetServer(string) takes host:port.
        var server = connection.Multiplexer.GetServer((RedisKey)key);
        var linkChanges = Interlocked.Read(ref _linkChanges);
        var clientId = await ClientIdAsync(server).WaitAsync(timeout, time, cancellationToken).ConfigureAwait(false);

        var link = new Link(server.EndPoint, clientId, linkChanges);
        var appended = AlreadyAppended(link, records);
        var appends = new List<Task>(records.Count);
        foreach (var record in records)
        {
            if (!appended.Contains(record.Key))
            {
                appends.Add(server.ExecuteAsync("XADD", [(RedisKey)key, "*", KeyField, record.Key, RecordField, FeedbackJson.Serialize(record)], CommandFlags.NoRedirect));
            }
        }

        // Sent right behind the XADDs on the same connection; the answer is read after theirs.
        var acknowledged = await WaitForReplicasAsync(server, clientId, appends, timeout, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            if (acknowledged >= options.FeedbackReplicas)
            {
                _unconfirmed = null;
                return;
            }

            _unconfirmed = records.Count > MaxUnconfirmedKeys ? null : new Unconfirmed(link, [.. records.Select(r => r.Key)]);
        }

        var connected = await ConnectedReplicasAsync(server).ConfigureAwait(false);
        Log.FeedbackNotReplicated(logger, options.Namespace, records.Count, key, acknowledged, options.FeedbackReplicas, options.FeedbackReplicaTimeout, connected);
        throw new TimeoutException(
            $"Feedback of namespace '{options.Namespace}' ({records.Count} records in {key} on {Format(server.EndPoint)}) was confirmed by {acknowledged} of " +
            $"{options.FeedbackReplicas} replica(s) asked (RedisStoreOptions.FeedbackReplicas) within {options.FeedbackReplicaTimeout}; {connected}. " +
            "It is not acknowledged: it stays queued and is retried.");
    }

    /// <summary>The keys of these records already appended, unconfirmed, on this very connection; empty after a
    /// reconnect or failover (logged when that means appending some again).</summary>
    private HashSet<string> AlreadyAppended(Link link, IReadOnlyList<FeedbackRecord> records)
    {
        lock (_gate)
        {
            if (_unconfirmed is null)
            {
                return [];
            }

            if (_unconfirmed.Link == link)
            {
                return [.. records.Select(r => r.Key).Where(_unconfirmed.Keys.Contains)];
            }

            var again = records.Count(r => _unconfirmed.Keys.Contains(r.Key));
            if (again > 0)
            {
                Log.FeedbackAppendedAgain(logger, options.Namespace, again, Format(_unconfirmed.Link.Primary), Format(link.Primary));
            }

            _unconfirmed = null;
            return [];
        }
    }

    /// <summary>How many replicas hold this connection's writes: <c>WAIT</c> in slices until enough or
    /// <see cref="RedisStoreOptions.FeedbackReplicaTimeout"/>, each followed by <c>CLIENT ID</c> to prove the link held.</summary>
    private async Task<long> WaitForReplicasAsync(IServer server, long clientId, List<Task> appends, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var first = true;
        while (true)
        {
            var remaining = options.FeedbackReplicaTimeout - time.GetElapsedTime(started);
            var slice = remaining < WaitSlice ? remaining : WaitSlice;
            var milliseconds = Math.Max(1, (long)slice.TotalMilliseconds); // WAIT 0 would block for ever
            var wait = server.ExecuteAsync("WAIT", [options.FeedbackReplicas, milliseconds], CommandFlags.NoRedirect);
            var after = ClientIdAsync(server);
            if (first)
            {
                first = false;
                try
                {
                    await Task.WhenAll(appends).WaitAsync(timeout, time, cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    Observe(wait);
                    Observe(after);
                    throw;
                }
            }

            long acknowledged;
            try
            {
                acknowledged = (long)(await wait.WaitAsync(timeout, time, cancellationToken).ConfigureAwait(false));
            }
            catch
            {
                Observe(after);
                throw;
            }

            var idAfter = await after.WaitAsync(timeout, time, cancellationToken).ConfigureAwait(false);
            if (idAfter != clientId)
            {
                // (IOException, not RedisConnectionException: its constructors differ between client 2.x and 3.x)
                throw new IOException(
                    $"The connection to {Format(server.EndPoint)} (the primary of {options.Namespace}'s feedback stream) was re-established while a feedback batch waited for its replicas; " +
                    "the batch is not acknowledged and is retried.");
            }

            if (acknowledged >= options.FeedbackReplicas || time.GetElapsedTime(started) >= options.FeedbackReplicaTimeout)
            {
                return acknowledged;
            }
        }
    }

    private static void Observe(Task task) =>
        _ = task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);

    private static async Task<long> ClientIdAsync(IServer server) =>
        (long)(await server.ExecuteAsync("CLIENT", ["ID"], CommandFlags.NoRedirect).ConfigureAwait(false));

    /// <summary>How many replicas the primary has connected (<c>ROLE</c>; <c>INFO</c> needs admin mode on client 3.x), said for the error.</summary>
    private static async Task<string> ConnectedReplicasAsync(IServer server)
    {
        try
        {
            return await server.RoleAsync(CommandFlags.NoRedirect).ConfigureAwait(false) switch
            {
                Role.Master primary => $"the primary has {primary.Replicas.Count} replica(s) connected",
                var role => $"the node answers ROLE {role.Value}, not master",
            };
        }
        catch (Exception e) when (e is RedisException or RedisCommandException or TimeoutException)
        {
            return $"the primary's replicas could not be counted ({e.GetType().Name}: {e.Message})";
        }
    }

    /// <summary>Counts the interactive links that fail or come back, to tell a reconnect between two attempts
    /// (a restarted server may hand out the same client id again).</summary>
    private void Watch(IConnectionMultiplexer multiplexer)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_watched, multiplexer))
            {
                return;
            }

            multiplexer.ConnectionFailed += OnLinkChanged;
            multiplexer.ConnectionRestored += OnLinkChanged;
            _watched = multiplexer;
        }
    }

    private void OnLinkChanged(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType == ConnectionType.Interactive)
        {
            Interlocked.Increment(ref _linkChanges);
        }
    }

    private static string Format(EndPoint? endPoint) => endPoint switch
    {
        null => "(unknown)",
        IPEndPoint ip => ip.ToString(),
        DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        _ => endPoint.ToString() ?? "(unknown)",
    };

    /// <summary>One connection to one primary: the same endpoint, client id and no link change between.</summary>
    private sealed record Link(EndPoint? Primary, long ClientId, long LinkChanges);

    private sealed record Unconfirmed(Link Link, HashSet<string> Keys);
}
