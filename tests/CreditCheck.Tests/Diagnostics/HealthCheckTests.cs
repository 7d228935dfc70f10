using CreditCheck.Redis;
using CreditCheck.Stores;
using CreditCheck.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using NSubstitute;

namespace CreditCheck.Tests.Diagnostics;

/// <summary>The health check the builder registers: store reachable, freshness within bound,
/// feedback backlog.</summary>
public sealed class HealthCheckTests
{
    private sealed class FeedbackBacklog(long backlog, long overflowed, long dropped = 0) : IFeedbackHealth
    {
        public long Backlog { get; } = backlog;

        public long Overflowed { get; } = overflowed;

        public long Dropped { get; } = dropped;
    }

    private static Task<HealthCheckResult> CheckAsync(ICreditStore store, IFeedbackHealth? feedback = null, CreditCheckOptions? options = null) =>
        new CreditCheckHealthCheck(store, Options.Create(options ?? new CreditCheckOptions()), TimeProvider.System, feedback)
            .CheckHealthAsync(new HealthCheckContext());

    [Fact]
    public async Task Builder_RegistersTheCheck_AndTheEmbeddedStoreIsHealthy()
    {
        var services = new ServiceCollection();
        services.AddLogging().AddHealthChecks(); // the host's health checks
        services.AddCreditCheck().UseInMemory();
        services.AddCreditCheck(); // twice: still one registration
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        var entry = Assert.Single(report.Entries);
        Assert.Equal(CreditCheckDiagnostics.HealthCheckName, entry.Key);
        Assert.Equal(HealthStatus.Healthy, entry.Value.Status);
        Assert.Contains("ready", entry.Value.Tags);
    }

    [Fact]
    public async Task DamagedStoreData_IsUnhealthy_NamingTheDamage()
    {
        var store = Substitute.For<ICreditStore, IStoreHealth>();
        const string damage = "cc:{zj}:kb:debtors holds 0 fingerprints, the manifest says 40";
        ((IStoreHealth)store).Health.Returns(new StoreHealth(true, true, 12, DateTimeOffset.UtcNow, damage, damage));

        var result = await CheckAsync(store);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("damaged", result.Description, StringComparison.Ordinal);
        Assert.Equal(damage, result.Data["damage"]);
    }

    [Fact]
    public async Task FeedbackBacklogOrLoss_IsDegraded_AndSaysWhy()
    {
        var store = new InMemoryCreditStore(TestCatalog.Create());

        var fine = await CheckAsync(store, new FeedbackBacklog(10, 0), new CreditCheckOptions { HealthFeedbackBacklogLimit = 100 });
        var backedUp = await CheckAsync(store, new FeedbackBacklog(100, 0), new CreditCheckOptions { HealthFeedbackBacklogLimit = 100 });
        var journaled = await CheckAsync(store, new FeedbackBacklog(0, 3));
        var overflowed = await CheckAsync(store, new FeedbackBacklog(0, 3, dropped: 3));

        Assert.Equal(HealthStatus.Healthy, fine.Status);
        Assert.Equal(HealthStatus.Degraded, backedUp.Status);
        Assert.Contains("100 feedback records await delivery", backedUp.Description, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Healthy, journaled.Status); // overflowed into the journal: nothing lost
        Assert.Equal(3L, journaled.Data["feedbackOverflowed"]);
        Assert.Equal(HealthStatus.Degraded, overflowed.Status);
        Assert.Contains("3 feedback records were lost", overflowed.Description, StringComparison.Ordinal);
        Assert.Equal(3L, overflowed.Data["feedbackDropped"]);
    }

    [Fact]
    public async Task RedisStore_NotSynchronized_Fresh_ThenUnreachable()
    {
        await using var server = await RedisServer.StartAsync();
        await using var harness = await RedisHarness.CreateAsync(server);
        var options = new CreditCheckOptions { MaxStaleness = TimeSpan.FromMilliseconds(300) };
        await using var unstarted = new RedisCreditStore(RedisHarness.Options(server, harness.Namespace), options, null, TimeProvider.System, null);
        var store = await harness.StartStoreAsync(options, o => o.OperationTimeout = TimeSpan.FromMilliseconds(300));

        var before = await CheckAsync(unstarted, options: options);
        var fresh = await CheckAsync(store, options: options);
        await server.KillAsync();
        HealthCheckResult down;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        do
        {
            await Task.Delay(100);
            down = await CheckAsync(store, options: options);
        }
        while (down.Status != HealthStatus.Unhealthy && DateTime.UtcNow < deadline);

        Assert.Equal(HealthStatus.Unhealthy, before.Status);
        Assert.Contains("not synchronized", before.Description, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Healthy, fresh.Status);
        Assert.True(fresh.Data.ContainsKey("dataAgeSeconds"));
        Assert.Equal(HealthStatus.Unhealthy, down.Status);
        Assert.Contains("cannot be reached", down.Description, StringComparison.Ordinal);
        Assert.True(down.Data.ContainsKey("lastError"));
    }
}
