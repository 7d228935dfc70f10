using System.Text.Json;
using CreditCheck.Adapters.Procurement;
using CreditCheck.Adapters.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace CreditCheck.Adapters.Tests.Procurement;

public sealed class ProcurementScreeningTests : IAsyncDisposable
{
    private readonly AdapterHarness _harness = AdapterHarness.Create(b => b.AddProcurementAdapter());

    private ProcurementAdapter Adapter => _harness.Get<ProcurementAdapter>();

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    private static ProcurementProject Project(ProcurementStage stage, params Supplier[] suppliers) => new()
    {
        ProjectId = "CG-2026-118",
        ProjectName = "示例办公设备采购项目",
        Purchaser = "示例市财政局",
        Stage = stage,
        Suppliers = suppliers,
        Department = "示例市公共资源交易中心",
        Operator = "张某",
    };

    [Fact]
    public async Task ScreenAsync_CleanSupplier_EligibleOnTheStagesBasis()
    {
        var screening = await Adapter.ScreenAsync(Project(ProcurementStage.BidOpening, Supplier.Of("示例清白供应商", Ids.Company(1))));

        var supplier = Assert.Single(screening.Eligible);
        Assert.Empty(screening.Excluded);
        Assert.False(supplier.RequiresReview);
        Assert.Equal("procurement.bid", screening.Scenario);
        Assert.Equal(new ScreeningReason("示例清白供应商", "未发现拒绝参与政府采购活动的信用记录", "财库〔2016〕125号"), supplier.Reasons[0]);
        Assert.Equal("CG-2026-118", supplier.Checks[0].Decision.TransactionReference);
        Assert.Equal(AdapterHarness.Now, screening.ScreenedAt);
    }

    [Fact]
    public async Task ScreenAsync_DishonestDebtor_ExcludedWithTheRefusalsBasis()
    {
        var debtor = Ids.Company(2);
        await _harness.ListAsync(debtor, "debtors");

        var screening = await Adapter.ScreenAsync(Project(ProcurementStage.Registration, Supplier.Of("示例失信供应商", debtor)));

        var supplier = Assert.Single(screening.Excluded);
        Assert.Equal(SupplierStatus.Excluded, supplier.Status);
        Assert.Equal(new ScreeningReason("示例失信供应商", "示例失信供应商列入失信被执行人名单：拒绝参与政府采购活动", "财库〔2016〕125号；政府采购法第二十二条", "procurement-refusal"), supplier.Reasons[0]);
        Assert.Equal("procurement.registration", screening.Scenario);
    }

    [Fact]
    public async Task ScreenAsync_ProcurementViolation_ExcludedByRefusalAndBan()
    {
        var violator = Ids.Company(3);
        await _harness.ListAsync(violator, "procurement-violations");

        var supplier = (await Adapter.ScreenAsync(Project(ProcurementStage.Award, Supplier.Of("示例违规供应商", violator)))).Suppliers[0];

        Assert.Equal(SupplierStatus.Excluded, supplier.Status);
        Assert.Equal(["procurement-refusal", "procurement-ban"], supplier.Reasons.Select(r => r.MeasureCode));
        Assert.Equal("政府采购法第七十七条", supplier.Reasons[1].LegalBasis);
    }

    [Fact]
    public async Task ScreenAsync_ConsortiumWithOneListedMember_WholeConsortiumExcludedNamingTheMember()
    {
        var listed = Ids.Company(4);
        await _harness.ListAsync(listed, "debtors");
        var consortium = Supplier.Consortium("示例联合体", [new SupplierMember("示例牵头公司", Ids.Company(5)), new SupplierMember("示例成员公司", listed)]);

        var screening = await Adapter.ScreenAsync(Project(ProcurementStage.BidOpening, consortium, Supplier.Of("示例清白供应商", Ids.Company(6))));

        var excluded = Assert.Single(screening.Excluded);
        Assert.True(excluded.Supplier.IsConsortium);
        Assert.Equal("联合体成员“示例成员公司”列入失信被执行人名单：拒绝参与政府采购活动，该联合体不得参与", excluded.Reasons[0].Text);
        Assert.Equal("示例成员公司", excluded.Reasons[0].Member);
        Assert.Equal([DecisionOutcome.Clear, DecisionOutcome.Denied], excluded.Checks.Select(c => c.Decision.Outcome));
        Assert.Equal("示例清白供应商", Assert.Single(screening.Eligible).Supplier.Name);
    }

    [Fact]
    public async Task ScreenAsync_ConsortiumAllClean_Eligible()
    {
        var consortium = Supplier.Consortium("示例联合体", [new SupplierMember("甲公司", Ids.Company(7)), new SupplierMember("乙公司", Ids.Company(8))]);

        var supplier = (await Adapter.ScreenAsync(Project(ProcurementStage.BidOpening, consortium))).Suppliers[0];

        Assert.Equal(SupplierStatus.Eligible, supplier.Status);
        Assert.Equal("联合体各成员均未发现拒绝参与政府采购活动的信用记录", supplier.Reasons[0].Text);
        Assert.Equal(2, supplier.Checks.Count);
    }

    [Fact]
    public async Task ScreenAsync_WatchListed_EligibleButFlaggedOnTheListsBasis()
    {
        var abnormal = Ids.Company(9);
        await _harness.ListAsync(abnormal, "abnormal");

        var supplier = (await Adapter.ScreenAsync(Project(ProcurementStage.BidOpening, Supplier.Of("示例异常供应商", abnormal)))).Suppliers[0];

        Assert.Equal(SupplierStatus.Eligible, supplier.Status);
        Assert.True(supplier.RequiresReview);
        Assert.Equal(new ScreeningReason("示例异常供应商", "示例异常供应商列入经营异常名录，需人工核查", "企业信息公示暂行条例"), supplier.Reasons[0]);
    }

    [Fact]
    public async Task ScreenAsync_ListingUnderObjection_StillExcludedAndSaysTheObjectionIsPending()
    {
        var objecting = Ids.Company(12);
        await _harness.ListAsync(objecting, "debtors", EntryStatus.UnderObjection);

        var supplier = (await Adapter.ScreenAsync(Project(ProcurementStage.BidOpening, Supplier.Of("示例异议供应商", objecting)))).Suppliers[0];

        Assert.Equal(SupplierStatus.Excluded, supplier.Status);
        Assert.Contains(supplier.Reasons, r => r.Text == "示例异议供应商的名单记录异议处理中，措施照常适用，以认定部门核查结论为准");
        Assert.Contains("失信被执行人名单（异议中，措施照常适用）", supplier.Evidence.ToText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScreenAsync_RepairedListing_EligibleAndTheEvidenceStillShowsIt()
    {
        var repaired = Ids.Company(10);
        await _harness.ListAsync(repaired, "debtors", EntryStatus.Repaired);

        var supplier = (await Adapter.ScreenAsync(Project(ProcurementStage.BidOpening, Supplier.Of("示例已修复供应商", repaired)))).Suppliers[0];

        Assert.Equal(SupplierStatus.Eligible, supplier.Status);
        Assert.False(supplier.RequiresReview);
        Assert.Contains("失信被执行人名单（已信用修复）", supplier.Evidence.ToText(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ProcurementStage.BidOpening, "deposit-reduction")]
    [InlineData(ProcurementStage.Evaluation, "bidding-credit-bonus")]
    public async Task ScreenAsync_RedListed_BenefitOfTheStageShownForTheProcurementFile(ProcurementStage stage, string measure)
    {
        var red = Ids.Company(11);
        await _harness.ListAsync(red, "grade-a");

        var supplier = (await Adapter.ScreenAsync(Project(stage, Supplier.Of("示例守信供应商", red)))).Suppliers[0];

        Assert.Equal(SupplierStatus.Eligible, supplier.Status);
        Assert.Contains(supplier.Reasons, r => r.MeasureCode == measure && r.Text.EndsWith("，按采购文件规定适用", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ScreenAsync_TwoHundredSuppliers_OneBatchInOrder()
    {
        var counting = new CountingChecker(_harness.Get<ICreditChecker>());
        var adapter = new ProcurementAdapter(counting, Options.Create(new ProcurementOptions()), Options.Create(new CreditCheckOptions()), _harness.Time);
        var suppliers = Enumerable.Range(0, 198).Select(i => Supplier.Of($"供应商{i:D3}", Ids.Company(1000 + i))).ToList();
        suppliers.Insert(50, Supplier.Consortium("联合体A", [new SupplierMember("甲", Ids.Company(2000)), new SupplierMember("乙", Ids.Company(2001))]));
        suppliers.Add(Supplier.Of("失信供应商", Ids.Company(2002)));
        await _harness.ListAsync(Ids.Company(2001), "debtors");
        await _harness.ListAsync(Ids.Company(2002), "procurement-violations");

        var screening = await adapter.ScreenAsync(Project(ProcurementStage.BidOpening, [.. suppliers]));

        Assert.Equal([201], counting.BatchSizes);
        Assert.Equal(200, screening.Suppliers.Count);
        Assert.Equal(Enumerable.Range(1, 200), screening.Suppliers.Select(s => s.Index));
        Assert.Equal(suppliers.Select(s => s.Name), screening.Suppliers.Select(s => s.Supplier.Name));
        Assert.Equal(["联合体A", "失信供应商"], screening.Excluded.Select(s => s.Supplier.Name));
        Assert.Equal(198, screening.Eligible.Count());
    }

    [Fact]
    public async Task ScreenAsync_MoreMembersThanTheBatchSize_SplitsIntoBatches()
    {
        var counting = new CountingChecker(_harness.Get<ICreditChecker>());
        var adapter = new ProcurementAdapter(counting, Options.Create(new ProcurementOptions()), Options.Create(new CreditCheckOptions { MaxBatchSize = 3 }), _harness.Time);

        var screening = await adapter.ScreenAsync(Project(ProcurementStage.BidOpening, [.. Enumerable.Range(0, 7).Select(i => Supplier.Of($"S{i}", Ids.Company(300 + i)))]));

        Assert.Equal([3, 3, 1], counting.BatchSizes);
        Assert.Equal(7, screening.Eligible.Count());
    }

    [Fact]
    public async Task ScreenAsync_NoSuppliers_EmptyScreeningAtTheClocksTime()
    {
        var screening = await Adapter.ScreenAsync(Project(ProcurementStage.BidOpening));

        Assert.Empty(screening.Suppliers);
        Assert.Equal(AdapterHarness.Now, screening.ScreenedAt);
    }

    [Fact]
    public async Task ScreenAsync_StageScenarioConfigured_ThatScenarioIsChecked()
    {
        await using var harness = AdapterHarness.Create(b => b.AddProcurementAdapter(o => o.StageScenarios[ProcurementStage.BidOpening] = "procurement"));

        var screening = await harness.Get<ProcurementAdapter>().ScreenAsync(Project(ProcurementStage.BidOpening, Supplier.Of("S", Ids.Company(1))));

        Assert.Equal("procurement", screening.Scenario);
        Assert.Equal("procurement", screening.Suppliers[0].Checks[0].Decision.ResolvedScenario.Code);
    }

    [Fact]
    public async Task ScreenAsync_IncompleteProject_ArgumentExceptionNamingWhere()
    {
        var noId = await Assert.ThrowsAsync<ArgumentException>(async () => await Adapter.ScreenAsync(Project(ProcurementStage.BidOpening) with { ProjectId = " " }));
        var emptyMember = await Assert.ThrowsAsync<ArgumentException>(async () => await Adapter.ScreenAsync(
            Project(ProcurementStage.BidOpening, Supplier.Of("S1", Ids.Company(1)), Supplier.Consortium("联合体", [new SupplierMember("甲", Ids.Company(2)), new SupplierMember("乙", default)]))));

        Assert.Contains("no ProjectId", noId.Message, StringComparison.Ordinal);
        Assert.Contains("supplier 2 (联合体), member 2", emptyMember.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScreenAsync_AnEnterpriseAloneAndInAConsortium_ArgumentExceptionNamingBothPlaces()
    {
        // Found from outside: an enterprise bidding alone and as a consortium member (or in two consortia, or twice in one)
        // was accepted and checked once per place.
        var alone = await Assert.ThrowsAsync<ArgumentException>(async () => await Adapter.ScreenAsync(Project(ProcurementStage.BidOpening,
            Supplier.Of("甲公司", Ids.Company(1)), Supplier.Consortium("联合体", [new SupplierMember("乙公司", Ids.Company(2)), new SupplierMember("甲公司", Ids.Company(1))]))));

        Assert.Contains("甲公司 (", alone.Message, StringComparison.Ordinal);
        Assert.Contains("takes part in supplier 1 (甲公司) and again in supplier 2 (联合体)", alone.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScreenAsync_AnEnterpriseByItsCodeAloneAndByItsOrganizationCodeInAConsortium_ArgumentExceptionNamingBothPlaces()
    {
        // Found from outside: 91510104MAK50F914T alone and MAK50F914 (the 组织机构代码 it embeds) in a consortium took part twice.
        var uscc = SubjectId.Parse("91510104MAK50F914T", SubjectKind.LegalEntity);
        var organization = SubjectId.Parse("MAK50F914", SubjectKind.LegalEntity);

        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await Adapter.ScreenAsync(Project(ProcurementStage.BidOpening,
            Supplier.Of("甲公司", uscc), Supplier.Consortium("联合体", [new SupplierMember("甲公司（旧代码）", organization), new SupplierMember("丙公司", Ids.Company(3))]))));

        Assert.Contains($"甲公司 ({uscc.Masked}) and 甲公司（旧代码） ({organization.Masked}) are the same enterprise", error.Message, StringComparison.Ordinal);
        Assert.Contains("in supplier 1 (甲公司) and again in supplier 2 (联合体)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Supplier_ConsortiumWithAMemberByBothCodes_ArgumentExceptionAtConstructionNamingBoth()
    {
        var error = Assert.Throws<ArgumentException>(() => Supplier.Consortium("联合体",
            [new SupplierMember("乙公司", SubjectId.Parse("76848745-0", SubjectKind.LegalEntity)), new SupplierMember("乙公司（新代码）", SubjectId.Parse("91310115768487450W", SubjectKind.LegalEntity))]));

        Assert.Contains("Consortium '联合体': members 1 (乙公司) and 2 (乙公司（新代码）) are the same enterprise", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Supplier_ConsortiumWithAMemberTwice_ArgumentExceptionAtConstructionNamingBoth()
    {
        // As Bidder.Consortium does: the mistake is said where it is made, not when the project is screened.
        var error = Assert.Throws<ArgumentException>(() => Supplier.Consortium("联合体",
            [new SupplierMember("乙公司", Ids.Company(2)), new SupplierMember("丙公司", Ids.Company(3)), new SupplierMember("乙公司（牵头）", Ids.Company(2))]));

        Assert.Contains("Consortium '联合体': members 1 (乙公司) and 3 (乙公司（牵头）) are the same subject", error.Message, StringComparison.Ordinal);
        Assert.Equal("members", error.ParamName);
    }

    [Fact]
    public void Supplier_ConsortiumOfOne_ArgumentException()
    {
        var error = Assert.Throws<ArgumentException>(() => Supplier.Consortium("独家联合体", [new SupplierMember("甲", Ids.Company(1))]));

        Assert.Contains("has 1 member(s); a consortium has at least two", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddProcurementAdapter_InvalidOptions_NamesEachProblem()
    {
        await using var harness = AdapterHarness.Create(b => b.AddProcurementAdapter(o =>
        {
            o.StageScenarios.Remove(ProcurementStage.Award);
            o.StageScenarios[ProcurementStage.Evaluation] = " ";
            o.QueryChannel = "";
        }));

        var error = Assert.Throws<OptionsValidationException>(() => harness.Get<ProcurementAdapter>());

        Assert.Contains("CreditCheck:Procurement:StageScenarios has no scenario for Award.", error.Failures);
        Assert.Contains("CreditCheck:Procurement:StageScenarios:Evaluation is ' '; give a scenario code such as procurement.bid.", error.Failures);
        Assert.Contains("CreditCheck:Procurement:QueryChannel is empty; name the channel the evidence record cites.", error.Failures);
    }

    [Fact]
    public async Task AddProcurementAdapter_FromConfigurationAndTwice_BindsAndStaysOneSingleton()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Procurement:StageScenarios:Award"] = "procurement",
            ["Procurement:QueryChannel"] = "信用中国（测试）",
        }).Build();
        await using var harness = AdapterHarness.Create(b => b.AddProcurementAdapter(configuration.GetSection("Procurement")).AddProcurementAdapter());

        var screening = await harness.Get<ProcurementAdapter>().ScreenAsync(Project(ProcurementStage.Award, Supplier.Of("S", Ids.Company(1))));

        Assert.Same(harness.Get<ProcurementAdapter>(), harness.Get<ProcurementAdapter>());
        Assert.Equal("procurement", screening.Scenario);
        Assert.Contains("查询渠道：信用中国（测试）", screening.Suppliers[0].Evidence.ToText(), StringComparison.Ordinal);
    }
}
