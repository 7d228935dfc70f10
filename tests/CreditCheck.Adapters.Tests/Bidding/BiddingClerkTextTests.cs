using CreditCheck.Adapters.Bidding;
using CreditCheck.Adapters.Tests.Support;
using Microsoft.Extensions.Options;

namespace CreditCheck.Adapters.Tests.Bidding;

/// <summary>Bidders' reasons in Chinese only: the English reason of a degraded check stays in the decision (found
/// by review, 2026-12).</summary>
public sealed class BiddingClerkTextTests : IAsyncDisposable
{
    private readonly AdapterHarness _harness = AdapterHarness.Create(b => b.AddBiddingAdapter());

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    private static Tender Tender(params Bidder[] bidders) => new() { TenderId = "ZB-2026-041", Bidders = bidders };

    [Fact]
    public async Task QualifyAsync_StoreUnavailable_ReasonSaysSoInChineseAndKeepsTheEnglishInTheDecision()
    {
        var adapter = new BiddingAdapter(new UnavailableChecker(_harness.Get<ICreditChecker>()), Options.Create(new BiddingOptions()), Options.Create(new CreditCheckOptions()));

        var bidder = (await adapter.QualifyAsync(Tender(new Bidder("示例投标人", Ids.Company(51))))).Bidders[0];

        Assert.Equal(BidderStatus.FlaggedForReview, bidder.Status);
        Assert.Equal("示例投标人的信用记录未能按最新数据查询（名单数据暂时无法读取），需核查后再定", bidder.Reasons[0].Text);
        Assert.All(bidder.Reasons, r => UnavailableChecker.AssertChineseOnly(r.Text));
        Assert.Equal(UnavailableChecker.Reason, bidder.Decision.DegradedReason);
    }

    [Fact]
    public async Task QualifyAsync_BidderByOrganizationCode_AsksForTheUnifiedSocialCreditCode()
    {
        var code = Ids.Company(52).EmbeddedOrganizationCode!.Value;

        var bidder = (await _harness.Get<BiddingAdapter>().QualifyAsync(Tender(new Bidder("示例投标人", code)))).Bidders[0];

        Assert.Equal(BidderStatus.FlaggedForReview, bidder.Status);
        Assert.Equal("示例投标人以组织机构代码核查，查不到以统一社会信用代码列入的记录，请以统一社会信用代码核查后再定", bidder.Reasons[0].Text);
        Assert.All(bidder.Reasons, r => UnavailableChecker.AssertChineseOnly(r.Text));
    }

    [Fact]
    public async Task QualifyAsync_CleanBidderFromTheLastKnownData_FlaggedSaysAsOfWhenNotAFlatNothingFound()
    {
        // Found by review: a clean answer from the last known data read "未发现限制投标的信用记录" as if current. Found from
        // outside: it was qualified outright; it is flagged, the reason for the flag first.
        var adapter = new BiddingAdapter(new RewritingChecker(_harness.Get<ICreditChecker>(), RewritingChecker.LastKnown), Options.Create(new BiddingOptions()), Options.Create(new CreditCheckOptions()));

        var bidder = (await adapter.QualifyAsync(Tender(new Bidder("示例投标人", Ids.Company(53))))).Bidders[0];

        Assert.Equal(BidderStatus.FlaggedForReview, bidder.Status);
        Assert.Equal("示例投标人的信用记录未能按最新数据查询（名单数据未能更新，按最近一次同步的数据（截至2026-11-22 09:30）核查），需核查后再定", bidder.Reasons[0].Text);
        Assert.Equal("按最近一次同步的数据（截至2026-11-22 09:30）未发现限制投标的信用记录", bidder.Reasons[1].Text);
        Assert.All(bidder.Reasons, r => UnavailableChecker.AssertChineseOnly(r.Text));
    }

    [Fact]
    public async Task QualifyAsync_ExpiredDebtorEntry_SaysTheRecordDoesNotApplyHereNotThatNothingWasFound()
    {
        // Found by review: an expired 失信被执行人 entry shown beside "未发现限制投标的信用记录".
        var bidder = Ids.Company(54);
        await _harness.ListAsync(bidder, "debtors", from: AdapterHarness.Now.AddYears(-3), until: AdapterHarness.Now.AddDays(-1));

        var result = (await _harness.Get<BiddingAdapter>().QualifyAsync(Tender(new Bidder("示例投标人", bidder)))).Bidders[0];

        Assert.Equal(BidderStatus.Qualified, result.Status);
        Assert.Equal(EntryState.Expired, Assert.Single(result.Decision.MatchedEntries).State);
        Assert.Equal("所列名单记录在本事项不适用联合奖惩措施", result.Reasons[0].Text);
        Assert.DoesNotContain(result.Reasons, r => r.Text.Contains("未发现", StringComparison.Ordinal));
    }
}
