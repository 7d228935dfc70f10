using CreditCheck.Adapters.Bidding;
using CreditCheck.Adapters.Tests.Support;
using CreditCheck.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CreditCheck.Adapters.Tests.Bidding;

public sealed class BiddingRedisTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Fact]
    public async Task QualifyAsync_OnRedis_GateAndScoreAsEmbeddedAndACreditRepairArrivesThroughTheFeed()
    {
        await using var harness = await RedisAdapterHarness.CreateAsync(redis.Server);
        var red = Ids.Company(1, prefix: 9);
        var restricted = Ids.Company(2, prefix: 9);
        var watched = Ids.Company(3, prefix: 9);
        await harness.ListAsync(red, "grade-a");
        await harness.ListAsync(red, "aeo");
        await harness.ListAsync(restricted, "wage-arrears");
        await harness.ListAsync(watched, "abnormal");
        var provider = await harness.StartAsync(b => b.AddBiddingAdapter());
        var adapter = provider.GetRequiredService<BiddingAdapter>();
        var rules = new CreditScoringRules { Cap = 3 };
        rules.PointsPerList["grade-a"] = 2;
        rules.PointsPerList["aeo"] = 2;
        var tender = new Tender
        {
            TenderId = "ZB-R-1",
            Scoring = rules,
            Bidders = [new Bidder("守信企业", red), new Bidder("欠薪企业", restricted), new Bidder("异常企业", watched), new Bidder("清白企业", Ids.Company(4, prefix: 9))],
        };

        var result = await adapter.QualifyAsync(tender);

        Assert.Equal([BidderStatus.Qualified, BidderStatus.Disqualified, BidderStatus.FlaggedForReview, BidderStatus.Qualified], result.Bidders.Select(b => b.Status));
        Assert.Equal([3m, 0m, 0m, 0m], result.Bidders.Select(b => b.CreditScore));
        Assert.True(result.Bidders[0].Capped);
        Assert.All(result.Bidders, b => Assert.False(b.Decision.IsDegraded));

        // 信用修复 of the wage-arrears listing reaches the host through the change feed.
        await harness.Publisher.SetStatusAsync(restricted, "wage-arrears", "wage-arrears-0003", EntryStatus.Repaired, "修复决定书");
        var deadline = DateTime.UtcNow.AddSeconds(5);
        BidderStatus status;
        do
        {
            await Task.Delay(20);
            status = (await adapter.QualifyAsync(tender)).Bidders[1].Status;
        }
        while (status != BidderStatus.Qualified && DateTime.UtcNow < deadline);

        Assert.Equal(BidderStatus.Qualified, status);
    }
}
