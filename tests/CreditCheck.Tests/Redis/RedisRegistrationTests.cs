using CreditCheck.Redis;
using CreditCheck.Tests.Feedback;
using CreditCheck.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CreditCheck.Tests.Redis;

/// <summary>UseRedis in a real generic host: options validated at start, the store started with the
/// host, a secret mismatch failing the host's start.</summary>
public sealed class RedisRegistrationTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private const int FeedFailedLogged = 2102;
    private const int FeedStillFailingLogged = 2142;

    private static IHost BuildHost(string configuration, Action<RedisStoreOptions> configure)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddCreditCheck().UseRedis(configuration, configure);
        return builder.Build();
    }

    [Fact]
    public async Task UseRedis_HostStarts_StoreIsSynchronizedAndChecksAreLocal()
    {
        await using var harness = await RedisHarness.CreateAsync(redis.Server);
        using var host = BuildHost(redis.Server.Configuration, o =>
        {
            o.Namespace = harness.Namespace;
            o.Secret = RedisHarness.Secret;
        });

        await host.StartAsync();
        var decision = await host.Services.GetRequiredService<ICreditChecker>().CheckAsync(new CheckRequest(Subjects.Huawei, "licensing"));

        Assert.True(host.Services.GetRequiredService<RedisCreditStore>().Status.IsSynchronized);
        Assert.Equal(DecisionPath.LocalFilter, decision.Path);
        Assert.Equal("test-1", decision.CatalogVersion);
        await host.StopAsync();
    }

    [Fact]
    public async Task UseRedis_RedisDownFromTheStart_TheHostStartsStopsAndIsDisposedWithoutWaitingForRedis()
    {
        // A port nobody listens on, and the default timeouts: the start waits StartupTimeout in all (connecting
        // included), and stopping does not wait for the SDK's Redis calls to time out one after another (the feed
        // and the check counter's last flush: a host on a dead Redis once took 54 s to be disposed).
        var server = await RedisServer.StartAsync();
        var configuration = server.Configuration;
        await server.DisposeAsync();
        var host = BuildHost(configuration, o =>
        {
            o.Namespace = "down";
            o.Secret = RedisHarness.Secret;
            o.StartupTimeout = TimeSpan.FromMilliseconds(500);
        });
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await host.StartAsync(TestContext.Current.CancellationToken);
        var started = clock.Elapsed;
        var decision = await host.Services.GetRequiredService<ICreditChecker>().CheckAsync(new CheckRequest(Subjects.Huawei, "licensing"), TestContext.Current.CancellationToken);
        Assert.True(decision.IsDegraded);
        Assert.Equal(DecisionOutcome.Review, decision.Outcome); // fail closed, the default
        var checkedAt = clock.Elapsed;
        await host.StopAsync(TestContext.Current.CancellationToken);
        var stopped = clock.Elapsed;
        host.Dispose();
        var disposed = clock.Elapsed;

        // Bounds for liveness, far above what it takes (about 0.5 s to start, 2 s for the check, 15 ms to dispose).
        Assert.True(started < TimeSpan.FromSeconds(2.5), $"the start took {started} with a StartupTimeout of 0.5 s");
        Assert.True(checkedAt - started < TimeSpan.FromSeconds(5), $"the check took {checkedAt - started} with an OperationTimeout of 2 s");
        Assert.True(disposed - checkedAt < TimeSpan.FromSeconds(3), $"stopping took {stopped - checkedAt} and disposing {disposed - stopped}");
    }

    [Fact]
    public async Task RedisDown_TheFeedWarnsOncePerStreakOfTheSameFailure_NotOnEveryRetry()
    {
        var server = await RedisServer.StartAsync();
        var configuration = server.Configuration;
        await server.DisposeAsync();
        var logs = new LogCapture();
        // The client gives up on a command after 300 ms instead of 5 s, so the feed retries often.
        var options = new RedisStoreOptions { Configuration = configuration + ",asyncTimeout=300,syncTimeout=300", Namespace = "down", Secret = RedisHarness.Secret, StartupTimeout = TimeSpan.Zero };
        await using var store = new RedisCreditStore(options, new CreditCheckOptions(), null, TimeProvider.System, logs.Factory());
        await store.StartAsync(TestContext.Current.CancellationToken);

        // The retries back off from 100 ms; wait for several of them.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (logs.Of(FeedStillFailingLogged).Count < 3 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.True(logs.Of(FeedStillFailingLogged).Count >= 3, $"{logs.Of(FeedStillFailingLogged).Count} quieter retries logged");
        Assert.Single(logs.Of(FeedFailedLogged));
        Assert.NotNull(store.Status.LastError);
    }

    [Fact]
    public async Task UseRedis_WrongSecret_FailsTheHostsStart()
    {
        await using var harness = await RedisHarness.CreateAsync(redis.Server);
        using var host = BuildHost(redis.Server.Configuration, o =>
        {
            o.Namespace = harness.Namespace;
            o.Secret = "not-the-publishers-secret";
        });

        var error = await Assert.ThrowsAnyAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains("different secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UseRedis_InvalidOptions_FailTheStartNamingEachOne()
    {
        using var host = BuildHost(redis.Server.Configuration, o =>
        {
            o.Namespace = "Bad Namespace!";
            o.Secret = "short";
            o.CacheCapacity = -1;
        });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(error.Failures, f => f.Contains("Namespace 'Bad Namespace!'", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Secret must be set and at least 16", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("CacheCapacity is -1", StringComparison.Ordinal));
        Assert.DoesNotContain(error.Failures, f => f.Contains("short", StringComparison.Ordinal));
    }

    [Fact]
    public void RedisStoreOptions_ToString_NeverShowsTheSecretOrPassword()
    {
        var options = new RedisStoreOptions { Secret = "super-secret-value-123", User = "u", Password = "hunter2-password" };

        Assert.DoesNotContain("super-secret", options.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", options.ToString(), StringComparison.Ordinal);
    }
}
