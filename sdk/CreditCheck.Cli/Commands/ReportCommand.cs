using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CreditCheck.Catalog;
using CreditCheck.Cli.Reporting;

namespace CreditCheck.Cli.Commands;

/// <summary><c>report --since DATE --until DATE --out report.html [--title TEXT] [--department NAME]
/// [--catalog FILE]</c>: the periodic report of the period's feedback as one self-contained HTML page.</summary>
internal static class ReportCommand
{
    public const string DefaultTitle = "联合奖惩措施执行情况报告";

    public static Command Create(CommandContext context)
    {
        var (since, until) = FeedbackCommands.PeriodOptions();
        var output = new Option<FileInfo>("--out") { Description = "The HTML file to write, e.g. report.html.", Required = true };
        var title = new Option<string?>("--title") { Description = $"The page title (default: {DefaultTitle})." };
        var department = new Option<string?>("--department") { Description = "Only the feedback of this executing department (执行部门), as the hosts report it." };
        var catalogFile = new Option<FileInfo?>("--catalog") { Description = "Name lists and scenarios from this catalog (default: the memory store's, else the built-in one)." };
        var command = new Command("report", "Write the period's feedback statistics (per department, scenario, list and measure) as one self-contained HTML page.")
        {
            since, until, output, title, department, catalogFile,
        };
        command.SetAction(async (parse, ct) =>
        {
            var period = ReportPeriod.Parse(parse.GetValue(since)!, parse.GetValue(until)!);
            var file = parse.GetValue(output)!;
            OutputFile.CheckFolder("--out", file);
            var titleText = parse.GetValue(title) is { } t && !string.IsNullOrWhiteSpace(t) ? t.Trim() : DefaultTitle;
            var only = parse.GetValue(department) is { } d && !string.IsNullOrWhiteSpace(d) ? d.Trim() : null;
            var settings = GlobalOptions.Settings(parse, context.Environment);
            var catalog = await CatalogAsync(parse.GetValue(catalogFile), settings, ct);

            var set = await FeedbackSource.ReadAsync(settings, period, context.Output.Error, ct);
            FeedbackCommands.WarnSkipped(context, set);
            var records = only is null ? set.Records : [.. set.Records.Where(r => string.Equals(r.Department?.Trim(), only, StringComparison.Ordinal))];
            var statistics = FeedbackStatistics.Compute(records);
            var (counts, commitments) = await CountsAsync(context, parse, period, ct);
            var ranking = DepartmentRanking.Compute(set.Records, counts, commitments, CreditCommitments.Today(TimeProvider.System.GetUtcNow()));
            if (only is not null)
            {
                ranking = [.. ranking.Where(r => r.Department == only)];
            }

            var page = FeedbackReportPage.Render(statistics, new ReportHeading(titleText, period, only, set.Source, TimeProvider.System.GetUtcNow()), catalog, ranking);
            await OutputFile.WriteAsync(file, new UTF8Encoding(false), w => w.Write(page), ct);

            var totals = statistics.Totals;
            if (parse.GetValue(GlobalOptions.Json))
            {
                context.Output.WriteJson(new JsonObject
                {
                    ["out"] = file.FullName,
                    ["source"] = set.Source,
                    ["since"] = period.Since.ToString("O", CultureInfo.InvariantCulture),
                    ["until"] = period.Until.ToString("O", CultureInfo.InvariantCulture),
                    ["department"] = only,
                    ["records"] = totals.Records,
                    ["checks"] = totals.Checks,
                    ["hits"] = totals.Hits,
                    ["punishmentsExecuted"] = totals.PunishmentsExecuted,
                    ["rewardsExecuted"] = totals.RewardsExecuted,
                    ["notExecuted"] = totals.NotExecuted,
                    ["overridden"] = totals.Overridden,
                    ["departments"] = new JsonArray([.. ranking.Select(r => (JsonNode)new JsonObject
                    {
                        ["department"] = r.Department,
                        ["checks"] = r.Checks,
                        ["reported"] = r.Reported,
                        ["feedbackRate"] = r.FeedbackRate is { } f ? Math.Round(f, 4) : null,
                        ["hits"] = r.Hits,
                        ["closedLoopRate"] = r.ClosedLoopRate is { } c ? Math.Round(c, 4) : null,
                        ["rank"] = r.Rank,
                        ["commitments"] = new JsonObject
                        {
                            ["made"] = r.Commitments.Made,
                            ["kept"] = r.Commitments.Kept,
                            ["broken"] = r.Commitments.Broken,
                            ["overdue"] = r.Commitments.Overdue,
                        },
                    })]),
                });
            }
            else
            {
                context.Output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Wrote {file.FullName}: {totals.Records} feedback records, {totals.Checks} checks, {totals.Hits} hits, {totals.PunishmentsExecuted} punishments and {totals.RewardsExecuted} rewards executed, {totals.NotExecuted} not executed, {totals.Overridden} overridden ({period.Describe()}, {set.Source})."));
            }

            return FeedbackCommands.ExitCode(set);
        });
        return command;
    }

    /// <summary>The hosts' check counts of the period's days (China Standard Time) and the commitments recorded in
    /// the period. A store that cannot give them leaves the ranking to the feedback alone, with a warning.</summary>
    private static async Task<(IReadOnlyList<Stores.CheckCount> Counts, IReadOnlyList<CreditCommitment> Commitments)> CountsAsync(
        CommandContext context, ParseResult parse, ReportPeriod period, CancellationToken cancellationToken)
    {
        var from = DateOnly.FromDateTime(period.Since.ToOffset(ReportPeriod.ChinaOffset).DateTime);
        var end = period.Until.ToOffset(ReportPeriod.ChinaOffset);
        var until = DateOnly.FromDateTime(end.DateTime).AddDays(end.TimeOfDay == TimeSpan.Zero ? 0 : 1);
        try
        {
            await using var store = await context.OpenStoreAsync(parse, cancellationToken);
            var counts = await store.ReadCountsAsync(from, until, cancellationToken);
            var all = await new CreditCommitments(await store.OpenCommitmentsAsync(cancellationToken), null, TimeProvider.System).ListAsync(false, cancellationToken);
            return (counts, [.. all.Where(c => c.RecordedAt >= period.Since && c.RecordedAt < period.Until)]);
        }
        catch (CliException e)
        {
            context.Output.Fail($"warning: the check counts and commitments could not be read, so 核查数 and 命中数 are those reported: {e.Message}");
            return ([], []);
        }
        catch (Exception e) when (StoreFailure.IsPermission(e))
        {
            // Found from outside: the feedback reader's user (README: enough for report) could read the stream, but opening
            // the store for the counts was refused (NOPERM), which ended the command instead of this fallback.
            context.Output.Fail($"warning: the check counts and commitments could not be read, so 核查数 and 命中数 are those reported: Redis refused the user's rights ({StoreFailure.Brief(e.Message)})");
            return ([], []);
        }
    }

    /// <summary>The catalog that names lists and scenarios: the file given, the memory store's, or the built-in one.</summary>
    private static async Task<CreditCatalog> CatalogAsync(FileInfo? file, StoreSettings settings, CancellationToken cancellationToken)
    {
        if (file is not null)
        {
            if (!file.Exists)
            {
                throw new CliException(ExitCodes.InvalidInput, $"--catalog '{file.FullName}' 文件不存在", $"--catalog '{file.FullName}' does not exist.");
            }

            return await CreditCatalog.LoadFileAsync(file.FullName, cancellationToken);
        }

        if (settings.Kind == "memory" && settings is { Data: { Exists: true } data, State: { } state })
        {
            foreach (var path in new[] { Path.Combine(state.FullName, "catalog.json"), Path.Combine(data.FullName, "catalog.json") })
            {
                if (File.Exists(path))
                {
                    return await CreditCatalog.LoadFileAsync(path, cancellationToken);
                }
            }
        }

        return CreditCatalog.Default;
    }
}
