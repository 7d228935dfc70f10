using System.Globalization;

namespace CreditCheck.Tests.Support;

/// <summary>
/// A real primary and a real replica (<c>redis-server --replicaof</c>) on free loopback ports. The replica
/// logs in to the primary as its own ACL user, so a test can cut the replication link for real and the
/// replica falls behind while it keeps serving reads (stale data): the user is switched off and its link
/// killed; switched on again, the replica reconnects and catches up.
/// </summary>
public sealed class RedisReplication : IAsyncDisposable
{
    private const string ReplicationUser = "cc-replication";
    private const string ReplicationPassword = "replication-password-1";

    private RedisReplication(RedisServer primary, RedisServer replica)
    {
        Primary = primary;
        Replica = replica;
    }

    public RedisServer Primary { get; }

    public RedisServer Replica { get; }

    /// <summary>Both nodes, for a client that finds the replica by itself.</summary>
    public string Configuration => $"127.0.0.1:{Primary.Port},127.0.0.1:{Replica.Port},abortConnect=false,connectTimeout=2000,syncTimeout=5000,connectRetry=1";

    public static async Task<RedisReplication> StartAsync()
    {
        var primary = await RedisServer.StartAsync();
        var reply = await primary.CommandAsync("ACL", "SETUSER", ReplicationUser, "on", ">" + ReplicationPassword, "+psync", "+sync", "+replconf", "+ping");
        if (reply != "+OK")
        {
            throw new InvalidOperationException($"ACL SETUSER {ReplicationUser} on the primary answered {reply}.");
        }

        var replica = await RedisServer.StartAsync(
            "--replicaof", "127.0.0.1", primary.Port.ToString(CultureInfo.InvariantCulture),
            "--masteruser", ReplicationUser, "--masterauth", ReplicationPassword);
        var replication = new RedisReplication(primary, replica);
        await replication.WaitForLinkAsync(up: true);
        return replication;
    }

    /// <summary>Cuts the replication link: the replica keeps answering reads from what it has.</summary>
    public async Task PauseReplicationAsync()
    {
        await Primary.CommandAsync("ACL", "SETUSER", ReplicationUser, "off");
        await Primary.CommandAsync("CLIENT", "KILL", "USER", ReplicationUser);
        await WaitForLinkAsync(up: false);
    }

    /// <summary>Lets the replica reconnect (it retries every second) and catch up.</summary>
    public async Task ResumeReplicationAsync()
    {
        await Primary.CommandAsync("ACL", "SETUSER", ReplicationUser, "on");
        await WaitForLinkAsync(up: true);
    }

    /// <summary>A namespace's change sequence as a node holds it.</summary>
    /// <summary>The primary goes back to the replica's older copy, as a failover to a lagging replica or a restore from an
    /// older copy does: the replica is promoted, the primary replicates from it until it holds the namespace at
    /// <paramref name="sequence"/>, then serves again as a primary.</summary>
    public async Task PrimaryTakesTheReplicasCopyAsync(string ns, long sequence)
    {
        await Replica.CommandAsync("REPLICAOF", "NO", "ONE");
        await Primary.CommandAsync("REPLICAOF", "127.0.0.1", Replica.Port.ToString(CultureInfo.InvariantCulture));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!((await Primary.CommandAsync("INFO", "replication")).Contains("master_link_status:up", StringComparison.Ordinal)
                 && await SequenceAsync(Primary, ns) == sequence) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Equal(sequence, await SequenceAsync(Primary, ns));
        await Primary.CommandAsync("REPLICAOF", "NO", "ONE");
    }

    public static async Task<long> SequenceAsync(RedisServer node, string ns)
    {
        var reply = await node.CommandAsync("GET", $"cc:{{{ns}}}:seq");
        var lines = reply.Split("\r\n");
        return lines.Length == 2 ? long.Parse(lines[1], CultureInfo.InvariantCulture) : 0;
    }

    /// <summary>Waits (bounded) until the replica holds at least the sequence.</summary>
    public async Task WaitForReplicaAsync(string ns, long sequence)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await SequenceAsync(Replica, ns) < sequence)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The replica did not reach sequence {sequence} of {ns} within 30 s.");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>How many times a node ran a command (INFO commandstats; commands inside scripts count).</summary>
    public static async Task<long> CallsAsync(RedisServer node, string command)
    {
        var info = await node.CommandAsync("INFO", "commandstats");
        var line = info.Split('\n').FirstOrDefault(l => l.StartsWith($"cmdstat_{command}:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split("calls=")[1].Split(',')[0], CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        await Replica.DisposeAsync();
        await Primary.DisposeAsync();
    }

    private async Task WaitForLinkAsync(bool up)
    {
        var expected = up ? "master_link_status:up" : "master_link_status:down";
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(await Replica.CommandAsync("INFO", "replication")).Contains(expected, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The replica's link did not become {(up ? "up" : "down")} within 30 s.");
            }

            await Task.Delay(20);
        }
    }
}
