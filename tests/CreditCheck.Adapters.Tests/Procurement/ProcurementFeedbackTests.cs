using System.Text.Json;
using CreditCheck.Adapters.Procurement;
using CreditCheck.Adapters.Tests.Support;
using Microsoft.Extensions.Options;

namespace CreditCheck.Adapters.Tests.Procurement;

public sealed class ProcurementFeedbackTests : IAsyncDisposable
{
    private const string ReceiptKey = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="; // 32 bytes, base64
    private readonly AdapterHarness _harness = AdapterHarness.Create(b => b.AddProcurementAdapter());

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    private static ProcurementProject Project(params Supplier[] suppliers) => new()
    {
        ProjectId = "CG-2026-118",
        ProjectName = "示例办公设备采购项目",
        Stage = ProcurementStage.BidOpening,
        Suppliers = suppliers,
        Department = "示例市公共资源交易中心",
        Operator = "张某",
    };

    [Fact]
    public async Task ReportAsync_ExcludedSingleConsortiumAndClean_RefusalsExecutedCleanChecksCounted()
    {
        await _harness.StartAsync();
        var debtor = Ids.Company(1);
        var member = Ids.Company(2);
        await _harness.ListAsync(debtor, "debtors");
        await _harness.ListAsync(member, "debtors");
        var adapter = _harness.Get<ProcurementAdapter>();
        var screening = await adapter.ScreenAsync(Project(
            Supplier.Of("示例失信供应商", debtor),
            Supplier.Consortium("示例联合体", [new SupplierMember("甲", Ids.Company(3)), new SupplierMember("乙", member)]),
            Supplier.Of("示例清白供应商", Ids.Company(4))));

        var records = await adapter.ReportAsync(screening, new ProcurementFeedback { District = "510104" });

        Assert.Equal(
            [("procurement-refusal", ExecutionResult.Executed, "已拒绝其参与"), (null, ExecutionResult.NothingToExecute, null), ("procurement-refusal", ExecutionResult.Executed, "已拒绝该联合体参与"), (null, ExecutionResult.NothingToExecute, null)],
            records.Select(r => (r.MeasureCode, r.Result, r.ResultText)));
        Assert.All(records, r =>
        {
            Assert.Equal("CG-2026-118", r.ItemCode);
            Assert.Equal("示例办公设备采购项目", r.ItemName);
            Assert.Equal("CG-2026-118", r.TransactionReference);
            Assert.Equal("张某", r.Operator);
            Assert.Equal("510104", r.District);
            Assert.Equal("procurement.bid", r.Scenario);
        });
        Assert.Equal(4, (await _harness.DeliveredAsync(4)).Count);
    }

    [Fact]
    public async Task ReportAsync_CleanAndListedSuppliers_EveryRecordNamesTheSupplierAsTheHostGaveIt()
    {
        // Found by review: a clean supplier's feedback carried no name, so an auditor could not tell who it was.
        await _harness.StartAsync();
        var debtor = Ids.Company(21);
        await _harness.ListAsync(debtor, "debtors", name: "示例失信供应商（名单所载）");
        var adapter = _harness.Get<ProcurementAdapter>();
        var screening = await adapter.ScreenAsync(Project(
            Supplier.Of("示例失信供应商", debtor),
            Supplier.Consortium("示例联合体", [new SupplierMember("联合体成员甲", Ids.Company(22)), new SupplierMember("联合体成员乙", Ids.Company(23))]),
            Supplier.Of("示例清白供应商", Ids.Company(24))));

        var records = await adapter.ReportAsync(screening);

        Assert.Equal(["示例失信供应商", "联合体成员甲", "联合体成员乙", "示例清白供应商"], records.Select(r => r.SubjectName));
        var stored = await _harness.DeliveredAsync(4);
        Assert.Equal("示例清白供应商", Assert.Single(stored, r => r.SubjectCode == Ids.Company(24).Value).SubjectName);
    }

    [Fact]
    public async Task ReportAsync_BenefitOfTheStage_ExecutedOnlyWhenTheProcurementFileAppliesIt()
    {
        var red = Ids.Company(5);
        await _harness.ListAsync(red, "grade-a");
        var adapter = _harness.Get<ProcurementAdapter>();
        var screening = await adapter.ScreenAsync(Project(Supplier.Of("示例守信供应商", red)));
        var another = await adapter.ScreenAsync(Project(Supplier.Of("示例守信供应商", red)));

        var notApplied = await adapter.ReportAsync(screening);
        var applied = await adapter.ReportAsync(another, new ProcurementFeedback { AppliedBenefits = new HashSet<string>(["deposit-reduction"]) });
        var repeated = await adapter.ReportAsync(screening, new ProcurementFeedback { AppliedBenefits = new HashSet<string>(["deposit-reduction"]) });

        Assert.Equal(("deposit-reduction", ExecutionResult.NotExecuted, "采购文件未规定该激励措施"), (notApplied[0].MeasureCode, notApplied[0].Result, notApplied[0].Reason));
        Assert.Equal(("deposit-reduction", ExecutionResult.Executed, "已按采购文件适用"), (applied[0].MeasureCode, applied[0].Result, applied[0].ResultText));

        // A report is final: the same check reported again is answered with what was recorded, marked as a repeat.
        Assert.Equal(notApplied[0].Key, repeated[0].Key);
        Assert.True(repeated[0].IsRepeat);
        Assert.Equal(ExecutionResult.NotExecuted, repeated[0].Result);
    }

    [Fact]
    public async Task ReportAsync_AdapterBuiltWithoutFeedback_SaysWhatIsMissing()
    {
        var adapter = new ProcurementAdapter(_harness.Get<ICreditChecker>(), Options.Create(new ProcurementOptions()), Options.Create(new CreditCheckOptions()), _harness.Time);
        var screening = await adapter.ScreenAsync(Project(Supplier.Of("S", Ids.Company(6))));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await adapter.ReportAsync(screening));

        Assert.Contains("No ICreditFeedback is registered", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScreenAsync_EvidenceReceiptsRegistered_EachCheckCarriesAVerifiableReceiptInTheRecord()
    {
        await using var harness = AdapterHarness.Create(b => b.AddProcurementAdapter().AddEvidenceReceipts(o =>
        {
            o.KeyId = "2026-q4";
            o.Key = ReceiptKey;
        }));
        var debtor = Ids.Company(7);
        var entry = await harness.ListAsync(debtor, "debtors");
        var signer = harness.Get<IEvidenceSigner>();

        var supplier = (await harness.Get<ProcurementAdapter>().ScreenAsync(Project(
            Supplier.Consortium("示例联合体", [new SupplierMember("甲", Ids.Company(8)), new SupplierMember("乙", debtor)])))).Suppliers[0];

        Assert.All(supplier.Checks, c =>
        {
            var receipt = Assert.IsType<EvidenceReceipt>(c.Receipt);
            Assert.True(signer.Verify(receipt).IsValid);
            Assert.True(signer.IsAbout(receipt, c.Member.Subject));
            Assert.Equal(c.Decision.CheckId, receipt.CheckId);
            Assert.Equal("2026-q4", receipt.KeyId);
        });
        Assert.Equal([$"debtors:{entry.EntryId}"], supplier.Checks[1].Receipt!.EntryIds);
        using var json = JsonDocument.Parse(supplier.Evidence.ToJson());
        var check = json.RootElement.GetProperty("checks")[1];
        var fromRecord = EvidenceReceipt.Parse(check.GetProperty("receipt").GetRawText());
        Assert.Equal(supplier.Checks[1].Receipt, fromRecord);
        Assert.True(signer.Verify(fromRecord).IsValid);
        Assert.Equal(supplier.Checks[1].Receipt, EvidenceReceipt.ParseCompact(check.GetProperty("receiptCompact").GetString()!));
        Assert.Contains($"  电子回执（签名密钥 2026-q4）：{supplier.Checks[1].Receipt!.ToCompactString()}", supplier.Evidence.ToText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScreenAsync_NoEvidenceReceipts_RecordsWithoutReceipt()
    {
        var supplier = (await _harness.Get<ProcurementAdapter>().ScreenAsync(Project(Supplier.Of("S", Ids.Company(9))))).Suppliers[0];

        Assert.Null(supplier.Checks[0].Receipt);
        Assert.DoesNotContain("receipt", supplier.Evidence.ToJson(), StringComparison.Ordinal);
        Assert.DoesNotContain("电子回执", supplier.Evidence.ToText(), StringComparison.Ordinal);
    }
}
