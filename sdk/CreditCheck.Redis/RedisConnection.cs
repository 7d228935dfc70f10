using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace CreditCheck.Redis;

/// <summary>
/// The multiplexer, the namespace's keys and the scripts, shared by store and publisher. Owns the
/// multiplexer only when it created it; a host's own multiplexer is left open.
/// </summary>
internal sealed class RedisConnection : IAsyncDisposable
{
    private readonly bool _owned;
    private readonly string? _user;
    private readonly string? _password;
    private int _disposed;

    private RedisConnection(ConnectionMultiplexer multiplexer, bool owned, RedisStoreOptions options)
    {
        Multiplexer = multiplexer;
        _owned = owned;
        _user = options.User;
        _password = options.Password;
        Keys = new RedisKeys(options.Namespace);
        SubjectKeys = new SubjectKeys(Encoding.UTF8.GetBytes(options.Secret!));
        if (_user is not null)
        {
            // StackExchange.Redis 1.2.6 only sends AUTH <password>; an ACL user is authenticated on
            // every (re)connection of the interactive link.
            Multiplexer.ConnectionRestored += (_, e) =>
            {
                if (e.ConnectionType == ConnectionType.Interactive)
                {
                    _ = AuthenticateAsync();
                }
            };
        }
    }

    public ConnectionMultiplexer Multiplexer { get; }

    public IDatabase Database => Multiplexer.GetDatabase();

    public RedisKeys Keys { get; }

    public SubjectKeys SubjectKeys { get; }

    public static async Task<RedisConnection> ConnectAsync(RedisStoreOptions options, ConnectionMultiplexer? existing)
    {
        if (existing is not null)
        {
            var shared = new RedisConnection(existing, owned: false, options);
            await shared.AuthenticateAsync().ConfigureAwait(false);
            return shared;
        }

        var configuration = ConfigurationOptions.Parse(options.Configuration!);
        configuration.AbortOnConnectFail = false; // a host starts even while Redis is down
        var multiplexer = await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);

        // StackExchange.Redis 1.x completes tasks one after another on a single thread by default;
        // a continuation that blocks (a host's code after CheckAsync, an import's file reading)
        // would stall every reply. Completing on the thread pool removes that trap.
        multiplexer.PreserveAsyncOrder = false;
        var connection = new RedisConnection(multiplexer, owned: true, options);
        await connection.AuthenticateAsync().ConfigureAwait(false);
        return connection;
    }

    public Task<RedisResult> EvaluateAsync(Script script, RedisKey[] keys, RedisValue[] values) =>
        script.EvaluateAsync(Database, keys, values);

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

    private async Task AuthenticateAsync()
    {
        if (_user is null || !Multiplexer.IsConnected)
        {
            return;
        }

        await Database.ExecuteAsync("AUTH", _user, _password!).ConfigureAwait(false);
    }
}

/// <summary>A Lua script sent as EVALSHA, loaded with EVAL when the server does not know it yet.</summary>
internal sealed class Script
{
    public Script(string text)
    {
        Text = text;
#pragma warning disable CA5350 // Redis names scripts by their SHA-1; not a security use.
        Sha1 = SHA1.HashData(Encoding.UTF8.GetBytes(text));
#pragma warning restore CA5350
    }

    public string Text { get; }

    public byte[] Sha1 { get; }

    public async Task<RedisResult> EvaluateAsync(IDatabaseAsync database, RedisKey[] keys, RedisValue[] values)
    {
        try
        {
            return await database.ScriptEvaluateAsync(Sha1, keys, values).ConfigureAwait(false);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            return await database.ScriptEvaluateAsync(Text, keys, values).ConfigureAwait(false);
        }
    }
}
