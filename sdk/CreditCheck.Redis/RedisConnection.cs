using System.Text;
using StackExchange.Redis;

namespace CreditCheck.Redis;

/// <summary>
/// The multiplexer, the namespace's keys and the subject keys, shared by store, publisher and
/// feedback reader. Owns the multiplexer only when it created it; a host's own multiplexer is left open.
/// </summary>
internal sealed class RedisConnection : IAsyncDisposable
{
    private readonly bool _owned;
    private int _disposed;

    private readonly string? _user;

    private RedisConnection(IConnectionMultiplexer multiplexer, bool owned, RedisStoreOptions options, string? user)
    {
        Multiplexer = multiplexer;
        _owned = owned;
        _user = user;
        Keys = new RedisKeys(options.Namespace);
        SubjectKeys = new SubjectKeys(Encoding.UTF8.GetBytes(options.Secret!));
    }

    public IConnectionMultiplexer Multiplexer { get; }

    public IDatabase Database => Multiplexer.GetDatabase();

    public RedisKeys Keys { get; }

    /// <summary>On a Redis Cluster, the shard that serves the namespace, for error messages (found from outside: a
    /// CLUSTERDOWN or a dead primary named no node, and an operator of six nodes had to find it): e.g.
    /// <c> (cluster slot 1234, node 127.0.0.1:7001 in the client's slot map, not connected)</c>. The node is the slot's
    /// owner in the topology the client last read (the dead primary until the promotion is seen, then the node that took
    /// over), never "any connected node", which the client would route a key to meanwhile. Empty on a single server, and
    /// whenever the topology cannot be read: it only adds to a message, so it never throws.</summary>
    public string Shard()
    {
        try
        {
            var servers = Multiplexer.GetServers();
            if (!servers.Any(s => s.ServerType == ServerType.Cluster))
            {
                return string.Empty;
            }

            var slot = Multiplexer.HashSlot(Keys.Sequence);
            var owner = servers.Where(s => s.IsConnected).Select(s => s.ClusterConfiguration?.GetBySlot(slot)).FirstOrDefault(n => n is not null);
            if (owner?.EndPoint is not { } endpoint)
            {
                return $" (cluster slot {slot}, which no node in the client's slot map serves)";
            }

            var connected = servers.FirstOrDefault(s => s.EndPoint.Equals(endpoint))?.IsConnected == true;
            return $" (cluster slot {slot}, node {Format(endpoint)} in the client's slot map{(connected ? string.Empty : ", not connected")})";
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return string.Empty; // a host's own multiplexer may not expose the topology: the message stays as it was
        }
    }

    /// <summary>An endpoint as an operator types it: <c>host:port</c>.</summary>
    public static string Format(System.Net.EndPoint? endpoint) => endpoint switch
    {
        null => "(unknown)",
        System.Net.IPEndPoint ip => ip.ToString(),
        System.Net.DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        _ => endpoint.ToString() ?? "(unknown)",
    };

    public SubjectKeys SubjectKeys { get; }

    /// <param name="options">The store's options.</param>
    /// <param name="existing">A host's own multiplexer, or null to connect.</param>
    /// <param name="failures">Where a connection the store opens itself reports its connection failures (the client's
    /// error log), from the first connect on; null for none.</param>
    public static async Task<RedisConnection> ConnectAsync(RedisStoreOptions options, IConnectionMultiplexer? existing, ConnectionFailures? failures = null)
    {
        if (existing is not null)
        {
            return new RedisConnection(existing, owned: false, options, UserOf(existing));
        }

        var configuration = ConfigurationOf(options);
        configuration.LoggerFactory ??= failures;
        var multiplexer = await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
        return new RedisConnection(multiplexer, owned: true, options, configuration.User);
    }

    /// <summary>The settings of the connection the store opens itself.</summary>
    internal static ConfigurationOptions ConfigurationOf(RedisStoreOptions options)
    {
        var configuration = RedisConfiguration.Parse(options.Configuration!);
        configuration.AbortOnConnectFail = false; // a host starts even while Redis is down
        if (options.User is not null)
        {
            configuration.User = options.User;
        }

        if (options.Password is not null)
        {
            configuration.Password = options.Password;
        }

        if (options.Protocol is { } protocol)
        {
            configuration.Protocol = protocol;
        }

        if (options.ThreadPoolSockets)
        {
#pragma warning disable CS0618 // StackExchange.Redis 3.x has no socket manager (it always reads on the thread pool): it marks the option obsolete and ignores it
            configuration.SocketManager = SocketManager.ThreadPool;
#pragma warning restore CS0618
        }

        return configuration;
    }

    /// <summary>The user a host's own multiplexer was configured with, from its configuration as it prints it (without
    /// the password); null when it names none or cannot be read (a wrapper's), and then nothing is checked.</summary>
    private static string? UserOf(IConnectionMultiplexer multiplexer)
    {
        try
        {
            return string.IsNullOrEmpty(multiplexer.Configuration) ? null : ConfigurationOptions.Parse(multiplexer.Configuration, ignoreUnknown: true).User;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Throws when Redis says this connection is logged in as another user than the configured one.
    /// StackExchange.Redis goes on as the <c>default</c> user when Redis refuses the configured user's password
    /// and <c>default</c> is on (no error, only the server's ACL log shows the WRONGPASS): the SDK would then run
    /// with rights the operator did not give it. A server without ACL WHOAMI, or a user without the right to run
    /// it, tells nothing; that is not an error.</summary>
    public async Task VerifyUserAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        if (_user is null)
        {
            return;
        }

        string? actual;
        try
        {
            actual = (string?)await Database.ExecuteAsync("ACL", "WHOAMI").WaitAsync(timeout, time, cancellationToken).ConfigureAwait(false);
        }
        catch (RedisServerException)
        {
            return; // Redis before 6, or NOPERM
        }

        if (actual is not null && actual != _user)
        {
            throw new RedisUserMismatchException(_user, actual);
        }
    }

    /// <summary>Runs a script. StackExchange.Redis sends it as EVALSHA once it knows the server has it,
    /// and resends the text itself when the server answers NOSCRIPT (after a restart or SCRIPT FLUSH).</summary>
    public Task<RedisResult> EvaluateAsync(string script, RedisKey[] keys, RedisValue[] values) =>
        Database.ScriptEvaluateAsync(script, keys, values);

    /// <summary>Runs a read-only script (EVALSHA_RO on StackExchange.Redis 3.x, EVALSHA on 2.x; the script
    /// declares <c>no-writes</c> either way) where <paramref name="flags"/> send it: a replica or the primary of the
    /// keys' slot.</summary>
    public Task<RedisResult> EvaluateReadOnlyAsync(string script, RedisKey[] keys, CommandFlags flags) =>
        Database.ScriptEvaluateReadOnlyAsync(script, keys, null, flags);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        SubjectKeys.Dispose();
        if (_owned)
        {
            await Multiplexer.CloseAsync().ConfigureAwait(false);
            Multiplexer.Dispose();
        }
    }
}
