// ProcurementPlatform: tender CG-2026-118 closes; its 200 suppliers (two of them consortia) are screened
// in one call at bid opening, and the query record of each (财库〔2016〕125号) is written to the
// procurement file folder given by --out. Embedded store by default, or --redis CONNSTR.
using System.Globalization;
using CreditCheck;
using CreditCheck.Adapters.Procurement;
using CreditCheck.Samples;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

const string Usage = "usage: dotnet run --project samples/ProcurementPlatform [-- [--out DIR] [--redis HOST:PORT [--secret S] [--namespace NS]]]";
var arguments = SampleArguments.Parse(args, Usage, "--out");
if (arguments is null)
{
    return args.Contains("--help") || args.Contains("-h") ? 0 : 2;
}

if (Console.IsOutputRedirected)
{
    AnsiConsole.Profile.Width = 140;
    AnsiConsole.Profile.Capabilities.Ansi = false;
    AnsiConsole.Profile.Capabilities.ColorSystem = ColorSystem.NoColors;
}

var outDirectory = arguments.Extra.GetValueOrDefault("--out")
    ?? Path.Combine(Path.GetTempPath(), "creditcheck-procurement-" + TimeProvider.System.GetLocalNow().ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));

var services = new ServiceCollection();
var builder = services.AddCreditCheck();
string storeLine;
try
{
    storeLine = await SampleStore.UseAsync(builder, arguments);
}
catch (Exception e) when (arguments.Redis is not null)
{
    Console.Error.WriteLine($"error: cannot use Redis at {arguments.Redis}: {e.Message}");
    return 3;
}

// Receipts signed with a key the platform keeps; this sample-only key stands in unless CREDITCHECK_RECEIPT_KEY is set.
builder.AddProcurementAdapter()
    .AddEvidenceReceipts(o =>
    {
        o.KeyId = "sample-2026";
        o.Key = Environment.GetEnvironmentVariable("CREDITCHECK_RECEIPT_KEY") ?? "c2FtcGxlLW9ubHkga2V5IGZvciByZWNlaXB0cyAwMTIzNDU2Nzg5";
    });
await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
await SampleStore.StartAsync(provider);
var procurement = provider.GetRequiredService<ProcurementAdapter>();

var project = new ProcurementProject
{
    ProjectId = "CG-2026-118",
    ProjectName = "示例市2026年办公设备及信息化设备采购项目",
    Purchaser = "示例市机关事务管理局",
    Agency = "示例招标代理有限公司",
    Stage = ProcurementStage.BidOpening,
    Suppliers = ReadSuppliers(Path.Combine(AppContext.BaseDirectory, "suppliers.csv")),
    Department = "示例市公共资源交易中心",
    Operator = "张某",
};

var screening = await procurement.ScreenAsync(project);
var files = await screening.WriteEvidenceAsync(outDirectory);

AnsiConsole.Write(new Rule($"[bold]{project.ProjectId} {Markup.Escape(project.ProjectName)} — bid opening[/]").LeftJustified());
AnsiConsole.MarkupLine(Markup.Escape(storeLine));
var members = screening.Suppliers.Sum(s => s.Checks.Count);
AnsiConsole.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
    $"{screening.Suppliers.Count} suppliers ({members} enterprises) screened in one call: {screening.Eligible.Count()} eligible ({screening.Eligible.Count(s => s.RequiresReview)} to review), {screening.Excluded.Count()} excluded.")));

var excluded = new Table().Border(TableBorder.Rounded).Title("[red]Excluded — 拒绝参与政府采购活动[/]")
    .AddColumn(new TableColumn("No.").NoWrap()).AddColumn("Supplier").AddColumn("Reason").AddColumn("Legal basis");
foreach (var s in screening.Excluded)
{
    excluded.AddRow(s.Index.ToString("D3", CultureInfo.InvariantCulture), Markup.Escape(s.Supplier.Name), Markup.Escape(s.Reasons[0].Text), Markup.Escape(s.Reasons[0].LegalBasis ?? "—"));
}

AnsiConsole.Write(excluded);

var review = new Table().Border(TableBorder.Rounded).Title("[yellow]Eligible, to review before evaluation[/]")
    .AddColumn(new TableColumn("No.").NoWrap()).AddColumn("Supplier").AddColumn("Reason").AddColumn("Legal basis");
foreach (var s in screening.Eligible.Where(s => s.RequiresReview))
{
    review.AddRow(s.Index.ToString("D3", CultureInfo.InvariantCulture), Markup.Escape(s.Supplier.Name), Markup.Escape(s.Reasons[0].Text), Markup.Escape(s.Reasons[0].LegalBasis ?? "—"));
}

AnsiConsole.Write(review);
AnsiConsole.MarkupLine(Markup.Escape($"Query records written: {files.Count} files in {outDirectory} (one .json and one .txt per supplier, and the summary)."));

// 反馈: the refusals were executed; the procurement documents grant no credit benefit at this stage.
var feedback = await procurement.ReportAsync(screening, new ProcurementFeedback { District = "440106" });
await SampleStore.StopAsync(provider); // delivers what is still buffered
AnsiConsole.MarkupLine(Markup.Escape($"Feedback: {feedback.Count} records ({string.Join(", ", feedback.GroupBy(r => r.Result).Select(g => $"{g.Key} {g.Count()}"))}), each query record signed with an evidence receipt (key {screening.Suppliers[0].Checks[0].Receipt?.KeyId})."));

var consortium = screening.Excluded.First(s => s.Supplier.IsConsortium);
AnsiConsole.Write(new Rule($"[bold]The query record of supplier {consortium.Index:D3}, as printed for the procurement file ({Markup.Escape(consortium.Evidence.FileName)}.txt)[/]").LeftJustified());
Console.WriteLine(consortium.Evidence.ToText());
return 0;

// The platform's registration export: 序号, 供应商名称, 统一社会信用代码, 联合体名称 (rows sharing a 序号 form a consortium).
static List<Supplier> ReadSuppliers(string path)
{
    var suppliers = new List<Supplier>();
    foreach (var group in File.ReadAllLines(path).Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',')).GroupBy(c => c[0]))
    {
        var rows = group.ToList();
        suppliers.Add(rows.Count == 1
            ? Supplier.Of(rows[0][1], SubjectId.Parse(rows[0][2], SubjectKind.LegalEntity), group.Key)
            : Supplier.Consortium(rows[0][3], [.. rows.Select(r => new SupplierMember(r[1], SubjectId.Parse(r[2], SubjectKind.LegalEntity)))], group.Key));
    }

    return suppliers;
}
