using CreditCheck.Adapters.Bidding;
using CreditCheck.Adapters.Tests.Support;
using Microsoft.Extensions.Options;

namespace CreditCheck.Adapters.Tests.Bidding;

public sealed class BiddingFeedbackTests : IAsyncDisposable
{
    private readonly AdapterHarness _harness = AdapterHarness.Create(b => b.AddBiddingAdapter());

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    [Fact]
    public async Task ReportAsync_CleanBidder_RecordNamesTheBidderAsTheHostGaveIt()
    {
        var adapter = _harness.Get<BiddingAdapter>();
        var qualification = await adapter.QualifyAsync(new Tender
        {
            TenderId = "ZB-2026-032", Name = "示例桥梁维修工程", Bidders = [new Bidder("示例清白投标人", Ids.Company(31))],
        });

        var records = await adapter.ReportAsync(qualification);

        Assert.Equal("示例清白投标人", Assert.Single(records).SubjectName);
    }

    [Fact]
    public async Task ReportAsync_Tender_DisqualificationBonusAndUnusedBenefitsReportedAsDone()
    {
        await _harness.StartAsync();
        var restricted = Ids.Company(1);
        var red = Ids.Company(2);
        var redUnscored = Ids.Company(3);
        var watched = Ids.Company(4);
        await _harness.ListAsync(restricted, "wage-arrears");
        await _harness.ListAsync(red, "grade-a");
        await _harness.ListAsync(redUnscored, "aeo");
        await _harness.ListAsync(watched, "abnormal");
        var rules = new CreditScoringRules();
        rules.PointsPerList["grade-a"] = 3;
        var adapter = _harness.Get<BiddingAdapter>();
        var qualification = await adapter.QualifyAsync(new Tender
        {
            TenderId = "ZB-2026-031",
            Name = "示例道路改造工程",
            Scoring = rules,
            Operator = "李某",
            Bidders = [new Bidder("欠薪企业", restricted), new Bidder("A级企业", red), new Bidder("AEO企业", redUnscored), new Bidder("异常企业", watched)],
        });

        var records = await adapter.ReportAsync(qualification, new BiddingFeedback { AppliedBenefits = new HashSet<string>(["deposit-reduction"]) });

        Assert.Equal(
            [
                ("bidding-disqualification", ExecutionResult.Executed, "已否决其投标", null),
                ("bidding-credit-bonus", ExecutionResult.Executed, "信用加分 3 分", null),
                ("deposit-reduction", ExecutionResult.Executed, "已按招标文件适用", null),
                ("bidding-credit-bonus", ExecutionResult.NotExecuted, null, "招标文件未对该名单规定信用加分"),
                (null, ExecutionResult.NothingToExecute, null, null),
            ],
            records.Select(r => (r.MeasureCode, r.Result, r.ResultText, r.Reason)));
        Assert.All(records, r => Assert.Equal(("ZB-2026-031", "示例道路改造工程", "李某"), (r.ItemCode, r.ItemName, r.Operator)));
        Assert.Equal(5, (await _harness.DeliveredAsync(5)).Count);
    }

    [Fact]
    public async Task ReportAsync_OtherBenefitNotInTheTender_NotExecutedWithTheReason()
    {
        var red = Ids.Company(5);
        await _harness.ListAsync(red, "grade-a");
        var adapter = _harness.Get<BiddingAdapter>();
        var qualification = await adapter.QualifyAsync(new Tender { TenderId = "ZB-1", Bidders = [new Bidder("A级企业", red)] });

        var records = await adapter.ReportAsync(qualification);

        Assert.Equal(("deposit-reduction", ExecutionResult.NotExecuted, "招标文件未规定该激励措施"), records.Where(r => r.MeasureCode == "deposit-reduction").Select(r => (r.MeasureCode, r.Result, r.Reason)).Single());
    }

    [Fact]
    public async Task ReportAsync_AdapterBuiltWithoutFeedback_SaysWhatIsMissing()
    {
        var adapter = new BiddingAdapter(_harness.Get<ICreditChecker>(), Options.Create(new BiddingOptions()), Options.Create(new CreditCheckOptions()));
        var qualification = await adapter.QualifyAsync(new Tender { TenderId = "ZB-1", Bidders = [new Bidder("B", Ids.Company(6))] });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await adapter.ReportAsync(qualification));

        Assert.Contains("No ICreditFeedback is registered", error.Message, StringComparison.Ordinal);
    }
}
