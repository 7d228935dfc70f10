// QuickStart: the one-call credit check on the embedded default store, seeded from samples/data.
// Three everyday jobs: an approval for a red-listed applicant, the same approval for a blacklisted
// one, and a procurement whose bidders are screened in one batch.
using CreditCheck;
using CreditCheck.Catalog;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

var services = new ServiceCollection();
services.AddCreditCheck()
    .UseInMemory(store =>
    {
        store.DataDirectory = Path.Combine(AppContext.BaseDirectory, "data");
        store.StateDirectory = Path.Combine(Path.GetTempPath(), "creditcheck-samples-" + Environment.UserName, "QuickStart"); // counts etc.: never in the seed folder
    });
await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
var checker = provider.GetRequiredService<ICreditChecker>();
if (Console.IsOutputRedirected)
{
    // In logs and CI: plain text, and tables not squeezed to 80 columns.
    AnsiConsole.Profile.Width = 120;
    AnsiConsole.Profile.Capabilities.Ansi = false;
    AnsiConsole.Profile.Capabilities.ColorSystem = ColorSystem.NoColors;
}

var redListed = SubjectId.Parse("91110105336900600J", SubjectKind.LegalEntity); // 示例绿色通道科技有限公司
var blacklisted = SubjectId.Parse("91310115768487450W", SubjectKind.LegalEntity); // 示例失信建设工程有限公司
var redThenBlack = SubjectId.Parse("91440305039640179U", SubjectKind.LegalEntity); // 示例先红后黑贸易有限公司

AnsiConsole.Write(new Rule("[bold]1. 行政许可 — red-listed applicant (纳税信用A级, 守合同重信用)[/]").LeftJustified());
var approval = await checker.CheckAsync(new CheckRequest(redListed, "licensing") { TransactionReference = "XK-2026-0001", Department = "市政务服务中心" });
Show(approval);

AnsiConsole.Write(new Rule("[bold]2. 行政许可 — the same approval for a blacklisted applicant (失信被执行人)[/]").LeftJustified());
Show(await checker.CheckAsync(new CheckRequest(blacklisted, "licensing") { TransactionReference = "XK-2026-0002" }));

AnsiConsole.Write(new Rule("[bold]3. 行政许可 — red-listed but also a major tax violator: punishment voids the benefits[/]").LeftJustified());
Show(await checker.CheckAsync(new CheckRequest(redThenBlack, "licensing") { TransactionReference = "XK-2026-0003" }));

AnsiConsole.Write(new Rule("[bold]4. 政府采购 — screening the bidders of tender CG-2026-118 in one batch[/]").LeftJustified());
var bidders = new (string Name, string Code)[]
{
    ("示例清白供应商一有限公司", "91110108MAWUCQ148A"),
    ("示例违规采购供应商有限公司", "91510104MAK50F914T"),
    ("示例失信建设工程有限公司", "91310115768487450W"),
    ("示例清白供应商二有限公司", "91310104397093064Q"),
    ("示例经营异常商贸有限公司", "91330106MATBAG8K2Q"),
    ("示例先红后黑贸易有限公司", "91440305039640179U"),
};
var requests = bidders
    .Select(b => new CheckRequest(SubjectId.Parse(b.Code, SubjectKind.LegalEntity), "procurement.bid") { TransactionReference = "CG-2026-118" })
    .ToArray();
var decisions = await checker.CheckManyAsync(requests);

var table = new Table().Border(TableBorder.Rounded)
    .AddColumn("Bidder")
    .AddColumn(new TableColumn("Code").NoWrap())
    .AddColumn(new TableColumn("Outcome").NoWrap())
    .AddColumn("Measures and legal basis");
for (var i = 0; i < bidders.Length; i++)
{
    var d = decisions[i];
    table.AddRow(
        Markup.Escape(bidders[i].Name),
        d.Subject,
        OutcomeMarkup(d.Outcome),
        Markup.Escape(d.AppliedMeasures.Count == 0
            ? (d.Outcome == DecisionOutcome.Review ? "重点关注，从严审核" : "—")
            : string.Join("\n", d.AppliedMeasures.Select(m => $"{m.Measure.Name}（{m.LegalBasis}）"))));
}

AnsiConsole.Write(table);
var excluded = decisions.Count(d => d.Outcome == DecisionOutcome.Denied);
AnsiConsole.MarkupLine($"{bidders.Length} bidders screened, [red]{excluded} excluded[/], catalog {Markup.Escape(decisions[0].CatalogVersion)}, data sequence {decisions[0].Sequence}.");
AnsiConsole.MarkupLine($"Report back with the check id, e.g. {approval.CheckId}.");
return 0;

static void Show(CreditDecision decision)
{
    var table = new Table().Border(TableBorder.Rounded).HideHeaders().AddColumns("", "");
    table.AddRow("Outcome", OutcomeMarkup(decision.Outcome));
    table.AddRow("Subject", decision.Subject);
    foreach (var entry in decision.MatchedEntries)
    {
        table.AddRow("Listed on", Markup.Escape($"{entry.List?.Name ?? entry.Entry.ListCode} — {StateText(entry.State)}（{entry.Entry.DecisionReference}）"));
    }

    foreach (var measure in decision.AppliedMeasures)
    {
        var label = measure.Measure.IsBenefit ? "[green]Benefit[/]" : measure.Measure.Effect == MeasureEffect.Review ? "[yellow]Review[/]" : "[red]Restriction[/]";
        table.AddRow(label, Markup.Escape($"{measure.Measure.Name}\n依据：{measure.LegalBasis}"));
    }

    foreach (var measure in decision.VoidedMeasures)
    {
        table.AddRow("[grey]Voided[/]", Markup.Escape($"{measure.Measure.Name} — {measure.VoidReason}"));
    }

    table.AddRow("Check id", decision.CheckId.ToString());
    AnsiConsole.Write(table);
}

static string StateText(EntryState state) => state switch
{
    EntryState.InForce => "有效",
    EntryState.UnderObjection => "异议中（措施照常适用）",
    EntryState.SuspendedByObjection => "异议中（措施暂停）",
    EntryState.Repaired => "已信用修复",
    EntryState.Revoked => "已撤销",
    EntryState.Expired => "已过有效期",
    EntryState.NotYetValid => "尚未生效",
    EntryState.OutsideSector => "有效（仅在本行业领域适用）",
    _ => "名单不在目录中",
};

static string OutcomeMarkup(DecisionOutcome outcome) => outcome switch
{
    DecisionOutcome.Denied => "[bold red]Denied 不予办理[/]",
    DecisionOutcome.Restricted => "[red]Restricted 限制办理[/]",
    DecisionOutcome.Review => "[yellow]Review 从严审核[/]",
    DecisionOutcome.Benefit => "[bold green]Benefit 守信激励[/]",
    _ => "[green]Clear 正常办理[/]",
};
