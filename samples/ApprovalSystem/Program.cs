// ApprovalSystem: a service hall's day of applications, each routed by the approval adapter — green
// channel, 容缺受理, 告知承诺, strict review or refusal — with its reasons and legal basis.
// Runs on the embedded store seeded from samples/data, or with --redis CONNSTR on Redis.
using ApprovalSystem;
using CreditCheck;
using CreditCheck.Adapters.Approval;
using CreditCheck.Samples;
using CreditCheck.Stores;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

const string Usage = "usage: dotnet run --project samples/ApprovalSystem [-- --redis HOST:PORT [--secret S] [--namespace NS]]";
var arguments = SampleArguments.Parse(args, Usage);
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

// The matters the office configures; the host's 事项目录 plug-in (MatterCatalog) is found by scanning.
builder.AddApprovalAdapter(o =>
    {
        o.TolerantAcceptanceDays = 20;
        o.Matters["330100-XK-017"] = new MatterSettings { Name = "食品经营许可", TolerableMaterials = { "场地租赁合同", "从业人员健康证明" } };
        o.Matters["330100-XK-102"] = new MatterSettings { Name = "公共场所卫生许可", Commitment = FacilitationEligibility.NoAdverseRecord };
        o.Matters["330100-GG-008"] = new MatterSettings { Name = "社会保险参保登记" };
    })
    .ScanMatterMaps(typeof(MatterCatalog).Assembly);

await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
await SampleStore.StartAsync(provider);
var approval = provider.GetRequiredService<ApprovalAdapter>();

static SubjectId Entity(string code) => SubjectId.Parse(code, SubjectKind.LegalEntity);
static SubjectId Person(string code) => SubjectId.Parse(code, SubjectKind.NaturalPerson);

ApprovalApplication[] day =
[
    new() { ApplicationId = "BJ-001", MatterCode = "330100-XK-017", EnterpriseName = "示例绿色通道科技有限公司", Enterprise = Entity("91110105336900600J") },
    new() { ApplicationId = "BJ-002", MatterCode = "330100-XK-017", EnterpriseName = "示例绿色通道科技有限公司", Enterprise = Entity("91110105336900600J"), MissingMaterials = ["场地租赁合同"] },
    new() { ApplicationId = "BJ-003", MatterCode = "330100-XK-102", EnterpriseName = "示例绿色通道科技有限公司", Enterprise = Entity("91110105336900600J"), OffersCommitment = true },
    new() { ApplicationId = "BJ-004", MatterCode = "330100-XK-102", EnterpriseName = "示例清白供应商一有限公司", Enterprise = Entity("91110108MAWUCQ148A"), OffersCommitment = true },
    new() { ApplicationId = "BJ-005", MatterCode = "330100-XK-017", EnterpriseName = "示例清白供应商二有限公司", Enterprise = Entity("91310104397093064Q"), MissingMaterials = ["从业人员健康证明"] },
    new() { ApplicationId = "BJ-006", MatterCode = "330100-XK-017", EnterpriseName = "示例失信建设工程有限公司", Enterprise = Entity("91310115768487450W"), MissingMaterials = ["场地租赁合同"], OffersCommitment = true },
    new() { ApplicationId = "BJ-007", MatterCode = "330100-XK-017", EnterpriseName = "示例先红后黑贸易有限公司", Enterprise = Entity("91440305039640179U"), MissingMaterials = ["场地租赁合同"] },
    new() { ApplicationId = "BJ-008", MatterCode = "330100-DJ-002", MatterKind = MatterKind.Other, EnterpriseName = "示例经营异常商贸有限公司", Enterprise = Entity("91330106MATBAG8K2Q") }, // 经营异常名录 acts in market access, its sector
    new() { ApplicationId = "BJ-009", MatterCode = "330100-DJ-001", MatterKind = MatterKind.Other, EnterpriseName = "示例清白供应商三有限公司", Enterprise = Entity("91440106MAL523T03Q"), LegalRepresentativeName = "曹某某", LegalRepresentative = Person("210102196305278033") },
    new() { ApplicationId = "BJ-010", MatterCode = "330100-PY-003", MatterKind = MatterKind.Other, EnterpriseName = "示例欠薪劳务有限公司", Enterprise = Entity("91420106MAXH74482D") },
    new() { ApplicationId = "BJ-011", MatterCode = "330100-GG-008", MatterKind = MatterKind.PublicService, PersonName = "赵某", Person = Person("61011319620814837X"), MissingMaterials = ["户口簿复印件"] },
    new() { ApplicationId = "BJ-012", MatterCode = "330100-XK-017", EnterpriseName = "示例已修复物流有限公司", Enterprise = Entity("91320102MA1F3H080C") },
];

var results = await approval.RouteManyAsync(day);

AnsiConsole.Write(new Rule($"[bold]市政务服务中心 — {day.Length} applications of the day, routed by credit[/]").LeftJustified());
AnsiConsole.MarkupLine(Markup.Escape(storeLine));
var table = new Table().Border(TableBorder.Rounded)
    .AddColumn("办件")
    .AddColumn("事项")
    .AddColumn("申请人")
    .AddColumn(new TableColumn("路径").NoWrap())
    .AddColumn("办理说明");
foreach (var result in results)
{
    var a = result.Application;
    table.AddRow(
        a.ApplicationId,
        Markup.Escape(result.MatterName ?? a.MatterCode),
        Markup.Escape(a.EnterpriseName ?? a.PersonName ?? "—"),
        RouteMarkup(result.Route),
        Markup.Escape(result.Summary));
}

AnsiConsole.Write(table);

AnsiConsole.Write(new Rule("[bold]Reasons and legal basis (every route but the standard one)[/]").LeftJustified());
foreach (var result in results.Where(r => r.Route != ApprovalRoute.Standard))
{
    AnsiConsole.MarkupLine($"[bold]{result.Application.ApplicationId}[/] {RouteMarkup(result.Route)}");
    // Plain lines: a legal basis is one long word to a wrapping console.
    foreach (var reason in result.Reasons)
    {
        Console.WriteLine($"   · {reason.Text}");
        if (reason.LegalBasis is not null)
        {
            Console.WriteLine($"     依据：{reason.LegalBasis}");
        }
    }

    Console.WriteLine($"   report back with check ids {string.Join(", ", result.CheckIds)}");
}

var counts = results.GroupBy(r => r.Route).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}");
AnsiConsole.MarkupLine(Markup.Escape($"{results.Count} applications: {string.Join(", ", counts)}; {results.Sum(r => r.Decisions.Count)} checks in one batch, catalog {results[0].Decisions[0].Decision.CatalogVersion}, data sequence {results[0].Decisions[0].Decision.Sequence}."));

// 反馈: each window reports what it did. Two did not follow the route as given.
var records = new List<FeedbackRecord>();
foreach (var result in results)
{
    var handling = result.Application.ApplicationId switch
    {
        "BJ-003" => ApprovalHandling.NotFollowed("申请人未签署信用承诺书，改按一般程序办理"),
        "BJ-008" => ApprovalHandling.Overridden("审批科科长", "经核实已移出经营异常名录，名单数据待更新"),
        _ => ApprovalHandling.Followed(OutcomeText(result.Route)),
    };
    records.AddRange(await approval.ReportAsync(result, handling with { District = "330106" }));
}

AnsiConsole.Write(new Rule("[bold]Feedback (反馈) — one record per measure, or one per check without measures[/]").LeftJustified());
var feedbackTable = new Table().Border(TableBorder.Rounded).AddColumn("办件").AddColumn("措施").AddColumn(new TableColumn("结果").NoWrap()).AddColumn("说明");
foreach (var record in records)
{
    feedbackTable.AddRow(
        record.TransactionReference ?? "—",
        Markup.Escape(record.MeasureName ?? "（已查询，无适用措施）"),
        record.Result.ToString(),
        Markup.Escape(record.Reason is null ? record.ResultText ?? string.Empty : $"{record.Reason}{(record.OverriddenBy is null ? string.Empty : $"（{record.OverriddenBy}）")}"));
}

AnsiConsole.Write(feedbackTable);

// 信用承诺: each followed 容缺受理 and 告知承诺 was recorded by its report. One turns out false on verification
// (事后核查): the breach lists the enterprise on broken-commitments, and its next 告知承诺 is refused.
var commitments = provider.GetRequiredService<ICreditCommitments>();
var ours = results.SelectMany(r => r.CheckIds).ToHashSet();
var promised = (await commitments.ListAsync()).Where(c => c.CheckId is { } id && ours.Contains(id)).ToList();
AnsiConsole.Write(new Rule($"[bold]Commitments (信用承诺) recorded by the reports — {promised.Count}[/]").LeftJustified());
var promiseTable = new Table().Border(TableBorder.Rounded).AddColumn("承诺编号").AddColumn("申请人").AddColumn("承诺内容").AddColumn(new TableColumn("期限").NoWrap());
foreach (var c in promised)
{
    promiseTable.AddRow(c.Id[..12] + "…", Markup.Escape(c.SubjectName ?? c.Subject.Masked), Markup.Escape(c.Promise), c.DueOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
}

AnsiConsole.Write(promiseTable);
var checkedOne = results.First(r => r.Application.ApplicationId == "BJ-004");
var falsePromise = promised.FirstOrDefault(c => checkedOne.CheckIds.Contains(c.CheckId!.Value));
if (falsePromise is null)
{
    // On Redis, a run before this one already listed the enterprise: no 告知承诺 this time.
    AnsiConsole.MarkupLine(Markup.Escape($"BJ-004 made no commitment this time ({checkedOne.RouteName}): an earlier run listed it on broken-commitments."));
}
else
{
    await commitments.BreachAsync(falsePromise.Id, "事后核查发现承诺不实：经营场所面积与承诺不符");
    AnsiConsole.MarkupLine(Markup.Escape($"BJ-004: commitment {falsePromise.Id[..12]}… breached — {falsePromise.SubjectName} listed on broken-commitments (国办发〔2020〕42号)."));
}

// The same enterprise applies again; on Redis the listing reaches this host through the change feed.
var again = checkedOne.Application with { ApplicationId = "BJ-013" };
var next = await approval.RouteAsync(again);
for (var tries = 0; next.Route == ApprovalRoute.Commitment && tries < 100; tries++)
{
    await Task.Delay(50);
    next = await approval.RouteAsync(again);
}

AnsiConsole.MarkupLine($"[bold]BJ-013[/] {Markup.Escape(again.EnterpriseName ?? "")} offers a commitment again → {RouteMarkup(next.Route)}");
foreach (var reason in next.Reasons)
{
    Console.WriteLine($"   · {reason.Text}");
}

await SampleStore.StopAsync(provider); // delivers what is still buffered
var delivered = provider.GetService<IFeedbackReader>() is { } reader
    ? $"{await reader.ReadAsync(DateTimeOffset.MinValue, DateTimeOffset.MaxValue).CountAsync()} delivered to the embedded feedback store"
    : $"delivered to the Redis stream cc:{{{arguments.Namespace}}}:feedback";
AnsiConsole.MarkupLine(Markup.Escape($"{records.Count} feedback records acknowledged ({string.Join(", ", records.GroupBy(r => r.Result).Select(g => $"{g.Key} {g.Count()}"))}); {delivered}."));
return 0;

static string OutcomeText(ApprovalRoute route) => route switch
{
    ApprovalRoute.GreenChannel => "已优先办理",
    ApprovalRoute.TolerantAcceptance => "已容缺受理",
    ApprovalRoute.Commitment => "已按告知承诺办理",
    ApprovalRoute.StrictReview => "已从严审核",
    ApprovalRoute.Refused => "不予受理",
    _ => "已受理",
};

static string RouteMarkup(ApprovalRoute route) => route switch
{
    ApprovalRoute.GreenChannel => "[bold green]绿色通道[/]",
    ApprovalRoute.TolerantAcceptance => "[green]容缺受理[/]",
    ApprovalRoute.Commitment => "[green]告知承诺[/]",
    ApprovalRoute.StrictReview => "[yellow]从严审核[/]",
    ApprovalRoute.Refused => "[bold red]不予受理[/]",
    _ => "一般程序",
};
