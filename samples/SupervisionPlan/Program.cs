// SupervisionPlan: a 双随机、一公开 inspection by credit grade on the embedded default store. A generated population
// of 20,000 enterprises with 公共信用综合评价 results (A/B/C/D) and a few listings; the plan puts each in a tier,
// draws a sample from a seed, and shows that the same seed draws the same sample and another seed another.
using System.Globalization;
using CreditCheck;
using CreditCheck.Adapters.Supervision;
using CreditCheck.Stores;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

const int Size = 20_000;
var services = new ServiceCollection();
services.AddCreditCheck().UseInMemory().AddSupervisionAdapter();
await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
if (Console.IsOutputRedirected)
{
    AnsiConsole.Profile.Width = 120;
    AnsiConsole.Profile.Capabilities.Ansi = false;
    AnsiConsole.Profile.Capabilities.ColorSystem = ColorSystem.NoColors;
}

// 1. The population and its grades: results load like a list, each entry carrying its level.
var population = Enumerable.Range(0, Size).Select(Company).ToList();
var publisher = provider.GetRequiredService<ICreditPublisher>();
var rated = await publisher.ImportListAsync("public-credit-rating", population.Select((s, i) => new ListRecord(s, new ListEntry
{
    EntryId = $"GG-2026-{i:D5}",
    ListCode = "public-credit-rating",
    SubjectKind = SubjectKind.LegalEntity,
    Authority = "示例市公共信用信息中心",
    ValidFrom = new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.FromHours(8)),
    Level = (i % 20) switch { 0 or 1 => "A", 2 => "C", 3 => "D", _ => "B" },
})), ImportMode.Replace);
foreach (var (i, list) in Enumerable.Range(0, Size).Where(i => i % 1000 == 5).Select(i => (i, "court-dishonest-debtors"))
    .Concat(Enumerable.Range(0, Size).Where(i => i % 400 == 7).Select(i => (i, "abnormal-operations"))))
{
    await publisher.UpsertAsync(new ListRecord(population[i], new ListEntry
    {
        EntryId = $"{list}-{i}",
        ListCode = list,
        SubjectKind = SubjectKind.LegalEntity,
        Authority = list == "abnormal-operations" ? "示例市市场监督管理局" : "示例市人民法院",
        ValidFrom = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.FromHours(8)),
    }));
}

AnsiConsole.MarkupLine($"Population: {Size} enterprises; 公共信用综合评价 results imported ({rated.Added} added); {Size / 1000} on 失信被执行人名单, {Size / 400} on 经营异常名录.");

// 2. The plan: base ratio 5%, seed 20261205.
var planner = provider.GetRequiredService<SupervisionPlanner>();
var task = new InspectionTask { BaseRatio = 0.05, Seed = 20261205, TaskReference = "SJ-2026-12-01", Department = "示例市市场监督管理局" };
var first = new List<InspectionAssignment>();
var plan = await planner.PlanAsync(task, population.ToAsyncEnumerable(), (a, _) => { first.Add(a); return ValueTask.CompletedTask; });

AnsiConsole.Write(new Rule($"[bold]抽查计划 {Markup.Escape(task.TaskReference)} — seed {plan.Seed}, catalog {plan.CatalogVersion}, sequence {plan.Sequence.Last}[/]").LeftJustified());
var table = new Table().AddColumns("level", "population", "ratio", "drawn");
foreach (var g in plan.Groups)
{
    table.AddRow(g.Tier.ToString(), g.Population.ToString(CultureInfo.InvariantCulture), g.Ratio.ToString("P1", CultureInfo.InvariantCulture), g.Drawn.ToString(CultureInfo.InvariantCulture));
}

AnsiConsole.Write(table);
AnsiConsole.MarkupLine(Markup.Escape($"Drawn {plan.Drawn} of {plan.Population}. Ratios: {plan.RatioBasis}"));
foreach (var tier in Enum.GetValues<InspectionTier>())
{
    if (first.FirstOrDefault(a => a.Tier == tier) is { } example)
    {
        AnsiConsole.MarkupLine(Markup.Escape($"  {tier}: {example.Subject.Masked} draw {example.Draw:F4} < ratio {example.Ratio:F3}? {(example.Drawn ? "drawn" : "not drawn")} — {example.Reason}"));
    }
}

// 3. Reproducible: the same seed over the population in another order draws the same sample; another seed another.
var again = new HashSet<string>();
await planner.PlanAsync(task, population.AsEnumerable().Reverse().ToAsyncEnumerable(), (a, _) => { if (a.Drawn) { again.Add(a.Subject.Value); } return ValueTask.CompletedTask; });
var other = new HashSet<string>();
await planner.PlanAsync(task with { Seed = 7 }, population.ToAsyncEnumerable(), (a, _) => { if (a.Drawn) { other.Add(a.Subject.Value); } return ValueTask.CompletedTask; });
var drawn = first.Where(a => a.Drawn).Select(a => a.Subject.Value).ToHashSet();
AnsiConsole.MarkupLine($"Same seed, reversed order: {(drawn.SetEquals(again) ? "the same sample" : "A DIFFERENT SAMPLE")} ({again.Count}). Seed 7: {other.Count} drawn, {other.Intersect(drawn).Count()} in common.");
AnsiConsole.MarkupLine($"Every serious-listed enterprise drawn: {first.Where(a => a.Tier == InspectionTier.Always).All(a => a.Drawn)}.");
return drawn.SetEquals(again) && !drawn.SetEquals(other) ? 0 : 1;

// A valid 统一社会信用代码 (GB 32100-2015, with its GB 11714 organisation code) for the n-th synthetic enterprise.
static SubjectId Company(int n)
{
    const string Characters = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    int[] weights = [3, 7, 9, 10, 5, 8, 4, 2];
    var organization = $"6{n:D7}";
    var sum = 0;
    for (var i = 0; i < 8; i++)
    {
        sum += (organization[i] - '0') * weights[i];
    }

    var body = "91110105" + organization + ((11 - (sum % 11)) switch { 10 => 'X', 11 => '0', var c => (char)('0' + c) });
    var total = 0;
    var weight = 1;
    for (var i = 0; i < 17; i++)
    {
        total += Characters.IndexOf(body[i], StringComparison.Ordinal) * weight;
        weight = weight * 3 % 31;
    }

    return SubjectId.Parse(body + Characters[(31 - (total % 31)) % 31], SubjectKind.LegalEntity);
}
