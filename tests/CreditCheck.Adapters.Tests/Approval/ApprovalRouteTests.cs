using CreditCheck.Adapters.Approval;
using CreditCheck.Adapters.Tests.Support;

namespace CreditCheck.Adapters.Tests.Approval;

public sealed class ApprovalRouteTests : IAsyncDisposable
{
    private readonly AdapterHarness _harness;

    public ApprovalRouteTests()
    {
        _harness = AdapterHarness.Create(b => b.AddApprovalAdapter(o =>
        {
            o.Matters["XK-OPEN"] = new MatterSettings { Name = "告知承诺事项", Commitment = FacilitationEligibility.NoAdverseRecord, TolerantAcceptance = FacilitationEligibility.NoAdverseRecord };
            o.Matters["XK-NONE"] = new MatterSettings { Commitment = FacilitationEligibility.None, TolerantAcceptance = FacilitationEligibility.None };
            o.Matters["XK-SHORT"] = new MatterSettings { TolerantAcceptanceDays = 5 };
            o.Matters["XK-LIST"] = new MatterSettings { TolerableMaterials = { "场地租赁合同", "消防验收意见" } };
            o.Matters["DJ-001"] = new MatterSettings { Scenario = "market-access.registration", Name = "企业设立登记" };
            o.Matters["PY-001"] = new MatterSettings { Scenario = "awards", Name = "守合同重信用企业申报" };
        }));
    }

    private ApprovalAdapter Adapter => _harness.Get<ApprovalAdapter>();

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    private static ApprovalApplication Application(SubjectId? enterprise = null, string matter = "XK-001", SubjectId? person = null, SubjectId? representative = null) => new()
    {
        ApplicationId = "BJ-2026-0001",
        MatterCode = matter,
        MatterName = matter == "XK-001" ? "食品经营许可" : null,
        Enterprise = enterprise,
        Person = person,
        LegalRepresentative = representative,
        Department = "市政务服务中心",
        Operator = "窗口01",
    };

    [Fact]
    public async Task RouteAsync_CleanCompleteApplication_StandardOnTheScenarioBasis()
    {
        var result = await Adapter.RouteAsync(Application(Ids.Company(1)));

        Assert.Equal(ApprovalRoute.Standard, result.Route);
        Assert.Equal("licensing", result.Scenario);
        Assert.Equal("食品经营许可", result.MatterName);
        Assert.False(result.Priority);
        Assert.Empty(result.FollowUpMaterials);
        Assert.Null(result.FollowUpDeadline);
        Assert.Equal("国办发〔2019〕35号：行政审批", result.Reasons[0].LegalBasis);
        Assert.Equal("一般程序：按正常程序办理。", result.Summary);
        var check = Assert.Single(result.Decisions);
        Assert.Equal(ApplicationParty.Enterprise, check.Party);
        Assert.Equal("BJ-2026-0001", check.Decision.TransactionReference);
        Assert.Equal("市政务服务中心", check.Decision.Department);
        Assert.Equal([check.Decision.CheckId], result.CheckIds);
    }

    [Fact]
    public async Task RouteAsync_RedListed_GreenChannelWithEachBenefitsBasis()
    {
        var company = Ids.Company(2);
        await _harness.ListAsync(company, "grade-a");

        var result = await Adapter.RouteAsync(Application(company));

        Assert.Equal(ApprovalRoute.GreenChannel, result.Route);
        Assert.True(result.Priority);
        Assert.Equal("green-channel", result.Reasons[0].MeasureCode);
        Assert.Equal("发改财金〔2016〕1467号（绿色通道）", result.Reasons[0].LegalBasis);
        Assert.Contains(result.Reasons, r => r.MeasureCode == "priority-handling" && r.LegalBasis == "国发〔2016〕33号（优先办理）");
        Assert.Equal("绿色通道：优先办理。", result.Summary);
    }

    [Fact]
    public async Task RouteAsync_RedListedMissingMaterials_TolerantAcceptanceWithDeadline()
    {
        var company = Ids.Company(3);
        await _harness.ListAsync(company, "grade-a");

        var result = await Adapter.RouteAsync(Application(company) with { MissingMaterials = ["场地租赁合同", "健康证明"] });

        Assert.Equal(ApprovalRoute.TolerantAcceptance, result.Route);
        Assert.Equal(["场地租赁合同", "健康证明"], result.FollowUpMaterials);
        Assert.Equal(new DateOnly(2026, 12, 12), result.FollowUpDeadline);
        Assert.True(result.Priority);
        Assert.Equal("tolerant-acceptance", result.Reasons[0].MeasureCode);
        Assert.Equal("国发〔2016〕33号（容缺受理）", result.Reasons[0].LegalBasis);
        Assert.Equal("容缺受理：先予受理，场地租赁合同、健康证明须于2026年12月12日前补齐；同时走绿色通道，优先办理。", result.Summary);
    }

    [Fact]
    public async Task RouteAsync_MatterSetsItsOwnDays_DeadlineFollowsTheMatter()
    {
        var company = Ids.Company(4);
        await _harness.ListAsync(company, "grade-a");

        var result = await Adapter.RouteAsync(Application(company, "XK-SHORT") with { MissingMaterials = ["健康证明"] });

        Assert.Equal(new DateOnly(2026, 11, 27), result.FollowUpDeadline);
    }

    [Fact]
    public async Task RouteAsync_DeadlineIsCountedInChinaStandardTime()
    {
        var company = Ids.Company(5);
        await _harness.ListAsync(company, "grade-a");
        _harness.Time.SetUtcNow(new DateTimeOffset(2026, 11, 22, 17, 0, 0, TimeSpan.Zero)); // 01:00 on the 23rd in Beijing

        var result = await Adapter.RouteAsync(Application(company) with { MissingMaterials = ["健康证明"] });

        Assert.Equal(new DateOnly(2026, 12, 13), result.FollowUpDeadline);
    }

    [Fact]
    public async Task RouteAsync_MissingMaterialNotTolerable_NoTolerantAcceptanceAndSaysWhich()
    {
        var company = Ids.Company(6);
        await _harness.ListAsync(company, "grade-a");

        var result = await Adapter.RouteAsync(Application(company, "XK-LIST") with { MissingMaterials = ["场地租赁合同", "营业执照"] });

        Assert.Equal(ApprovalRoute.GreenChannel, result.Route);
        Assert.Empty(result.FollowUpMaterials);
        Assert.Contains(result.Reasons, r => r.Text == "缺少的营业执照不属于可容缺材料");
    }

    [Fact]
    public async Task RouteAsync_TolerableMaterialsOnly_TolerantAcceptance()
    {
        var company = Ids.Company(7);
        await _harness.ListAsync(company, "grade-a");

        var result = await Adapter.RouteAsync(Application(company, "XK-LIST") with { MissingMaterials = ["消防验收意见"] });

        Assert.Equal(ApprovalRoute.TolerantAcceptance, result.Route);
        Assert.Equal(["消防验收意见"], result.FollowUpMaterials);
    }

    [Fact]
    public async Task RouteAsync_RedListedOffersCommitment_CommitmentOnTheCatalogBasis()
    {
        var company = Ids.Company(8);
        await _harness.ListAsync(company, "grade-a");

        var result = await Adapter.RouteAsync(Application(company) with { OffersCommitment = true, MissingMaterials = ["健康证明"] });

        Assert.Equal(ApprovalRoute.Commitment, result.Route);
        Assert.Equal("commitment-approval", result.Reasons[0].MeasureCode);
        Assert.Equal("国办发〔2020〕42号（告知承诺）", result.Reasons[0].LegalBasis);
        Assert.Contains(result.Reasons, r => r.Text == "缺少的健康证明以申请人书面承诺代替，审批后核查");
        Assert.Empty(result.FollowUpMaterials);
        Assert.True(result.Priority);
    }

    [Fact]
    public async Task RouteAsync_CleanOffersCommitmentWhereTheCatalogGrantsItToRedListsOnly_StandardAndSaysWhyNot()
    {
        var result = await Adapter.RouteAsync(Application(Ids.Company(9)) with { OffersCommitment = true });

        Assert.Equal(ApprovalRoute.Standard, result.Route);
        Assert.Contains(result.Reasons, r => r.Text == "本事项未规定对申请人适用告知承诺");
    }

    [Fact]
    public async Task RouteAsync_CleanOffersCommitmentOnOpenMatter_CommitmentOnTheOptionsBasis()
    {
        var result = await Adapter.RouteAsync(Application(Ids.Company(10), "XK-OPEN") with { OffersCommitment = true });

        Assert.Equal(ApprovalRoute.Commitment, result.Route);
        Assert.Null(result.Reasons[0].MeasureCode);
        Assert.Equal("《国务院办公厅关于全面推行证明事项告知承诺制的指导意见》（国办发〔2020〕42号）", result.Reasons[0].LegalBasis);
        Assert.Equal("告知承诺事项", result.MatterName);
        Assert.False(result.Priority);
    }

    [Fact]
    public async Task RouteAsync_CleanMissingMaterialsOnOpenMatter_TolerantAcceptanceOnTheOptionsBasis()
    {
        var result = await Adapter.RouteAsync(Application(Ids.Company(11), "XK-OPEN") with { MissingMaterials = ["健康证明"] });

        Assert.Equal(ApprovalRoute.TolerantAcceptance, result.Route);
        Assert.Equal("地方容缺受理相关规定（以本地现行文本为准）", result.Reasons[0].LegalBasis);
        Assert.Equal(new DateOnly(2026, 12, 12), result.FollowUpDeadline);
    }

    [Fact]
    public async Task RouteAsync_CleanMissingMaterialsWhereTheCatalogGrantsItToRedListsOnly_StandardAfterCompletion()
    {
        var result = await Adapter.RouteAsync(Application(Ids.Company(12)) with { MissingMaterials = ["健康证明"] });

        Assert.Equal(ApprovalRoute.Standard, result.Route);
        Assert.Equal("材料不全，缺少健康证明，补齐后按一般程序受理", result.Reasons[0].Text);
        Assert.Null(result.Reasons[0].LegalBasis); // a rule of the procedure: the matter's credit basis is not its basis
        Assert.Contains(result.Reasons, r => r.Text == "本事项未规定对申请人适用容缺受理");
        Assert.Equal("一般程序：缺少健康证明，补齐后受理。", result.Summary);
    }

    [Fact]
    public async Task RouteAsync_MatterOffersNeither_RedListedStillGetsTheGreenChannelOnly()
    {
        var company = Ids.Company(13);
        await _harness.ListAsync(company, "grade-a");

        var result = await Adapter.RouteAsync(Application(company, "XK-NONE") with { OffersCommitment = true, MissingMaterials = ["健康证明"] });

        Assert.Equal(ApprovalRoute.GreenChannel, result.Route);
        Assert.Contains(result.Reasons, r => r.Text == "本事项不适用告知承诺");
        Assert.Contains(result.Reasons, r => r.Text == "本事项不适用容缺受理");
    }

    [Fact]
    public async Task RouteAsync_Blacklisted_StrictReviewWithoutFacilitationAndTheRestrictionsBasis()
    {
        var company = Ids.Company(14);
        await _harness.ListAsync(company, "debtors");

        var result = await Adapter.RouteAsync(Application(company) with { OffersCommitment = true, MissingMaterials = ["健康证明"] });

        Assert.Equal(ApprovalRoute.StrictReview, result.Route);
        Assert.Empty(result.FollowUpMaterials);
        Assert.False(result.Priority);
        Assert.Contains(result.Reasons, r => r.MeasureCode == "no-commitment" && r.LegalBasis == "国办发〔2020〕42号" && r.Text == "申请单位列入失信被执行人名单：不适用告知承诺制");
        Assert.Contains(result.Reasons, r => r.MeasureCode == "no-tolerant-acceptance" && r.LegalBasis == "地方容缺受理规定");
        Assert.Contains(result.Reasons, r => r.MeasureCode == "strict-review");
        Assert.Equal("从严审核：申请单位列入失信被执行人名单，须提交全部材料，不适用容缺受理和告知承诺。", result.Summary);
    }

    [Fact]
    public async Task RouteAsync_RedAndBlack_PunishmentVoidsEveryBenefit()
    {
        var company = Ids.Company(15);
        await _harness.ListAsync(company, "grade-a");
        await _harness.ListAsync(company, "debtors");

        var result = await Adapter.RouteAsync(Application(company, "XK-OPEN") with { OffersCommitment = true, MissingMaterials = ["健康证明"] });

        Assert.Equal(ApprovalRoute.StrictReview, result.Route);
        Assert.False(result.Priority);
        Assert.Contains(result.Reasons, r => r.MeasureCode == "tolerant-acceptance" && r.Text.StartsWith("申请单位不适用容缺受理：", StringComparison.Ordinal));
        Assert.Contains(result.Reasons, r => r.MeasureCode == "commitment-approval" && r.Text.Contains("信用修复前不适用激励措施", StringComparison.Ordinal));
        Assert.Contains(result.Reasons, r => r.MeasureCode == "green-channel");
    }

    [Fact]
    public async Task RouteAsync_WatchListed_StrictReview()
    {
        var company = Ids.Company(16);
        await _harness.ListAsync(company, "abnormal");

        var result = await Adapter.RouteAsync(Application(company));

        Assert.Equal(ApprovalRoute.StrictReview, result.Route);
        Assert.Equal("focus-review", result.Reasons[0].MeasureCode);
        Assert.Equal("企业信息公示暂行条例", result.Reasons[0].LegalBasis);
    }

    [Fact]
    public async Task RouteAsync_WatchListedWhereNoMeasureApplies_StrictReviewOnTheListsBasis()
    {
        var company = Ids.Company(17);
        await _harness.ListAsync(company, "abnormal");

        var result = await Adapter.RouteAsync(Application(company, "GG-001") with { MatterKind = MatterKind.PublicService });

        Assert.Equal(ApprovalRoute.StrictReview, result.Route);
        Assert.Equal("public-service", result.Scenario);
        Assert.Equal(new RouteReason(ApplicationParty.Enterprise, "申请单位列入经营异常名录，从严审核", "企业信息公示暂行条例"), result.Reasons[0]);
    }

    [Fact]
    public async Task RouteAsync_EntryUnderObjection_StrictReviewSaysSo()
    {
        var company = Ids.Company(18);
        await _harness.ListAsync(company, "abnormal", EntryStatus.UnderObjection);

        var result = await Adapter.RouteAsync(Application(company, "GG-001") with { MatterKind = MatterKind.PublicService });

        Assert.Equal(ApprovalRoute.StrictReview, result.Route);
        Assert.Equal("申请单位列入经营异常名录（异议处理中），从严审核", result.Reasons[0].Text);
    }

    [Fact]
    public async Task RouteAsync_RestrictionUnderObjection_StrictReviewNotesTheObjectionAsProcurementAndBiddingDo()
    {
        // Found from outside: a 失信被执行人 entry under objection (DOMAIN §4: measures still apply, flagged) routed to
        // strict review without a word of the objection, where procurement and bidding add the note.
        var company = Ids.Company(181);
        await _harness.ListAsync(company, "debtors", EntryStatus.UnderObjection);

        var result = await Adapter.RouteAsync(Application(company));

        Assert.Equal(ApprovalRoute.StrictReview, result.Route);
        Assert.Contains(result.Reasons, r => r.Text == "申请单位的名单记录异议处理中，措施照常适用，以认定部门核查结论为准");
    }

    [Fact]
    public async Task RouteAsync_BarUnderObjection_RefusedAndNotesTheObjection()
    {
        var company = Ids.Company(182);
        await _harness.ListAsync(company, "licensing-fraud", EntryStatus.UnderObjection);

        var result = await Adapter.RouteAsync(Application(company));

        Assert.Equal(ApprovalRoute.Refused, result.Route);
        Assert.Contains(result.Reasons, r => r.Text == "申请单位的名单记录异议处理中，措施照常适用，以认定部门核查结论为准");
    }

    [Fact]
    public async Task RouteAsync_RepairedOrExpiredRecord_NoLongerCounts()
    {
        var company = Ids.Company(19);
        await _harness.ListAsync(company, "debtors", EntryStatus.Repaired);
        await _harness.ListAsync(company, "debtors", until: AdapterHarness.Now.AddDays(-1));
        await _harness.ListAsync(company, "grade-a");

        var result = await Adapter.RouteAsync(Application(company) with { MissingMaterials = ["健康证明"] });

        Assert.Equal(ApprovalRoute.TolerantAcceptance, result.Route);
    }

    [Fact]
    public async Task RouteAsync_NoticeMeasure_ShownAsANoteWithItsBasis()
    {
        var company = Ids.Company(20);
        await _harness.ListAsync(company, "debtors");

        var result = await Adapter.RouteAsync(Application(company, "GG-002") with { MatterKind = MatterKind.PublicService });

        Assert.Equal(ApprovalRoute.StrictReview, result.Route);
        Assert.Contains(result.Reasons, r => r.MeasureCode == "honour-revocation" && r.Text.StartsWith("提示：", StringComparison.Ordinal) && r.LegalBasis == "国发〔2016〕33号（荣誉称号）");
    }

    [Fact]
    public async Task RouteAsync_LicensingBar_RefusedWithTheLegalBasis()
    {
        var company = Ids.Company(21);
        await _harness.ListAsync(company, "licensing-fraud");
        await _harness.ListAsync(company, "grade-a");

        var result = await Adapter.RouteAsync(Application(company) with { OffersCommitment = true });

        Assert.Equal(ApprovalRoute.Refused, result.Route);
        Assert.Equal("licensing-bar", result.Reasons[0].MeasureCode);
        Assert.Equal("《中华人民共和国行政许可法》第七十八条、第七十九条", result.Reasons[0].LegalBasis);
        Assert.Equal("不予受理：一定期限内不得申请相关行政许可（申请单位列入行政许可申请失信名单；依据：《中华人民共和国行政许可法》第七十八条、第七十九条）。", result.Summary);
    }

    [Fact]
    public async Task RouteAsync_RepresentativeBarredAsRelatedPerson_RegistrationRefused()
    {
        var company = Ids.Company(22);
        var representative = Ids.Person(22);
        await _harness.ListAsync(representative, "market-violations", related: new RelatedParty("示例违法企业有限公司", Ids.Company(99).Value, RelatedRole.LegalRepresentative));

        var result = await Adapter.RouteAsync(Application(company, "DJ-001", representative: representative));

        Assert.Equal(ApprovalRoute.Refused, result.Route);
        Assert.Equal("market-access.registration", result.Scenario);
        Assert.Equal(new RouteReason(ApplicationParty.LegalRepresentative, "法定代表人为列入市场监督管理严重违法失信名单的“示例违法企业有限公司”的法定代表人（本人未列入）：限制担任企业法定代表人、负责人", "企业信息公示暂行条例第十七条", "legal-representative-restriction"), result.Reasons[0]);
        Assert.Equal([ApplicationParty.Enterprise, ApplicationParty.LegalRepresentative], result.Decisions.Select(d => d.Party));
        Assert.Equal("不予受理：限制担任企业法定代表人、负责人（法定代表人为列入市场监督管理严重违法失信名单的“示例违法企业有限公司”的法定代表人（本人未列入）；依据：企业信息公示暂行条例第十七条）。", result.Summary);
    }

    [Fact]
    public async Task RouteAsync_RepresentativeRelatedListingWithoutMeasureHere_NoRefusalAndTheCommitmentStands()
    {
        // Found by review: a 法定代表人 only linked through another listed enterprise has no 失信 record of their own; the
        // link barred the applicant's 告知承诺 in every matter, widening the enterprise's measures to a clean applicant.
        var company = Ids.Company(23);
        var representative = Ids.Person(23);
        await _harness.ListAsync(representative, "debtors", related: new RelatedParty("示例失信企业有限公司", null, RelatedRole.LegalRepresentative));

        var result = await Adapter.RouteAsync(Application(company, "XK-OPEN", representative: representative) with { OffersCommitment = true });

        Assert.Equal(ApprovalRoute.Commitment, result.Route);
        Assert.Contains(result.Reasons, r => r.Party == ApplicationParty.LegalRepresentative && r.Text == "法定代表人为列入失信被执行人名单的“示例失信企业有限公司”的法定代表人（本人未列入），该企业的失信惩戒措施不及于本事项");
        Assert.DoesNotContain(result.Reasons, r => r.Text.Contains("不适用告知承诺", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RouteAsync_RepresentativePersonallyBlacklisted_StrictReview()
    {
        var company = Ids.Company(24);
        var representative = Ids.Person(24);
        await _harness.ListAsync(company, "grade-a");
        await _harness.ListAsync(representative, "debtors");

        var result = await Adapter.RouteAsync(Application(company, representative: representative));

        Assert.Equal(ApprovalRoute.StrictReview, result.Route);
        Assert.Contains(result.Reasons, r => r.Party == ApplicationParty.LegalRepresentative && r.MeasureCode == "no-commitment");
    }

    [Fact]
    public async Task RouteAsync_PersonApplicant_CheckedAndRoutedAlone()
    {
        var person = Ids.Person(25);
        await _harness.ListAsync(person, "debtors");

        var result = await Adapter.RouteAsync(Application(person: person));

        Assert.Equal(ApprovalRoute.StrictReview, result.Route);
        Assert.Equal(ApplicationParty.Person, Assert.Single(result.Decisions).Party);
        Assert.StartsWith("申请人列入失信被执行人名单", result.Reasons[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RouteAsync_EnterpriseAndPerson_EnterpriseBenefitsCountAndThePersonsRecordBlocks()
    {
        var company = Ids.Company(26);
        var person = Ids.Person(26);
        await _harness.ListAsync(company, "grade-a");

        var clean = await Adapter.RouteAsync(Application(company, person: person));
        await _harness.ListAsync(person, "debtors");
        var blocked = await Adapter.RouteAsync(Application(company, person: person));

        Assert.Equal(ApprovalRoute.GreenChannel, clean.Route);
        Assert.Equal(2, clean.Decisions.Count);
        Assert.Equal(ApprovalRoute.StrictReview, blocked.Route);
    }

    [Fact]
    public async Task RouteAsync_AwardMatterForBlacklisted_Refused()
    {
        var company = Ids.Company(27);
        await _harness.ListAsync(company, "debtors");

        var result = await Adapter.RouteAsync(Application(company, "PY-001"));

        Assert.Equal(ApprovalRoute.Refused, result.Route);
        Assert.Equal("awards-restriction", result.Reasons[0].MeasureCode);
        Assert.Equal("守合同重信用企业申报", result.MatterName);
    }

    [Fact]
    public async Task RouteManyAsync_ADaysApplications_AllPartiesInOneBatchAndRoutesInOrder()
    {
        var counting = new CountingChecker(_harness.Get<ICreditChecker>());
        var adapter = new ApprovalAdapter(counting, _harness.Get<Microsoft.Extensions.Options.IOptions<ApprovalOptions>>(), [], Microsoft.Extensions.Options.Options.Create(new CreditCheckOptions()));
        var red = Ids.Company(28);
        var black = Ids.Company(29);
        await _harness.ListAsync(red, "grade-a");
        await _harness.ListAsync(black, "debtors");
        ApprovalApplication[] day =
        [
            Application(red) with { ApplicationId = "A1" },
            Application(black, representative: Ids.Person(29)) with { ApplicationId = "A2" },
            Application(Ids.Company(30)) with { ApplicationId = "A3" },
        ];

        var results = await adapter.RouteManyAsync(day);

        Assert.Equal([4], counting.BatchSizes);
        Assert.Equal(0, counting.SingleCalls);
        Assert.Equal(["A1", "A2", "A3"], results.Select(r => r.Application.ApplicationId));
        Assert.Equal([ApprovalRoute.GreenChannel, ApprovalRoute.StrictReview, ApprovalRoute.Standard], results.Select(r => r.Route));
    }

    [Fact]
    public async Task RouteManyAsync_MoreThanTheBatchSize_SplitsIntoBatches()
    {
        var counting = new CountingChecker(_harness.Get<ICreditChecker>());
        var adapter = new ApprovalAdapter(counting, _harness.Get<Microsoft.Extensions.Options.IOptions<ApprovalOptions>>(), [], Microsoft.Extensions.Options.Options.Create(new CreditCheckOptions { MaxBatchSize = 2 }));
        var day = Enumerable.Range(0, 5).Select(i => Application(Ids.Company(100 + i)) with { ApplicationId = $"B{i}" }).ToList();

        var results = await adapter.RouteManyAsync(day);

        Assert.Equal([2, 2, 1], counting.BatchSizes);
        Assert.Equal(5, results.Count);
    }

    [Fact]
    public async Task RouteAsync_LegalRepresentativeCheckOff_OnlyTheApplicantIsChecked()
    {
        await using var harness = AdapterHarness.Create(b => b.AddApprovalAdapter(o => o.CheckLegalRepresentative = false));
        var representative = Ids.Person(31);
        await harness.ListAsync(representative, "debtors");

        var result = await harness.Get<ApprovalAdapter>().RouteAsync(Application(Ids.Company(31), representative: representative));

        Assert.Equal(ApprovalRoute.Standard, result.Route);
        Assert.Equal(ApplicationParty.Enterprise, Assert.Single(result.Decisions).Party);
    }

    [Theory]
    [InlineData("none", "names no applicant")]
    [InlineData("wrong-kind", "Enterprise must be a LegalEntity id")]
    [InlineData("rep-alone", "names a LegalRepresentative but no Enterprise")]
    [InlineData("blank-material", "MissingMaterials[1] is blank")]
    [InlineData("no-matter", "has no MatterCode")]
    public async Task RouteAsync_InconsistentApplication_ArgumentExceptionNamingItAndTheField(string fault, string expected)
    {
        var application = fault switch
        {
            "none" => Application(),
            "wrong-kind" => Application(Ids.Person(1)),
            "rep-alone" => Application(person: Ids.Person(1), representative: Ids.Person(2)),
            "blank-material" => Application(Ids.Company(1)) with { MissingMaterials = ["健康证明", " "] },
            _ => Application(Ids.Company(1)) with { MatterCode = "" },
        };

        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await Adapter.RouteAsync(application));

        Assert.Contains("BJ-2026-0001", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
