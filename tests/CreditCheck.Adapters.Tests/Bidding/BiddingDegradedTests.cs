using CreditCheck.Adapters.Bidding;
using CreditCheck.Adapters.Tests.Support;
using Microsoft.Extensions.Options;

namespace CreditCheck.Adapters.Tests.Bidding;

/// <summary>A check that could not be made on current data (<see cref="CreditDecision.IsDegraded"/>) flags the bidder for
/// review, whatever the policy answered: never qualified outright, never disqualified for it (found from outside: a
/// FailOpen or last-known Clear was qualified outright).</summary>
public sealed class BiddingDegradedTests : IAsyncDisposable
{
    private readonly AdapterHarness _harness = AdapterHarness.Create(b => b.AddBiddingAdapter());

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    private static Tender Tender(params Bidder[] bidders) => new() { TenderId = "ZB-2026-091", Bidders = bidders };

    private BiddingAdapter Adapter(Func<CheckRequest, CreditDecision, CreditDecision> rewrite) =>
        new(new RewritingChecker(_harness.Get<ICreditChecker>(), rewrite), Options.Create(new BiddingOptions()), Options.Create(new CreditCheckOptions()));

    [Fact]
    public async Task QualifyAsync_StoreUnavailableUnderFailOpen_FlaggedForReviewSayingTheRecordCouldNotBeRead()
    {
        var result = await Adapter(RewritingChecker.FailOpen).QualifyAsync(Tender(new Bidder("示例投标人", Ids.Company(901))));
        var bidder = result.Bidders[0];

        Assert.Equal(DecisionOutcome.Clear, bidder.Decision.Outcome);
        Assert.Equal(BidderStatus.FlaggedForReview, bidder.Status);
        Assert.Empty(result.QualifiedOutright);
        Assert.Same(bidder, Assert.Single(result.FlaggedForReview));
        Assert.Equal("示例投标人的信用记录未能按最新数据查询（名单数据暂时无法读取），需核查后再定", bidder.Reasons[0].Text);
        Assert.DoesNotContain(bidder.Reasons, r => r.Text.Contains("未发现", StringComparison.Ordinal));
        Assert.All(bidder.Reasons, r => UnavailableChecker.AssertChineseOnly(r.Text));
    }

    [Fact]
    public async Task QualifyAsync_BidderByOrganizationCodeUnderFailOpen_FlaggedAskingForTheUnifiedSocialCreditCode()
    {
        // The real engine: an older code that finds nothing is a degraded Clear under FailOpen.
        await using var harness = AdapterHarness.Create(b => b.AddBiddingAdapter(), checkOptions: o => o.OnUnavailable = UnavailablePolicy.FailOpen);
        var code = Ids.Company(902).EmbeddedOrganizationCode!.Value;

        var bidder = (await harness.Get<BiddingAdapter>().QualifyAsync(Tender(new Bidder("示例投标人", code)))).Bidders[0];

        Assert.Equal((DecisionOutcome.Clear, true), (bidder.Decision.Outcome, bidder.Decision.IsDegraded));
        Assert.Equal(BidderStatus.FlaggedForReview, bidder.Status);
        Assert.Equal("示例投标人以组织机构代码核查，查不到以统一社会信用代码列入的记录，请以统一社会信用代码核查后再定", bidder.Reasons[0].Text);
    }

    [Fact]
    public async Task QualifyAsync_RedListBidderFromTheLastKnownData_FlaggedAndKeepsItsPoints()
    {
        var red = Ids.Company(903);
        await _harness.ListAsync(red, "grade-a");
        var rules = new CreditScoringRules();
        rules.PointsPerList["grade-a"] = 2;

        var bidder = (await Adapter(RewritingChecker.LastKnown).QualifyAsync(Tender(new Bidder("示例投标人", red)) with { Scoring = rules })).Bidders[0];

        Assert.Equal(BidderStatus.FlaggedForReview, bidder.Status);
        Assert.Equal(2, bidder.CreditScore);
        Assert.StartsWith("示例投标人的信用记录未能按最新数据查询（名单数据未能更新", bidder.Reasons[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QualifyAsync_DebtorFromTheLastKnownData_StillDisqualified()
    {
        var debtor = Ids.Company(904);
        await _harness.ListAsync(debtor, "debtors");

        var bidder = (await Adapter(RewritingChecker.LastKnown).QualifyAsync(Tender(new Bidder("示例投标人", debtor)))).Bidders[0];

        Assert.Equal(BidderStatus.Disqualified, bidder.Status);
    }

    [Fact]
    public async Task QualifyAsync_ConsortiumWithOneMemberUnread_FlaggedNamingThatMember()
    {
        var lead = Ids.Company(905);
        var member = Ids.Company(906);
        var consortium = Bidder.Consortium("示例联合体", [new BidderMember("示例牵头公司", lead), new BidderMember("示例成员公司", member)]);

        var result = await Adapter(RewritingChecker.Only(member, RewritingChecker.FailOpen)).QualifyAsync(Tender(consortium));
        var bidder = result.Bidders[0];

        Assert.Equal(BidderStatus.FlaggedForReview, bidder.Status);
        Assert.Empty(result.QualifiedOutright);
        Assert.Equal([BidderStatus.Qualified, BidderStatus.FlaggedForReview], bidder.Members.Select(m => m.Status));
        Assert.Equal("联合体成员“示例成员公司”的信用记录未能按最新数据查询（名单数据暂时无法读取），需核查后再定", bidder.Reasons[0].Text);
        Assert.Same(bidder.Members[1].Decision, bidder.Decision);
    }
}
