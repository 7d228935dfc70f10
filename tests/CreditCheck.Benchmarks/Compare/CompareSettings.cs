using System.Globalization;

namespace CreditCheck.Benchmarks.Compare;

/// <summary>Command line of <c>compare</c>: <c>[--listed N] [--json FILE] [--seconds S] [--cluster] [--hosts N] [--huge-pages] [--thread-pool-sockets]</c>.</summary>
internal sealed class CompareSettings
{
    public int Listed { get; private init; } = 100_000;

    public string? JsonPath { get; private init; }

    /// <summary>Upper bound of each throughput loop; latency loops take at most this too.</summary>
    public double Seconds { get; private init; } = 2;

    /// <summary>Run against a Redis Cluster (3 primaries + 3 replicas) instead of one redis-server.</summary>
    public bool Cluster { get; private init; }

    /// <summary>The redis-server's heap in transparent huge pages (one server only).</summary>
    public bool HugePages { get; private init; }

    /// <summary>The SDK instances and the naive baseline read their sockets on the .NET thread pool
    /// (<c>RedisStoreOptions.ThreadPoolSockets</c>; StackExchange.Redis 2.x only).</summary>
    public bool ThreadPoolSockets { get; private init; }

    /// <summary>SDK instances, each with its own connection and filter, that the propagation stage waits for.</summary>
    public int Hosts { get; private init; } = 20;

    public const string Usage = """
        usage: dotnet run -c Release --project tests/CreditCheck.Benchmarks -- compare [--listed N] [--json FILE] [--seconds S] [--cluster] [--hosts N] [--huge-pages] [--thread-pool-sockets]
          --listed N    listed subjects published to Redis (default 100000; 1000 to 10000000)
          --json FILE   also write the figures as one flat JSON object
          --seconds S   time bound of each throughput loop (default 2; 0.2 to 30)
          --cluster     a Redis Cluster of 3 primaries + 3 replicas on free loopback ports instead of one
                        redis-server (needs redis-cli); Redis memory is that of the primary serving the namespace
          --hosts N     SDK instances the propagation stage waits for, each with its own connection,
                        subscription and filter (default 20; 2 to 50)
          --huge-pages  the redis-server's heap in transparent huge pages (MALLOC_CONF=thp:always and
                        disable-thp no; the machine's THP mode must be madvise or always); one server only
          --thread-pool-sockets  the SDK instances and the naive baseline read their sockets on the .NET
                        thread pool (RedisStoreOptions.ThreadPoolSockets; StackExchange.Redis 2.x only)
        """;

    public static CompareSettings Parse(IReadOnlyList<string> args)
    {
        int listed = 100_000;
        string? json = null;
        double seconds = 2;
        var cluster = false;
        var hosts = 20;
        var hugePages = false;
        var threadPoolSockets = false;
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.\n{Usage}");
            switch (args[i])
            {
                case "--listed":
                    var text = Value().Replace("_", string.Empty, StringComparison.Ordinal).Replace(",", string.Empty, StringComparison.Ordinal);
                    if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out listed) || listed is < 1000 or > 10_000_000)
                    {
                        throw new ArgumentException($"--listed must be a whole number from 1000 to 10000000; got '{text}'.\n{Usage}");
                    }

                    break;
                case "--json":
                    json = Value();
                    break;
                case "--seconds":
                    var s = Value();
                    if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out seconds) || seconds is < 0.2 or > 30)
                    {
                        throw new ArgumentException($"--seconds must be from 0.2 to 30; got '{s}'.\n{Usage}");
                    }

                    break;
                case "--cluster":
                    cluster = true;
                    break;
                case "--huge-pages":
                    hugePages = true;
                    break;
                case "--thread-pool-sockets":
                    threadPoolSockets = true;
                    break;
                case "--hosts":
                    var h = Value();
                    if (!int.TryParse(h, NumberStyles.None, CultureInfo.InvariantCulture, out hosts) || hosts is < 2 or > 50)
                    {
                        throw new ArgumentException($"--hosts must be a whole number from 2 to 50; got '{h}'.\n{Usage}");
                    }

                    break;
                default:
                    throw new ArgumentException($"Unknown argument '{args[i]}'.\n{Usage}");
            }
        }

        if (cluster && hugePages)
        {
            throw new ArgumentException($"--huge-pages applies to one redis-server, not to --cluster.\n{Usage}");
        }

        return new CompareSettings { Listed = listed, JsonPath = json, Seconds = seconds, Cluster = cluster, Hosts = hosts, HugePages = hugePages, ThreadPoolSockets = threadPoolSockets };
    }
}
