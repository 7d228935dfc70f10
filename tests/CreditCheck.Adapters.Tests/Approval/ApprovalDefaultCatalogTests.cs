using CreditCheck.Adapters.Approval;
using CreditCheck.Adapters.Tests.Support;
using CreditCheck.Catalog;

namespace CreditCheck.Adapters.Tests.Approval;

/// <summary>The approval adapter on the shipped catalog: 告知承诺 and 容缺受理 for every applicant without a 失信
/// record (国办发〔2020〕42号), with the adapter's default eligibility following the catalog.</summary>
public sealed class ApprovalDefaultCatalogTests : IAsyncDisposable
{
    private readonly AdapterHarness _harness = AdapterHarness.Create(
        b => b.AddApprovalAdapter(o => o.Matters["XK-PERMIT"] = new MatterSettings { Scenario = "licensing.business-permit", Name = "涉企经营许可" }),
        CreditCatalog.Default);

    private ApprovalAdapter Adapter => _harness.Get<ApprovalAdapter>();

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    private static ApprovalApplication Application(SubjectId enterprise, string matter = "XK-001") => new()
    {
        ApplicationId = "BJ-2026-0101",
        MatterCode = matter,
        MatterName = "食品经营许可",
        Enterprise = enterprise,
        Department = "市政务服务中心",
        Operator = "窗口01",
    };

    [Fact]
    public void ApprovalOptions_Default_FacilitationFollowsTheCatalog()
    {
        var options = new ApprovalOptions();

        Assert.Equal(FacilitationEligibility.Catalog, options.Commitment);
        Assert.Equal(FacilitationEligibility.Catalog, options.TolerantAcceptance);
    }

    [Fact]
    public async Task RouteAsync_CleanApplicantOffersCommitment_CommitmentOnTheCatalogMeasure()
    {
        var result = await Adapter.RouteAsync(Application(Ids.Company(401)) with { OffersCommitment = true });

        Assert.Equal(ApprovalRoute.Commitment, result.Route);
        Assert.Equal("commitment-approval", result.Reasons[0].MeasureCode);
        Assert.Contains("国办发〔2020〕42号", result.Reasons[0].LegalBasis, StringComparison.Ordinal);
        Assert.StartsWith("申请单位无失信记录", result.Reasons[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RouteAsync_CleanApplicantMissingMaterials_TolerantAcceptanceOnTheCatalogMeasure()
    {
        var result = await Adapter.RouteAsync(Application(Ids.Company(402)) with { MissingMaterials = ["健康证明"] });

        Assert.Equal(ApprovalRoute.TolerantAcceptance, result.Route);
        Assert.Equal("tolerant-acceptance", result.Reasons[0].MeasureCode);
        Assert.Equal(["健康证明"], result.FollowUpMaterials);
    }

    [Fact]
    public async Task RouteAsync_BusinessPermitMatter_CommitmentCitesTheZhengZhaoFenLiNotice()
    {
        var result = await Adapter.RouteAsync(Application(Ids.Company(403), "XK-PERMIT") with { OffersCommitment = true });

        Assert.Equal(ApprovalRoute.Commitment, result.Route);
        Assert.Equal("business-permit-commitment", result.Reasons[0].MeasureCode);
        Assert.Contains("国发〔2021〕7号", result.Reasons[0].LegalBasis, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RouteAsync_DishonestDebtorOffersCommitment_StrictReviewWithoutCommitment()
    {
        var debtor = Ids.Company(404);
        await _harness.ListAsync(debtor, "court-dishonest-debtors");

        var result = await Adapter.RouteAsync(Application(debtor) with { OffersCommitment = true });

        Assert.Equal(ApprovalRoute.StrictReview, result.Route);
        Assert.Contains(result.Reasons, r => r.MeasureCode == "commitment-approval" && r.Text.Contains("信用修复前不适用", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RouteAsync_TaxGradeDApplicantOnALicence_CommitmentBecauseTheListActsOnlyInTaxMatters()
    {
        var gradeD = Ids.Company(405);
        await _harness.ListAsync(gradeD, "tax-grade-d");

        var result = await Adapter.RouteAsync(Application(gradeD) with { OffersCommitment = true });

        Assert.Equal(ApprovalRoute.Commitment, result.Route);
        Assert.Equal(EntryState.OutsideSector, Assert.Single(result.Decisions[0].Decision.MatchedEntries).State);
    }
}
