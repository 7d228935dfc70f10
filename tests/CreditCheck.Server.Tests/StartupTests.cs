using CreditCheck.Redis;
using CreditCheck.Server.Tests.Support;
using CreditCheck.Tests.Support;

namespace CreditCheck.Server.Tests;

/// <summary>Who may call when nothing is configured, and which addresses the server refuses.</summary>
public sealed class StartupTests
{
    [Fact(Timeout = 120_000)]
    public async Task NoClientConfigured_SaysLoopbackOnlyAtStart_AndServesLoopbackCallersWithoutAKey()
    {
        await using var server = await ServerProcess.StartAsync(new Dictionary<string, string>());
        var stubs = Directory.CreateTempSubdirectory("creditcheck-stubs-").FullName;
        try
        {
            Assert.Contains("未配置调用方：仅接受本机（loopback）调用", server.Output, StringComparison.Ordinal);
            var http = await Python.RunAsync("http_cases.py", "loopback_no_key", EmbeddedServerFixture.Environment(server, stubs, string.Empty));
            var grpc = await Python.RunAsync("grpc_cases.py", "listed", EmbeddedServerFixture.Environment(server, stubs, string.Empty));

            Assert.Equal("Denied", http.GetProperty("outcome").GetString());
            Assert.Equal("Denied", grpc.GetProperty("outcome").GetString());
        }
        finally
        {
            Directory.Delete(stubs, recursive: true);
        }
    }

    [Theory(Timeout = 60_000)]
    [InlineData("http://0.0.0.0:5090", "without TLS")]
    [InlineData("http://192.168.1.10:5090", "without TLS")]
    [InlineData("ftp://127.0.0.1:5090", "is not an http or https address")]
    public async Task NonLoopbackHttpWithoutTlsOrProxy_IsRefusedWithExitCode2(string urls, string reason)
    {
        var (exitCode, output) = await ServerProcess.RunAsync(new Dictionary<string, string>(), "--urls", urls);

        Assert.Equal(2, exitCode);
        Assert.Contains(reason, output, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task BehindTlsProxyWithoutClients_IsRefused_SinceEveryCallerWouldLookLikeTheProxy()
    {
        var (exitCode, output) = await ServerProcess.RunAsync(new Dictionary<string, string>(), "--urls", "http://0.0.0.0:0", "--behind-tls-proxy");

        Assert.Equal(2, exitCode);
        Assert.Contains("needs clients", output, StringComparison.Ordinal);
    }

    [Theory(Timeout = 60_000)]
    [InlineData("--CreditCheck:OnListsNotHeld=Strict", "CreditCheck:OnListsNotHeld", "Review")]
    [InlineData("--CreditCheck:Feedback:AcknowledgeTimeout=10s", "CreditCheck:Feedback:AcknowledgeTimeout", "10s")]
    [InlineData("--CreditCheck:Server:MaxRequestBodyBytes=4MB", "CreditCheck:Server:MaxRequestBodyBytes", "4MB")]
    public async Task AMistypedOptionValue_IsRefusedWithExitCode2NamingTheOption_NotBlamedOnTheStore(string option, string key, string named)
    {
        // Found from outside: --CreditCheck:OnListsNotHeld=Strict was "the embedded store could not load its data" (exit 3;
        // on Redis "Redis … could not be set up"), and a server option's bad value crashed with an unhandled exception.
        var (exitCode, output) = await ServerProcess.RunAsync(new Dictionary<string, string>(), "--urls", "http://127.0.0.1:0", option);

        Assert.Equal(2, exitCode);
        Assert.Contains(key, output, StringComparison.Ordinal);
        Assert.Contains(named, output, StringComparison.Ordinal);
        Assert.DoesNotContain("could not load its data", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task AClientWithABadKeyHash_IsRefusedAtStart()
    {
        var (exitCode, output) = await ServerProcess.RunAsync(
            new Dictionary<string, string> { ["CreditCheck__Server__Clients__0__Id"] = "x", ["CreditCheck__Server__Clients__0__KeyHash"] = "plain-key" },
            "--urls", "http://127.0.0.1:0");

        Assert.Equal(2, exitCode);
        Assert.Contains("KeyHash", output, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task ABadSeedRowInData_FailsTheStartNamingTheRow_NotEveryCheckWithA500()
    {
        // Found from outside: the service started, said Healthy, and answered every check with an empty 500.
        var data = Directory.CreateTempSubdirectory("creditcheck-baddata-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(data, "debtors.csv"),
                "list,kind,subject,name,listedOn,entryId\ncourt-dishonest-debtors,LegalEntity,9144030071526726XG,示例有限公司,2024-13-45,e-1\n");

            var (exitCode, output) = await ServerProcess.RunAsync(new Dictionary<string, string>(), "--data", data, "--urls", "http://127.0.0.1:0");

            Assert.Equal(3, exitCode);
            Assert.Contains("the embedded store could not load its data", output, StringComparison.Ordinal);
            Assert.Contains("debtors.csv:2", output, StringComparison.Ordinal);
            Assert.Contains("2024-13-45", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact(Timeout = 90_000)]
    public async Task AFeedbackJournalInUse_IsRefusedAtStart_NamingTheJournal_NotBlamedOnTheStore()
    {
        // Feedback is acknowledged once in the journal: a service that cannot write it must not start.
        var folder = Directory.CreateTempSubdirectory("creditcheck-journal-").FullName;
        try
        {
            var journal = Path.Combine(folder, "feedback.journal");
            using (new FileStream(journal, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None))
            {
                var (exitCode, output) = await ServerProcess.RunAsync(new Dictionary<string, string>(), "--journal", journal, "--urls", "http://127.0.0.1:0");

                Assert.True(exitCode == 1, $"exit {exitCode}: {output}");
                Assert.Contains("反馈日志无法使用，服务未启动。The feedback journal cannot be used", output, StringComparison.Ordinal);
                Assert.Contains(journal, output, StringComparison.Ordinal);
                Assert.DoesNotContain("embedded store", output, StringComparison.Ordinal);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact(Timeout = 90_000)]
    public async Task AFeedbackJournalInAMissingFolder_IsRefusedAtStart_WithExit1_AsReadmeSays()
    {
        // Found from outside: --journal /tmp/x/nodir/j.journal exited 2 (a bad argument) where README says exit 1.
        var journal = Path.Combine(Path.GetTempPath(), "creditcheck-no-such-folder-" + Guid.NewGuid().ToString("N"), "feedback.journal");

        var (exitCode, output) = await ServerProcess.RunAsync(new Dictionary<string, string>(), "--journal", journal, "--urls", "http://127.0.0.1:0");

        Assert.True(exitCode == 1, $"exit {exitCode}: {output}");
        Assert.Contains("反馈日志无法使用，服务未启动。The feedback journal cannot be used", output, StringComparison.Ordinal);
        Assert.Contains("does not exist", output, StringComparison.Ordinal);
        Assert.False(File.Exists(journal));
    }

    [Fact(Timeout = 90_000)]
    public async Task APortInUse_IsNamedAsSuch_NotBlamedOnRedis()
    {
        // Found from outside: "error: Redis at … could not be set up: Failed to bind to address …", exit 3.
        await using var redis = await RedisServer.StartAsync();
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;

        var (exitCode, output) = await ServerProcess.RunAsync(
            new Dictionary<string, string> { ["CREDITCHECK_SECRET"] = "a-secret-0123456789abcdef-0123" },
            "--redis", redis.Configuration, "--urls", $"http://127.0.0.1:{port}");

        Assert.Equal(1, exitCode);
        Assert.Contains("could not listen", output, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{port}", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Redis at", output, StringComparison.Ordinal);
    }

    [Fact(Timeout = 90_000)]
    public async Task ARedisUrlWithAPassword_IsNeverPrintedInClear()
    {
        // Found from outside: the start banner, event 4001 and start errors printed redis://user:password@… as given.
        const string password = "s3cret-pw-9f";
        await using var redis = await RedisServer.StartAsync();
        await redis.CommandAsync("ACL", "SETUSER", "ops", "on", ">" + password, "~*", "&*", "+@all");
        await using (var publisher = await RedisCreditPublisher.ConnectAsync(new RedisStoreOptions
        {
            Configuration = redis.Configuration,
            Namespace = "masked",
            Secret = "the-publishers-secret-0123456789",
        }))
        {
            await publisher.PublishCatalogAsync(CreditCheck.Catalog.CreditCatalog.Default);
        }

        // The namespace was set up under another secret: the start fails and says where Redis is.
        var (exitCode, output) = await ServerProcess.RunAsync(
            new Dictionary<string, string> { ["CREDITCHECK_SECRET"] = "another-secret-0123456789abcdef" },
            "--redis", $"redis://ops:{password}@127.0.0.1:{redis.Port}", "--namespace", "masked", "--urls", "http://127.0.0.1:0");

        Assert.Equal(3, exitCode);
        Assert.Contains($"redis://ops:***@127.0.0.1:{redis.Port}", output, StringComparison.Ordinal);
        Assert.DoesNotContain(password, output, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task RedisWithoutASecret_ExitsWithUsageNamingTheEnvironmentVariable()
    {
        var (exitCode, output) = await ServerProcess.RunAsync(
            new Dictionary<string, string> { ["CREDITCHECK_SECRET"] = "" }, "--redis", "127.0.0.1:1", "--urls", "http://127.0.0.1:0");

        Assert.Equal(2, exitCode);
        Assert.Contains("$CREDITCHECK_SECRET", output, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task HashKeyWithoutAKey_PrintsUsage_AndDoesNotStartTheService()
    {
        var (exitCode, output) = await ServerProcess.RunAsync(new Dictionary<string, string>(), "hash-key");

        Assert.Equal(2, exitCode);
        Assert.Contains("hash-key takes exactly one argument", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", output, StringComparison.Ordinal);
    }
}
