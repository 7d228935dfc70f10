using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Spectre.Console;

namespace CreditCheck.Cli.Commands;

/// <summary><c>check SUBJECT --scenario CODE</c>, or <c>check --file FILE --scenario CODE [--out FILE]</c>
/// for a batch: the same decision a host would get.</summary>
internal static class CheckCommand
{
    private const int BatchSize = 10_000;

    public static Command Create(CommandContext context)
    {
        var subject = new Argument<string?>("SUBJECT") { Description = "统一社会信用代码 or 居民身份证号码.", Arity = ArgumentArity.ZeroOrOne };
        var scenario = new Option<string>("--scenario") { Description = "Scenario code, e.g. procurement.bid or licensing.", Required = true };
        var kind = SubjectArguments.Kind();
        var file = new Option<FileInfo?>("--file") { Description = "Check every identifier in this file (one per line)." };
        var output = new Option<FileInfo?>("--out") { Description = "With --file: write the decisions here: CSV, a JSON array when the name ends in .json, JSON lines when it ends in .jsonl or .ndjson." };
        var lenient = new Option<bool>("--lenient") { Description = "Accept codes whose check character does not conform (early pilot-region codes); one that finds nothing is then not answered Clear but degraded (Review), as it may be a listed code mistyped." };
        var command = new Command("check", "Check a subject (or a file of them) in a scenario, as a host would.") { subject, scenario, kind, file, output, lenient };
        command.SetAction(async (parse, ct) =>
        {
            var single = parse.GetValue(subject);
            var batch = parse.GetValue(file);
            if ((single is null) == (batch is null))
            {
                throw new CliException(ExitCodes.Usage, "请给出一个证件号码（SUBJECT）或 --file 文件，二者选一", "Give either a SUBJECT or --file FILE.");
            }

            await using var store = await context.OpenStoreAsync(parse, ct);
            ICreditChecker checker = new CreditChecker(await store.OpenReaderAsync(ct));
            var subjectKind = SubjectArguments.ParseKind(parse.GetValue(kind));
            var code = parse.GetValue(scenario)!;
            try
            {
                return single is not null
                    ? await CheckOneAsync(context, checker, SubjectArguments.Parse(single, subjectKind, parse.GetValue(lenient)), code, parse.GetValue(GlobalOptions.Json), ct)
                    : await CheckFileAsync(context, checker, batch!, subjectKind, code, parse.GetValue(output), parse.GetValue(lenient), ct);
            }
            catch (ArgumentException e) when (e.Message.Contains("is not in catalog", StringComparison.Ordinal))
            {
                throw new CliException(ExitCodes.InvalidInput, "应用场景不在名单目录中", e.Message);
            }
        });
        return command;
    }

    private static async Task<int> CheckOneAsync(CommandContext context, ICreditChecker checker, SubjectId id, string scenario, bool json, CancellationToken cancellationToken)
    {
        var decision = await checker.CheckAsync(new CheckRequest(id, scenario), cancellationToken);
        if (json)
        {
            context.Output.WriteJson(DecisionJson(decision));
            return ExitCodes.Ok;
        }

        var table = new Table().HideHeaders().AddColumns("", "");
        table.AddRow("Outcome", $"[bold]{decision.Outcome}[/]");
        table.AddRow("Subject", decision.Subject);
        table.AddRow("Scenario", Markup.Escape($"{decision.Scenario} ({decision.ResolvedScenario.Name})"));
        foreach (var entry in decision.MatchedEntries)
        {
            table.AddRow("Entry", Markup.Escape($"{entry.List?.Name ?? entry.Entry.ListCode} {entry.Entry.EntryId}: {entry.State} ({entry.Entry.DecisionReference})"));
        }

        foreach (var rating in decision.Ratings)
        {
            table.AddRow("Rating", Markup.Escape($"{rating.Rating.Name} {rating.Level.Name} ({rating.Rating.Code}:{rating.Level.Code})"));
        }

        foreach (var measure in decision.AppliedMeasures)
        {
            table.AddRow("Applies", Markup.Escape($"{measure.Measure.Name} — {measure.LegalBasis}"));
        }

        foreach (var measure in decision.VoidedMeasures)
        {
            table.AddRow("Voided", Markup.Escape($"{measure.Measure.Name} — {measure.VoidReason}"));
        }

        table.AddRow("说明", Markup.Escape(decision.Explanation));
        foreach (var unreadable in decision.UnreadableEntries)
        {
            table.AddRow("[yellow]无法读取[/]", Markup.Escape($"{unreadable.Field}: {unreadable.Reason}"));
        }

        if (decision.ListsNotHeld.Count > 0)
        {
            table.AddRow("[yellow]未覆盖[/]", Markup.Escape($"{string.Join("、", decision.ListsNotHeld.Select(l => l.Name))} — not covered: the store holds no data of {string.Join(", ", decision.ListsNotHeld.Select(l => l.Code))}"));
        }

        table.AddRow("Data", Markup.Escape($"catalog {decision.CatalogVersion}, sequence {decision.Sequence}, path {decision.Path}{(decision.IsDegraded ? ", DEGRADED: " + decision.DegradedReason : "")}"));
        table.AddRow("Check id", decision.CheckId.ToString());
        context.Output.Console.Write(table);
        return ExitCodes.Ok;
    }

    private static async Task<int> CheckFileAsync(CommandContext context, ICreditChecker checker, FileInfo file, SubjectKind? kind, string scenario, FileInfo? output, bool lenient, CancellationToken cancellationToken)
    {
        if (!file.Exists)
        {
            throw new CliException(ExitCodes.InvalidInput, $"文件 '{file.FullName}' 不存在", $"File '{file.FullName}' does not exist.");
        }

        var requests = new List<(int Line, CheckRequest Request)>();
        var invalid = new List<(int Line, string Reason)>();
        var number = 0;
        foreach (var raw in await File.ReadAllLinesAsync(file.FullName, cancellationToken))
        {
            number++;
            var text = raw.Split(',')[0].Trim();
            if (text.Length == 0 || (number == 1 && !text.Any(char.IsAsciiDigit)))
            {
                continue; // blank line or a header
            }

            if (SubjectArguments.TryParse(text, kind, lenient, out var id, out var error))
            {
                requests.Add((number, new CheckRequest(id, scenario)));
            }
            else
            {
                invalid.Add((number, error));
            }
        }

        var decisions = new List<(int Line, CreditDecision Decision)>();
        foreach (var chunk in requests.Chunk(BatchSize))
        {
            var answered = await checker.CheckManyAsync([.. chunk.Select(r => r.Request)], cancellationToken);
            decisions.AddRange(chunk.Select((r, i) => (r.Line, answered[i])));
        }

        if (output is not null)
        {
            await WriteAsync(output, decisions, invalid, cancellationToken);
        }

        var byOutcome = decisions.GroupBy(d => d.Decision.Outcome).OrderBy(g => g.Key).ToDictionary(g => g.Key.ToString(), g => g.Count());
        if (output is null)
        {
            // No output file: the decisions go to standard output as JSON lines; the summary to standard error.
            foreach (var (line, decision) in decisions)
            {
                context.Output.Out.WriteLine(LineJson(line, decision).ToJsonString(CliOutput.JsonLineOptions));
            }
        }

        var summary = new JsonObject
        {
            ["checked"] = decisions.Count,
            ["invalid"] = invalid.Count,
            ["outcomes"] = new JsonObject([.. byOutcome.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))]),
        };
        context.Output.Error.WriteLine(summary.ToJsonString(CliOutput.JsonLineOptions));
        foreach (var (line, reason) in invalid.Take(20))
        {
            context.Output.Error.WriteLine($"{file.Name}:{line}: {reason}");
        }

        if (invalid.Count > 20)
        {
            context.Output.Error.WriteLine($"… 另有 {invalid.Count - 20} 行无效（and {invalid.Count - 20} more invalid lines）.");
        }

        // Every valid line was checked; say distinctly that some were not identifiers.
        return invalid.Count == 0 ? ExitCodes.Ok : decisions.Count > 0 ? ExitCodes.SomeLinesInvalid : ExitCodes.InvalidInput;
    }

    /// <summary>A checked line's decision as JSON, with its line number (standard output, .jsonl and .json alike).</summary>
    private static JsonObject LineJson(int line, CreditDecision decision)
    {
        var node = DecisionJson(decision);
        node["line"] = line;
        return node;
    }

    private static JsonObject InvalidLineJson(int line, string reason) => new() { ["line"] = line, ["error"] = reason };

    private static async Task WriteAsync(FileInfo output, List<(int Line, CreditDecision Decision)> decisions, List<(int Line, string Reason)> invalid, CancellationToken cancellationToken)
    {
        if (output.Extension.Equals(".jsonl", StringComparison.OrdinalIgnoreCase) || output.Extension.Equals(".ndjson", StringComparison.OrdinalIgnoreCase))
        {
            // One decision per line, as on standard output (found from outside: a .jsonl file was written as CSV).
            var lines = new StringBuilder();
            foreach (var (line, decision) in decisions)
            {
                lines.Append(LineJson(line, decision).ToJsonString(CliOutput.JsonLineOptions)).Append('\n');
            }

            foreach (var (line, reason) in invalid)
            {
                lines.Append(InvalidLineJson(line, reason).ToJsonString(CliOutput.JsonLineOptions)).Append('\n');
            }

            await File.WriteAllTextAsync(output.FullName, lines.ToString(), cancellationToken);
            return;
        }

        if (output.Extension.Equals(".json", StringComparison.OrdinalIgnoreCase))
        {
            var array = new JsonArray();
            foreach (var (line, decision) in decisions)
            {
                array.Add(LineJson(line, decision));
            }

            foreach (var (line, reason) in invalid)
            {
                array.Add(InvalidLineJson(line, reason));
            }

            await File.WriteAllTextAsync(output.FullName, array.ToJsonString(CliOutput.JsonLineOptions), cancellationToken);
            return;
        }

        var csv = new StringBuilder("line,subject,outcome,measures,legalBasis,checkId,catalogVersion,sequence,degraded,listsNotHeld\n");
        foreach (var (line, d) in decisions)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{line},{d.Subject},{d.Outcome},{CsvText.Quote(string.Join("; ", d.AppliedMeasures.Select(m => m.Measure.Name)))},")
               .Append(CultureInfo.InvariantCulture, $"{CsvText.Quote(string.Join("; ", d.AppliedMeasures.Select(m => m.LegalBasis).Distinct()))},{d.CheckId},{d.CatalogVersion},{d.Sequence},{CsvText.Quote(d.DegradedReason ?? "")},{CsvText.Quote(string.Join(";", d.ListsNotHeld.Select(l => l.Code)))}\n");
        }

        foreach (var (line, reason) in invalid)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{line},,invalid,{CsvText.Quote(reason)},,,,,\n");
        }

        await File.WriteAllTextAsync(output.FullName, csv.ToString(), new UTF8Encoding(true), cancellationToken);
    }

    internal static JsonObject DecisionJson(CreditDecision d) => new()
    {
        ["checkId"] = d.CheckId.ToString(),
        ["subject"] = d.Subject,
        ["scenario"] = d.Scenario,
        ["outcome"] = d.Outcome.ToString(),
        ["entries"] = new JsonArray([.. d.MatchedEntries.Select(e => (JsonNode)new JsonObject
        {
            ["list"] = e.Entry.ListCode,
            ["entryId"] = e.Entry.EntryId,
            ["state"] = e.State.ToString(),
            ["reference"] = e.Entry.DecisionReference,
            ["relatedRole"] = e.Entry.RelatedTo?.Role.ToString(),
            ["listedInOwnRight"] = e.Entry.RelatedTo is null ? null : !e.IsRelatedPerson,
        })]),
        ["measures"] = new JsonArray([.. d.AppliedMeasures.Select(m => (JsonNode)new JsonObject
        {
            ["code"] = m.Measure.Code,
            ["name"] = m.Measure.Name,
            ["effect"] = m.Measure.Effect.ToString(),
            ["legalBasis"] = m.LegalBasis,
            ["basicListItem"] = m.Measure.BasicListItem,
            ["inGoodStanding"] = m.TriggeredBy.Count == 0 && m.Rating is null,
            ["rating"] = m.Rating?.ToString(),
        })]),
        ["voided"] = new JsonArray([.. d.VoidedMeasures.Select(m => (JsonNode)new JsonObject { ["code"] = m.Measure.Code, ["reason"] = m.VoidReason })]),
        ["ratings"] = new JsonArray([.. d.Ratings.Select(r => (JsonNode)new JsonObject { ["rating"] = r.Rating.Code, ["level"] = r.Level.Code, ["name"] = $"{r.Rating.Name}{r.Level.Name}", ["asOf"] = r.AsOf })]),
        ["explanation"] = d.Explanation,
        ["catalogVersion"] = d.CatalogVersion,
        ["sequence"] = d.Sequence,
        ["path"] = d.Path.ToString(),
        ["degraded"] = d.DegradedReason,
        ["listsNotHeld"] = d.ListsNotHeld.Count == 0 ? null : new JsonArray([.. d.ListsNotHeld.Select(l => (JsonNode)l.Code)]),
        ["unreadable"] = d.UnreadableEntries.Count == 0
            ? null
            : new JsonArray([.. d.UnreadableEntries.Select(u => (JsonNode)new JsonObject { ["field"] = u.Field, ["reason"] = u.Reason })]),
    };
}
