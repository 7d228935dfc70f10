using System.Text;
using System.Text.Json;
using CreditCheck.Adapters.Procurement;
using CreditCheck.Adapters.Tests.Support;

namespace CreditCheck.Adapters.Tests.Procurement;

public sealed class ProcurementEvidenceTests : IAsyncDisposable
{
    private readonly AdapterHarness _harness = AdapterHarness.Create(b => b.AddProcurementAdapter());

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    private Task<ProcurementScreening> ScreenAsync(params Supplier[] suppliers) => ScreenAsync("CG-2026-118", suppliers);

    private async Task<ProcurementScreening> ScreenAsync(string projectId, params Supplier[] suppliers) =>
        await _harness.Get<ProcurementAdapter>().ScreenAsync(new ProcurementProject
        {
            ProjectId = projectId,
            ProjectName = "示例办公设备采购项目",
            Purchaser = "示例市财政局",
            Agency = "示例招标代理有限公司",
            Stage = ProcurementStage.BidOpening,
            Suppliers = suppliers,
            Department = "示例市公共资源交易中心",
            Operator = "张某",
        });

    [Fact]
    public async Task ToJson_ExcludedSupplier_HoldsCheckTimeVersionEntriesMeasuresAndOutcome()
    {
        var debtor = Ids.Company(1);
        var entry = await _harness.ListAsync(debtor, "debtors", until: new DateTimeOffset(2027, 6, 1, 0, 0, 0, TimeSpan.FromHours(8)));
        var supplier = (await ScreenAsync(Supplier.Of("示例失信供应商", debtor, "BM-001"))).Suppliers[0];
        var decision = supplier.Checks[0].Decision;

        using var json = JsonDocument.Parse(supplier.Evidence.ToJson());
        var root = json.RootElement;

        Assert.Equal("财库〔2016〕125号", root.GetProperty("basis").GetString());
        Assert.Equal("CG-2026-118", root.GetProperty("project").GetProperty("id").GetString());
        Assert.Equal("procurement.bid", root.GetProperty("project").GetProperty("scenario").GetString());
        Assert.Equal("BM-001", root.GetProperty("supplier").GetProperty("supplierId").GetString());
        Assert.Equal("Excluded", root.GetProperty("status").GetString());
        var check = Assert.Single(root.GetProperty("checks").EnumerateArray().ToList());
        Assert.Equal(decision.CheckId, check.GetProperty("checkId").GetGuid());
        Assert.Equal(AdapterHarness.Now, check.GetProperty("checkedAt").GetDateTimeOffset());
        Assert.Equal("adapters-1", check.GetProperty("catalogVersion").GetString());
        Assert.Equal(decision.Sequence, check.GetProperty("sequence").GetInt64());
        Assert.Equal(debtor.Value, check.GetProperty("subjectCode").GetString());
        Assert.Equal("Denied", check.GetProperty("outcome").GetString());
        var listed = Assert.Single(check.GetProperty("entries").EnumerateArray().ToList());
        Assert.Equal(entry.EntryId, listed.GetProperty("entryId").GetString());
        Assert.Equal("InForce", listed.GetProperty("state").GetString());
        Assert.Equal("2027-05-31", listed.GetProperty("validThrough").GetString());
        var measure = check.GetProperty("measures").EnumerateArray().First();
        Assert.Equal("procurement-refusal", measure.GetProperty("code").GetString());
        Assert.Equal("财库〔2016〕125号；政府采购法第二十二条", measure.GetProperty("legalBasis").GetString());
        Assert.Equal(entry.EntryId, measure.GetProperty("entries")[0].GetString());
        Assert.Equal("拒绝参与政府采购活动", JsonDocument.Parse(supplier.Evidence.ToJson()).RootElement.GetProperty("checks")[0].GetProperty("measures")[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task ToJson_NaturalPersonSupplier_IdentityNumberMasked()
    {
        var person = Ids.Person(1);

        var supplier = (await ScreenAsync(Supplier.Of("张某", person))).Suppliers[0];
        var json = supplier.Evidence.ToJson();

        Assert.DoesNotContain(person.Value, json, StringComparison.Ordinal);
        Assert.Contains(person.Masked, json, StringComparison.Ordinal);
        Assert.DoesNotContain(person.Value, supplier.Evidence.ToText(), StringComparison.Ordinal);
        Assert.Equal("CG-2026-118-001-person", supplier.Evidence.FileName);
    }

    [Fact]
    public async Task ToText_ExcludedConsortium_PrintableRecordWithEveryMemberAndTheReason()
    {
        var listed = Ids.Company(2);
        await _harness.ListAsync(listed, "procurement-violations", name: "示例成员公司");
        var consortium = Supplier.Consortium("示例联合体", [new SupplierMember("示例牵头公司", Ids.Company(3)), new SupplierMember("示例成员公司", listed)]);

        var supplier = (await ScreenAsync(consortium)).Suppliers[0];
        var text = supplier.Evidence.ToText();

        Assert.StartsWith("政府采购供应商信用记录查询记录\n（依据财库〔2016〕125号，本记录与其他采购文件一并保存）", text.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("项目编号：CG-2026-118", text, StringComparison.Ordinal);
        Assert.Contains("采购代理机构：示例招标代理有限公司", text, StringComparison.Ordinal);
        Assert.Contains("查询环节：投标/开标\n", text.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("供应商：示例联合体（联合体，成员 2 家）", text, StringComparison.Ordinal);
        Assert.Contains("查询结论：不符合资格，拒绝该联合体参与政府采购活动", text, StringComparison.Ordinal);
        Assert.Contains($"【联合体成员 1】示例牵头公司　统一社会信用代码 {Ids.Company(3).Value}", text, StringComparison.Ordinal);
        Assert.Contains($"  查询编号：{supplier.Checks[1].Decision.CheckId}", text, StringComparison.Ordinal);
        Assert.Contains("  查询时间：2026年11月22日 10:00:00（北京时间）", text, StringComparison.Ordinal);
        Assert.Contains("  数据版本：名单目录 adapters-1，数据序号 ", text, StringComparison.Ordinal);
        Assert.Contains("  名单记录：无", text, StringComparison.Ordinal);
        Assert.Contains("1. 政府采购严重违法失信行为记录名单（有效）条目 procurement-violations-0001；认定部门：认定部门", text, StringComparison.Ordinal);
        Assert.Contains("；有效期至：2027-11-22", text, StringComparison.Ordinal);
        Assert.Contains("2. 一定期限内禁止参加政府采购活动 — 依据：政府采购法第七十七条", text, StringComparison.Ordinal);
        Assert.Contains("拒绝参与的理由：\n  1. 联合体成员“示例成员公司”列入政府采购严重违法失信行为记录名单：拒绝参与政府采购活动，该联合体不得参与（依据：财库〔2016〕125号；政府采购法第二十二条）", text.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("查询人：张某", text, StringComparison.Ordinal);
        Assert.Equal("CG-2026-118-001-consortium", supplier.Evidence.FileName);
    }

    [Fact]
    public async Task WriteEvidenceAsync_TwoFilesPerSupplierAndASummary()
    {
        var debtor = Ids.Company(4);
        await _harness.ListAsync(debtor, "debtors");
        var screening = await ScreenAsync(Supplier.Of("示例清白供应商", Ids.Company(5)), Supplier.Of("示例失信供应商", debtor));
        var directory = Path.Combine(Path.GetTempPath(), "cc-evidence-" + Guid.NewGuid().ToString("N"));
        try
        {
            var paths = await screening.WriteEvidenceAsync(Path.Combine(directory, "nested"));

            Assert.Equal(5, paths.Count);
            Assert.Equal(Path.Combine(directory, "nested", $"CG-2026-118-002-{debtor.Value}.json"), paths[2]);
            Assert.Equal(screening.Suppliers[1].Evidence.ToJson(), await File.ReadAllTextAsync(paths[2]));
            Assert.Equal(screening.Suppliers[1].Evidence.ToText(), await File.ReadAllTextAsync(paths[3]));
            var summary = await File.ReadAllTextAsync(paths[4]);
            Assert.EndsWith("CG-2026-118-summary.txt", paths[4], StringComparison.Ordinal);
            Assert.Contains("供应商 2 家：可参与 1 家（其中需人工核查 0 家），拒绝参与 1 家", summary, StringComparison.Ordinal);
            Assert.Contains("002 示例失信供应商：不符合资格，拒绝参与政府采购活动 — 示例失信供应商列入失信被执行人名单：拒绝参与政府采购活动（依据：财库〔2016〕125号；政府采购法第二十二条）", summary, StringComparison.Ordinal);
            Assert.False(File.ReadAllBytes(paths[0]).AsSpan().StartsWith(new byte[] { 0xEF, 0xBB, 0xBF }));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task WriteEvidenceAsync_AVeryLongProjectNumber_ShortNamesThatStillDifferAndTheWholeNumberInTheText()
    {
        // Found from outside: a 300-character number failed with PathTooLongException (255 bytes per file name).
        var longA = "CG-" + new string('采', 150) + "-A" + new string('\n', 1);
        var longB = "CG-" + new string('采', 150) + "-B";
        var directory = Path.Combine(Path.GetTempPath(), "cc-evidence-" + Guid.NewGuid().ToString("N"));
        try
        {
            var a = await (await ScreenAsync(longA, Supplier.Of("示例供应商", Ids.Company(5)))).WriteEvidenceAsync(directory);
            var b = await (await ScreenAsync(longB, Supplier.Of("示例供应商", Ids.Company(5)))).WriteEvidenceAsync(directory);

            Assert.All(a.Concat(b), path => Assert.InRange(Encoding.UTF8.GetByteCount(Path.GetFileName(path)), 1, 160));
            Assert.All(a.Concat(b), path => Assert.DoesNotContain('\n', Path.GetFileName(path)));
            Assert.Empty(a.Select(Path.GetFileName).Intersect(b.Select(Path.GetFileName)));
            Assert.Equal(6, Directory.GetFiles(directory).Length);
            Assert.StartsWith("CG-采采", Path.GetFileName(a[2]), StringComparison.Ordinal);
            Assert.Contains(longB, await File.ReadAllTextAsync(b[1]), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
