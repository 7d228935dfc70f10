using System.Globalization;
using System.Net;
using StackExchange.Redis;

namespace CreditCheck.Benchmarks.Compare;

/// <summary>Redis's own slow log over a stage: tells a tail that Redis spent executing a command from one spent
/// elsewhere (the client, the network, this process's GC). Commands of 1 ms or more are logged.</summary>
internal sealed class SlowLog
{
    private const int ThresholdMicroseconds = 1000;
    private readonly IServer _server;
    private readonly RedisValue _previousThreshold;

    private SlowLog(IServer server, RedisValue previousThreshold)
    {
        _server = server;
        _previousThreshold = previousThreshold;
    }

    /// <summary>Resets the slow log of <paramref name="node"/> (or the only server) and lowers its threshold to 1 ms.</summary>
    public static async Task<SlowLog> StartAsync(IConnectionMultiplexer admin, EndPoint? node)
    {
        var server = node is null ? admin.GetServers()[0] : admin.GetServer(node);
        var previous = (await server.ConfigGetAsync("slowlog-log-slower-than")).FirstOrDefault().Value;
        await server.ConfigSetAsync("slowlog-log-slower-than", ThresholdMicroseconds);
        await server.ConfigSetAsync("slowlog-max-len", 1024);
        await server.SlowlogResetAsync();
        await server.ConfigSetAsync("latency-monitor-threshold", 1);
        await server.ExecuteAsync("LATENCY", "RESET");
        return new SlowLog(server, previous);
    }

    /// <summary>Redis's latency monitor since <see cref="StartAsync"/> (events of 1 ms or more, commands or not: a
    /// stall outside any command — a rehash step, a cron, a page fault storm — shows here and not in the slow log).</summary>
    public string Events { get; private set; } = "";

    /// <summary>What was logged since <see cref="StartAsync"/>; restores the threshold.</summary>
    public async Task<(int Count, double SlowestMilliseconds, string SlowestCommand)> ReadAsync()
    {
        var entries = await _server.SlowlogGetAsync(1024);
        Events = string.Join(", ", ((RedisResult[])(await _server.ExecuteAsync("LATENCY", "LATEST"))!)
            .Select(e => (RedisResult[])e!)
            .Select(e => string.Create(CultureInfo.InvariantCulture, $"{(string)e[0]!} max {(long)e[3]} ms")));
        await _server.ConfigSetAsync("latency-monitor-threshold", 0);
        await _server.ConfigSetAsync("slowlog-log-slower-than", _previousThreshold.IsNull ? "10000" : _previousThreshold.ToString());
        if (entries.Length == 0)
        {
            return (0, 0, "");
        }

        var slowest = entries.MaxBy(e => e.Duration)!;
        var command = string.Join(' ', slowest.Arguments.Take(3).Select(a => a.ToString() is { Length: > 24 } s ? s[..24] + "…" : a.ToString()));
        return (entries.Length, slowest.Duration.TotalMilliseconds, string.Create(CultureInfo.InvariantCulture, $": {command}"));
    }
}
