using CreditCheck.Tests.Support;

namespace CreditCheck.Tests.Cli;

/// <summary>The tool against a Redis Cluster (3 primaries, 3 replicas), given as a configuration string or a
/// <c>redis://</c> URL naming several nodes: <c>import</c>, <c>check</c> and <c>status</c> as on one server,
/// in namespaces on every shard.</summary>
[Collection(CliTestGroup.Name)]
public sealed class ClusterCommandTests(RedisClusterFixture fixture) : IClassFixture<RedisClusterFixture>
{
    [Fact]
    public async Task ImportCheckStatus_OnEveryShard_AsOnOneServer_AndAMistypedNamespaceListsThoseOfEveryShard()
    {
        var cluster = fixture.Cluster;
        var prefix = "cli" + Guid.NewGuid().ToString("N")[..6] + "-";
        var names = await cluster.NamespacesOnEveryPrimaryAsync(prefix);
        var url = "redis://" + string.Join(',', cluster.Nodes.Select(n => $"127.0.0.1:{n.Port}"));
        for (var i = 0; i < names.Count; i++)
        {
            using var cli = new CliSession(cluster, names[i]);
            if (i == 0)
            {
                cli.Environment["CREDITCHECK_REDIS"] = url; // the URL form takes the cluster's nodes too
            }

            await cli.PublishAsync();
            var file = cli.WriteCsv("list.csv", [.. Enumerable.Range(1, 50).Select(n => Rows.Entity(n + (100 * i)))]);

            var import = (await cli.RunOkAsync("import", file, "--list", CliSession.Debtors, "--json")).Json;

            Assert.Equal(50, import["added"]!.GetValue<int>());
            Assert.Equal(50, await cli.EntriesAsync());
            Assert.Equal(import["sequence"]!.GetValue<long>(), await cli.SequenceAsync());
            Assert.Equal("Denied", await cli.OutcomeAsync(Rows.Company(1 + (100 * i))));
            Assert.Equal("Clear", await cli.OutcomeAsync(Rows.Company(1 + (100 * ((i + 1) % names.Count))))); // listed in another namespace only
            Assert.Equal($"e-{1 + (100 * i)}", Assert.Single(await cli.LookupAsync(Rows.Company(1 + (100 * i)))).EntryId);
        }

        using var typo = new CliSession(cluster, prefix + "x");
        var status = await typo.RunAsync("status");

        Assert.Equal(Exit.NotFound, status.ExitCode);
        Assert.All(names, ns => Assert.Contains(ns, status.Error, StringComparison.Ordinal)); // KEYS asked of every primary
    }

    [Fact]
    public async Task Status_ADatabaseNumberOnACluster_IsAUsageErrorNamingIt_NotAnUnreachableStore()
    {
        // Found from outside: redis://…,…/1 was "the store cannot be reached", exit 3.
        var cluster = fixture.Cluster;
        using var cli = new CliSession(cluster, "db" + Guid.NewGuid().ToString("N")[..6]);
        cli.Environment["CREDITCHECK_REDIS"] = "redis://" + string.Join(',', cluster.Nodes.Take(2).Select(n => $"127.0.0.1:{n.Port}")) + "/1";

        var status = await cli.RunAsync("status");

        Assert.True(status.ExitCode == Exit.Usage, status.ToString());
        Assert.Contains("Redis Cluster 只有 0 号数据库", status.Error, StringComparison.Ordinal);
        Assert.Contains("a Redis Cluster has database 0 only", status.Error, StringComparison.Ordinal);
    }
}
