using CreditCheck.Catalog;
using CreditCheck.Redis;
using CreditCheck.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CreditCheck.Tests.Commitments;

/// <summary>A breach on one host reaches every host through the change feed: the subject's next 告知承诺 and
/// 容缺受理 are refused elsewhere too, and given again once the entry is repaired.</summary>
public sealed class CommitmentFeedTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Fact]
    public async Task BreachAsync_OnOneHost_TheOtherHostRefusesTheNextCommitmentUntilRepair()
    {
        await using var harness = await RedisHarness.CreateAsync(redis.Server, CreditCatalog.Default);
        ServiceProvider Host()
        {
            var services = new ServiceCollection();
            services.AddCreditCheck().UseRedis(redis.Server.Configuration, o =>
            {
                o.Namespace = harness.Namespace;
                o.Secret = RedisHarness.Secret;
                o.PollInterval = TimeSpan.FromMilliseconds(200);
            });
            return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        }

        await using var window = Host();
        await using var elsewhere = Host();
        await window.GetRequiredService<RedisCreditStore>().StartAsync();
        await elsewhere.GetRequiredService<RedisCreditStore>().StartAsync();
        var company = SyntheticIds.Company(950);
        var checker = elsewhere.GetRequiredService<ICreditChecker>();
        var before = await checker.CheckAsync(new CheckRequest(company, "licensing"));
        Assert.Contains(before.AppliedMeasures, m => m.Measure.Code == "commitment-approval");

        var commitments = window.GetRequiredService<ICreditCommitments>();
        var promise = await commitments.RecordAsync(new NewCommitment(company, "XK-001", "告知承诺：符合食品经营许可条件", new DateOnly(2026, 12, 31)) { Department = "市政务服务中心" });
        await commitments.BreachAsync(promise.Id, "核查发现承诺不实");

        var after = await EventuallyAsync(() => checker.CheckAsync(new CheckRequest(company, "licensing")).AsTask(), d => d.MatchedEntries.Count > 0);
        Assert.Contains(after.VoidedMeasures, m => m.Measure.Code == "commitment-approval");
        Assert.Contains(after.VoidedMeasures, m => m.Measure.Code == "tolerant-acceptance");
        Assert.Contains(after.AppliedMeasures, m => m.Measure.Code == "broken-commitment-no-commitment");
        Assert.Equal(DecisionOutcome.Restricted, after.Outcome);

        // 信用修复: the entry repaired, the benefits come back on every host.
        await harness.Publisher.SetStatusAsync(company, "broken-commitments", "commitment-" + promise.Id, EntryStatus.Repaired, "已履行承诺，信用修复");
        var repaired = await EventuallyAsync(() => checker.CheckAsync(new CheckRequest(company, "licensing")).AsTask(), d => d.AppliedMeasures.Any(m => m.Measure.Code == "commitment-approval"));
        Assert.Contains(repaired.AppliedMeasures, m => m.Measure.Code == "commitment-approval");
    }

    private static async Task<CreditDecision> EventuallyAsync(Func<Task<CreditDecision>> check, Func<CreditDecision, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var decision = await check();
            if (condition(decision) || DateTime.UtcNow > deadline)
            {
                return decision;
            }

            await Task.Delay(20);
        }
    }
}
