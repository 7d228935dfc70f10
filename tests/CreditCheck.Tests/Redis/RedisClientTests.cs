using CreditCheck.Redis;
using CreditCheck.Stores;
using CreditCheck.Tests.Feedback;
using CreditCheck.Tests.Support;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CreditCheck.Tests.Redis;

/// <summary>The modern client as hosts use it: both protocols, a host's multiplexer shared with its
/// own Redis cache, URLs, and the script cache lost under a running store.</summary>
public sealed class RedisClientTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private static ICreditChecker Checker(ICreditStore store) =>
        new CreditChecker(store, Options.Create(new CreditCheckOptions()), TimeProvider.System);

    [Theory]
    [InlineData(RedisProtocol.Resp2)]
    [InlineData(RedisProtocol.Resp3)]
    public async Task Protocol_EitherOne_PublishesChecksAndDeliversFeedbackAlike(RedisProtocol protocol)
    {
        await using var harness = await RedisHarness.CreateAsync(redis.Server, configure: o => o.Protocol = protocol);
        var store = await harness.StartStoreAsync(configure: o => o.Protocol = protocol);
        await AssertListedCleanAndBatchAsync(harness, store);
        var (entries, _) = await harness.Publisher.CountAsync();
        Assert.Equal(20, entries["debtors"]);

        var checks = await FeedbackData.HarnessAsync();
        await using var feedback = new CreditFeedback(
            FeedbackData.Fast(), new RedisFeedbackSink(store, RedisHarness.Options(redis.Server, harness.Namespace), TimeProvider.System), checks.Time, null);
        var records = await feedback.ReportAsync(FeedbackReport.For(await FeedbackData.DeniedAsync(checks)).AllExecuted());
        Assert.True(await feedback.FlushAsync(TimeSpan.FromSeconds(10)), feedback.Status.LastError);
        await using var reader = await RedisFeedbackReader.ConnectAsync(RedisHarness.Options(redis.Server, harness.Namespace, o => o.Protocol = protocol));
        reader.ClockMargin = TimeSpan.FromDays(3650);
        var read = await reader.ReadAsync(CheckerHarness.Now.AddHours(-1), CheckerHarness.Now.AddHours(1)).ToListAsync();
        Assert.Equal(records.Select(r => r.Key), read.Select(r => r.Key));
    }

    [Fact]
    public async Task ThreadPoolSockets_OnTheStoresOwnConnection_ChecksListedAndCleanSubjectsAlike()
    {
        await using var harness = await RedisHarness.CreateAsync(redis.Server);
        var store = await harness.StartStoreAsync(configure: o => o.ThreadPoolSockets = true);

        await AssertListedCleanAndBatchAsync(harness, store);
    }

    /// <summary>Imports 20 listed persons and checks one of them, a clean subject and a batch of both.</summary>
    private static async Task AssertListedCleanAndBatchAsync(RedisHarness harness, RedisCreditStore store)
    {
        var people = Enumerable.Range(0, 20).Select(SyntheticIds.Person).ToArray();
        var imported = await harness.Publisher.ImportListAsync("debtors", people.Select(p => TestRecords.Debt(p, "p")), ImportMode.Replace);
        await RedisHarness.WaitForAsync(store, imported.Sequence);
        var checker = Checker(store);

        var listed = await checker.CheckAsync(new CheckRequest(people[3], "procurement"));
        var clean = await checker.CheckAsync(new CheckRequest(Subjects.Huawei, "procurement"));
        var batch = await checker.CheckManyAsync([.. people.Take(5).Select(p => new CheckRequest(p, "procurement")), new CheckRequest(Subjects.Huawei, "procurement")]);

        Assert.Equal((DecisionOutcome.Denied, DecisionPath.Store), (listed.Outcome, listed.Path));
        Assert.Equal(DecisionOutcome.Clear, clean.Outcome);
        Assert.Equal([.. Enumerable.Repeat(DecisionOutcome.Denied, 5), DecisionOutcome.Clear], batch.Select(d => d.Outcome));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ThreadPoolSockets_SetsTheClientsThreadPoolSocketManager(bool threadPool)
    {
        var configuration = RedisConnection.ConfigurationOf(new RedisStoreOptions { Configuration = "127.0.0.1:1", ThreadPoolSockets = threadPool });

#pragma warning disable CS0618 // obsolete on StackExchange.Redis 3.x, which keeps the value and reads on the thread pool anyway
        Assert.Same(threadPool ? SocketManager.ThreadPool : null, configuration.SocketManager);
#pragma warning restore CS0618
    }

    [Fact]
    public async Task UseRedis_HostsMultiplexerSharedWithAddStackExchangeRedisCache_BothWork()
    {
        await using var harness = await RedisHarness.CreateAsync(redis.Server);
        await harness.Publisher.UpsertAsync(TestRecords.Debt(Subjects.Tencent, "d-1"));
        IConnectionMultiplexer multiplexer = await ConnectionMultiplexer.ConnectAsync(redis.Server.Configuration);
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddStackExchangeRedisCache(o =>
        {
            o.ConnectionMultiplexerFactory = () => Task.FromResult(multiplexer);
            o.InstanceName = harness.Namespace + ":";
        });
        builder.Services.AddCreditCheck().UseRedis(multiplexer, o =>
        {
            o.Namespace = harness.Namespace;
            o.Secret = RedisHarness.Secret;
        });
        using (var host = builder.Build())
        {
            await host.StartAsync();
            var cache = host.Services.GetRequiredService<IDistributedCache>();
            var checker = host.Services.GetRequiredService<ICreditChecker>();

            await cache.SetStringAsync("greeting", "你好");
            var listed = await checker.CheckAsync(new CheckRequest(Subjects.Tencent, "procurement"));
            var clean = await checker.CheckAsync(new CheckRequest(Subjects.Huawei, "procurement"));

            Assert.Equal("你好", await cache.GetStringAsync("greeting"));
            Assert.Equal(DecisionOutcome.Denied, listed.Outcome);
            Assert.Equal(DecisionOutcome.Clear, clean.Outcome);
            Assert.False(listed.IsDegraded, listed.DegradedReason);
            await host.StopAsync();

            // The host's connection is the host's: the store, disposed, leaves it open for the cache.
            await host.Services.GetRequiredService<RedisCreditStore>().DisposeAsync();
            Assert.True(multiplexer.IsConnected);
            Assert.Equal("你好", await cache.GetStringAsync("greeting"));
        }

        multiplexer.Dispose();
    }

    [Fact]
    public async Task Configuration_RedisUrlWithUserPasswordAndDatabase_ConnectsThereAsThatUser()
    {
        await using var server = await RedisServer.StartAsync();
        Assert.Equal("+OK", await server.CommandAsync(
            "ACL", "SETUSER", "cc-publisher", "on", ">p@ss:word/1", "~cc:{url}:*", "&cc:{url}:notify", "+@all", "-@dangerous"));
        Assert.Equal("+OK", await server.CommandAsync("ACL", "SETUSER", "default", "off"));
        var url = $"redis://cc-publisher:{Uri.EscapeDataString("p@ss:word/1")}@127.0.0.1:{server.Port}/3";
        var options = RedisHarness.Options(server, "url", o => o.Configuration = url);

        await using var publisher = await RedisCreditPublisher.ConnectAsync(options);
        await publisher.PublishCatalogAsync(TestCatalog.Create());
        await publisher.UpsertAsync(TestRecords.Debt(Subjects.Tencent, "d-1"));
        await using var store = new RedisCreditStore(options, new CreditCheckOptions(), null, TimeProvider.System, null);
        await store.StartAsync();

        Assert.Equal(DecisionOutcome.Denied, (await Checker(store).CheckAsync(new CheckRequest(Subjects.Tencent, "procurement"))).Outcome);
        using var direct = await ConnectionMultiplexer.ConnectAsync(RedisConfiguration.Parse(url));
        Assert.True(await direct.GetDatabase(3).KeyExistsAsync("cc:{url}:seq"));
        Assert.False(await direct.GetDatabase(0).KeyExistsAsync("cc:{url}:seq"));
    }

    [Theory]
    [InlineData("redis://127.0.0.1:6390", "127.0.0.1:6390", null, null, -1, false)]
    [InlineData("rediss://u:p%40w@cache.example:6380/2", "cache.example:6380", "u", "p@w", 2, true)]
    [InlineData("redis://only-password@10.1.2.3", "10.1.2.3:6379", null, "only-password", -1, false)]
    [InlineData("127.0.0.1:7000,127.0.0.1:7001,password=x", "127.0.0.1:7000", null, "x", -1, false)]
    public void Parse_UrlOrConfigurationString_GivesEndpointUserPasswordDatabaseAndTls(string text, string endpoint, string? user, string? password, int database, bool ssl)
    {
        var options = RedisConfiguration.Parse(text);

        Assert.Equal(endpoint, Format(options.EndPoints[0]));
        Assert.Equal(user, options.User);
        Assert.Equal(password, options.Password);
        Assert.Equal(database, options.DefaultDatabase ?? -1);
        Assert.Equal(ssl, options.Ssl);
    }

    [Fact]
    public void Parse_UrlWithSeveralHosts_GivesEveryClusterNodeWithTheCredentialsAndTls()
    {
        var options = RedisConfiguration.Parse("rediss://cc:p%2Cw@node-a.example:7000,10.0.0.6:7001,node-c.example/0");

        Assert.Equal(["node-a.example:7000", "10.0.0.6:7001", "node-c.example:6379"], options.EndPoints.Select(Format));
        Assert.Equal(("cc", "p,w", 0, true, null), (options.User, options.Password, options.DefaultDatabase, options.Ssl, options.SslHost));
    }

    [Theory]
    [InlineData("redis://h1:7000,,h3:7002", "'' is not the host[:port] of a cluster node")]
    [InlineData("redis://h1:7000,h2:port", "'h2:port' is not the host[:port] of a cluster node")]
    [InlineData("http://127.0.0.1:6379", "unknown scheme")]
    [InlineData("redis://127.0.0.1:6379/abc", "must be a database number")]
    [InlineData("redis://", "not a valid URL: the host is missing")]
    [InlineData("redis://127.0.0.1:notaport", "the port 'notaport' is not a number from 1 to 65535")]
    [InlineData("redis://u:pw@127.0.0.1:99999/0", "the port '99999' is not a number from 1 to 65535")]
    public void Parse_BadSetting_NamesWhatIsWrong(string text, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => RedisConfiguration.Parse(text));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("redis://u:hunter2@h:1/0", "redis://u:***@h:1/0")]
    [InlineData("h:1,password=hunter2,ssl=true", "h:1,password=***,ssl=true")]
    [InlineData("redis://hunter2@h:1", "redis://***@h:1")]
    [InlineData("rediss://hunter2@h:1,h2:2/0", "rediss://***@h:1,h2:2/0")]
    [InlineData("redis://:hunter2@h", "redis://:***@h")]
    [InlineData("redis://h:1/0", "redis://h:1/0")]
    public void Masked_HidesThePassword(string text, string expected) => Assert.Equal(expected, RedisConfiguration.Masked(text));

    [Fact]
    public async Task ScriptFlush_UnderARunningStore_LookupsAndPublishingGoOn()
    {
        await using var harness = await RedisHarness.CreateAsync(redis.Server);
        var store = await harness.StartStoreAsync();
        var checker = Checker(store);
        await RedisHarness.WaitForAsync(store, await harness.Publisher.UpsertAsync(TestRecords.Debt(Subjects.Tencent, "d-1")));
        Assert.Equal(DecisionOutcome.Denied, (await checker.CheckManyAsync([new CheckRequest(Subjects.Tencent, "procurement")]))[0].Outcome);

        Assert.Equal("+OK", await redis.Server.CommandAsync("SCRIPT", "FLUSH"));
        var sequence = await harness.Publisher.UpsertAsync(TestRecords.Debt(Subjects.Alibaba, "d-2"));
        await RedisHarness.WaitForAsync(store, sequence);
        var batch = await checker.CheckManyAsync([new CheckRequest(Subjects.Tencent, "procurement"), new CheckRequest(Subjects.Alibaba, "procurement")]);

        Assert.All(batch, d => Assert.Equal(DecisionOutcome.Denied, d.Outcome));
        Assert.All(batch, d => Assert.False(d.IsDegraded, d.DegradedReason));
    }

    private static string Format(System.Net.EndPoint endPoint) => endPoint switch
    {
        System.Net.DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        System.Net.IPEndPoint ip => $"{ip.Address}:{ip.Port}",
        _ => endPoint.ToString()!,
    };
}
