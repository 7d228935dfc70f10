using CreditCheck.Redis;
using CreditCheck.Server.Tests.Support;
using CreditCheck.Stores;
using CreditCheck.Tests.Support;

namespace CreditCheck.Server.Tests;

/// <summary>The server on a real redis-server (<c>--redis</c>, <c>--namespace</c>, secret from the environment),
/// the namespace published with the SDK's publisher, called from Python; feedback read back from the stream.</summary>
public sealed class RedisServerTests : IAsyncLifetime
{
    private const string Namespace = "servertest";
    private const string Secret = "server-tests-secret-0123456789";
    private const string Listed = "320102197207067646";
    private RedisServer _redis = null!;
    private ServerProcess _server = null!;
    private readonly string _stubs = Directory.CreateTempSubdirectory("creditcheck-stubs-").FullName;

    public async ValueTask InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        await using (var publisher = await RedisCreditPublisher.ConnectAsync(Options()))
        {
            await publisher.PublishCatalogAsync(CreditCheck.Catalog.CreditCatalog.Default);
            var now = TimeProvider.System.GetUtcNow();
            await publisher.UpsertAsync(new ListRecord(SubjectId.Parse(Listed, SubjectKind.NaturalPerson), new ListEntry
            {
                EntryId = "srv-0001",
                ListCode = "court-dishonest-debtors",
                SubjectKind = SubjectKind.NaturalPerson,
                SubjectName = "测试某",
                Authority = "测试法院",
                DecisionReference = "(2026)测执1号",
                ListedOn = now.AddDays(-30),
                ValidFrom = now.AddDays(-30),
                ValidUntil = now.AddDays(700),
            }));

            // A legal representative named because of an enterprise's entry (as in samples/data): the listed cases ask.
            await publisher.UpsertAsync(new ListRecord(SubjectId.Parse("330106195906204898", SubjectKind.NaturalPerson), new ListEntry
            {
                EntryId = "srv-0002",
                ListCode = "court-dishonest-debtors",
                SubjectKind = SubjectKind.NaturalPerson,
                SubjectName = "吴某某",
                ListedOn = now.AddDays(-30),
                ValidUntil = now.AddDays(700),
                RelatedTo = new RelatedParty("示例晟达建设工程股份有限公司", "91110105MA933G639A", RelatedRole.LegalRepresentative),
            }));
        }

        var environment = Clients.Environment();
        environment["CREDITCHECK_SECRET"] = Secret;
        _server = await ServerProcess.StartAsync(environment, "--redis", _redis.Configuration, "--namespace", Namespace);
    }

    [Fact(Timeout = 120_000)]
    public async Task Http_ListedAndCleanAndBatch_AnsweredFromRedis()
    {
        var listed = await Python.RunAsync("http_cases.py", "listed", Environment(Clients.Procurement));
        var clean = await Python.RunAsync("http_cases.py", "clean", Environment(Clients.Procurement));
        var batch = await Python.RunAsync("http_cases.py", "batch", Environment(Clients.Procurement));

        Assert.Equal("Denied", listed.GetProperty("outcome").GetString());
        Assert.Contains(listed.GetProperty("path").GetString(), new[] { "Store", "Cache" });
        Assert.Equal("Clear", clean.GetProperty("outcome").GetString());
        Assert.Equal("LocalFilter", clean.GetProperty("path").GetString());

        // The namespace holds only 失信被执行人名单 (single entries): the lists acting in procurement it lacks are named.
        var notHeld = clean.GetProperty("listsNotHeld").EnumerateArray().Select(l => l.GetString()).ToList();
        Assert.Contains("procurement-serious-violations", notHeld);
        Assert.DoesNotContain("court-dishonest-debtors", notHeld);
        Assert.StartsWith("在已载入的名单中未发现适用的联合奖惩措施", clean.GetProperty("explanation").GetString(), StringComparison.Ordinal);
        Assert.Equal("Denied", batch.GetProperty("outcomes")[0].GetString());
    }

    [Fact(Timeout = 120_000)]
    public async Task Http_WithListsNotHeldReview_AnswersACleanSubjectReviewNamingTheListsMissing()
    {
        var environment = Clients.Environment();
        environment["CREDITCHECK_SECRET"] = Secret;
        await using var strict = await ServerProcess.StartAsync(environment, "--redis", _redis.Configuration, "--namespace", Namespace, "--CreditCheck:OnListsNotHeld=Review");

        var clean = await Python.RunAsync("http_cases.py", "clean_not_covered", EmbeddedServerFixture.Environment(strict, _stubs, Clients.Procurement));
        var listed = await Python.RunAsync("http_cases.py", "listed", EmbeddedServerFixture.Environment(strict, _stubs, Clients.Procurement));

        Assert.Equal("Review", clean.GetProperty("outcome").GetString());
        Assert.Contains("procurement-serious-violations", clean.GetProperty("listsNotHeld").EnumerateArray().Select(l => l.GetString()));
        Assert.Contains("procurement-serious-violations", clean.GetProperty("degradedReason").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("需审慎核查（本系统未载入部分适用名单", clean.GetProperty("explanation").GetString(), StringComparison.Ordinal);
        Assert.Equal("Denied", listed.GetProperty("outcome").GetString()); // worse outcomes are unchanged
    }

    [Fact(Timeout = 120_000)]
    public async Task Grpc_ListedAndClean_AnsweredFromRedis()
    {
        var listed = await Python.RunAsync("grpc_cases.py", "listed", Environment(Clients.Procurement));
        var clean = await Python.RunAsync("grpc_cases.py", "clean", Environment(Clients.Procurement));

        Assert.Equal("Denied", listed.GetProperty("outcome").GetString());
        Assert.Equal("Clear", clean.GetProperty("outcome").GetString());
        Assert.Contains("procurement-serious-violations", clean.GetProperty("listsNotHeld").EnumerateArray().Select(l => l.GetString()));
    }

    [Fact(Timeout = 180_000)]
    public async Task Feedback_ReportedToAnotherInstance_IsRelayedToTheOneThatMadeTheCheck_AndStoredOnce()
    {
        // Found from outside: behind a load balancer a report often reaches another instance, which answered 404.
        var environment = Clients.Environment();
        environment["CREDITCHECK_SECRET"] = Secret;
        await using var other = await ServerProcess.StartAsync(environment, "--redis", _redis.Configuration, "--namespace", Namespace);
        await Until(() => _server.Output.Contains("listening on cc:{servertest}:relay", StringComparison.Ordinal)
            && other.Output.Contains("listening on cc:{servertest}:relay", StringComparison.Ordinal));
        var python = EmbeddedServerFixture.Environment(_server, _stubs, Clients.Procurement, Clients.FeedbackOnly);
        python["OTHER_URL"] = other.BaseUrl;
        python["OTHER_TARGET"] = other.Target;

        var http = await Python.RunAsync("http_cases.py", "feedback_elsewhere", python);
        var grpc = await Python.RunAsync("grpc_cases.py", "feedback_elsewhere", python);

        // Each log says what it did: the instance asked relayed, the one that made the checks took them.
        Assert.Contains($"Feedback on check {http.GetProperty("checkId").GetString()}, made by another instance, relayed to it: 202", other.Output, StringComparison.Ordinal);
        Assert.Contains($"Feedback on check {grpc.GetProperty("checkId").GetString()}, reported to another instance, taken here: 202", _server.Output, StringComparison.Ordinal);

        // Stored once, by the instance that made the check, though reported twice through the other.
        var key = http.GetProperty("recordKeys")[0].GetString()!;
        await using var reader = await RedisFeedbackReader.ConnectAsync(Options());
        var now = TimeProvider.System.GetUtcNow();
        var stored = new List<FeedbackRecord>();
        await foreach (var record in reader.ReadAsync(now.AddHours(-1), now.AddHours(1)))
        {
            if (record.Key == key)
            {
                stored.Add(record);
            }
        }

        var kept = Assert.Single(stored);
        Assert.Equal(ExecutionResult.Executed, kept.Result);
        Assert.Equal("CG-2026-300", kept.TransactionReference);
    }

    [Fact(Timeout = 180_000)]
    public async Task Feedback_ReportedElsewhereWhileTheMakerIsStalled_Is503NotAFinal404_AndTakenOnceItRuns()
    {
        var environment = Clients.Environment();
        environment["CREDITCHECK_SECRET"] = Secret;
        await using var maker = await ServerProcess.StartAsync(environment, "--redis", _redis.Configuration, "--namespace", Namespace);
        await using var other = await ServerProcess.StartAsync(environment, "--redis", _redis.Configuration, "--namespace", Namespace);
        await Until(() => maker.Output.Contains("listening on cc:{servertest}:relay", StringComparison.Ordinal)
            && other.Output.Contains("listening on cc:{servertest}:relay", StringComparison.Ordinal));
        var python = EmbeddedServerFixture.Environment(maker, _stubs, Clients.Procurement);
        python["OTHER_URL"] = other.BaseUrl;
        python["CHECK_ID"] = (await Python.RunAsync("http_cases.py", "check_listed", python)).GetProperty("checkId").GetString()!;

        // Stopped as a long GC pause or a starved thread pool would: it neither claims nor says "not mine".
        Assert.Equal(0, await Signal("STOP", maker.ProcessId));
        try
        {
            var stalled = await Python.RunAsync("http_cases.py", "feedback_elsewhere_maker_stalled", python);
            Assert.Contains("could not all be asked now", stalled.GetProperty("problem").GetString(), StringComparison.Ordinal);
        }
        finally
        {
            Assert.Equal(0, await Signal("CONT", maker.ProcessId));
        }

        // Running again: the report is taken (as new, or as a repeat of the one the stalled instance took when it woke).
        var again = await Python.RunAsync("http_cases.py", "feedback_elsewhere_again", python);
        Assert.EndsWith(":procurement-refusal", again.GetProperty("recordKeys")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("did not say within 1 s whether they made the check", other.Output, StringComparison.Ordinal);
    }

    [Fact(Timeout = 180_000)]
    public async Task Relay_OnAUserWithoutHdel_StillRelays_TheOldIdsAreLeftAndSaidOnce()
    {
        // Found from outside: a user set up without +hdel failed the pruning of an id over an hour old, and the instance
        // kept retrying its start — present to the others but not listening, so their reports were 503.
        Assert.Equal("+OK", await _redis.CommandAsync([.. $"ACL SETUSER cc-nohdel on >nohdel-password-1 ~cc:{{{Namespace}}}:* &cc:{{{Namespace}}}:notify &cc:{{{Namespace}}}:relay".Split(' '),
            .. RedisAcl.SdkCommands.Where(c => c != "+hdel")]));
        await _server.KillAsync(); // its user may HDEL: it would prune the old id before these instances try
        Assert.Equal(":1", await _redis.CommandAsync("HSET", $"cc:{{{Namespace}}}:relay:instances", Guid.NewGuid().ToString("N"), "1000"));
        var environment = Clients.Environment();
        environment["CREDITCHECK_SECRET"] = Secret;
        var configuration = _redis.Configuration + ",user=cc-nohdel,password=nohdel-password-1";
        await using var maker = await ServerProcess.StartAsync(environment, "--redis", configuration, "--namespace", Namespace);
        await using var other = await ServerProcess.StartAsync(environment, "--redis", configuration, "--namespace", Namespace);
        await Until(() => maker.Output.Contains("listening on cc:{servertest}:relay", StringComparison.Ordinal)
            && other.Output.Contains("listening on cc:{servertest}:relay", StringComparison.Ordinal));
        var python = EmbeddedServerFixture.Environment(maker, _stubs, Clients.Procurement);
        python["OTHER_URL"] = other.BaseUrl;
        python["CHECK_ID"] = (await Python.RunAsync("http_cases.py", "check_listed", python)).GetProperty("checkId").GetString()!;

        var relayed = await Python.RunAsync("http_cases.py", "feedback_elsewhere_again", python);

        Assert.EndsWith(":procurement-refusal", relayed.GetProperty("recordKeys")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("cannot be removed", maker.Output + other.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Feedback relay unavailable", maker.Output + other.Output, StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task Relay_AMessageNotSignedWithTheNamespaceSecret_IsDroppedAndLogged()
    {
        // Found from outside: anyone who may publish on the channel could forge an answer (a 202 for a report nobody stored).
        await Until(() => _server.Output.Contains("listening on cc:{servertest}:relay", StringComparison.Ordinal));
        using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(_redis.Configuration);
        var forged = $$"""{"kind":2,"id":"{{Guid.NewGuid()}}","from":"{{Guid.NewGuid()}}","to":null,"client":null,"body":null,"answer":{"checkId":"{{Guid.NewGuid()}}","recordKeys":["forged:key"],"repeats":[]},"error":null}""";

        await redis.GetSubscriber().PublishAsync(StackExchange.Redis.RedisChannel.Literal("cc:{servertest}:relay"), forged + new string('0', 32));

        await Until(() => _server.Output.Contains("signature does not verify under the namespace secret", StringComparison.Ordinal));
    }

    private static async Task<int> Signal(string signal, int processId)
    {
        using var kill = System.Diagnostics.Process.Start("kill", [$"-{signal}", processId.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        await kill.WaitForExitAsync();
        return kill.ExitCode;
    }

    [Fact(Timeout = 180_000)]
    public async Task Feedback_OnAUserWithoutTheRelayChannel_EachInstanceSaysSoAndAnswersForItsOwnChecks()
    {
        // A user set up before the relay (README's ACL without &cc:{ns}:relay and +publish): checks and feedback work
        // as before, on the instance that made each check.
        Assert.Equal("+OK", await _redis.CommandAsync([.. $"ACL SETUSER cc-norelay on >norelay-password-1 ~cc:{{{Namespace}}}:* &cc:{{{Namespace}}}:notify".Split(' '),
            .. RedisAcl.SdkCommands.Where(c => c != "+publish")]));
        var environment = Clients.Environment();
        environment["CREDITCHECK_SECRET"] = Secret;
        var configuration = _redis.Configuration + ",user=cc-norelay,password=norelay-password-1";
        await using var first = await ServerProcess.StartAsync(environment, "--redis", configuration, "--namespace", Namespace);
        await using var second = await ServerProcess.StartAsync(environment, "--redis", configuration, "--namespace", Namespace);

        // With the channel but without PUBLISH it could neither ask nor answer: it says so too, rather than listen.
        Assert.Equal("+OK", await _redis.CommandAsync([.. $"ACL SETUSER cc-nopublish on >nopublish-password-1 ~cc:{{{Namespace}}}:* &cc:{{{Namespace}}}:notify &cc:{{{Namespace}}}:relay".Split(' '),
            .. RedisAcl.SdkCommands.Where(c => c != "+publish")]));
        await using var third = await ServerProcess.StartAsync(environment, "--redis", _redis.Configuration + ",user=cc-nopublish,password=nopublish-password-1", "--namespace", Namespace);
        await Until(() => first.Output.Contains("Feedback relay unavailable: cannot listen on cc:{servertest}:relay", StringComparison.Ordinal)
            && second.Output.Contains("Feedback relay unavailable", StringComparison.Ordinal)
            && third.Output.Contains("Feedback relay unavailable", StringComparison.Ordinal));
        Assert.DoesNotContain("listening on cc:{servertest}:relay", third.Output, StringComparison.Ordinal);
        var python = EmbeddedServerFixture.Environment(first, _stubs, Clients.Procurement);
        python["OTHER_URL"] = second.BaseUrl;

        var result = await Python.RunAsync("http_cases.py", "feedback_elsewhere_without_relay", python);

        Assert.EndsWith(":procurement-refusal", result.GetProperty("recordKeys")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("NOPERM", first.Output, StringComparison.Ordinal); // the operator reads why
    }

    private static async Task Until(Func<bool> condition)
    {
        var deadline = TimeProvider.System.GetUtcNow().AddSeconds(30);
        while (!condition())
        {
            Assert.True(TimeProvider.System.GetUtcNow() < deadline, "the condition did not hold within 30 s");
            await Task.Delay(100);
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task Feedback_FromHttpAndGrpc_ArrivesInTheFeedbackStream()
    {
        var http = await Python.RunAsync("http_cases.py", "feedback", Environment(Clients.Procurement));
        var grpc = await Python.RunAsync("grpc_cases.py", "feedback", Environment(Clients.Procurement));
        var expected = new[]
        {
            http.GetProperty("recordKeys")[0].GetString()!,
            grpc.GetProperty("recordKeys")[0].GetString()!,
            $"{Guid.Parse(http.GetProperty("cleanCheckId").GetString()!):N}:-",
        };

        await using var reader = await RedisFeedbackReader.ConnectAsync(Options());
        var deadline = TimeProvider.System.GetUtcNow().AddSeconds(20);
        List<FeedbackRecord> records;
        do
        {
            var now = TimeProvider.System.GetUtcNow();
            records = [];
            await foreach (var record in reader.ReadAsync(now.AddHours(-1), now.AddHours(1)))
            {
                records.Add(record);
            }

            if (expected.All(key => records.Any(r => r.Key == key)) || now > deadline)
            {
                break;
            }

            await Task.Delay(100);
        }
        while (true);

        Assert.All(expected, key => Assert.Contains(records, r => r.Key == key));
        var refusal = records.Single(r => r.Key == expected[0]);
        Assert.Equal(ExecutionResult.Executed, refusal.Result);
        Assert.Equal("市财政局", refusal.Department);
        Assert.Equal("440300", refusal.District);
        Assert.Equal(ExecutionResult.Overridden, records.Single(r => r.Key == expected[1]).Result);
    }

    [Fact(Timeout = 120_000)]
    public async Task Feedback_WhileRedisIsDown_Is503SayingWhyInBothLanguages_WithoutTheStoresInsides()
    {
        var environment = Clients.Environment();
        environment["CREDITCHECK_SECRET"] = Secret;
        environment["CreditCheck__Feedback__AcknowledgeTimeout"] = "00:00:01";
        await using var server = await ServerProcess.StartAsync(environment, "--redis", _redis.Configuration, "--namespace", Namespace);
        await _redis.KillAsync();

        var python = EmbeddedServerFixture.Environment(server, _stubs, Clients.Procurement);
        python["REDIS_PORT"] = _redis.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var http = await Python.RunAsync("http_cases.py", "feedback_store_down", python);
        var grpc = await Python.RunAsync("grpc_cases.py", "feedback_store_down", python);

        Assert.Contains("1 s", http.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("UNAVAILABLE", grpc.GetProperty("code").GetString());
        Assert.Contains("RedisConnectionException", server.Output, StringComparison.Ordinal); // the operator still reads the cause
    }

    [Fact(Timeout = 120_000)]
    public async Task StartLine_SaysWhetherFeedbackWaitsForReplicas()
    {
        // Found from outside: the start line said "once the store holds the records" whatever FeedbackReplicas was.
        Assert.Contains("202 only once the Redis primary (no replica confirmation asked, FeedbackReplicas = 0) hold(s) the records", _server.Output, StringComparison.Ordinal);

        var environment = Clients.Environment();
        environment["CREDITCHECK_SECRET"] = Secret;
        environment["CreditCheck__Redis__FeedbackReplicas"] = "2";
        await using var waiting = await ServerProcess.StartAsync(environment, "--redis", _redis.Configuration, "--namespace", Namespace);
        Assert.Contains("202 only once the Redis primary and 2 replica(s) (FeedbackReplicas) hold(s) the records", waiting.Output, StringComparison.Ordinal);
        Assert.Contains("Redis 主节点及 2 个副本（FeedbackReplicas）确认收到后才答复 202", waiting.Output, StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task UnknownKeyAndFeedbackOnlyClient_AreRefused()
    {
        var unknown = await Python.RunAsync("http_cases.py", "unknown_key", Environment(Clients.Procurement));
        var feedbackOnly = await Python.RunAsync("grpc_cases.py", "feedback_only", Environment(Clients.FeedbackOnly));

        Assert.Equal("调用密钥无效。", unknown.GetProperty("unknown").GetString());
        Assert.Equal("PERMISSION_DENIED", feedbackOnly.GetProperty("check").GetProperty("code").GetString());
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _redis.DisposeAsync();
        Directory.Delete(_stubs, recursive: true);
    }

    private Dictionary<string, string> Environment(string key) => EmbeddedServerFixture.Environment(_server, _stubs, key);

    private RedisStoreOptions Options() => new() { Configuration = _redis.Configuration, Namespace = Namespace, Secret = Secret };
}
