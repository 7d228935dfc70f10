using System.Net;
using CreditCheck.Stores;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace CreditCheck.Redis;

/// <summary>
/// Appends a feedback batch to the stream's primary and acknowledges it only once <c>WAIT</c> says enough
/// replicas hold it (<see cref="RedisStoreOptions.FeedbackReplicas"/>). <c>WAIT</c> counts the writes of the
/// connection it runs on, so the append script (<see cref="FeedbackKeyIndex.Append"/>) and the <c>WAIT</c> both go
/// through the <see cref="IServer"/> of the node that owns the stream's key (the multiplexer's one interactive
/// connection to that node), without redirection, and are bracketed by <c>CLIENT ID</c>: a different id after them
/// means the link was re-established in between (a fresh connection would make <c>WAIT</c> count nothing of ours), and
/// the batch is not acknowledged.
/// </summary>
/// <remarks>
/// A batch that is not acknowledged is retried by the queue, whole: the script appends only the records the primary's
/// index does not hold, so a retry — on the same connection or after a reconnect — does not make the stream grow, and a
/// primary without replicas, retried for hours, appends the batch once. The script always writes (at least the
/// delivered count in <c>meta</c>), so the <c>WAIT</c> after it covers everything the primary held before it — records
/// an earlier attempt appended on another connection, or another host appended — not only what this call appended.
/// After a failover the new primary may lack records the old one had appended and not replicated: the script appends
/// them again (logged 2141).
/// </remarks>
internal sealed class ReplicatedFeedbackAppend(RedisStoreOptions options, ILogger logger, TimeProvider time)
{
    /// <summary><c>WAIT</c> blocks the connection it runs on, which lookups share: wait in slices this long,
    /// so a lookup queued behind it waits at most a slice.</summary>
    private static readonly TimeSpan WaitSlice = TimeSpan.FromMilliseconds(50);

    /// <summary>Unconfirmed keys beyond this are not remembered (then nothing is logged when they are appended again).</summary>
    private const int MaxUnconfirmedKeys = 100_000;

    private readonly Lock _gate = new();
    private IConnectionMultiplexer? _watched;
    private long _linkChanges;
    private Unconfirmed? _unconfirmed;

    /// <returns>Per record, null when the primary holds it, else the other record it holds under the key; how many
    /// this call appended; and whether the user may not use the key index (every record appended).</returns>
    public async Task<(FeedbackRecord?[] Kept, int Appended, bool Unindexed)> WriteAsync(RedisConnection connection, IReadOnlyList<FeedbackRecord> records, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Watch(connection.Multiplexer);
        var key = connection.Keys.Feedback;
        // The primary of the key's slot (the only server without a cluster); the cast matters: GetServer(string) takes host:port.
        var server = connection.Multiplexer.GetServer((RedisKey)key);
        var linkChanges = Interlocked.Read(ref _linkChanges);
        var clientId = await ClientIdAsync(server).WaitAsync(timeout, time, cancellationToken).ConfigureAwait(false);

        var link = new Link(server.EndPoint, clientId, linkChanges);
        var arguments = FeedbackKeyIndex.AppendArguments(records, out var json);
        object[] command = [FeedbackKeyIndex.Append, 3, .. FeedbackKeyIndex.AppendKeys(connection.Keys).Select(k => (object)k), .. arguments.Select(a => (object)a)];
        var append = server.ExecuteAsync("EVAL", command, CommandFlags.NoRedirect);

        // Sent right behind the script on the same connection; the answer is read after its.
        var acknowledged = await WaitForReplicasAsync(server, clientId, append, timeout, cancellationToken).ConfigureAwait(false);
        var (kept, appended, wrote, unindexed) = FeedbackKeyIndex.ReadAppend(await append.ConfigureAwait(false), records, json);
        NoteAppendedAgain(link, records, appended);
        if (!wrote)
        {
            // Every record was held and the delivered count refused (an ACL without HINCRBY on meta): this connection
            // wrote nothing, so its WAIT proves nothing about them.
            throw new InvalidOperationException(
                $"Feedback of namespace '{options.Namespace}': every record of the batch is held already and the delivered count in {connection.Keys.Meta} could not be written, " +
                "so WAIT cannot confirm the replicas hold them; give the SDK's user HINCRBY on the namespace's keys (RedisAcl.SdkCommands). It stays queued and is retried.");
        }

        lock (_gate)
        {
            if (acknowledged >= options.FeedbackReplicas)
            {
                _unconfirmed = null;
                return (kept, appended.Count(a => a), unindexed);
            }

            _unconfirmed = records.Count > MaxUnconfirmedKeys ? null : new Unconfirmed(link, [.. records.Select(r => r.Key)]);
        }

        var connected = await ConnectedReplicasAsync(server).ConfigureAwait(false);
        Log.FeedbackNotReplicated(logger, options.Namespace, records.Count, key, acknowledged, options.FeedbackReplicas, options.FeedbackReplicaTimeout, connected);
        throw new TimeoutException(
            $"Feedback of namespace '{options.Namespace}' ({records.Count} records in {key} on {RedisConnection.Format(server.EndPoint)}) was confirmed by {acknowledged} of " +
            $"{options.FeedbackReplicas} replica(s) asked (RedisStoreOptions.FeedbackReplicas) within {options.FeedbackReplicaTimeout}; {connected}. " +
            "It is not acknowledged: it stays queued and is retried.");
    }

    /// <summary>Logs the records of the last unconfirmed batch that a later attempt on another connection or primary had to
    /// append again: the primary no longer held them (a failover lost what the old one appended).</summary>
    private void NoteAppendedAgain(Link link, IReadOnlyList<FeedbackRecord> records, bool[] appended)
    {
        Unconfirmed? previous;
        lock (_gate)
        {
            previous = _unconfirmed;
        }

        if (previous is null || previous.Link == link)
        {
            return;
        }

        var again = records.Where((r, i) => appended[i] && previous.Keys.Contains(r.Key)).Count();
        if (again > 0)
        {
            Log.FeedbackAppendedAgain(logger, options.Namespace, again, RedisConnection.Format(previous.Link.Primary), RedisConnection.Format(link.Primary));
        }
    }

    /// <summary>How many replicas hold this connection's writes: <c>WAIT</c> in slices until enough or
    /// <see cref="RedisStoreOptions.FeedbackReplicaTimeout"/>, each followed by <c>CLIENT ID</c> to prove the link held.</summary>
    private async Task<long> WaitForReplicasAsync(IServer server, long clientId, Task append, TimeSpan timeout, CancellationToken cancellationToken)
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
                    await append.WaitAsync(timeout, time, cancellationToken).ConfigureAwait(false);
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
                    $"The connection to {RedisConnection.Format(server.EndPoint)} (the primary of {options.Namespace}'s feedback stream) was re-established while a feedback batch waited for its replicas; " +
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

    /// <summary>One connection to one primary: the same endpoint, client id and no link change between.</summary>
    private sealed record Link(EndPoint? Primary, long ClientId, long LinkChanges);

    private sealed record Unconfirmed(Link Link, HashSet<string> Keys);
}
