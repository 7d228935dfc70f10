using CreditCheck.Adapters.Approval;
using CreditCheck.Adapters.Tests.Support;
using CreditCheck.Catalog;
using Microsoft.Extensions.Options;

namespace CreditCheck.Adapters.Tests.Approval;

/// <summary>What the clerk reads is Chinese and true: no English reason of a degraded check, a check by
/// 组织机构代码 asked again by the 统一社会信用代码, a person only linked through a listed enterprise not said to be
/// listed, and no "nothing found" beside a record shown (found by review, 2026-12).</summary>
public sealed class ApprovalClerkTextTests : IAsyncDisposable
{
    private readonly AdapterHarness _harness = AdapterHarness.Create(b => b.AddApprovalAdapter(o =>
        o.Matters["XK-OPEN"] = new MatterSettings { Commitment = FacilitationEligibility.NoAdverseRecord, TolerantAcceptance = FacilitationEligibility.NoAdverseRecord }));

    private ApprovalAdapter Adapter => _harness.Get<ApprovalAdapter>();

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    private static ApprovalApplication Application(SubjectId? enterprise, string matter = "XK-001", SubjectId? representative = null) => new()
    {
        ApplicationId = "BJ-2026-0201",
        MatterCode = matter,
        MatterName = "食品经营许可",
        Enterprise = enterprise,
        LegalRepresentative = representative,
    };

    private static void AssertChineseOnly(ApprovalResult result)
    {
        UnavailableChecker.AssertChineseOnly(result.Summary);
        Assert.All(result.Reasons, r => UnavailableChecker.AssertChineseOnly(r.Text));
    }

    [Fact]
    public async Task RouteAsync_StoreUnavailable_ReasonSaysSoInChineseAndKeepsTheEnglishInTheDecision()
    {
        var adapter = new ApprovalAdapter(
            new UnavailableChecker(_harness.Get<ICreditChecker>()), Options.Create(new ApprovalOptions()), [], Options.Create(new CreditCheckOptions()));

        var result = await adapter.RouteAsync(Application(Ids.Company(41)) with { OffersCommitment = true });

        Assert.Equal(ApprovalRoute.StrictReview, result.Route);
        Assert.Equal("申请单位信用记录未能按最新数据查询（名单数据暂时无法读取），从严审核", result.Reasons[0].Text);
        Assert.Equal("从严审核：申请单位信用记录未能按最新数据查询，须提交全部材料，不适用容缺受理和告知承诺。", result.Summary);
        AssertChineseOnly(result);
        Assert.Equal(UnavailableChecker.Reason, result.Decisions[0].Decision.DegradedReason); // for developers and logs
    }

    [Fact]
    public async Task RouteAsync_CheckedByOrganizationCode_AsksForTheUnifiedSocialCreditCode()
    {
        var code = Ids.Company(42).EmbeddedOrganizationCode!.Value;

        var result = await Adapter.RouteAsync(Application(code) with { MissingMaterials = ["健康证明"] });

        Assert.Equal(ApprovalRoute.StrictReview, result.Route);
        Assert.Equal("申请单位以组织机构代码核查，查不到以统一社会信用代码列入的记录，请以统一社会信用代码核查，核查前从严审核", result.Reasons[0].Text);
        Assert.StartsWith("从严审核：申请单位以组织机构代码核查，查不到以统一社会信用代码列入的记录", result.Summary, StringComparison.Ordinal);
        Assert.DoesNotContain(result.Reasons, r => r.Text.Contains("无法读取", StringComparison.Ordinal));
        AssertChineseOnly(result);
    }

    [Fact]
    public async Task RouteAsync_RepresentativeOnlyLinkedThroughAListedEnterprise_SaidToBeItsRepresentativeNotListed()
    {
        var representative = Ids.Person(43);
        await _harness.ListAsync(representative, "debtors", related: new RelatedParty("示例失信企业有限公司", null, RelatedRole.LegalRepresentative));

        var result = await Adapter.RouteAsync(Application(Ids.Company(43), "XK-OPEN", representative) with { MissingMaterials = ["健康证明"] });

        Assert.Equal(ApprovalRoute.TolerantAcceptance, result.Route);
        Assert.DoesNotContain(result.Reasons, r => r.Text.Contains("法定代表人列入", StringComparison.Ordinal));
        Assert.Contains(result.Reasons, r => r.Party == ApplicationParty.LegalRepresentative
            && r.Text == "法定代表人为列入失信被执行人名单的“示例失信企业有限公司”的法定代表人（本人未列入），该企业的失信惩戒措施不及于本事项");
    }

    [Fact]
    public async Task RouteAsync_RepresentativeLinkedCompleteApplication_FirstReasonNamesTheLinkNotAListing()
    {
        var representative = Ids.Person(44);
        await _harness.ListAsync(representative, "debtors", related: new RelatedParty("示例失信企业有限公司", null, RelatedRole.LegalRepresentative));

        var result = await Adapter.RouteAsync(Application(Ids.Company(44), "XK-OPEN", representative));

        Assert.Equal(ApprovalRoute.Standard, result.Route);
        Assert.Equal("所列名单记录在本事项不适用联合奖惩措施，按一般程序办理", result.Reasons[0].Text);
        Assert.Equal("法定代表人为列入失信被执行人名单的“示例失信企业有限公司”的法定代表人（本人未列入），该企业的失信惩戒措施不及于本事项", result.Reasons[1].Text);
    }

    [Fact]
    public async Task RouteAsync_RepresentativeCoListedInOwnRight_SaidToBeListed()
    {
        var representative = Ids.Person(45);
        await _harness.ListAsync(representative, "debtors", related: new RelatedParty("示例失信企业有限公司", null, RelatedRole.LegalRepresentative) { ListedInOwnRight = true });

        var result = await Adapter.RouteAsync(Application(Ids.Company(45), "XK-OPEN", representative) with { OffersCommitment = true });

        Assert.Equal(ApprovalRoute.StrictReview, result.Route);
        Assert.Contains(result.Reasons, r => r.Text == "法定代表人列入失信被执行人名单（系“示例失信企业有限公司”的法定代表人，与企业一并列入）：不适用告知承诺制");
    }

    [Fact]
    public async Task RouteAsync_ApplicantAlsoTheLegalRepresentative_CheckedOnceAndEachRecordShownOnce()
    {
        var person = Ids.Person(44);
        await _harness.ListAsync(person, "debtors");

        var result = await Adapter.RouteAsync(Application(Ids.Company(44), representative: person) with { Person = person, PersonName = "张某" });

        Assert.Equal([ApplicationParty.Enterprise, ApplicationParty.Person], result.Decisions.Select(d => d.Party));
        Assert.DoesNotContain(result.Reasons, r => r.Party == ApplicationParty.LegalRepresentative);
        var listed = result.Reasons.Where(r => r.Text.Contains("失信被执行人", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(listed);
        Assert.All(listed, r => Assert.Equal(ApplicationParty.Person, r.Party));
        Assert.Equal(listed.Count, listed.Select(r => r.Text).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task RouteAsync_AMaterialNamedTwice_RefusedNamingBothPlaces()
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(async () =>
            await Adapter.RouteAsync(Application(Ids.Company(45), "XK-OPEN") with { MissingMaterials = ["健康证明", "场地租赁合同", " 健康证明"] }));

        Assert.Contains("Application BJ-2026-0201: MissingMaterials[0] and [2] are the same material ('健康证明')", e.Message, StringComparison.Ordinal);
    }
}

/// <summary>The same on the shipped catalog, where 经营异常名录 acts only in its sector (市场准入, 监管).</summary>
public sealed class ApprovalSectorListTextTests : IAsyncDisposable
{
    private readonly AdapterHarness _harness = AdapterHarness.Create(b => b.AddApprovalAdapter(), CreditCatalog.Default);

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    [Fact]
    public async Task RouteAsync_SectorListOutsideItsSector_StandardWithoutSayingNothingWasFound()
    {
        var company = Ids.Company(46);
        await _harness.ListAsync(company, "abnormal-operations");

        var result = await _harness.Get<ApprovalAdapter>().RouteAsync(new ApprovalApplication
        {
            ApplicationId = "BJ-2026-0202", MatterCode = "330100-XK-052", MatterName = "建筑工程施工许可", Enterprise = company,
        });

        Assert.Equal(ApprovalRoute.Standard, result.Route);
        Assert.Equal(EntryState.OutsideSector, Assert.Single(result.Decisions[0].Decision.MatchedEntries).State);
        Assert.Equal("所列名单记录在本事项不适用联合奖惩措施，按一般程序办理", result.Reasons[0].Text);
        Assert.DoesNotContain(result.Reasons, r => r.Text.Contains("未发现", StringComparison.Ordinal));
    }
}
