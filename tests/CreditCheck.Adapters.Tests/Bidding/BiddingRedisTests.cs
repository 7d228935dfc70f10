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

    [Fact]
    public async Task QualifyAsync_ConsortiaOnRedis_EveryMemberCheckedInTheOneBatchAndARestrictedMemberDisqualifies()
    {
        await using var harness = await RedisAdapterHarness.CreateAsync(redis.Server);
        var lead = Ids.Company(11, prefix: 9);
        var member = Ids.Company(12, prefix: 9);
        var restricted = Ids.Company(13, prefix: 9);
        await harness.ListAsync(lead, "grade-a");
        await harness.ListAsync(lead, "aeo");
        await harness.ListAsync(member, "grade-a");
        await harness.ListAsync(restricted, "wage-arrears");
        var provider = await harness.StartAsync(b => b.AddBiddingAdapter());
        var adapter = provider.GetRequiredService<BiddingAdapter>();
        var rules = new CreditScoringRules();
        rules.PointsPerList["grade-a"] = 2;
        rules.PointsPerList["aeo"] = 1;

        var result = await adapter.QualifyAsync(new Tender
        {
            TenderId = "ZB-R-2",
            Scoring = rules,
            Bidders =
            [
                Bidder.Consortium("守信联合体", [new BidderMember("牵头企业", lead), new BidderMember("成员企业", member)]),
                Bidder.Consortium("失信联合体", [new BidderMember("清白企业", Ids.Company(14, prefix: 9)), new BidderMember("欠薪企业", restricted)]),
            ],
        });

        Assert.Equal([BidderStatus.Qualified, BidderStatus.Disqualified], result.Bidders.Select(b => b.Status));
        Assert.Equal([2m, 0m], result.Bidders.Select(b => b.CreditScore)); // the lower member's 2, not the lead's 3
        Assert.Equal([3m, 2m], result.Bidders[0].Members.Select(m => m.CreditScore));
        Assert.StartsWith("联合体成员“欠薪企业”列入拖欠农民工工资失信联合惩戒对象名单：限制参与招标投标；依照招标投标法第三十一条", result.Bidders[1].Reasons[0].Text, StringComparison.Ordinal);
        Assert.All(result.Bidders.SelectMany(b => b.Members), m => Assert.False(m.Decision.IsDegraded));
    }
}
