using System.Diagnostics;
using System.Globalization;
using StackExchange.Redis;

namespace CreditCheck.Tests.Support;

/// <summary>
/// A real Redis Cluster of 3 primaries and 3 replicas on free loopback ports, each node a
/// <see cref="RedisServer"/> with its own folder. A small <c>cluster-node-timeout</c> makes a failover take
/// seconds. A node is killed (-9, <see cref="RedisServer.KillAsync"/>) and restarted (<see cref="RedisServer.RestartAsync"/>,
/// it rejoins from its nodes.conf), and a slot moved to another primary. Everything is
/// killed and deleted on dispose. Needs redis-server and redis-cli (Debian's redis-server package has both);
/// links only RedisServer.cs and StackExchange.Redis, so a benchmark can compile the same two files.
/// </summary>
public sealed class RedisCluster : IRedisDeployment, IAsyncDisposable
{
    public const int NodeTimeoutMs = 1500;
    private readonly List<RedisServer> _nodes;
    private ConnectionMultiplexer? _admin;

    private RedisCluster(List<RedisServer> nodes) => _nodes = nodes;

    public IReadOnlyList<RedisServer> Nodes => _nodes;

    /// <summary>A StackExchange.Redis configuration naming every node (the client finds the topology itself).</summary>
    public string Configuration =>
        string.Join(',', _nodes.Select(n => $"127.0.0.1:{n.Port}")) + ",abortConnect=false,connectTimeout=2000,syncTimeout=5000,connectRetry=1";

    public static async Task<RedisCluster> StartAsync()
    {
        var cli = FindExecutable("redis-cli") ?? throw new InvalidOperationException(
            "redis-cli is not installed (it comes with redis-server); install it with: sudo apt-get install -y redis-server (tests/run.sh does this).");
        var nodes = new List<RedisServer>();
        var cluster = new RedisCluster(nodes);
        try
        {
            for (var i = 0; i < 6; i++)
            {
                nodes.Add(await RedisServer.StartAsync(
                    "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                    "--cluster-node-timeout", NodeTimeoutMs.ToString(CultureInfo.InvariantCulture),
                    "--cluster-replica-validity-factor", "0", // a replica always takes over, however long its primary was gone
                    "--appendfsync", "everysec")); // the replicas hold the data; fsync always would only slow the tests
            }

            var create = await RunAsync(cli, [
                "--cluster", "create", .. nodes.Select(n => $"127.0.0.1:{n.Port}"), "--cluster-replicas", "1", "--cluster-yes"]);
            if (create.ExitCode != 0)
            {
                throw new InvalidOperationException($"redis-cli --cluster create failed (exit code {create.ExitCode}): {create.Output}");
            }

            await cluster.WaitHealthyAsync();
            cluster._admin = await ConnectionMultiplexer.ConnectAsync(cluster.Configuration + ",allowAdmin=true");
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits (bounded) until every live node sees the cluster ok, every slot served, and every
    /// primary with a connected replica.</summary>
    public async Task WaitHealthyAsync(int timeoutMs = 60_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        var problem = "";
        while (DateTime.UtcNow < deadline)
        {
            problem = await ProblemAsync();
            if (problem.Length == 0)
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"The Redis Cluster on ports {string.Join(',', _nodes.Select(n => n.Port))} was not healthy within {timeoutMs} ms: {problem}");
    }

    private async Task<string> ProblemAsync()
    {
        var primaries = 0;
        foreach (var node in _nodes)
        {
            string info;
            try
            {
                info = await node.CommandAsync("CLUSTER", "INFO");
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
            {
                return $"node {node.Port} does not answer";
            }

            if (!info.Contains("cluster_state:ok", StringComparison.Ordinal) || !info.Contains("cluster_slots_ok:16384", StringComparison.Ordinal))
            {
                return $"node {node.Port}: {info.Replace("\r\n", " ", StringComparison.Ordinal)}";
            }

            var role = await node.CommandAsync("ROLE");
            if (role.Contains("master", StringComparison.Ordinal))
            {
                primaries++;
                if (!role.StartsWith("*3", StringComparison.Ordinal) || role.EndsWith("*0", StringComparison.Ordinal))
                {
                    return $"primary {node.Port} has no replica attached";
                }
            }
            else if (!role.Contains("connected", StringComparison.Ordinal))
            {
                return $"replica {node.Port} is not connected to its primary: {role.Replace("\r\n", " ", StringComparison.Ordinal)}";
            }
        }

        return primaries == 3 ? "" : $"{primaries} primaries, not 3";
    }

    /// <summary>The slot of a key or hash tag (<c>cc:{ns}:…</c> → CRC16(ns) mod 16384), as Redis computes it.</summary>
    public static int Slot(string key)
    {
        var open = key.IndexOf('{', StringComparison.Ordinal);
        if (open >= 0)
        {
            var close = key.IndexOf('}', open + 1);
            if (close > open + 1)
            {
                key = key[(open + 1)..close];
            }
        }

        ushort crc = 0;
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(key))
        {
            crc ^= (ushort)(b << 8);
            for (var i = 0; i < 8; i++)
            {
                crc = (crc & 0x8000) != 0 ? (ushort)((crc << 1) ^ 0x1021) : (ushort)(crc << 1);
            }
        }

        return crc % 16384;
    }

    /// <summary>The primary now serving the slot of a namespace's keys (asked of the cluster, not cached).</summary>
    public async Task<RedisServer> PrimaryOfAsync(string ns)
    {
        var slot = Slot($"cc:{{{ns}}}:");
        foreach (var line in (await ClusterNodesAsync()).Split('\n'))
        {
            var parts = line.Trim().Split(' ');
            if (parts.Length < 9 || !parts[2].Contains("master", StringComparison.Ordinal) || parts[2].Contains("fail", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var range in parts[8..].Where(r => !r.StartsWith('[')))
            {
                var bounds = range.Split('-');
                var from = int.Parse(bounds[0], CultureInfo.InvariantCulture);
                var to = int.Parse(bounds[^1], CultureInfo.InvariantCulture);
                if (slot >= from && slot <= to)
                {
                    return NodeOf(parts[1]);
                }
            }
        }

        throw new InvalidOperationException($"No primary serves slot {slot} (namespace '{ns}').");
    }

    /// <summary>Namespaces named <paramref name="prefix"/>0, 1, … of which each lands on a different primary.</summary>
    public async Task<IReadOnlyList<string>> NamespacesOnEveryPrimaryAsync(string prefix)
    {
        var found = new Dictionary<int, string>();
        for (var i = 0; found.Count < 3 && i < 1000; i++)
        {
            var ns = prefix + i.ToString(CultureInfo.InvariantCulture);
            found.TryAdd((await PrimaryOfAsync(ns)).Port, ns);
        }

        return [.. found.Values];
    }

    /// <summary>Moves the slot of a namespace to another primary the way <c>redis-cli --cluster reshard</c> does:
    /// IMPORTING on the target, MIGRATING on the source, MIGRATE of the keys in batches, then SETSLOT NODE
    /// everywhere. Clients meanwhile get ASK/MOVED redirections. Returns the new primary.</summary>
    public async Task<RedisServer> MoveSlotAsync(string ns, RedisServer? target = null)
    {
        var slot = Slot($"cc:{{{ns}}}:");
        var source = await PrimaryOfAsync(ns);
        var primaries = await PrimariesAsync();
        target ??= primaries.First(p => p != source);
        var sourceId = await NodeIdAsync(source);
        var targetId = await NodeIdAsync(target);
        var s = _admin!.GetServer("127.0.0.1", source.Port);
        var t = _admin.GetServer("127.0.0.1", target.Port);
        await t.ExecuteAsync("CLUSTER", "SETSLOT", slot, "IMPORTING", sourceId);
        await s.ExecuteAsync("CLUSTER", "SETSLOT", slot, "MIGRATING", targetId);
        while (true)
        {
            var keys = (RedisKey[])(await s.ExecuteAsync("CLUSTER", "GETKEYSINSLOT", slot, 100))!;
            if (keys.Length == 0)
            {
                break;
            }

            await s.ExecuteAsync("MIGRATE", ["127.0.0.1", target.Port, "", 0, 10_000, "REPLACE", "KEYS", .. keys.Select(k => (object)k)]);
        }

        foreach (var primary in primaries)
        {
            await _admin.GetServer("127.0.0.1", primary.Port).ExecuteAsync("CLUSTER", "SETSLOT", slot, "NODE", targetId);
        }

        return target;
    }

    /// <summary>Starts moving the slot of a namespace to another primary and stops halfway, as a slow move by hand
    /// does for long: IMPORTING on the target, MIGRATING on the source, then MIGRATE of only the keys
    /// <paramref name="move"/> picks. The namespace's keys are split between the two nodes until
    /// <see cref="FinishMoveAsync"/>. Returns the source and the target.</summary>
    public async Task<(RedisServer Source, RedisServer Target)> MoveSlotPartlyAsync(string ns, Func<string, bool> move)
    {
        var slot = Slot($"cc:{{{ns}}}:");
        var source = await PrimaryOfAsync(ns);
        var target = (await PrimariesAsync()).First(p => p != source);
        var s = _admin!.GetServer("127.0.0.1", source.Port);
        await _admin.GetServer("127.0.0.1", target.Port).ExecuteAsync("CLUSTER", "SETSLOT", slot, "IMPORTING", await NodeIdAsync(source));
        await s.ExecuteAsync("CLUSTER", "SETSLOT", slot, "MIGRATING", await NodeIdAsync(target));
        var keys = ((RedisKey[])(await s.ExecuteAsync("CLUSTER", "GETKEYSINSLOT", slot, 100_000))!).Where(k => move(k!)).ToList();
        if (keys.Count > 0)
        {
            await s.ExecuteAsync("MIGRATE", ["127.0.0.1", target.Port, "", 0, 10_000, "REPLACE", "KEYS", .. keys.Select(k => (object)k)]);
        }

        return (source, target);
    }

    /// <summary>Ends a move begun by <see cref="MoveSlotPartlyAsync"/>: the rest of the keys, then SETSLOT NODE everywhere.</summary>
    public async Task FinishMoveAsync(string ns, RedisServer source, RedisServer target)
    {
        var slot = Slot($"cc:{{{ns}}}:");
        var s = _admin!.GetServer("127.0.0.1", source.Port);
        while ((RedisKey[])(await s.ExecuteAsync("CLUSTER", "GETKEYSINSLOT", slot, 100))! is { Length: > 0 } keys)
        {
            await s.ExecuteAsync("MIGRATE", ["127.0.0.1", target.Port, "", 0, 10_000, "REPLACE", "KEYS", .. keys.Select(k => (object)k)]);
        }

        var targetId = await NodeIdAsync(target);
        foreach (var primary in await PrimariesAsync())
        {
            await _admin.GetServer("127.0.0.1", primary.Port).ExecuteAsync("CLUSTER", "SETSLOT", slot, "NODE", targetId);
        }
    }

    /// <summary>The lowest slot a primary serves (<c>redis-cli --cluster reshard</c> moves a source's slots lowest first).</summary>
    public async Task<int> FirstSlotAsync(RedisServer primary)
    {
        foreach (var parts in (await ClusterNodesAsync()).Split('\n').Select(l => l.Trim().Split(' ')))
        {
            if (parts.Length >= 9 && NodeOf(parts[1]) == primary)
            {
                return parts[8..].Where(r => !r.StartsWith('[')).Min(r => int.Parse(r.Split('-')[0], CultureInfo.InvariantCulture));
            }
        }

        throw new InvalidOperationException($"Node {primary.Port} serves no slot.");
    }

    /// <summary>Runs <c>redis-cli --cluster reshard</c> to move <paramref name="slots"/> slots (the source's lowest) from
    /// <paramref name="source"/> to <paramref name="target"/>, as an operator would; returns its exit code and output.
    /// Killed if it has not ended within <paramref name="timeoutMs"/> (then the exit code is -1).</summary>
    public static async Task<(int ExitCode, string Output)> ReshardAsync(RedisServer source, RedisServer target, int slots, int timeoutMs = 120_000)
    {
        var start = new ProcessStartInfo(FindExecutable("redis-cli")!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])[
                     "--cluster", "reshard", $"127.0.0.1:{target.Port}",
                     "--cluster-from", await NodeIdAsync(source), "--cluster-to", await NodeIdAsync(target),
                     "--cluster-slots", slots.ToString(CultureInfo.InvariantCulture), "--cluster-yes"])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(timeoutMs);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return (-1, $"redis-cli --cluster reshard did not end within {timeoutMs} ms: {await output}{await error}");
        }

        return (process.ExitCode, await output + await error);
    }

    /// <summary>How often a node has run a command (INFO commandstats), e.g. to see that a path was taken.</summary>
    public async Task<long> CallsAsync(RedisServer node, string command)
    {
        var info = (string)(await _admin!.GetServer("127.0.0.1", node.Port).ExecuteAsync("INFO", "commandstats"))!;
        var line = info.Split('\n').FirstOrDefault(l => l.StartsWith($"cmdstat_{command}:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split("calls=")[1].Split(',')[0], CultureInfo.InvariantCulture);
    }

    /// <summary>The live primaries.</summary>
    public async Task<IReadOnlyList<RedisServer>> PrimariesAsync() =>
        [.. (await ClusterNodesAsync()).Split('\n').Select(l => l.Trim().Split(' '))
            .Where(p => p.Length >= 8 && p[2].Contains("master", StringComparison.Ordinal) && !p[2].Contains("fail", StringComparison.Ordinal))
            .Select(p => NodeOf(p[1]))];

    /// <summary>Every key matching the pattern, from every primary (KEYS; fine for a test's small namespaces).</summary>
    public async Task<IReadOnlyList<string>> KeysAsync(string pattern)
    {
        var keys = new List<string>();
        foreach (var primary in await PrimariesAsync())
        {
            keys.AddRange(await primary.KeysAsync(pattern));
        }

        return keys;
    }

    /// <summary>Runs a command on every node (ACL SETUSER: each node has its own users).</summary>
    public async Task CommandOnEveryNodeAsync(params string[] arguments)
    {
        foreach (var node in _nodes)
        {
            var reply = await node.CommandAsync(arguments);
            if (reply.StartsWith('-'))
            {
                throw new InvalidOperationException($"{string.Join(' ', arguments.Take(2))} on node {node.Port}: {reply}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_admin is not null)
        {
            await _admin.CloseAsync(allowCommandsToComplete: false);
            _admin.Dispose();
        }

        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }
    }

    private async Task<string> ClusterNodesAsync()
    {
        foreach (var node in _nodes)
        {
            try
            {
                var reply = await RunAsync(FindExecutable("redis-cli")!, ["-p", node.Port.ToString(CultureInfo.InvariantCulture), "CLUSTER", "NODES"]);
                if (reply.ExitCode == 0 && reply.Output.Contains("myself", StringComparison.Ordinal))
                {
                    return reply.Output;
                }
            }
            catch (InvalidOperationException)
            {
                // this node is down; ask the next
            }
        }

        throw new InvalidOperationException("No node of the cluster answers CLUSTER NODES.");
    }

    private static async Task<string> NodeIdAsync(RedisServer node) =>
        (await RunAsync(FindExecutable("redis-cli")!, ["-p", node.Port.ToString(CultureInfo.InvariantCulture), "CLUSTER", "MYID"])).Output.Trim();

    private RedisServer NodeOf(string address)
    {
        var port = int.Parse(address.Split('@')[0].Split(':')[^1], CultureInfo.InvariantCulture);
        return _nodes.Single(n => n.Port == port);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string executable, string[] arguments)
    {
        var start = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }

    private static string? FindExecutable(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator)
            .Append("/usr/bin")
            .Append("/usr/local/bin")
            .Select(d => Path.Combine(d, name))
            .FirstOrDefault(File.Exists);
}
