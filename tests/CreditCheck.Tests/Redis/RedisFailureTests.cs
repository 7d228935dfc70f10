using CreditCheck.Catalog;
using CreditCheck.Redis;
using CreditCheck.Stores;
using CreditCheck.Tests.Feedback;
using CreditCheck.Tests.Support;
using StackExchange.Redis;
using Microsoft.Extensions.Options;

namespace CreditCheck.Tests.Redis;

/// <summary>A Redis that dies and comes back, and one locked down with ACL users: each test runs its
/// own redis-server, since it kills it or changes its users.</summary>
public sealed class RedisFailureTests
{
    private static ICreditChecker Checker(ICreditStore store, UnavailablePolicy policy) =>
        new CreditChecker(store, Options.Create(new CreditCheckOptions { OnUnavailable = policy, MaxStaleness = TimeSpan.FromMilliseconds(300) }), TimeProvider.System);

    private static Task<CreditDecision> CheckAsync(ICreditChecker checker, SubjectId subject) =>
        checker.CheckAsync(new CheckRequest(subject, "procurement")).AsTask();

    [Fact]
    public async Task BeforeTheFirstSync_RedisDown_EachCheckWaitsOperationTimeoutNotStartupTimeout()
    {
        // A port nobody listens on: the server is stopped at once.
        var server = await RedisServer.StartAsync();
        var options = RedisHarness.Options(server, "down", o =>
        {
            o.StartupTimeout = TimeSpan.FromSeconds(30);
            o.OperationTimeout = TimeSpan.FromMilliseconds(200);
        });
        await server.DisposeAsync();
        await using var store = new RedisCreditStore(options);
        var checker = Checker(store, UnavailablePolicy.FailClosed);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var first = await CheckAsync(checker, Subjects.Tencent);
        var second = await CheckAsync(checker, Subjects.Huawei);
        clock.Stop();

        Assert.True(first.IsDegraded);
        Assert.Equal(DecisionOutcome.Review, first.Outcome);
        Assert.Contains("Not synchronized", first.DegradedReason, StringComparison.Ordinal);
        Assert.Equal(DecisionOutcome.Review, second.Outcome);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"two checks took {clock.Elapsed} with a 30 s StartupTimeout");
    }

    [Fact]
    public async Task BeforeTheFirstSync_DeadPort_WarningStatusAndReasonNameTheEndpointAndTheFailure()
    {
        // Found from outside: after the start timeout the warning said "no answer yet", LastError stayed empty and
        // checks said "no answer", while the client knew the endpoint refused the connection.
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // bound and closed: nobody listens there
        var endpoint = $"127.0.0.1:{port}";
        var logs = new LogCapture();
        await using var store = new RedisCreditStore(
            new RedisStoreOptions
            {
                Configuration = endpoint + ",connectTimeout=500", // the client gives up on its first attempt within the start timeout
                Namespace = "dead",
                Secret = RedisHarness.Secret,
                StartupTimeout = TimeSpan.FromSeconds(2),
                OperationTimeout = TimeSpan.FromMilliseconds(200),
            },
            new CreditCheckOptions(), null, TimeProvider.System, logs.Factory());

        await store.StartAsync(TestContext.Current.CancellationToken);
        var decision = await CheckAsync(Checker(store, UnavailablePolicy.FailClosed), Subjects.Tencent);

        var warning = Assert.Single(logs.Of(2105)).Message;
        Assert.DoesNotContain("no answer", warning, StringComparison.Ordinal);
        foreach (var text in new[] { warning, store.Status.LastError, decision.DegradedReason })
        {
            Assert.NotNull(text);
            Assert.Contains(endpoint, text, StringComparison.Ordinal);
            Assert.Contains("UnableToConnect", text, StringComparison.Ordinal);
        }

        Assert.Equal((DecisionOutcome.Review, true), (decision.Outcome, decision.IsDegraded));
    }

    [Fact]
    public async Task BeforeTheFirstSync_BrokenCatalogInRedis_ChecksAreAnsweredDegradedWithoutWaitingForStartup()
    {
        await using var server = await RedisServer.StartAsync();
        await using var harness = await RedisHarness.CreateAsync(server);
        Assert.Equal(":0", await server.CommandAsync("HSET", $"cc:{{{harness.Namespace}}}:catalog", "json", "{\"version\": broken"));
        await using var store = new RedisCreditStore(RedisHarness.Options(server, harness.Namespace, o =>
        {
            o.StartupTimeout = TimeSpan.FromSeconds(30);
            o.OperationTimeout = TimeSpan.FromMilliseconds(200);
        }));
        var checker = Checker(store, UnavailablePolicy.FailClosed);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var decision = await CheckAsync(checker, Subjects.Tencent);
        clock.Stop();

        Assert.True(decision.IsDegraded);
        Assert.Equal(DecisionOutcome.Review, decision.Outcome);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"the check took {clock.Elapsed} with a 30 s StartupTimeout");
    }

    [Fact]
    public async Task RedisKilled_EachFailedLookupIsNotAWarning_TheFirstIsAndTheRestAreCountedAtDebug()
    {
        // Found from outside: every check on a dead Redis logged its own warning (2104).
        await using var server = await RedisServer.StartAsync();
        await using var harness = await RedisHarness.CreateAsync(server);
        await harness.Publisher.UpsertAsync(TestRecords.Debt(Subjects.Tencent, "d-1"));
        var logs = new LogCapture();
        await using var store = new RedisCreditStore(
            RedisHarness.Options(server, harness.Namespace, o => o.OperationTimeout = TimeSpan.FromMilliseconds(300)),
            new CreditCheckOptions { MaxStaleness = TimeSpan.FromMilliseconds(300) }, null, TimeProvider.System, logs.Factory());
        await store.StartAsync();
        var checker = Checker(store, UnavailablePolicy.FailClosed);

        await server.KillAsync();
        await Task.Delay(500); // past MaxStaleness: every check reads Redis
        var decisions = new List<CreditDecision>();
        for (var i = 0; i < 5; i++)
        {
            decisions.Add(await CheckAsync(checker, Subjects.Huawei));
        }

        Assert.All(decisions, d => Assert.Equal((DecisionOutcome.Review, true), (d.Outcome, d.IsDegraded)));
        Assert.Single(logs.Of(2104));
        Assert.Equal(4, logs.Of(2143).Count);
    }

    [Fact]
    public async Task ConnectionsKilled_TheResyncSaysAConnectionFailedThenWasRestored_NamingTheEndpoint()
    {
        // Found from outside: 2103 said "the connection to Redis was restored" 58 ms after a primary was killed, when
        // a connection had failed. Each event now says what happened, and where.
        await using var server = await RedisServer.StartAsync();
        await using var harness = await RedisHarness.CreateAsync(server);
        var logs = new LogCapture();
        await using var store = new RedisCreditStore(RedisHarness.Options(server, harness.Namespace), new CreditCheckOptions(), null, TimeProvider.System, logs.Factory());
        await store.StartAsync(TestContext.Current.CancellationToken);
        Assert.True(store.Status.IsSynchronized, store.Status.LastError);
        var before = logs.Of(2103).Count;

        await server.CommandAsync("CLIENT", "KILL", "TYPE", "normal");
        // The client raises its events on worker threads, so the two may be taken in either order.
        var failed = $"a connection to Redis failed (127.0.0.1:{server.Port}, Interactive: ";
        var restored = $"a connection to Redis was restored (127.0.0.1:{server.Port}, Interactive)";
        string Resyncs() => string.Join("\n", logs.Of(2103).Skip(before).Select(l => l.Message));
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!(Resyncs().Contains(failed, StringComparison.Ordinal) && Resyncs().Contains(restored, StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        var resyncs = Resyncs();
        Assert.True(resyncs.Contains(failed, StringComparison.Ordinal) && resyncs.Contains(restored, StringComparison.Ordinal), resyncs);
        Assert.DoesNotContain("the connection to Redis was restored", resyncs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RedisKilledAndRestarted_DecisionsDegradePerPolicyThenRecoverWithoutRestartingTheHost()
    {
        await using var server = await RedisServer.StartAsync();
        await using var harness = await RedisHarness.CreateAsync(server);
        await harness.Publisher.UpsertAsync(TestRecords.Debt(Subjects.Tencent, "d-1"));
        var staleness = new CreditCheckOptions { MaxStaleness = TimeSpan.FromMilliseconds(300) };
        void Fast(RedisStoreOptions o) => o.OperationTimeout = TimeSpan.FromMilliseconds(300);
        var closed = Checker(await harness.StartStoreAsync(staleness, Fast), UnavailablePolicy.FailClosed);
        var open = Checker(await harness.StartStoreAsync(staleness, Fast), UnavailablePolicy.FailOpen);
        var lastKnownStore = await harness.StartStoreAsync(new CreditCheckOptions { MaxStaleness = TimeSpan.FromMilliseconds(300), OnUnavailable = UnavailablePolicy.LastKnown }, Fast);
        var lastKnown = Checker(lastKnownStore, UnavailablePolicy.LastKnown);
        foreach (var checker in new[] { closed, open, lastKnown })
        {
            Assert.Equal(DecisionOutcome.Denied, (await CheckAsync(checker, Subjects.Tencent)).Outcome); // now cached
        }

        await server.KillAsync();
        await Task.Delay(500); // past MaxStaleness

        var closedClean = await CheckAsync(closed, Subjects.Huawei);
        var openClean = await CheckAsync(open, Subjects.Huawei);
        var lastListed = await CheckAsync(lastKnown, Subjects.Tencent);
        var lastClean = await CheckAsync(lastKnown, Subjects.Huawei);

        Assert.Equal((DecisionOutcome.Review, DecisionPath.Policy), (closedClean.Outcome, closedClean.Path));
        Assert.Equal((DecisionOutcome.Clear, DecisionPath.Policy), (openClean.Outcome, openClean.Path));
        Assert.Equal((DecisionOutcome.Denied, DecisionPath.LastKnown), (lastListed.Outcome, lastListed.Path));
        Assert.Equal((DecisionOutcome.Clear, DecisionPath.LastKnown), (lastClean.Outcome, lastClean.Path));
        Assert.All(new[] { closedClean, openClean, lastListed, lastClean }, d =>
        {
            Assert.True(d.IsDegraded);
            Assert.Contains("Redis could not answer", d.DegradedReason, StringComparison.Ordinal);
        });

        // A batch degrades the same way, per subject.
        var closedBatch = await closed.CheckManyAsync([new CheckRequest(Subjects.Tencent, "procurement"), new CheckRequest(Subjects.Huawei, "procurement")]);
        var lastKnownBatch = await lastKnown.CheckManyAsync([new CheckRequest(Subjects.Tencent, "procurement"), new CheckRequest(Subjects.Huawei, "procurement")]);
        Assert.All(closedBatch, d => Assert.Equal((DecisionOutcome.Review, DecisionPath.Policy, true), (d.Outcome, d.Path, d.IsDegraded)));
        Assert.Equal((DecisionOutcome.Denied, DecisionPath.LastKnown), (lastKnownBatch[0].Outcome, lastKnownBatch[0].Path));
        Assert.Equal((DecisionOutcome.Clear, DecisionPath.LastKnown), (lastKnownBatch[1].Outcome, lastKnownBatch[1].Path));

        Assert.NotNull(lastKnownStore.Status.LastError);
        Assert.NotNull(((IStoreHealth)lastKnownStore).Health.LastError);

        await server.RestartAsync();

        var deadline = DateTime.UtcNow.AddSeconds(20);
        CreditDecision recovered;
        do
        {
            await Task.Delay(100);
            recovered = await CheckAsync(closed, Subjects.Huawei);
        }
        while (recovered.IsDegraded && DateTime.UtcNow < deadline);

        Assert.False(recovered.IsDegraded, recovered.DegradedReason);
        Assert.Equal(DecisionOutcome.Clear, recovered.Outcome);
        Assert.Equal(DecisionOutcome.Denied, (await CheckAsync(closed, Subjects.Tencent)).Outcome);
        Assert.True(lastKnownStore.Status.IsSynchronized);

        // Found from outside: the outage's error stayed in the status (and /readyz) after the store had recovered,
        // and made a later lag read as "cannot be reached". Once the state is confirmed current again it is gone.
        deadline = DateTime.UtcNow.AddSeconds(20);
        while ((!lastKnownStore.Status.IsFresh || lastKnownStore.Status.LastError is not null) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.True(lastKnownStore.Status.IsFresh);
        Assert.Null(lastKnownStore.Status.LastError);
        Assert.Null(((IStoreHealth)lastKnownStore).Health.LastError);
    }

    [Theory]
    [InlineData(nameof(RedisScripts.Lookup), RedisScripts.Lookup)]
    [InlineData(nameof(RedisScripts.ReadMany), RedisScripts.ReadMany)]
    [InlineData(nameof(RedisScripts.ReadManyWithSequence), RedisScripts.ReadManyWithSequence)]
    [InlineData(nameof(RedisScripts.Snapshot), RedisScripts.Snapshot)]
    [InlineData(nameof(RedisScripts.Verify), RedisScripts.Verify)]
    [InlineData(nameof(RedisScripts.Generations), RedisScripts.Generations)]
    [InlineData("FeedbackKeyIndex.Append", FeedbackKeyIndex.Append)]
    [InlineData("FeedbackKeyIndex.Find", FeedbackKeyIndex.Find)]
    public void EveryCommandOfTheSdksScripts_IsAllowedToTheSdksAclUser(string script, string lua)
    {
        // Inside a script, a command the user may not run fails that part: a read-side script the SDK's
        // documented ACL cannot run would report sound data as damaged (found once: STRLEN and HLEN).
        var commands = System.Text.RegularExpressions.Regex.Matches(lua, @"(?:redis\.p?call|get)\('([A-Za-z]+)'(?:, '([A-Za-z]+)')?")
            .Select(m => m.Groups[1].Value.ToLowerInvariant() is "cluster" ? "cluster|" + m.Groups[2].Value.ToLowerInvariant() : m.Groups[1].Value.ToLowerInvariant())
            .Distinct();

        Assert.All(commands, command => Assert.True(RedisAcl.SdkCommands.Contains("+" + command), $"{script} runs {command}, which RedisAcl.SdkCommands does not allow"));
    }

    [Fact]
    public async Task AclUsers_SdkWithReadOnlyRights_AndASeparatePublisher_Work()
    {
        await using var server = await RedisServer.StartAsync();
        const string ns = "acl";
        Assert.Equal("+OK", await server.CommandAsync(
            "ACL", "SETUSER", "cc-publisher", "on", ">publisher-password-1", "~cc:{acl}:*", "&cc:{acl}:notify", "+@all", "-@dangerous"));
        Assert.Equal("+OK", await server.CommandAsync(
            [.. "ACL SETUSER cc-sdk on >sdk-password-1 ~cc:{acl}:* &cc:{acl}:notify".Split(' '), .. RedisAcl.SdkCommands]));
        // Every connection, the subscription included, logs in as its named user: the default user is off.
        Assert.Equal("+OK", await server.CommandAsync("ACL", "SETUSER", "default", "off"));

        var publisherOptions = RedisHarness.Options(server, ns, o =>
        {
            o.User = "cc-publisher";
            o.Password = "publisher-password-1";
        });
        await using var publisher = await RedisCreditPublisher.ConnectAsync(publisherOptions);
        await publisher.PublishCatalogAsync(TestCatalog.Create());
        var sdkOptions = RedisHarness.Options(server, ns, o =>
        {
            o.User = "cc-sdk";
            o.Password = "sdk-password-1";
        });
        await using var store = new RedisCreditStore(sdkOptions, new CreditCheckOptions(), null, TimeProvider.System, null);
        await store.StartAsync();
        var checker = Checker(store, UnavailablePolicy.FailClosed);

        await RedisHarness.WaitForAsync(store, await publisher.UpsertAsync(TestRecords.Debt(Subjects.Tencent, "d-1")));
        var decision = await CheckAsync(checker, Subjects.Tencent);

        Assert.Equal(DecisionOutcome.Denied, decision.Outcome);
        Assert.False(decision.IsDegraded);

        // The SDK's user cannot publish: it writes only feedback, check counts and commitments.
        var sdkWrite = RedisHarness.Options(server, ns, o =>
        {
            o.User = "cc-sdk";
            o.Password = "sdk-password-1";
        });
        var denied = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var sdkAsPublisher = await RedisCreditPublisher.ConnectAsync(sdkWrite);
            await sdkAsPublisher.UpsertAsync(TestRecords.Debt(Subjects.Alibaba, "d-2"));
        });
        // Opening the set-up namespace needs no write; the write itself is refused inside the script. The SDK's
        // user may write its own keys (feedback, counts, commitments), so a publisher's script run with it can be
        // refused part-way: whatever it left is the store's damage to report, never a listed subject made clean.
        Assert.StartsWith("NOPERM this user may not run", denied.Message, StringComparison.Ordinal);
        var listed = await CheckAsync(checker, Subjects.Tencent);
        Assert.NotEqual(DecisionOutcome.Clear, listed.Outcome);

        // Found from outside: a status change run with the SDK's user was refused part-way (SREM) after it had
        // rewritten the entry, with no change record: the tool said it failed, a fresh check saw the new status, and
        // running hosts kept the old one. The script now asks first and writes nothing.
        var sequence = await publisher.GetSequenceAsync();
        await using (var sdkAsPublisher = await RedisCreditPublisher.ConnectAsync(sdkWrite))
        {
            var repair = await Assert.ThrowsAnyAsync<RedisServerException>(() => sdkAsPublisher.SetStatusAsync(Subjects.Tencent, "debtors", "d-1", EntryStatus.Repaired, "修复决定书"));
            Assert.StartsWith("NOPERM this user may not run", repair.Message, StringComparison.Ordinal);
            Assert.Contains("nothing was written", repair.Message, StringComparison.Ordinal);
            var remove = await Assert.ThrowsAnyAsync<RedisServerException>(() => sdkAsPublisher.RemoveAsync(Subjects.Tencent, "debtors", "d-1"));
            Assert.StartsWith("NOPERM this user may not run", remove.Message, StringComparison.Ordinal);
            var catalog = await Assert.ThrowsAnyAsync<RedisServerException>(() => sdkAsPublisher.PublishCatalogAsync(CreditCatalog.Default));
            Assert.StartsWith("NOPERM this user may not run", catalog.Message, StringComparison.Ordinal);
        }

        Assert.Equal(sequence, await publisher.GetSequenceAsync());
        await using var fresh = new RedisCreditStore(sdkOptions, new CreditCheckOptions(), null, TimeProvider.System, null);
        await fresh.StartAsync();
        var after = await CheckAsync(Checker(fresh, UnavailablePolicy.FailClosed), Subjects.Tencent);
        Assert.Equal(DecisionOutcome.Denied, after.Outcome);
        Assert.Equal(EntryState.InForce, Assert.Single(after.MatchedEntries).State);
    }

    [Fact]
    public async Task WrongPasswordWithTheDefaultUserOn_StoreAndPublisherRefuseToRunAsDefault()
    {
        // StackExchange.Redis goes on as 'default' when the configured user's password is refused and 'default' is on.
        await using var server = await RedisServer.StartAsync();
        await using (var harness = await RedisHarness.CreateAsync(server))
        {
            Assert.Equal("+OK", await server.CommandAsync(
                [.. $"ACL SETUSER cc-sdk on >sdk-password-1 ~cc:{{{harness.Namespace}}}:* &cc:{{{harness.Namespace}}}:notify".Split(' '), .. RedisAcl.SdkCommands]));
            var wrong = RedisHarness.Options(server, harness.Namespace, o =>
            {
                o.User = "cc-sdk";
                o.Password = "not-the-password";
                o.StartupTimeout = TimeSpan.FromSeconds(20);
            });

            await using var store = new RedisCreditStore(wrong, new CreditCheckOptions(), null, TimeProvider.System, null);
            var refused = await Assert.ThrowsAnyAsync<InvalidOperationException>(() => store.StartAsync(TestContext.Current.CancellationToken));
            Assert.Contains("logged in as user 'default', not as the configured user 'cc-sdk'", refused.Message, StringComparison.Ordinal);
            Assert.False(store.Status.IsSynchronized);
            Assert.Contains("'cc-sdk'", store.Status.LastError, StringComparison.Ordinal);

            var publisher = await Assert.ThrowsAnyAsync<InvalidOperationException>(() => RedisCreditPublisher.ConnectAsync(wrong, cancellationToken: TestContext.Current.CancellationToken));
            Assert.Contains("not as the configured user 'cc-sdk'", publisher.Message, StringComparison.Ordinal);
            await Assert.ThrowsAnyAsync<InvalidOperationException>(() => RedisFeedbackReader.ConnectAsync(wrong, cancellationToken: TestContext.Current.CancellationToken));

            // The right password: the user is the configured one, and the store starts.
            var right = RedisHarness.Options(server, harness.Namespace, o =>
            {
                o.User = "cc-sdk";
                o.Password = "sdk-password-1";
            });
            await using var good = new RedisCreditStore(right, new CreditCheckOptions(), null, TimeProvider.System, null);
            await good.StartAsync(TestContext.Current.CancellationToken);
            Assert.True(good.Status.IsSynchronized);
        }
    }

    [Fact]
    public void TheReadmesAclParagraph_NamesEveryRuleOfRedisAcl()
    {
        // Operators copy the rules from the README: a rule the code needs and the README leaves out is refused by
        // Redis in production (found from outside: +cluster|keyslot was missing from it).
        var readme = File.ReadAllText(Path.Combine(Diagnostics.MetricsTests.RepositoryRoot(), "README.md"));
        var start = readme.IndexOf("**ACL.**", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has no **ACL.** paragraph");
        var paragraph = readme[start..readme.IndexOf("\n\n", start, StringComparison.Ordinal)];
        var words = paragraph.Split([' ', '\n', '`', '(', ')', ';', ','], StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);

        Assert.All(RedisAcl.SdkCommands.Concat(RedisAcl.FeedbackReaderCommands), rule => Assert.Contains(rule, words));
    }
}
