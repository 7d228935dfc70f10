using CreditCheck.Adapters.Procurement;
using CreditCheck.Adapters.Tests.Support;
using Microsoft.Extensions.Options;

namespace CreditCheck.Adapters.Tests.Procurement;

/// <summary>Suppliers' reasons and the kept query record in Chinese only; the English reason of a degraded check
/// stays in the record's JSON (found by review, 2026-12).</summary>
public sealed class ProcurementClerkTextTests : IAsyncDisposable
{
    private readonly AdapterHarness _harness = AdapterHarness.Create(b => b.AddProcurementAdapter());

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    private static ProcurementProject Project(params Supplier[] suppliers) => new()
    {
        ProjectId = "CG-2026-141", Stage = ProcurementStage.BidOpening, Suppliers = suppliers,
    };

    [Fact]
    public async Task ScreenAsync_StoreUnavailable_ReasonAndRecordInChineseAndTheEnglishOnlyInTheJson()
    {
        var adapter = new ProcurementAdapter(
            new UnavailableChecker(_harness.Get<ICreditChecker>()), Options.Create(new ProcurementOptions()), Options.Create(new CreditCheckOptions()), _harness.Time);

        var supplier = (await adapter.ScreenAsync(Project(Supplier.Of("示例供应商", Ids.Company(61))))).Suppliers[0];

        Assert.True(supplier.RequiresReview);
        Assert.Contains(supplier.Reasons, r => r.Text == "示例供应商的信用记录未能按最新数据查询（名单数据暂时无法读取），需人工核查后再定");
        Assert.All(supplier.Reasons, r => UnavailableChecker.AssertChineseOnly(r.Text));
        var text = supplier.Evidence.ToText();
        Assert.Contains("注意：未能按最新数据查询（名单数据暂时无法读取），需人工核查", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Redis", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
        Assert.Contains("RedisConnectionException", supplier.Evidence.ToJson(), StringComparison.Ordinal); // degradedReason, for developers
    }

    [Fact]
    public async Task ScreenAsync_SupplierByOrganizationCode_AsksForTheUnifiedSocialCreditCode()
    {
        var code = Ids.Company(62).EmbeddedOrganizationCode!.Value;

        var supplier = (await _harness.Get<ProcurementAdapter>().ScreenAsync(Project(Supplier.Of("示例供应商", code)))).Suppliers[0];

        Assert.True(supplier.RequiresReview);
        Assert.Contains(supplier.Reasons, r => r.Text == "示例供应商以组织机构代码核查，查不到以统一社会信用代码列入的记录，请以统一社会信用代码核查后再定");
        Assert.All(supplier.Reasons, r => UnavailableChecker.AssertChineseOnly(r.Text));
        Assert.Contains("注意：以组织机构代码核查，查不到以统一社会信用代码列入的记录，请以统一社会信用代码核查", supplier.Evidence.ToText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScreenAsync_PersonOnlyLinkedThroughAListedEnterprise_RecordSaysSoNotListed()
    {
        var person = Ids.Person(63);
        await _harness.ListAsync(person, "debtors", related: new RelatedParty("示例失信企业有限公司", null, RelatedRole.LegalRepresentative));

        var supplier = (await _harness.Get<ProcurementAdapter>().ScreenAsync(Project(Supplier.Of("王某", person)))).Suppliers[0];

        Assert.Contains("系“示例失信企业有限公司”的法定代表人（因企业列入而关联，本人未列入）", supplier.Evidence.ToText(), StringComparison.Ordinal);
        Assert.DoesNotContain(supplier.Reasons, r => r.Text.Contains("王某列入失信被执行人名单", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ScreenAsync_CleanSupplier_QueryRecordNamesTheOutcomeAndPathInChinese()
    {
        // Found by review: the record kept with the procurement file said "未发现适用措施（Clear）" and "查询路径 Embedded".
        var supplier = (await _harness.Get<ProcurementAdapter>().ScreenAsync(Project(Supplier.Of("示例供应商", Ids.Company(64))))).Suppliers[0];
        var text = supplier.Evidence.ToText();

        Assert.Contains("  查询结果：未发现适用措施\n", text.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        UnavailableChecker.AssertChineseOnly(Line(text, "  查询结果："));
        UnavailableChecker.AssertChineseOnly(Line(text, "  数据版本：")[(Line(text, "  数据版本：").IndexOf("查询路径", StringComparison.Ordinal))..]);
    }

    [Fact]
    public async Task ScreenAsync_CleanSupplierFromTheLastKnownData_SaysAsOfWhenNotAFlatNothingFound()
    {
        // Found from outside: it was not flagged; it is, the reason for the review first (ProcurementDegradedTests).
        var adapter = new ProcurementAdapter(
            new RewritingChecker(_harness.Get<ICreditChecker>(), RewritingChecker.LastKnown), Options.Create(new ProcurementOptions()), Options.Create(new CreditCheckOptions()), _harness.Time);

        var supplier = (await adapter.ScreenAsync(Project(Supplier.Of("示例供应商", Ids.Company(65))))).Suppliers[0];
        var text = supplier.Evidence.ToText();

        Assert.True(supplier.RequiresReview);
        Assert.Equal("按最近一次同步的数据（截至2026-11-22 09:30）未发现拒绝参与政府采购活动的信用记录", supplier.Reasons[1].Text);
        Assert.Equal("按最近一次同步的数据（截至2026-11-22 09:30）未发现适用措施", Line(text, "  查询结果："));
        Assert.EndsWith("查询路径 最近一次同步的数据（降级）", Line(text, "  数据版本："), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScreenAsync_ConsortiumWithOneMembersRecordThatDoesNotApply_DoesNotSayEveryMemberHasOne()
    {
        // Found from outside: "联合体各成员所列名单记录…" read as every member having a record, when only one had.
        var lead = Ids.Company(67);
        var member = Ids.Company(68);
        await _harness.ListAsync(member, "procurement-violations", from: new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.FromHours(8)));

        var screening = await _harness.Get<ProcurementAdapter>().ScreenAsync(Project(
            Supplier.Consortium("示例联合体", [new SupplierMember("示例牵头企业有限公司", lead), new SupplierMember("示例成员企业有限公司", member)])));

        Assert.Equal("联合体成员所列名单记录在本事项不适用联合奖惩措施", screening.Suppliers[0].Reasons[0].Text);
    }

    [Fact]
    public async Task ScreenAsync_BanNotYetInForce_EligibleSaysTheRecordDoesNotBarNowAndWarnsOfItsDate()
    {
        // Found by review: the record listed the ban "（尚未生效）" and concluded "未发现拒绝参与的信用记录，可参与".
        var banned = Ids.Company(66);
        await _harness.ListAsync(banned, "procurement-violations", from: new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.FromHours(8)));

        var screening = await _harness.Get<ProcurementAdapter>().ScreenAsync(Project(Supplier.Of("示例蓝海信息技术有限公司", banned)));
        var supplier = screening.Suppliers[0];
        var text = supplier.Evidence.ToText();

        Assert.Equal(SupplierStatus.Eligible, supplier.Status);
        Assert.Equal("所列名单记录在本事项不适用联合奖惩措施", supplier.Reasons[0].Text);
        Assert.Contains(supplier.Reasons, r => r.Text == "示例蓝海信息技术有限公司列入政府采购严重违法失信行为记录名单，该记录自2027年1月1日起生效，现不限制参与，确定中标/成交前须重新核查");
        Assert.Equal("所列名单记录现不限制参与，可参与；有尚未生效的记录，确定中标/成交前须重新核查", Line(text, "查询结论："));
        Assert.DoesNotContain("未发现", text, StringComparison.Ordinal);
        Assert.DoesNotContain("未发现", screening.ToText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScreenAsync_ConsortiumRefusedWithARedListedMember_TheBenefitIsNoReasonForRefusalAndNotExecutedBecauseOfIt()
    {
        // Found by review: 减免投标保证金 was listed under "拒绝参与的理由" and reported "采购文件未规定该激励措施".
        var debtor = Ids.Company(67);
        var red = Ids.Company(68);
        await _harness.ListAsync(debtor, "debtors");
        await _harness.ListAsync(red, "grade-a");
        var adapter = _harness.Get<ProcurementAdapter>();

        var screening = await adapter.ScreenAsync(Project(Supplier.Consortium("示例联合体", [new SupplierMember("示例守信公司", red), new SupplierMember("示例失信公司", debtor)])));
        var supplier = screening.Suppliers[0];
        var records = await adapter.ReportAsync(screening);

        Assert.Equal(SupplierStatus.Excluded, supplier.Status);
        Assert.DoesNotContain(supplier.Reasons, r => r.MeasureCode == "deposit-reduction");
        var refusal = supplier.Evidence.ToText().ReplaceLineEndings("\n").Split("拒绝参与的理由：")[1];
        Assert.DoesNotContain("减免投标保证金", refusal, StringComparison.Ordinal);
        var benefit = records.Single(r => r.MeasureCode == "deposit-reduction");
        Assert.Equal((ExecutionResult.NotExecuted, "已拒绝该联合体参与，不适用该激励措施"), (benefit.Result, benefit.Reason));
    }

    [Fact]
    public async Task ToText_RecordAndSummary_NoInternalCodes()
    {
        // Found by review: "查询环节：投标/开标（procurement.bid）", "减免投标保证金（deposit-reduction）".
        var red = Ids.Company(69);
        await _harness.ListAsync(red, "grade-a");

        var screening = await _harness.Get<ProcurementAdapter>().ScreenAsync(Project(Supplier.Of("示例守信供应商", red)));
        var texts = new[] { screening.ToText(), screening.Suppliers[0].Evidence.ToText() };

        Assert.All(texts, t => Assert.Contains("查询环节：投标/开标", t, StringComparison.Ordinal));
        Assert.All(texts, t => Assert.DoesNotContain("procurement.bid", t, StringComparison.Ordinal));
        Assert.DoesNotContain("deposit-reduction", texts[1], StringComparison.Ordinal);
        Assert.Contains("1. 减免投标保证金 — 依据：地方招标投标信用应用规定", texts[1], StringComparison.Ordinal);
    }

    private static string Line(string text, string label) =>
        text.ReplaceLineEndings("\n").Split('\n').Single(l => l.StartsWith(label, StringComparison.Ordinal))[label.Length..];
}
