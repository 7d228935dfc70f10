using System.Diagnostics;
using System.Globalization;
using CreditCheck.Platform.Protocol;
using CreditCheck.Platform.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RedisServer = CreditCheck.Tests.Support.RedisServer;

namespace CreditCheck.Platform.Tests;

/// <summary>The query-through figures (run with CREDITCHECK_FIGURES=1): check latency p50/p99 against the
/// reference platform, uncached (no IDistributedCache: every check queries) and cached (the host's Redis
/// through AddStackExchangeRedisCache), beside the platform's own Query round trip. Measured, never asserted.</summary>
public sealed class QueryThroughFigures(ITestOutputHelper output)
{
    private const int Checks = 2_000;
    private static readonly LogSink Logs = new();

    [Fact]
    public async Task Query_through_check_latency_cached_and_uncached_against_the_platform_round_trip()
    {
        Assert.SkipUnless(Environment.GetEnvironmentVariable("CREDITCHECK_FIGURES") == "1", "Figures run with CREDITCHECK_FIGURES=1.");
        await using var redis = await RedisServer.StartAsync();
        await using var platform = await PlatformProcess.StartAsync();
        var subjects = Enumerable.Range(0, Checks).Select(i => SubjectId.Parse(TestIds.Company(700_000 + i), SubjectKind.LegalEntity)).ToList();

        // The platform's round trip: Query through the signed channel, nothing else.
        var connection = new PlatformConnectionOptions { Address = platform.Address, ClientId = PlatformProcess.Client, Secret = PlatformProcess.Secret };
        using var channel = new PlatformChannel(connection);
        var raw = await MeasureAsync(subjects, async s => (await channel.Client.QueryAsync(new QueryRequest { Subject = s.Value }, deadline: channel.UnaryDeadline())).RequestId.Length > 0);

        using var uncachedHost = await StartAsync(b => b.Services.AddCreditCheck().UsePlatform(platform.Address, Credentials));
        var uncachedChecker = uncachedHost.Services.GetRequiredService<ICreditChecker>();
        var uncached = await MeasureAsync(subjects, async s => Expect(await uncachedChecker.CheckAsync(new CheckRequest(s, "procurement")), DecisionPath.Store));

        using var cachedHost = await StartAsync(b =>
        {
            b.Services.AddStackExchangeRedisCache(o => o.Configuration = redis.Configuration);
            b.Services.AddCreditCheck().UsePlatform(platform.Address, o =>
            {
                Credentials(o);
                o.ListedTtl = o.NotListedTtl = TimeSpan.FromMinutes(10);
            });
        });
        var cachedChecker = cachedHost.Services.GetRequiredService<ICreditChecker>();
        var firstDecision = await cachedChecker.CheckAsync(new CheckRequest(subjects[0], "procurement"));
        var cacheMiss = await MeasureAsync(subjects, async s => (await cachedChecker.CheckAsync(new CheckRequest(s, "procurement"))).Path is DecisionPath.Store or DecisionPath.Cache);
        var cached = await MeasureAsync(subjects, async s => Expect(await cachedChecker.CheckAsync(new CheckRequest(s, "procurement")), DecisionPath.Cache));

        Report("platform Query round trip", raw);
        Report("check, no cache (Query per check)", uncached);
        Report("check, Redis cache, first (miss: Query + cache write)", cacheMiss);
        Report("check, Redis cache, second (hit)", cached);
        Assert.False(firstDecision.IsDegraded);
    }

    private static bool Expect(CreditDecision decision, DecisionPath path) =>
        decision.Path == path ? true : throw new InvalidOperationException($"{decision.Path} instead of {path}: {decision.DegradedReason} {string.Join("\n", Logs.Lines.Where(l => !l.StartsWith("Information", StringComparison.Ordinal)))}");

    private static void Credentials(PlatformStoreOptions o)
    {
        o.Platform.ClientId = PlatformProcess.Client;
        o.Platform.Secret = PlatformProcess.Secret;
    }

    private static async Task<IHost> StartAsync(Action<HostApplicationBuilder> configure)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(Logs);
        configure(builder);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>One call per subject, in turn (after 100 warm-up calls on other subjects); every call must answer as expected.</summary>
    private static async Task<double[]> MeasureAsync(IReadOnlyList<SubjectId> subjects, Func<SubjectId, Task<bool>> call)
    {
        for (var i = 0; i < 100; i++)
        {
            try
            {
                await call(SubjectId.Parse(TestIds.Company(900_000 + i + Random.Shared.Next(50_000)), SubjectKind.LegalEntity));
            }
            catch (InvalidOperationException)
            {
                // a warm-up subject is not in the cache: only the measured calls must answer as expected
            }
        }

        var times = new double[subjects.Count];
        var clock = new Stopwatch();
        for (var i = 0; i < subjects.Count; i++)
        {
            clock.Restart();
            var ok = await call(subjects[i]);
            times[i] = clock.Elapsed.TotalMilliseconds;
            Assert.True(ok, $"call {i} did not answer as expected");
        }

        Array.Sort(times);
        return times;
    }

    private void Report(string what, double[] sorted) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{what}: n={sorted.Length} p50={sorted[sorted.Length / 2]:F3} ms p99={sorted[(int)(sorted.Length * 0.99)]:F3} ms max={sorted[^1]:F3} ms"));
}
