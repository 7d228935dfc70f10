using System.Diagnostics;
using CreditCheck.Tests.Support;

namespace CreditCheck.Tests.Cli;

/// <summary>What the tool says when Redis loses or evicts a namespace's keys: checked, in one line, Chinese then
/// English; and what a replace import restored.</summary>
[Collection(CliTestGroup.Name)]
public sealed class ImportFaultCliTests
{
    [Fact]
    public async Task Import_RedisRestartedWithoutPersistenceMidImport_SaysTheNamespaceIsLostInOneLine()
    {
        await using var server = await RedisServer.StartAsync("--appendonly", "no");
        using var cli = new CliSession(server);
        await cli.PublishAsync();
        await cli.RunOkAsync("import", cli.WriteCsv("old.csv", Rows.Entity(1)), "--list", CliSession.Debtors);
        var big = cli.PathOf("big.csv");
        await cli.RunOkAsync("generate", "--count", "200000", "--out", big);

        var import = Task.Run(() => cli.RunAsync("import", big, "--list", CliSession.Debtors));
        var clock = Stopwatch.StartNew();
        while ((await server.KeysAsync($"cc:{{{cli.Namespace}}}:stage:*")).Count == 0)
        {
            Assert.False(import.IsCompleted, "The import ended before it was seen staging.");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "The import was not seen staging within 60 s.");
            await Task.Delay(10);
        }

        await server.KillAsync();
        await server.RestartAsync(); // empty: no persistence
        var result = await import.WaitAsync(TimeSpan.FromSeconds(120));

        Assert.NotEqual(Exit.Ok, result.ExitCode);
        Assert.Equal(":0", await server.CommandAsync("DBSIZE"));
        Assert.DoesNotContain("data before stays", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("原有数据不变", result.Error, StringComparison.Ordinal);
        Assert.Contains(cli.Namespace, result.Error, StringComparison.Ordinal);
        Assert.Contains("creditcheck catalog publish", result.Error, StringComparison.Ordinal);
        Assert.True(result.Error.Contains("Redis lost namespace", StringComparison.Ordinal) || result.Error.Contains("Redis no longer holds namespace", StringComparison.Ordinal), result.ToString());
        Assert.DoesNotContain("outstanding", result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.Trim().Split('\n'));
    }

    [Fact]
    public async Task StatusAndCheck_EvictingPolicyAndCatalogKeyGone_WarnAndPointToVerify()
    {
        await using var server = await RedisServer.StartAsync();
        using var cli = new CliSession(server);
        await cli.PublishAsync();
        await cli.RunOkAsync("import", cli.WriteCsv("a.csv", [.. Enumerable.Range(1, 20).Select(n => Rows.Entity(n))]), "--list", CliSession.Debtors);
        var prefix = $"cc:{{{cli.Namespace}}}:";
        Assert.Equal("+OK", await server.CommandAsync("CONFIG", "SET", "maxmemory-policy", "allkeys-lru"));
        Assert.Equal(":1", await server.CommandAsync("DEL", prefix + "catalog")); // as an eviction would

        var jsonRun = await cli.RunAsync("status", "--json");
        var json = jsonRun.Json;
        var text = await cli.RunAsync("status");
        var check = await cli.RunAsync("check", Rows.Company(1), "--scenario", "procurement");

        Assert.True(jsonRun.ExitCode == Exit.DataDamaged && text.ExitCode == Exit.DataDamaged, text.ToString());

        Assert.Contains(prefix + "catalog", json["missingKeys"]!.AsArray().Select(k => k!.GetValue<string>()));
        Assert.Equal("allkeys-lru", json["eviction"]!["policy"]!.GetValue<string>());
        Assert.True(json["eviction"]!["mayEvict"]!.GetValue<bool>());
        Assert.Contains("目录键缺失", text.Output, StringComparison.Ordinal);
        Assert.Contains("maxmemory-policy allkeys-lru", text.Output, StringComparison.Ordinal);
        Assert.Contains("creditcheck verify", text.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("(none published)", text.Output, StringComparison.Ordinal);

        Assert.True(check.ExitCode == Exit.DataDamaged, check.ToString());
        Assert.Contains("目录键", check.Error, StringComparison.Ordinal);
        Assert.Contains($"catalog key {prefix}catalog is missing", check.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("publish one", check.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_ReplaceAfterEntryHashesDeleted_SaysHowManyItRestored()
    {
        await using var server = await RedisServer.StartAsync();
        using var cli = new CliSession(server);
        await cli.PublishAsync();
        var file = cli.WriteCsv("a.csv", [.. Enumerable.Range(1, 20).Select(n => Rows.Entity(n))]);
        await cli.RunOkAsync("import", file, "--list", CliSession.Debtors);
        var prefix = $"cc:{{{cli.Namespace}}}:";
        foreach (var key in (await server.KeysAsync(prefix + "e:*")).Take(5))
        {
            Assert.Equal(":1", await server.CommandAsync("DEL", key));
        }

        Assert.Equal(Exit.DataDamaged, (await cli.RunAsync("verify")).ExitCode);

        var restored = await cli.RunOkAsync("import", file, "--list", CliSession.Debtors, "--json");
        await cli.RunOkAsync("verify");
        Assert.Equal((0, 20, 5), (restored.Json["added"]!.GetValue<int>(), restored.Json["unchanged"]!.GetValue<int>(), restored.Json["restored"]!.GetValue<int>()));
    }
}
