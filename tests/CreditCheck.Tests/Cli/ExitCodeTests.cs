using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using CreditCheck.Tests.Support;

namespace CreditCheck.Tests.Cli;

/// <summary>The documented exit codes for usage errors and store trouble.</summary>
[Collection(CliTestGroup.Name)]
public sealed class ExitCodeTests(RedisFixture redis)
{
    [Fact]
    public async Task Status_UnknownOption_ExitsUsageNamingIt()
    {
        using var cli = new CliSession(redis.Server);

        var result = await cli.RunAsync("status", "--no-such-option");

        Assert.Equal(Exit.Usage, result.ExitCode);
        Assert.Contains("--no-such-option", result.Error, StringComparison.Ordinal);
        Assert.Contains("--help", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_UnknownCommandOrMissingArgument_ExitsUsage()
    {
        using var cli = new CliSession(redis.Server);

        Assert.Equal(Exit.Usage, (await cli.RunAsync("frobnicate")).ExitCode);
        Assert.Equal(Exit.Usage, (await cli.RunAsync("import", "--list", CliSession.Debtors)).ExitCode); // no FILE
        Assert.Equal(Exit.Usage, (await cli.RunAsync("catalog", "validate")).ExitCode);
    }

    [Fact]
    public async Task Run_Help_ExitsOkListingTheCommands()
    {
        using var cli = new CliSession(server: null);

        var result = await cli.RunAsync("--help");

        Assert.Equal(Exit.Ok, result.ExitCode);
        Assert.Contains("import", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_NoStoreConfigured_ExitsStoreUnavailableNamingTheVariable()
    {
        using var cli = new CliSession(server: null); // an empty environment

        var result = await cli.RunAsync("status");

        Assert.Equal(Exit.StoreUnavailable, result.ExitCode);
        Assert.Contains("CREDITCHECK_REDIS", result.Error, StringComparison.Ordinal);
        Assert.Contains("--redis", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_UnreachableRedis_ExitsStoreUnavailableQuickly()
    {
        using var cli = new CliSession(server: null);
        var port = FreePort();
        var clock = Stopwatch.StartNew();

        var result = await cli.RunAsync("status", "--redis", $"127.0.0.1:{port}", "--secret", CliSession.Secret);

        Assert.Equal(Exit.StoreUnavailable, result.ExitCode);
        Assert.Contains("cannot be reached", result.Error, StringComparison.Ordinal);
        Assert.Contains($"无法连接 Redis 127.0.0.1:{port}（无法建立连接）", result.Error, StringComparison.Ordinal); // the server, named
        Assert.DoesNotContain("UnableToConnect", result.Error.Split(" — ")[0], StringComparison.Ordinal); // the Chinese half is Chinese
        Assert.DoesNotContain("failing over", result.Error, StringComparison.Ordinal); // one server: no cluster advice
        Assert.Single(result.Error.Trim().Split('\n')); // one line, not the client's connection dump
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Import_UnreachableRedisFromEnvironment_ExitsStoreUnavailable()
    {
        using var cli = new CliSession(redis.Server);
        cli.Environment["CREDITCHECK_REDIS"] = $"127.0.0.1:{FreePort()}";
        var file = cli.WriteCsv("one.csv", Rows.Entity(1));

        var result = await cli.RunAsync("import", file, "--list", CliSession.Debtors);

        Assert.Equal(Exit.StoreUnavailable, result.ExitCode);
    }

    [Fact]
    public async Task CatalogShow_NoStoreAtAll_SaysSoInChineseThenEnglish()
    {
        // Found from outside: the message was English only.
        using var cli = new CliSession(server: null);
        cli.Environment.Remove("CREDITCHECK_REDIS");

        var result = await cli.RunAsync("catalog", "show");

        Assert.Equal(Exit.StoreUnavailable, result.ExitCode);
        Assert.Contains("未指定存储：请用 --redis HOST:PORT", result.Error, StringComparison.Ordinal);
        Assert.True(result.Error.IndexOf("未指定存储", StringComparison.Ordinal) < result.Error.IndexOf("No store", StringComparison.Ordinal), result.Error);
    }

    [Fact]
    public async Task Status_RedisWithoutSecret_ExitsUsageNamingTheVariable()
    {
        using var cli = new CliSession(redis.Server);
        cli.Environment.Remove("CREDITCHECK_SECRET");

        var result = await cli.RunAsync("status");

        Assert.Equal(Exit.Usage, result.ExitCode);
        Assert.Contains("CREDITCHECK_SECRET", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StatusAndImport_WrongSecret_ExitConflictAndChangeNothing()
    {
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        await cli.RunOkAsync("import", cli.WriteCsv("one.csv", Rows.Entity(1)), "--list", CliSession.Debtors);
        var sequence = await cli.SequenceAsync();
        var other = new Dictionary<string, string?>(cli.Environment, StringComparer.Ordinal) { ["CREDITCHECK_SECRET"] = "another-secret-0123456789abcdef" };

        var status = await Cli.RunAsync(other, "status");
        var import = await Cli.RunAsync(other, "import", cli.WriteCsv("two.csv", Rows.Entity(2)), "--list", CliSession.Debtors);
        var byOption = await cli.RunAsync("status", "--secret", "a-third-secret-0123456789abcdef");

        Assert.Equal(Exit.Conflict, status.ExitCode);
        Assert.Contains("different secret", status.Error, StringComparison.Ordinal);
        Assert.Contains("命令拒绝执行", status.Error, StringComparison.Ordinal);
        Assert.Contains("so the command refuses to run; nothing was changed.", status.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("refuses to start", status.Error, StringComparison.Ordinal); // the SDK's words, not a command's
        Assert.Equal(Exit.Conflict, import.ExitCode);
        Assert.Equal(Exit.Conflict, byOption.ExitCode);
        Assert.Equal(sequence, await cli.SequenceAsync());
        Assert.Equal(1, await cli.EntriesAsync());
    }

    [Fact]
    public async Task Status_ASecretShorterThan16_ExitsUsageInTheOperatorsWords()
    {
        // Found from outside: the SDK's English "RedisStoreOptions.Secret must be set and at least 16 characters long".
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();

        var result = await cli.RunAsync("status", "--secret", "too-short");

        Assert.True(result.ExitCode == Exit.Usage, result.ToString());
        Assert.Contains("命名空间的密钥至少 16 个字符，所给的（CREDITCHECK_SECRET 或 --secret）只有 9 个", result.Error, StringComparison.Ordinal);
        Assert.Contains("the one given (CREDITCHECK_SECRET or --secret) has 9.", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("RedisStoreOptions", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_UnknownStoreKind_ExitsUsage()
    {
        using var cli = new CliSession(redis.Server);

        var result = await cli.RunAsync("status", "--store", "postgres");

        Assert.Equal(Exit.Usage, result.ExitCode);
        Assert.Contains("postgres", result.Error, StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
