using CreditCheck.Adapters.Procurement;
using CreditCheck.Adapters.Tests.Support;
using CreditCheck.Catalog;

namespace CreditCheck.Adapters.Tests.Procurement;

/// <summary>Procurement screening on the shipped catalog: wage-arrears employers are refused (保障农民工工资支付条例
/// 第四十八条); a sector list outside its sector neither excludes nor flags, and the record says why.</summary>
public sealed class ProcurementDefaultCatalogTests : IAsyncDisposable
{
    private readonly AdapterHarness _harness = AdapterHarness.Create(b => b.AddProcurementAdapter(), CreditCatalog.Default);

    private ProcurementAdapter Adapter => _harness.Get<ProcurementAdapter>();

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    private static ProcurementProject Project(params Supplier[] suppliers) => new()
    {
        ProjectId = "CG-2026-201",
        ProjectName = "示例办公设备采购项目",
        Purchaser = "示例市财政局",
        Stage = ProcurementStage.BidOpening,
        Suppliers = suppliers,
        Department = "示例市公共资源交易中心",
        Operator = "张某",
    };

    [Fact]
    public async Task ScreenAsync_WageArrearsEmployer_RestrictedForTheCommitteeToReviewUnderArticle48()
    {
        // 第四十八条 restricts (予以限制); refusal (财库〔2016〕125号) is for three other lists (catalog 2026.12.6).
        var employer = Ids.Company(601);
        await _harness.ListAsync(employer, "wage-arrears");

        var screening = await Adapter.ScreenAsync(Project(Supplier.Of("示例欠薪建筑有限公司", employer)));

        Assert.Empty(screening.Excluded);
        var supplier = Assert.Single(screening.Suppliers);
        Assert.True(supplier.RequiresReview);
        Assert.Equal("wage-arrears-procurement-restriction", supplier.Reasons[0].MeasureCode);
        Assert.Contains("第四十八条", supplier.Reasons[0].LegalBasis, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScreenAsync_AbnormalOperationsSupplier_EligibleUnflaggedAndTheRecordSaysWhy()
    {
        var supplier = Ids.Company(602);
        await _harness.ListAsync(supplier, "abnormal-operations");

        var screening = await Adapter.ScreenAsync(Project(Supplier.Of("示例经营异常商贸有限公司", supplier)));

        var result = Assert.Single(screening.Eligible);
        Assert.False(result.RequiresReview);
        Assert.Contains("仅在本行业领域适用", result.Evidence.ToText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScreenAsync_RedListedAtEvaluation_TheBonusReadsWithoutDoubledBrackets()
    {
        // Found by review: "招标投标信用加分（按招标文件规定）（按采购文件规定适用）".
        var red = Ids.Company(603);
        await _harness.ListAsync(red, "tax-grade-a");

        var screening = await Adapter.ScreenAsync(Project(Supplier.Of("示例守信供应商", red)) with { Stage = ProcurementStage.Evaluation });

        var bonus = Assert.Single(screening.Suppliers[0].Reasons, r => r.MeasureCode == "bidding-credit-bonus");
        Assert.Equal("示例守信供应商列入纳税信用A级纳税人：招标投标信用加分（按招标文件规定），按采购文件规定适用", bonus.Text);
    }
}
