using CreditCheck.Redis;
using CreditCheck.Tests.Support;

namespace CreditCheck.Tests.Cli;

/// <summary>A mistyped namespace, a wrong secret on the feedback commands and a read-only ACL user: each
/// gets a named answer, and none of them changes what is stored.</summary>
[Collection(CliTestGroup.Name)]
public sealed class NamespaceAndAccessTests(RedisFixture redis)
{
    [Fact]
    public async Task Status_NamespaceNeverSetUp_ExitsNotFoundListingTheNamespacesAndClaimsNothing()
    {
        using var real = new CliSession(redis.Server);
        await real.PublishAsync();
        var typo = real.Namespace[..^1] + "-"; // one character off (an upper-case one is not a valid name: a usage error)
        var environment = new Dictionary<string, string?>(real.Environment, StringComparer.Ordinal) { ["CREDITCHECK_NAMESPACE"] = typo };

        var status = await Cli.RunAsync(environment, "status");
        var check = await Cli.RunAsync(environment, "check", Rows.Company(1), "--scenario", "procurement");

        Assert.Equal(Exit.NotFound, status.ExitCode);
        Assert.Contains($"没有命名空间 '{typo}'（可能拼写有误）", status.Error, StringComparison.Ordinal);
        Assert.Contains(real.Namespace, status.Error, StringComparison.Ordinal); // the closest of the namespaces that exist
        Assert.Contains("catalog publish", status.Error, StringComparison.Ordinal);
        Assert.Contains("mistyped", status.Error, StringComparison.Ordinal);
        Assert.Equal(Exit.NotFound, check.ExitCode);
        // Nothing was claimed under the typo: a later publish with another secret is still free to set it up.
        Assert.Equal(":0", await redis.Server.CommandAsync("EXISTS", $"cc:{{{typo}}}:meta"));
    }

    [Fact]
    public async Task Status_NamespaceWithAMetaKeyButNoPublisher_IsNotANamespace_AndAnEmptyNameIsAUsageError()
    {
        // Found from outside: a host on a mistyped namespace wrote meta's feedback count there; the tool then took the
        // name for a namespace, listed it among those that exist, and claimed it (fingerprint, layout) on `check`.
        using var real = new CliSession(redis.Server);
        await real.PublishAsync();
        var typo = real.Namespace[..^1] + "y";
        await redis.Server.CommandAsync("HSET", $"cc:{{{typo}}}:meta", "feedbackDelivered", "2");
        var environment = new Dictionary<string, string?>(real.Environment, StringComparer.Ordinal) { ["CREDITCHECK_NAMESPACE"] = typo };

        var check = await Cli.RunAsync(environment, "check", Rows.Company(1), "--scenario", "procurement");
        var elsewhere = await Cli.RunAsync(new Dictionary<string, string?>(real.Environment, StringComparer.Ordinal) { ["CREDITCHECK_NAMESPACE"] = typo + "q" }, "status");
        var empty = await Cli.RunAsync(real.Environment, "status", "--namespace", "");

        Assert.Equal(Exit.NotFound, check.ExitCode);
        Assert.Contains($"没有命名空间 '{typo}'", check.Error, StringComparison.Ordinal);
        Assert.Equal(":0", await redis.Server.CommandAsync("HEXISTS", $"cc:{{{typo}}}:meta", "fingerprint"));
        Assert.Equal(Exit.NotFound, elsewhere.ExitCode);
        Assert.Contains(real.Namespace, elsewhere.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(typo + ",", elsewhere.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(typo + "；", elsewhere.Error, StringComparison.Ordinal);
        Assert.Equal(Exit.Usage, empty.ExitCode);
        Assert.Contains("1-64 of a-z, 0-9", empty.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_MistypedNamespaceWithOneConfiguredNodeDown_StillNotFound_NamingTheNodeNotListed()
    {
        // Found from outside: one dead node among a cluster's seeds turned a mistyped namespace into "the store cannot
        // be reached" (exit 3) with the client's 600-character dump; the nodes that answer are listed, the others named.
        using var real = new CliSession(redis.Server);
        await real.PublishAsync();
        var typo = real.Namespace[..^1] + "-";
        using var unused = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        unused.Start();
        var dead = $"127.0.0.1:{((System.Net.IPEndPoint)unused.LocalEndpoint).Port}";
        unused.Stop(); // a free loopback port nothing listens on
        var environment = new Dictionary<string, string?>(real.Environment, StringComparer.Ordinal)
        {
            ["CREDITCHECK_NAMESPACE"] = typo,
            ["CREDITCHECK_REDIS"] = $"{redis.Server.Configuration},{dead}",
        };

        var status = await Cli.RunAsync(environment, "status");

        Assert.True(status.ExitCode == Exit.NotFound, status.ToString());
        Assert.Contains(real.Namespace, status.Error, StringComparison.Ordinal);
        Assert.Contains($"节点 {dead} 无法连接，未能列出其上的命名空间", status.Error, StringComparison.Ordinal);
        Assert.Contains($"node(s) {dead} cannot be reached", status.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FeedbackExportAndReport_WrongSecretOrMistypedNamespace_AreRefused()
    {
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        var wrongSecret = new Dictionary<string, string?>(cli.Environment, StringComparer.Ordinal) { ["CREDITCHECK_SECRET"] = "another-secret-0123456789abcdef" };
        var typo = new Dictionary<string, string?>(cli.Environment, StringComparer.Ordinal) { ["CREDITCHECK_NAMESPACE"] = cli.Namespace + "x" };
        string[] export = ["feedback", "export", "--since", "2024-01-01", "--until", "2024-04-01", "--out", cli.PathOf("out.csv")];
        string[] report = ["report", "--since", "2024-01-01", "--until", "2024-04-01", "--out", cli.PathOf("report.html")];

        var exportWrong = await Cli.RunAsync(wrongSecret, export);
        var reportWrong = await Cli.RunAsync(wrongSecret, report);
        var exportTypo = await Cli.RunAsync(typo, export);

        Assert.Equal(Exit.Conflict, exportWrong.ExitCode);
        Assert.Contains("different secret", exportWrong.Error, StringComparison.Ordinal);
        Assert.Equal(Exit.Conflict, reportWrong.ExitCode);
        Assert.Equal(Exit.NotFound, exportTypo.ExitCode);
        Assert.Contains(cli.Namespace, exportTypo.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(cli.PathOf("out.csv")));
        Assert.Equal(Exit.Ok, (await cli.RunAsync(export)).ExitCode); // the right secret reads
    }

    [Fact]
    public async Task Status_ReadOnlySdkUser_ShowsWhatItMayReadAndNamesTheRest()
    {
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        await cli.RunOkAsync("import", cli.WriteCsv("one.csv", Rows.Entity(1)), "--list", CliSession.Debtors);
        var ns = cli.Namespace;
        var user = "cc-ro-" + ns;
        Assert.Equal("+OK", await redis.Server.CommandAsync(
            [.. $"ACL SETUSER {user} on >ro-password-1 ~cc:{{{ns}}}:* &cc:{{{ns}}}:notify".Split(' '), .. RedisAcl.SdkCommands]));
        var readOnly = new Dictionary<string, string?>(cli.Environment, StringComparer.Ordinal)
        {
            ["CREDITCHECK_REDIS_USER"] = user,
            ["CREDITCHECK_REDIS_PASSWORD"] = "ro-password-1",
        };
        try
        {
            var status = await Cli.RunAsync(readOnly, "status", "--json");
            var check = await Cli.RunAsync(readOnly, "check", Rows.Company(1), "--scenario", "procurement", "--json");

            Assert.Equal(Exit.Ok, status.ExitCode);
            Assert.Equal(CreditCheck.Catalog.CreditCatalog.Default.Version, status.Json["catalogVersion"]!.GetValue<string>());
            Assert.Contains("NOPERM", status.Json["notPermitted"]![0]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.DoesNotContain("cannot be reached", status.Error, StringComparison.Ordinal);
            Assert.Equal(Exit.Ok, check.ExitCode);
            Assert.NotEqual("Clear", check.Json["outcome"]!.GetValue<string>()); // the listed subject, read by the read-only user

            // Found from outside: an operator's command run with the SDK's user was "the store cannot be reached", and the
            // refused script had changed the entry's status already. Now: the user's rights named, nothing written.
            var repair = await Cli.RunAsync(readOnly, "entry", "repair", Rows.Company(1), "--list", CliSession.Debtors, "--reason", "修复决定书");
            Assert.True(repair.ExitCode == Exit.StoreUnavailable, repair.ToString());
            Assert.Contains("Redis refused the user's rights", repair.Error, StringComparison.Ordinal);
            Assert.Contains("Redis 拒绝了当前用户的权限", repair.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("cannot be reached", repair.Error, StringComparison.Ordinal);
            var after = await cli.RunOkAsync("check", Rows.Company(1), "--scenario", "procurement", "--json");
            Assert.Equal(check.Json["outcome"]!.GetValue<string>(), after.Json["outcome"]!.GetValue<string>());
            Assert.Equal("InForce", after.Json["entries"]![0]!["state"]!.GetValue<string>());
        }
        finally
        {
            await redis.Server.CommandAsync("ACL", "DELUSER", user);
        }
    }

    [Fact]
    public async Task StatusAndVerify_PublisherUserWithoutInfo_SayTheEvictionPolicyIsUnknownAndTheMarkNotWritten()
    {
        // Found from outside: on a user made as the README said (+@all -@dangerous: INFO is dangerous), status said
        // nothing could be evicted (mayEvict false, nothing under notPermitted) and verify wrote no mark without a word.
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        await cli.RunOkAsync("import", cli.WriteCsv("one.csv", Rows.Entity(1)), "--list", CliSession.Debtors);
        var ns = cli.Namespace;
        var user = "cc-noinfo-" + ns;
        Assert.Equal("+OK", await redis.Server.CommandAsync("ACL", "SETUSER", user, "on", ">noinfo-password-1", $"~cc:{{{ns}}}:*", $"&cc:{{{ns}}}:notify", "+@all", "-@dangerous"));
        var noInfo = new Dictionary<string, string?>(cli.Environment, StringComparer.Ordinal)
        {
            ["CREDITCHECK_REDIS_USER"] = user,
            ["CREDITCHECK_REDIS_PASSWORD"] = "noinfo-password-1",
        };
        try
        {
            var status = await Cli.RunAsync(noInfo, "status", "--json");
            var verify = await Cli.RunAsync(noInfo, "verify");

            Assert.True(status.ExitCode == Exit.Ok, status.ToString());
            Assert.Null(status.Json["eviction"]!["mayEvict"]); // unknown, not "no"
            Assert.Contains(status.Json["notPermitted"]!.AsArray(), n => n!.GetValue<string>().Contains("INFO was not answered", StringComparison.Ordinal));
            Assert.True(verify.ExitCode == Exit.Ok, verify.ToString());
            Assert.Contains("未记录核验标记", verify.Output, StringComparison.Ordinal);
            Assert.Contains("the verified mark was not written", verify.Output, StringComparison.Ordinal);
        }
        finally
        {
            await redis.Server.CommandAsync("ACL", "DELUSER", user);
        }
    }

    [Fact]
    public async Task Report_FeedbackReadersUser_WritesTheReportWithAWarningForTheCounts()
    {
        // Found from outside: the README says the feedback reader's rights are enough for `report`; `feedback export` ran,
        // but `report` ended with exit 3 (NOPERM on opening the store for the check counts) instead of writing the report.
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        var ns = cli.Namespace;
        await FeedbackSamples.ReportToRedisAsync(redis.Server, ns, await FeedbackSamples.CreateAsync());
        var user = "cc-reader-" + ns;
        Assert.Equal("+OK", await redis.Server.CommandAsync(["ACL", "SETUSER", user, "on", ">reader-password-1", $"~cc:{{{ns}}}:feedback", $"%R~cc:{{{ns}}}:meta", .. RedisAcl.FeedbackReaderCommands]));
        var reader = new Dictionary<string, string?>(cli.Environment, StringComparer.Ordinal)
        {
            ["CREDITCHECK_REDIS_USER"] = user,
            ["CREDITCHECK_REDIS_PASSWORD"] = "reader-password-1",
        };
        try
        {
            var export = await Cli.RunAsync(reader, "feedback", "export", "--since", "2026-07-01", "--until", "2026-10-01", "--out", cli.PathOf("q3.csv"));
            var report = await Cli.RunAsync(reader, "report", "--since", "2026-07-01", "--until", "2026-10-01", "--out", cli.PathOf("q3.html"));

            Assert.True(export.ExitCode == Exit.Ok, export.ToString());
            Assert.True(report.ExitCode == Exit.Ok, report.ToString());
            Assert.True(File.Exists(cli.PathOf("q3.html")));
            Assert.Contains("the check counts and commitments could not be read", report.Error, StringComparison.Ordinal);
            Assert.Contains("Redis refused the user's rights", report.Error, StringComparison.Ordinal);
        }
        finally
        {
            await redis.Server.CommandAsync("ACL", "DELUSER", user);
        }
    }

    [Fact]
    public async Task Status_WrongPasswordOfAnAclUser_ExitsStoreUnavailableNamingTheSetting_NotAnInternalError()
    {
        // Found from outside: exit 70 "internal error (RedisUserMismatchException)" naming a C# option.
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        var user = "cc-pw-" + cli.Namespace;
        Assert.Equal("+OK", await redis.Server.CommandAsync("ACL", "SETUSER", user, "on", ">right-password-1", "~*", "&*", "+@all"));
        var wrong = new Dictionary<string, string?>(cli.Environment, StringComparer.Ordinal)
        {
            ["CREDITCHECK_REDIS_USER"] = user,
            ["CREDITCHECK_REDIS_PASSWORD"] = "wrong-password-1",
        };
        try
        {
            var status = await Cli.RunAsync(wrong, "status");

            Assert.Equal(Exit.StoreUnavailable, status.ExitCode);
            Assert.Contains($"Redis refused the password of user '{user}'", status.Error, StringComparison.Ordinal);
            Assert.Contains("CREDITCHECK_REDIS_PASSWORD", status.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("internal error", status.Error, StringComparison.Ordinal);
        }
        finally
        {
            await redis.Server.CommandAsync("ACL", "DELUSER", user);
        }
    }
}
