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

    private RedisConnection(IConnectionMultiplexer multiplexer, bool owned, RedisStoreOptions options)
    {
        Multiplexer = multiplexer;
        _owned = owned;
        Keys = new RedisKeys(options.Namespace);
        SubjectKeys = new SubjectKeys(Encoding.UTF8.GetBytes(options.Secret!));
    }

    public IConnectionMultiplexer Multiplexer { get; }

    public IDatabase Database => Multiplexer.GetDatabase();

    public RedisKeys Keys { get; }

    public SubjectKeys SubjectKeys { get; }

    public static async Task<RedisConnection> ConnectAsync(RedisStoreOptions options, IConnectionMultiplexer? existing)
    {
        if (existing is not null)
        {
            return new RedisConnection(existing, owned: false, options);
        }

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

        var multiplexer = await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
        return new RedisConnection(multiplexer, owned: true, options);
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
