using CreditCheck.Cli.Reporting;

namespace CreditCheck.Tests.Cli;

/// <summary>
/// The report's numbers from the known set (<see cref="FeedbackSamples"/>), worked out by hand:
/// <code>
/// check dept          scenario        list      measures reported                                  outcome
/// C1    市财政局       procurement     debtors   refusal Executed, notice NotExecuted(系统未对接)      Denied
/// C2    市财政局       procurement.bid debtors   refusal Overridden(李局长, 法院已裁定解除), notice Executed  Denied
/// C3    市财政局       procurement     —         none                                              Clear
/// C4    市市场监管局   licensing       grade-a   green-channel Executed                            Benefit
/// C5    市市场监管局   licensing       debtors   no-commitment Executed, notice NotExecuted(系统未对接) Restricted
/// C6    市市场监管局   licensing       —         none                                              Clear
/// C7    市政务服务中心 public-service  grade-a   green-channel NotExecuted(申请人未申请)             Benefit
/// C8    市市场监管局   licensing       abnormal  strict-review (Supervision) Executed              Review
/// C9    (none)         public-service  —         none                                              Clear
/// </code>
/// Records 2+2+1+1+2+1+1+1+1 = 12; checks 9; hits C1 C2 C4 C5 C7 C8 = 6; punishments executed C1 refusal,
/// C2 notice, C5 no-commitment, C8 strict-review = 4; rewards executed C4 = 1; not executed C1, C5 notice and
/// C7 green-channel = 3; overridden C2 refusal = 1.
/// </summary>
public sealed class FeedbackStatisticsTests
{
    private static readonly DateTimeOffset ReportedAt = new(2026, 10, 8, 9, 0, 0, FeedbackSamples.Cst);

    private static async Task<FeedbackStatistics> QuarterAsync()
    {
        var samples = await FeedbackSamples.CreateAsync();
        return FeedbackStatistics.Compute(FeedbackSamples.Records(samples.InQuarter(), ReportedAt));
    }

    [Fact]
    public async Task Compute_KnownSet_Totals()
    {
        var statistics = await QuarterAsync();

        Assert.Equal(new FeedbackTally(Records: 12, Checks: 9, Hits: 6, PunishmentsExecuted: 4, RewardsExecuted: 1, NotExecuted: 3, Overridden: 1), statistics.Totals);
    }

    [Fact]
    public async Task Compute_KnownSet_PerDepartmentMostChecksFirstAndTheMissingOneNamed()
    {
        var statistics = await QuarterAsync();

        Assert.Equal(
            [
                new FeedbackGroup("市市场监管局", null, new FeedbackTally(5, 4, 3, 2, 1, 1, 0)), // C4 C5 C6 C8
                new FeedbackGroup("市财政局", null, new FeedbackTally(5, 3, 2, 2, 0, 1, 1)),     // C1 C2 C3
                new FeedbackGroup("市政务服务中心", null, new FeedbackTally(1, 1, 1, 0, 0, 1, 0)), // C7
                new FeedbackGroup("（未填写部门）", null, new FeedbackTally(1, 1, 0, 0, 0, 0, 0)), // C9
            ],
            statistics.ByDepartment);
    }

    [Fact]
    public async Task Compute_KnownSet_PerScenario()
    {
        var statistics = await QuarterAsync();

        Assert.Equal(
            [
                new FeedbackGroup("licensing", null, new FeedbackTally(5, 4, 3, 2, 1, 1, 0)),      // C4 C5 C6 C8
                new FeedbackGroup("procurement", null, new FeedbackTally(3, 2, 1, 1, 0, 1, 0)),    // C1 C3
                new FeedbackGroup("public-service", null, new FeedbackTally(2, 2, 1, 0, 0, 1, 0)), // C7 C9
                new FeedbackGroup("procurement.bid", null, new FeedbackTally(2, 1, 1, 1, 0, 0, 1)), // C2
            ],
            statistics.ByScenario);
    }

    [Fact]
    public async Task Compute_KnownSet_PerListOnlyTheListsThatTriggered()
    {
        var statistics = await QuarterAsync();

        Assert.Equal(
            [
                new FeedbackGroup("debtors", null, new FeedbackTally(6, 3, 3, 3, 0, 2, 1)),  // C1 C2 C5, both measures each
                new FeedbackGroup("grade-a", null, new FeedbackTally(2, 2, 2, 0, 1, 1, 0)),  // C4 C7
                new FeedbackGroup("abnormal", null, new FeedbackTally(1, 1, 1, 1, 0, 0, 0)), // C8
            ],
            statistics.ByList);
    }

    [Fact]
    public async Task Compute_KnownSet_PerMeasureWithTheRecordedNames()
    {
        var statistics = await QuarterAsync();

        Assert.Equal(
            [
                new FeedbackGroup("everywhere-notice", "通报", new FeedbackTally(3, 3, 3, 1, 0, 2, 0)),                 // C1 C2 C5
                new FeedbackGroup("green-channel", "行政审批绿色通道", new FeedbackTally(2, 2, 2, 0, 1, 1, 0)),         // C4 C7
                new FeedbackGroup("procurement-refusal", "拒绝参与政府采购活动", new FeedbackTally(2, 2, 2, 1, 0, 0, 1)), // C1 C2
                new FeedbackGroup("no-commitment", "不适用告知承诺制", new FeedbackTally(1, 1, 1, 1, 0, 0, 0)),          // C5
                new FeedbackGroup("strict-review", "从严审核", new FeedbackTally(1, 1, 1, 1, 0, 0, 0)),                 // C8
            ],
            statistics.ByMeasure);
    }

    [Fact]
    public async Task Compute_KnownSet_ReasonsGroupedMostFrequentFirst()
    {
        var statistics = await QuarterAsync();

        Assert.Equal(
            [("系统未对接", 2, "通报"), ("申请人未申请", 1, "行政审批绿色通道")],
            statistics.NotExecutedReasons.Select(r => (r.Reason, r.Count, string.Join("|", r.Measures))));
        Assert.Equal([("李局长", 1, "拒绝参与政府采购活动")], statistics.OverriddenBy.Select(r => (r.Reason, r.Count, string.Join("|", r.Measures))));
        Assert.Equal([("法院已裁定解除", 1)], statistics.OverrideReasons.Select(r => (r.Reason, r.Count)));
    }

    [Fact]
    public async Task Compute_RecordsDeliveredTwice_CountOnce()
    {
        var samples = await FeedbackSamples.CreateAsync();
        var records = FeedbackSamples.Records(samples.InQuarter(), ReportedAt);

        var twice = FeedbackStatistics.Compute([.. records, .. records.Take(5), records[3] with { ReportedAt = ReportedAt.AddHours(1) }]);

        Assert.Equal(new FeedbackTally(12, 9, 6, 4, 1, 3, 1), twice.Totals);
        Assert.Equal(5, twice.ByDepartment[0].Tally.Records);
    }

    [Fact]
    public async Task Compute_AllSamples_OutsideRecordsAddTheirDepartment()
    {
        var samples = await FeedbackSamples.CreateAsync();

        var statistics = FeedbackStatistics.Compute(FeedbackSamples.Records(samples, ReportedAt));

        // O1 (Huawei, nothing) and O2 (Tencent, refusal and notice executed) for 区税务局.
        Assert.Equal(new FeedbackTally(15, 11, 7, 6, 1, 3, 1), statistics.Totals);
        Assert.Contains(new FeedbackGroup("区税务局", null, new FeedbackTally(3, 2, 1, 2, 0, 0, 0)), statistics.ByDepartment);
    }

    [Fact]
    public void Compute_Nothing_ZerosAndEmptyBreakdowns()
    {
        var statistics = FeedbackStatistics.Compute([]);

        Assert.Equal(new FeedbackTally(0, 0, 0, 0, 0, 0, 0), statistics.Totals);
        Assert.Empty(statistics.ByDepartment);
        Assert.Empty(statistics.ByMeasure);
        Assert.Empty(statistics.NotExecutedReasons);
    }
}
