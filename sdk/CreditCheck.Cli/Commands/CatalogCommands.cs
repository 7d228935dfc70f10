using System.CommandLine;
using System.Text.Json.Nodes;
using CreditCheck.Catalog;
using Spectre.Console;

namespace CreditCheck.Cli.Commands;

/// <summary><c>catalog validate FILE</c>, <c>catalog publish [FILE]</c>, <c>catalog show</c>.</summary>
internal static class CatalogCommands
{
    public static Command Create(CommandContext context)
    {
        var catalog = new Command("catalog", "Validate, publish and show the catalog (三清单: lists, measures, scenarios).");

        var validateFile = new Argument<FileInfo>("FILE") { Description = "A catalog JSON file." };
        var validate = new Command("validate", "Check a catalog file and report every problem with its JSON path.") { validateFile };
        validate.SetAction(async (parse, ct) =>
        {
            var file = parse.GetValue(validateFile)!;
            var problems = CreditCatalog.ValidateUtf8(await ReadAsync(file, ct));
            if (parse.GetValue(GlobalOptions.Json))
            {
                context.Output.WriteJson(new JsonObject
                {
                    ["file"] = file.FullName,
                    ["valid"] = problems.Count == 0,
                    ["problems"] = new JsonArray([.. problems.Select(p => (JsonNode)new JsonObject { ["path"] = p.Path, ["message"] = p.Message })]),
                });
            }
            else if (problems.Count == 0)
            {
                context.Output.Console.MarkupLine($"[green]valid[/] {Markup.Escape(file.Name)}");
            }
            else
            {
                var table = new Table().AddColumns("JSON path", "problem");
                foreach (var problem in problems)
                {
                    table.AddRow(Markup.Escape(problem.Path), Markup.Escape(problem.Message));
                }

                context.Output.Console.Write(table);
                context.Output.Console.MarkupLine($"[red]{problems.Count} problem(s)[/] in {Markup.Escape(file.Name)}");
            }

            return problems.Count == 0 ? ExitCodes.Ok : ExitCodes.InvalidInput;
        });

        var publishFile = new Argument<FileInfo?>("FILE") { Description = "A catalog JSON file; without it, the built-in default catalog.", Arity = ArgumentArity.ZeroOrOne };
        var allowDropping = new Option<bool>("--allow-dropping-lists") { Description = "Publish although the catalog drops lists that still hold entries (their subjects are then answered for review, as on an unknown list)." };
        var allowOlder = new Option<bool>("--allow-older-version") { Description = "Publish although the catalog's version is lower than the published one's." };
        var publish = new Command("publish", "Publish a catalog (or the built-in default) to the store.") { publishFile, allowDropping, allowOlder };
        publish.SetAction(async (parse, ct) =>
        {
            var file = parse.GetValue(publishFile);
            var chosen = file is null ? CreditCatalog.Default : await CreditCatalog.LoadFileAsync(file.FullName, ct);
            await using var store = await context.OpenStoreAsync(parse, ct, setUp: true);
            await RefuseSilentLossAsync(store, chosen, parse.GetValue(allowDropping), parse.GetValue(allowOlder), ct);
            var sequence = await store.Publisher.PublishCatalogAsync(chosen, ct);
            await store.SaveAsync(ct);
            if (parse.GetValue(GlobalOptions.Json))
            {
                context.Output.WriteJson(new JsonObject { ["version"] = chosen.Version, ["sequence"] = sequence });
            }
            else
            {
                context.Output.Console.MarkupLine($"Published catalog [bold]{Markup.Escape(chosen.Version)}[/] to {Markup.Escape(store.Description)} (sequence {sequence}).");
            }

            return ExitCodes.Ok;
        });

        var show = new Command("show", "Show the published catalog.");
        show.SetAction(async (parse, ct) =>
        {
            await using var store = await context.OpenStoreAsync(parse, ct);
            var current = await store.GetCatalogAsync(ct) ?? throw new CliException(ExitCodes.NotFound, $"No catalog is published in {store.Description}; run 'creditcheck catalog publish'.");
            if (parse.GetValue(GlobalOptions.Json))
            {
                context.Output.Out.WriteLine(current.ToJson());
                return ExitCodes.Ok;
            }

            context.Output.Console.MarkupLine($"Catalog [bold]{Markup.Escape(current.Version)}[/] — {Markup.Escape(current.Edition)}");
            var lists = new Table().Title("名单 lists").AddColumns("code", "name", "category", "severity", "joint", "authority");
            foreach (var list in current.Lists)
            {
                lists.AddRow(list.Code, Markup.Escape(list.Name), list.Category.ToString(), list.Severity?.ToString() ?? "", list.JointPunishment ? "yes" : "", Markup.Escape(list.Authority));
            }

            var measures = new Table().Title("措施 measures").AddColumns("code", "name", "effect", "lists", "scenarios");
            foreach (var measure in current.Measures)
            {
                measures.AddRow(measure.Code, Markup.Escape(measure.Name), measure.Effect.ToString(), string.Join(", ", measure.Lists), string.Join(", ", measure.Scenarios));
            }

            var scenarios = new Table().Title("服务事项 scenarios").AddColumns("code", "name");
            foreach (var scenario in current.Scenarios)
            {
                scenarios.AddRow(scenario.Code, Markup.Escape(scenario.Name));
            }

            context.Output.Console.Write(lists);
            context.Output.Console.Write(measures);
            context.Output.Console.Write(scenarios);
            return ExitCodes.Ok;
        });

        catalog.Subcommands.Add(validate);
        catalog.Subcommands.Add(publish);
        catalog.Subcommands.Add(show);
        return catalog;
    }

    private static async Task<byte[]> ReadAsync(FileInfo file, CancellationToken cancellationToken)
    {
        if (!file.Exists)
        {
            throw new CliException(ExitCodes.InvalidInput, $"文件 '{file.FullName}' 不存在", $"File '{file.FullName}' does not exist.");
        }

        return await File.ReadAllBytesAsync(file.FullName, cancellationToken); // bytes: invalid UTF-8 is named, not replaced
    }
    /// <summary>Found from outside: a catalog without a list that still held 400,081 entries, and then one of an older
    /// version, were published without a word. Either is refused unless the operator says it is meant.</summary>
    private static async Task RefuseSilentLossAsync(OperatorStore store, CreditCatalog chosen, bool allowDropping, bool allowOlder, CancellationToken ct)
    {
        if (await store.GetCatalogAsync(ct) is not { } current)
        {
            return; // nothing published yet, or the catalog key is gone: publishing is the way back
        }

        if (!allowDropping)
        {
            var entries = await store.CountEntriesAsync(ct);
            var dropped = current.Lists.Where(l => chosen.FindList(l.Code) is null && entries.GetValueOrDefault(l.Code) > 0).ToList();
            if (dropped.Count > 0)
            {
                var named = string.Join(", ", dropped.Select(l => $"{l.Code} ({entries[l.Code]})"));
                throw new CliException(
                    ExitCodes.Conflict,
                    $"目录 {chosen.Version} 不含仍有条目的名单：{named}；发布后这些主体将按未知名单从严审核，未发布。确需如此请加 --allow-dropping-lists",
                    $"Catalog {chosen.Version} drops lists that still hold entries: {named}; their subjects would be answered for review as on an unknown list. Nothing was published; pass --allow-dropping-lists if that is meant.");
            }
        }

        if (!allowOlder && CompareVersions(chosen.Version, current.Version) < 0)
        {
            throw new CliException(
                ExitCodes.Conflict,
                $"目录版本 {chosen.Version} 低于已发布的 {current.Version}，未发布。确需回退请加 --allow-older-version",
                $"Catalog version {chosen.Version} is lower than the published {current.Version}. Nothing was published; pass --allow-older-version to go back.");
        }
    }

    /// <summary>Dotted numeric versions (2026.12.6) compared part by part; 0 when either is not of that form.</summary>
    private static int CompareVersions(string a, string b)
    {
        var (x, y) = (a.Split('.'), b.Split('.'));
        if (!x.All(p => long.TryParse(p, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
            || !y.All(p => long.TryParse(p, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _)))
        {
            return 0;
        }

        for (var i = 0; i < Math.Max(x.Length, y.Length); i++)
        {
            var (m, n) = (i < x.Length ? long.Parse(x[i], System.Globalization.CultureInfo.InvariantCulture) : 0, i < y.Length ? long.Parse(y[i], System.Globalization.CultureInfo.InvariantCulture) : 0);
            if (m != n)
            {
                return m.CompareTo(n);
            }
        }

        return 0;
    }
}
