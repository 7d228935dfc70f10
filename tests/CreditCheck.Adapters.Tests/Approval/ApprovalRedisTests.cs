using CreditCheck.Adapters.Approval;
using CreditCheck.Adapters.Tests.Support;
using CreditCheck.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CreditCheck.Adapters.Tests.Approval;

public sealed class ApprovalRedisTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Fact]
    public async Task RouteManyAsync_OnRedis_SameRoutesAsEmbeddedAndAListingArrivesThroughTheFeed()
    {
        await using var harness = await RedisAdapterHarness.CreateAsync(redis.Server);
        var red = Ids.Company(1, prefix: 5);
        var black = Ids.Company(2, prefix: 5);
        var clean = Ids.Company(3, prefix: 5);
        var representative = Ids.Person(4);
        await harness.ListAsync(red, "grade-a");
        await harness.ListAsync(black, "debtors");
        await harness.ListAsync(representative, "market-violations", new RelatedParty("示例违法企业有限公司", null, RelatedRole.LegalRepresentative));
        var provider = await harness.StartAsync(b => b.AddApprovalAdapter(o => o.Matters["DJ-1"] = new MatterSettings { Scenario = "market-access.registration" }));
        var adapter = provider.GetRequiredService<ApprovalAdapter>();
        ApprovalApplication[] day =
        [
            new() { ApplicationId = "R1", MatterCode = "XK-1", Enterprise = red, MissingMaterials = ["健康证明"] },
            new() { ApplicationId = "R2", MatterCode = "XK-1", Enterprise = black, OffersCommitment = true },
            new() { ApplicationId = "R3", MatterCode = "DJ-1", Enterprise = clean, LegalRepresentative = representative },
            new() { ApplicationId = "R4", MatterCode = "XK-1", Enterprise = clean },
        ];

        var results = await adapter.RouteManyAsync(day);

        Assert.Equal([ApprovalRoute.TolerantAcceptance, ApprovalRoute.StrictReview, ApprovalRoute.Refused, ApprovalRoute.Standard], results.Select(r => r.Route));
        Assert.Equal(["健康证明"], results[0].FollowUpMaterials);
        Assert.Equal("legal-representative-restriction", results[2].Reasons[0].MeasureCode);
        Assert.All(results.SelectMany(r => r.Decisions), d => Assert.False(d.Decision.IsDegraded));
        Assert.Contains(results.SelectMany(r => r.Decisions), d => d.Decision.Path is DecisionPath.Cache or DecisionPath.Store);

        // A listing published now reaches the host through the change feed.
        await harness.WaitForAsync(await harness.ListAsync(clean, "licensing-fraud"));
        var refused = await adapter.RouteAsync(day[3]);
        Assert.Equal(ApprovalRoute.Refused, refused.Route);
        Assert.Equal("licensing-bar", refused.Reasons[0].MeasureCode);
    }

    [Fact]
    public async Task ReportAsync_OnRedis_RecordsReachTheNamespacesFeedbackStream()
    {
        await using var harness = await RedisAdapterHarness.CreateAsync(redis.Server);
        var red = Ids.Company(7, prefix: 5);
        await harness.ListAsync(red, "grade-a");
        var provider = await harness.StartAsync(b => b.AddApprovalAdapter());
        var adapter = provider.GetRequiredService<ApprovalAdapter>();
        var result = await adapter.RouteAsync(new ApprovalApplication { ApplicationId = "F1", MatterCode = "XK-1", Enterprise = red, MissingMaterials = ["健康证明"] });

        var reported = await adapter.ReportAsync(result, ApprovalHandling.Followed("已容缺受理"));

        await using var reader = await harness.ReaderAsync();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        List<FeedbackRecord> delivered;
        do
        {
            await Task.Delay(50);
            delivered = await reader.ReadAsync(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1)).ToListAsync();
        }
        while (delivered.Count < reported.Count && DateTime.UtcNow < deadline);

        Assert.Equal(reported.Select(r => r.Key).Order(StringComparer.Ordinal), delivered.Select(r => r.Key).Order(StringComparer.Ordinal));
        Assert.All(delivered, r => Assert.Equal(("F1", "XK-1"), (r.TransactionReference, r.ItemCode)));
        Assert.Contains(delivered, r => r.MeasureCode == "tolerant-acceptance" && r.Result == ExecutionResult.Executed);
    }

    [Fact]
    public async Task ReportAsync_RedisGoneAfterTheFeedback_SaysWhatWasRecordedAndWhatNot_AndTheRepeatRecordsTheCommitmentOnce()
    {
        // Found from outside (redis-degrade.sh LastKnown): the feedback was accepted, then RedisCommitmentStore threw a raw
        // RedisConnectionException, the host told nothing of what was kept.
        await using var server = await RedisServer.StartAsync();
        await using var harness = await RedisAdapterHarness.CreateAsync(server);
        var red = Ids.Company(11, prefix: 6);
        await harness.ListAsync(red, "grade-a");
        var provider = await harness.StartAsync(b => b.AddApprovalAdapter());
        var adapter = provider.GetRequiredService<ApprovalAdapter>();
        var result = await adapter.RouteAsync(new ApprovalApplication { ApplicationId = "C1", MatterCode = "XK-1", Enterprise = red, EnterpriseName = "示例守信公司", MissingMaterials = ["健康证明"] });
        Assert.Equal(ApprovalRoute.TolerantAcceptance, result.Route);

        await server.KillAsync();
        var error = await Assert.ThrowsAsync<CommitmentNotRecordedException>(async () => await adapter.ReportAsync(result, ApprovalHandling.Followed("已容缺受理")));

        Assert.NotNull(error.InnerException);
        Assert.NotEmpty(error.Feedback);
        Assert.All(error.Feedback, r => Assert.Contains(r.Key, error.Message, StringComparison.Ordinal));
        Assert.Equal(red, error.Commitment!.Subject);
        Assert.Contains("feedback was recorded", error.Message, StringComparison.Ordinal);
        Assert.Contains($"commitment was not recorded: subject {red.Masked}", error.Message, StringComparison.Ordinal);
        Assert.Contains("tolerant-acceptance", error.Message, StringComparison.Ordinal);
        Assert.Contains("report the same route again", error.Message, StringComparison.Ordinal);
        Assert.DoesNotMatch("[\\u4e00-\\u9fff]", error.Message.Replace("示例守信公司", string.Empty, StringComparison.Ordinal)); // English, but for the name given

        await server.RestartAsync();
        var commitments = provider.GetRequiredService<ICreditCommitments>();
        var again = await RetryAsync(() => adapter.ReportAsync(result, ApprovalHandling.Followed("已容缺受理")).AsTask());
        await adapter.ReportAsync(result, ApprovalHandling.Followed("已容缺受理"));

        Assert.Equal(error.Feedback.Select(r => r.Key), again.Select(r => r.Key));
        var commitment = Assert.Single(await commitments.ListAsync());
        Assert.Equal((red, result.Decisions[0].Decision.CheckId), (commitment.Subject, commitment.CheckId));
    }

    /// <summary>Repeats a call until Redis is reachable again (bounded): the client reconnects in the background.</summary>
    private static async Task<T> RetryAsync<T>(Func<Task<T>> call)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                return await call();
            }
            catch (CommitmentNotRecordedException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }

    [Fact]
    public async Task RouteAsync_RedisGoneAndDataStale_StrictReviewSaysTheCheckCouldNotBeMade()
    {
        await using var server = await RedisServer.StartAsync();
        await using var harness = await RedisAdapterHarness.CreateAsync(server);
        var provider = await harness.StartAsync(b => b.AddApprovalAdapter(), o => o.MaxStaleness = TimeSpan.FromMilliseconds(200));
        var adapter = provider.GetRequiredService<ApprovalAdapter>();
        var application = new ApprovalApplication { ApplicationId = "D1", MatterCode = "XK-1", Enterprise = Ids.Company(9, prefix: 6), OffersCommitment = true };
        Assert.Equal(ApprovalRoute.Standard, (await adapter.RouteAsync(application)).Route);

        await server.KillAsync();
        await Task.Delay(400);
        var result = await adapter.RouteAsync(application);

        Assert.Equal(ApprovalRoute.StrictReview, result.Route);
        Assert.True(result.IsDegraded);
        Assert.StartsWith("申请单位信用记录未能按最新数据查询", result.Reasons[0].Text, StringComparison.Ordinal);
        Assert.All(result.Reasons, r => Assert.DoesNotMatch("[A-Za-z]", r.Text)); // the English reason (the exception) is the decision's, not the clerk's
        Assert.DoesNotMatch("[A-Za-z]", result.Summary);
    }
}
