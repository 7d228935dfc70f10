using CreditCheck.Adapters.Approval;
using CreditCheck.Adapters.Tests.Support;
using CreditCheck.Catalog;

namespace CreditCheck.Adapters.Tests.Approval;

/// <summary>The approval adapter's report records the 信用承诺 of a followed 容缺受理 or 告知承诺 route, and a
/// breached promise refuses the subject's next 告知承诺 (国办发〔2020〕42号).</summary>
public sealed class ApprovalCommitmentTests : IAsyncDisposable
{
    private readonly AdapterHarness _harness = AdapterHarness.Create(b => b.AddApprovalAdapter(), CreditCatalog.Default);

    private ApprovalAdapter Adapter => _harness.Get<ApprovalAdapter>();

    private ICreditCommitments Commitments => _harness.Get<ICreditCommitments>();

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    private static ApprovalApplication Application(SubjectId enterprise, string id = "BJ-2026-0201") => new()
    {
        ApplicationId = id,
        MatterCode = "XK-001",
        MatterName = "食品经营许可",
        Enterprise = enterprise,
        EnterpriseName = "北京某餐饮有限公司",
        Department = "市政务服务中心",
        Operator = "窗口01",
    };

    [Fact]
    public async Task ReportAsync_TolerantAcceptanceFollowed_RecordsTheMaterialsDueOnTheDeadline()
    {
        var company = Ids.Company(601);
        var result = await Adapter.RouteAsync(Application(company) with { MissingMaterials = ["场地租赁合同", "健康证明"] });
        Assert.Equal(ApprovalRoute.TolerantAcceptance, result.Route);

        await Adapter.ReportAsync(result, ApprovalHandling.Followed("已容缺受理"));

        var commitment = Assert.Single(await Commitments.ListAsync());
        Assert.Equal(company, commitment.Subject);
        Assert.Equal("北京某餐饮有限公司", commitment.SubjectName);
        Assert.Equal("XK-001", commitment.MatterCode);
        Assert.Equal("食品经营许可", commitment.MatterName);
        Assert.Equal(["场地租赁合同", "健康证明"], commitment.Materials);
        Assert.Equal(result.FollowUpDeadline, commitment.DueOn);
        Assert.Equal("市政务服务中心", commitment.Department);
        Assert.Equal(result.Decisions[0].Decision.CheckId, commitment.CheckId);
        Assert.Equal(CommitmentStatus.Open, commitment.Status);
        Assert.Contains("场地租赁合同、健康证明于", commitment.Promise, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReportAsync_ReportedAfterTheDeadline_RecordedAsTakenEarlierAndOverdueAtOnce()
    {
        // The SDK refuses a past due day unless the promise was taken earlier; the adapter's was, at the window.
        var result = await Adapter.RouteAsync(Application(Ids.Company(605)) with { MissingMaterials = ["健康证明"] });
        Assert.Equal(ApprovalRoute.TolerantAcceptance, result.Route);
        _harness.Time.Advance(TimeSpan.FromDays(60));

        await Adapter.ReportAsync(result, ApprovalHandling.Followed("已容缺受理"));

        var commitment = Assert.Single(await Commitments.ListAsync(overdueOnly: true));
        Assert.Equal(result.FollowUpDeadline, commitment.DueOn);
        Assert.True(commitment.IsOverdue(CreditCommitments.Today(_harness.Time.GetUtcNow())));
    }

    [Fact]
    public async Task RecordAsync_DueDayPastWithoutTakenEarlier_RefusedAndNothingRecorded()
    {
        var due = CreditCommitments.Today(_harness.Time.GetUtcNow()).AddDays(-3);

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => Commitments.RecordAsync(new NewCommitment(Ids.Company(606), "XK-001", "健康证明于期限前补齐", due)));

        Assert.Contains("is already past", refused.Message, StringComparison.Ordinal);
        Assert.Empty(await Commitments.ListAsync());
    }

    [Fact]
    public async Task ReportAsync_CommitmentFollowed_RecordsConditionsDueAfterTheReviewDays()
    {
        var result = await Adapter.RouteAsync(Application(Ids.Company(602)) with { OffersCommitment = true });
        Assert.Equal(ApprovalRoute.Commitment, result.Route);

        await Adapter.ReportAsync(result, ApprovalHandling.Followed());

        var commitment = Assert.Single(await Commitments.ListAsync());
        Assert.Empty(commitment.Materials);
        Assert.StartsWith("告知承诺", commitment.Promise, StringComparison.Ordinal);
        var decided = DateOnly.FromDateTime(result.Decisions[0].Decision.EvaluatedAt.ToOffset(TimeSpan.FromHours(8)).DateTime);
        Assert.Equal(decided.AddDays(new ApprovalOptions().CommitmentReviewDays), commitment.DueOn);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ReportAsync_SameFollowedRouteReportedTwice_RecordsOneCommitment(bool commitmentRoute)
    {
        // Found from outside: a retried report (a lost reply, a double click) recorded a second open commitment for the
        // one promise; the clerk closes one, the other goes overdue and is followed up (约谈、公示, a breach lists the subject).
        var application = commitmentRoute ? Application(Ids.Company(607)) with { OffersCommitment = true } : Application(Ids.Company(607)) with { MissingMaterials = ["健康证明"] };
        var result = await Adapter.RouteAsync(application);
        Assert.Equal(commitmentRoute ? ApprovalRoute.Commitment : ApprovalRoute.TolerantAcceptance, result.Route);

        await Adapter.ReportAsync(result, ApprovalHandling.Followed());
        var again = await Adapter.ReportAsync(result, ApprovalHandling.Followed());

        Assert.All(again, r => Assert.True(r.IsRepeat));
        var commitment = Assert.Single(await Commitments.ListAsync());
        Assert.Equal(result.Decisions[0].Decision.CheckId, commitment.CheckId);
    }

    [Fact]
    public async Task ReportAsync_RepeatOfAReportThatRecordedNoCommitment_RecordsIt()
    {
        // The feedback went through but the commitment was not recorded (the host stopped in between): the retry records it.
        var result = await Adapter.RouteAsync(Application(Ids.Company(608)) with { MissingMaterials = ["健康证明"] });
        Assert.Equal(ApprovalRoute.TolerantAcceptance, result.Route);
        await _harness.Get<ICreditFeedback>().ReportAsync(FeedbackReport.For(result.Decisions[0].Decision).Executed("tolerant-acceptance", "已容缺受理").NotExecuted("commitment-approval", "未适用"));

        var again = await Adapter.ReportAsync(result, ApprovalHandling.Followed());

        Assert.All(again, r => Assert.True(r.IsRepeat));
        var commitment = Assert.Single(await Commitments.ListAsync());
        Assert.Equal(result.FollowUpDeadline, commitment.DueOn);
    }

    [Fact]
    public async Task ReportAsync_NotFollowedOrStandardRoute_RecordsNothing()
    {
        var withdrawn = await Adapter.RouteAsync(Application(Ids.Company(603)) with { OffersCommitment = true });
        await Adapter.ReportAsync(withdrawn, ApprovalHandling.NotFollowed("申请人撤回申请"));
        var standard = await Adapter.RouteAsync(Application(Ids.Company(604), "BJ-2026-0202"));
        await Adapter.ReportAsync(standard, ApprovalHandling.Followed());

        Assert.Empty(await Commitments.ListAsync());
    }

    [Fact]
    public async Task BreachAsync_AfterAFollowedCommitment_TheNextCommitmentIsRefused()
    {
        var company = Ids.Company(605);
        var first = await Adapter.RouteAsync(Application(company) with { OffersCommitment = true });
        await Adapter.ReportAsync(first, ApprovalHandling.Followed());
        var commitment = Assert.Single(await Commitments.ListAsync());

        await Commitments.BreachAsync(commitment.Id, "核查发现承诺不实：经营场所与承诺不符");
        var next = await Adapter.RouteAsync(Application(company, "BJ-2026-0203") with { OffersCommitment = true, MissingMaterials = ["健康证明"] });

        Assert.Equal(ApprovalRoute.StrictReview, next.Route);
        var decision = next.Decisions[0].Decision;
        Assert.Contains(decision.MatchedEntries, e => e.Entry.ListCode == "broken-commitments" && e.Entry.EntryId == "commitment-" + commitment.Id);
        Assert.Contains(decision.AppliedMeasures, m => m.Measure.Code == "broken-commitment-no-commitment" && m.LegalBasis.Contains("国办发〔2020〕42号", StringComparison.Ordinal));
        Assert.Contains(decision.VoidedMeasures, m => m.Measure.Code == "commitment-approval");
        Assert.Contains(decision.VoidedMeasures, m => m.Measure.Code == "tolerant-acceptance");
        Assert.Equal(CommitmentStatus.Breached, (await Commitments.GetAsync(commitment.Id))!.Status);
    }
}
