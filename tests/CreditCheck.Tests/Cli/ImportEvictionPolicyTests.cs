using CreditCheck.Tests.Support;

namespace CreditCheck.Tests.Cli;

/// <summary><c>import</c> warns at its start (standard error, Chinese then English) when the Redis it writes to has a
/// <c>maxmemory</c> and a policy that may evict the namespace's keys: an evicted subject hash makes a listed subject
/// unreadable. Each test starts its own redis-server, since the policy is the server's.</summary>
[Collection(CliTestGroup.Name)]
public sealed class ImportEvictionPolicyTests(RedisFixture redis)
{
    [Fact]
    public async Task Import_MaxmemoryWithAllkeysPolicy_WarnsNamingThePolicyAndNoeviction_AndImports()
    {
        await using var server = await RedisServer.StartAsync("--maxmemory", "64mb", "--maxmemory-policy", "allkeys-lru");
        using var cli = new CliSession(server);
        await cli.PublishAsync();

        var result = await cli.RunAsync("import", cli.WriteCsv("one.csv", Rows.Entity(1)), "--list", CliSession.Debtors, "--json");

        Assert.True(result.ExitCode == Exit.Ok, result.ToString());
        Assert.Equal(1, result.Json["added"]!.GetValue<int>()); // standard output stays one JSON document
        var chinese = result.Error.IndexOf("警告：", StringComparison.Ordinal);
        var english = result.Error.IndexOf("warning: ", StringComparison.Ordinal);
        Assert.True(chinese >= 0 && english > chinese, result.Error);
        Assert.Contains("maxmemory-policy 为 allkeys-lru", result.Error, StringComparison.Ordinal);
        Assert.Contains("maxmemory-policy allkeys-lru", result.Error[english..], StringComparison.Ordinal);
        Assert.Contains("noeviction", result.Error[chinese..english], StringComparison.Ordinal);
        Assert.Contains("noeviction", result.Error[english..], StringComparison.Ordinal);
        Assert.Equal(1, await cli.EntriesAsync());
    }

    [Fact]
    public async Task Import_MaxmemoryWithVolatilePolicy_SaysWritesAreRefusedWhenFullNotThatKeysAreEvicted()
    {
        await using var server = await RedisServer.StartAsync("--maxmemory", "64mb", "--maxmemory-policy", "volatile-lru");
        using var cli = new CliSession(server);
        await cli.PublishAsync();

        var result = await cli.RunAsync("import", cli.WriteCsv("one.csv", Rows.Entity(1)), "--list", CliSession.Debtors);

        Assert.True(result.ExitCode == Exit.Ok, result.ToString());
        Assert.Contains("volatile-lru", result.Error, StringComparison.Ordinal);
        Assert.Contains("拒绝写入", result.Error, StringComparison.Ordinal);
        Assert.Contains("refuses writes", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("may evict", result.Error, StringComparison.Ordinal);
        Assert.Equal(1, await cli.EntriesAsync());
    }

    [Theory]
    [InlineData("64mb", "noeviction")]
    [InlineData("0", "allkeys-lru")] // no memory limit: nothing is evicted
    public async Task Import_NothingEvicted_NoWarning(string maxmemory, string policy)
    {
        await using var server = await RedisServer.StartAsync("--maxmemory", maxmemory, "--maxmemory-policy", policy);
        using var cli = new CliSession(server);
        await cli.PublishAsync();

        var result = await cli.RunAsync("import", cli.WriteCsv("one.csv", Rows.Entity(1)), "--list", CliSession.Debtors);

        Assert.True(result.ExitCode == Exit.Ok, result.ToString());
        Assert.Equal(string.Empty, result.Error);
        Assert.Equal(1, await cli.EntriesAsync());
    }

    [Fact]
    public async Task Import_UserMayNotRunInfo_ImportsAndSaysThePolicyCouldNotBeChecked()
    {
        // The README's publisher ACL without +info (INFO is in @dangerous): the check is refused, the import is not.
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        var ns = cli.Namespace;
        var user = "cc-noinfo-import-" + ns;
        Assert.Equal("+OK", await redis.Server.CommandAsync("ACL", "SETUSER", user, "on", ">noinfo-password-2", $"~cc:{{{ns}}}:*", $"&cc:{{{ns}}}:notify", "+@all", "-@dangerous"));
        var noInfo = new Dictionary<string, string?>(cli.Environment, StringComparer.Ordinal)
        {
            ["CREDITCHECK_REDIS_USER"] = user,
            ["CREDITCHECK_REDIS_PASSWORD"] = "noinfo-password-2",
        };
        try
        {
            var result = await Cli.RunAsync(noInfo, "import", cli.WriteCsv("one.csv", Rows.Entity(1)), "--list", CliSession.Debtors);

            Assert.True(result.ExitCode == Exit.Ok, result.ToString());
            Assert.Contains("无法检查", result.Error, StringComparison.Ordinal);
            Assert.Contains("could not be checked", result.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("警告", result.Error, StringComparison.Ordinal);
            Assert.Equal(1, await cli.EntriesAsync());
        }
        finally
        {
            await redis.Server.CommandAsync("ACL", "DELUSER", user);
        }
    }
}
