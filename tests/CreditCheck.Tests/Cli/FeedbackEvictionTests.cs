using CreditCheck.Redis;
using CreditCheck.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace CreditCheck.Tests.Cli;

/// <summary>A feedback stream Redis may evict, or has lost: <c>feedback export</c> and <c>report</c> warn (Chinese, then
/// English) and, when delivered feedback is gone, exit 7 instead of "Wrote 0 feedback records"; the SDK's health check
/// reports it. The stream is deleted by hand as the stand-in for its eviction (what allkeys-lru did in the review):
/// to Redis and to the reader both are the key gone.</summary>
[Collection(CliTestGroup.Name)]
public sealed class FeedbackEvictionTests
{
    private const string Quarter = "2026-07-01";
    private const string QuarterEnd = "2026-10-01";

    [Fact]
    public async Task Export_AllkeysPolicyThenStreamGone_WarnsThenExitsDamaged()
    {
        await using var server = await RedisServer.StartAsync("--maxmemory-policy", "allkeys-lru");
        using var cli = new CliSession(server);
        await cli.PublishAsync();
        var samples = await FeedbackSamples.CreateAsync();
        var delivered = await FeedbackSamples.ReportToRedisAsync(server, cli.Namespace, samples);
        var file = cli.PathOf("q3.json");

        // The stream is whole, but the policy may evict it: exported, with a warning.
        var whole = await cli.RunAsync("feedback", "export", "--since", Quarter, "--until", QuarterEnd, "--out", file);
        Assert.True(whole.ExitCode == Exit.Ok, whole.ToString());
        Assert.Contains("Wrote 12 feedback records", whole.Output, StringComparison.Ordinal);
        Assert.Contains("警告：Redis 的 maxmemory-policy 为 allkeys-lru", whole.Error, StringComparison.Ordinal);
        Assert.Contains("warning: Redis has maxmemory-policy allkeys-lru", whole.Error, StringComparison.Ordinal);
        Assert.True(whole.Error.IndexOf("警告", StringComparison.Ordinal) < whole.Error.IndexOf("warning", StringComparison.Ordinal), whole.Error);

        // Evicted: the export and the report say the delivered feedback is gone, and exit 7.
        await server.CommandAsync("DEL", $"cc:{{{cli.Namespace}}}:feedback");
        var gone = await cli.RunAsync("feedback", "export", "--since", Quarter, "--until", QuarterEnd, "--out", file);
        Assert.True(gone.ExitCode == Exit.DataDamaged, gone.ToString());
        Assert.Contains($"错误：反馈流 cc:{{{cli.Namespace}}}:feedback 不存在，但此前已向其投递 {delivered.Count} 条反馈记录", gone.Error, StringComparison.Ordinal);
        Assert.Contains($"error: the feedback stream cc:{{{cli.Namespace}}}:feedback is missing although {delivered.Count} feedback records were delivered", gone.Error, StringComparison.Ordinal);

        var report = await cli.RunAsync("report", "--since", Quarter, "--until", QuarterEnd, "--out", cli.PathOf("q3.html"));
        Assert.True(report.ExitCode == Exit.DataDamaged, report.ToString());
        Assert.Contains("is missing although", report.Error, StringComparison.Ordinal);

        // Delivered again after the loss: the stream is back but counts fewer entries than were delivered.
        await FeedbackSamples.ReportToRedisAsync(server, cli.Namespace, samples.Named("C1"));
        var recreated = await cli.RunAsync("feedback", "export", "--since", Quarter, "--until", QuarterEnd, "--out", file);
        Assert.True(recreated.ExitCode == Exit.DataDamaged, recreated.ToString());
        Assert.Contains("was deleted or evicted and created again", recreated.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_NoEvictionAndStreamWhole_NoWarningExitOk()
    {
        await using var server = await RedisServer.StartAsync("--maxmemory-policy", "noeviction");
        using var cli = new CliSession(server);
        await cli.PublishAsync();
        await FeedbackSamples.ReportToRedisAsync(server, cli.Namespace, await FeedbackSamples.CreateAsync());

        var result = await cli.RunOkAsync("feedback", "export", "--since", Quarter, "--until", QuarterEnd, "--out", cli.PathOf("q3.csv"));

        Assert.DoesNotContain("warning", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("警告", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthCheck_FeedbackStreamGoneAfterDeliveries_DegradedNamingIt()
    {
        // volatile-lru: keys without a TTL (the namespace's, the stream) are never evicted, so the store is sound and
        // the policy alone is no risk; the stream deleted after deliveries is.
        await using var server = await RedisServer.StartAsync("--maxmemory-policy", "volatile-lru");
        using var cli = new CliSession(server);
        await cli.PublishAsync();
        await FeedbackSamples.ReportToRedisAsync(server, cli.Namespace, await FeedbackSamples.CreateAsync());
        await server.CommandAsync("DEL", $"cc:{{{cli.Namespace}}}:feedback");

        using var host = await StartHostAsync(server, cli.Namespace);
        try
        {
            var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
            var entry = report.Entries[CreditCheckDiagnostics.HealthCheckName];

            Assert.True(entry.Status == HealthStatus.Degraded, $"{entry.Status}: {entry.Description}");
            Assert.Contains("is missing although", (string)entry.Data["feedbackRisk"], StringComparison.Ordinal);
            Assert.Contains("delivered feedback is at risk", entry.Description, StringComparison.Ordinal);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task HealthCheck_RedisLostEverythingAfterDeliveries_TheHostThatDeliveredSaysFeedbackIsLost()
    {
        // Found from outside: Redis restarted without persistence, the operator published the catalog and imported
        // again, and the service's health said Healthy although 19 of 119 acknowledged records were gone: the count in
        // meta went with the stream. The host that delivered them counts them itself.
        await using var server = await RedisServer.StartAsync("--maxmemory-policy", "noeviction");
        using var cli = new CliSession(server);
        await cli.PublishAsync();
        var samples = (await FeedbackSamples.CreateAsync()).ToList();

        using var host = await StartHostAsync(server, cli.Namespace);
        try
        {
            var feedback = host.Services.GetRequiredService<CreditFeedback>();
            var before = new List<FeedbackRecord>();
            foreach (var sample in samples)
            {
                before.AddRange(await feedback.ReportAsync(sample.Report));
            }

            Assert.True(await feedback.FlushAsync(TimeSpan.FromSeconds(30)), feedback.Status.LastError);
            await server.CommandAsync("FLUSHALL");
            await cli.PublishAsync(); // as the operator did: meta is back, without the count

            var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
            var entry = report.Entries[CreditCheckDiagnostics.HealthCheckName];
            Assert.NotEqual(HealthStatus.Healthy, entry.Status);
            var risk = (string)entry.Data["feedbackRisk"];
            Assert.Contains("the namespace's delivered count was reset: Redis lost its data", risk, StringComparison.Ordinal);
            Assert.Contains($"so at least {before.Count} are lost", risk, StringComparison.Ordinal);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    /// <summary>A host on the namespace with the health checks, started.</summary>
    private static async Task<IHost> StartHostAsync(RedisServer server, string ns)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddHealthChecks();
        builder.Services.AddCreditCheck().UseRedis(server.Configuration, o =>
        {
            o.Namespace = ns;
            o.Secret = CliSession.Secret;
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
