using System.CommandLine;
using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using CreditCheck.Catalog;
using CreditCheck.ListFiles;
using CreditCheck.Stores;
using Spectre.Console;

namespace CreditCheck.Cli.Commands;

/// <summary>
/// <c>import FILE --list ID</c>: validates every row first (each bad row reported with line, column and
/// reason), then streams the good rows into the store, whose switch to the new data is atomic.
/// Without <c>--rejects</c> one bad row refuses the whole import; with it the good rows go in and the
/// bad ones go to the file.
/// </summary>
internal static class ImportCommand
{
    private const int ProblemsShown = 50;

    public static Command Create(CommandContext context)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "The list export (CSV with a header row, or JSON)." };
        var list = new Option<string>("--list") { Description = "Code of the list being loaded, e.g. court-dishonest-debtors.", Required = true };
        var format = new Option<string?>("--format") { Description = "csv or json (default: from the file name)." };
        var encoding = new Option<string>("--encoding") { Description = "utf-8 (default; a BOM is honoured), gbk or gb18030.", DefaultValueFactory = _ => "utf-8" };
        var mode = new Option<string>("--mode") { Description = "replace (default: entries absent from the file are removed) or merge.", DefaultValueFactory = _ => "replace" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Validate only; write nothing." };
        var rejects = new Option<FileInfo?>("--rejects") { Description = "Write bad rows here (with line and reason) and import the good ones." };
        var lenient = new Option<bool>("--lenient") { Description = "Accept codes whose check character does not conform (early pilot-region codes)." };
        var allowEmpty = new Option<bool>("--allow-empty") { Description = "Let a replace import with no valid rows empty the list (refused otherwise: an empty export is more often a mistake)." };
        var command = new Command("import", "Import a list export into the store, atomically.") { file, list, format, encoding, mode, dryRun, rejects, lenient, allowEmpty };

        command.SetAction(async (parse, ct) =>
        {
            var source = parse.GetValue(file)!;
            var listCode = parse.GetValue(list)!;
            var importMode = parse.GetValue(mode) switch
            {
                "replace" => ImportMode.Replace,
                "merge" => ImportMode.Merge,
                var other => throw new CliException(ExitCodes.Usage, $"--mode '{other}' is not replace or merge."),
            };
            var options = new ReadOptions(
                source,
                listCode,
                Format(parse.GetValue(format), source),
                TextEncoding(parse.GetValue(encoding)!),
                parse.GetValue(lenient) ? SubjectIdParseMode.LenientCheckCharacter : SubjectIdParseMode.Strict);
            if (!source.Exists)
            {
                throw new CliException(ExitCodes.InvalidInput, $"File '{source.FullName}' does not exist.");
            }

            await using var store = await context.OpenStoreAsync(parse, ct);
            var catalog = await store.GetCatalogAsync(ct) ?? throw new CliException(ExitCodes.InvalidInput, $"No catalog is published in {store.Description}; run 'creditcheck catalog publish' first.");
            if (catalog.FindList(listCode) is null)
            {
                throw new CliException(ExitCodes.InvalidInput, $"List '{listCode}' is not in catalog {catalog.Version}; its lists are: {string.Join(", ", catalog.Lists.Select(l => l.Code))}.");
            }

            // Pass 1: validate every row, nothing written.
            var check = Validate(options, catalog, parse.GetValue(rejects), ct);
            var json = parse.GetValue(GlobalOptions.Json);
            if (check.Problems.Count > 0 && (parse.GetValue(rejects) is null || check.HeaderBroken))
            {
                Report(context, check, json, written: false);
                return ExitCodes.InvalidInput;
            }

            if (check.Valid == 0 && importMode == ImportMode.Replace && !parse.GetValue(allowEmpty))
            {
                Report(context, check, json, written: false);
                throw new CliException(ExitCodes.InvalidInput, $"No valid rows: a replace import would empty list '{listCode}'. Nothing was written (pass --allow-empty if that is meant).");
            }

            if (parse.GetValue(dryRun))
            {
                Report(context, check, json, written: false);
                return check.Problems.Count == 0 ? ExitCodes.Ok : ExitCodes.InvalidInput;
            }

            // Pass 2: stream the good rows into the store; it switches to them atomically at the end.
            var clock = Stopwatch.StartNew();
            ImportSummary summary;
            if (context.Output.Interactive && !json)
            {
                summary = null!;
                await context.Output.Console.Progress().StartAsync(async progress =>
                {
                    var task = progress.AddTask($"Importing {listCode}", maxValue: Math.Max(1, check.Valid));
                    summary = await store.Publisher.ImportListAsync(listCode, GoodRecords(options, check.RejectedLines, () => task.Increment(1), ct), importMode, ct);
                });
            }
            else
            {
                summary = await store.Publisher.ImportListAsync(listCode, GoodRecords(options, check.RejectedLines, null, ct), importMode, ct);
            }

            await store.SaveAsync(ct);
            Report(context, check, json, written: true, summary, clock.Elapsed);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Validation Validate(ReadOptions options, CreditCatalog catalog, FileInfo? rejectsFile, CancellationToken cancellationToken)
    {
        var problems = new List<ListFileProblem>();
        var rejectedLines = new HashSet<int>();
        var seen = new Dictionary<ulong, (ulong Content, int Line)>();
        int valid = 0, rejected = 0, duplicates = 0;
        var headerBroken = false;
        using var rejects = rejectsFile is null ? null : new RejectsWriter(rejectsFile);
        foreach (var row in Read(options, rejects is null ? null : rejects.WriteHeader))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var rowProblems = row.Problems.ToList();
            if (row.Record is { } record)
            {
                if (ListEntryRules.Check(record, catalog) is { } refusal)
                {
                    rowProblems.Add(new ListFileProblem(options.File.Name, row.Line, null, refusal));
                }
                else
                {
                    // The same entry twice: harmless when equal, refused when it differs.
                    var key = Hash($"{record.Subject.Kind}|{record.Subject.Value}|{record.Entry.EntryId}");
                    var content = Hash(record.Entry.ToString());
                    if (seen.TryGetValue(key, out var first))
                    {
                        if (first.Content != content)
                        {
                            rowProblems.Add(new ListFileProblem(options.File.Name, row.Line, "entryId", $"Entry '{record.Entry.EntryId}' of this subject is also on line {first.Line} with different content."));
                        }
                        else
                        {
                            duplicates++;
                        }
                    }
                    else
                    {
                        seen[key] = (content, row.Line);
                    }
                }
            }

            if (rowProblems.Count == 0)
            {
                valid++;
                continue;
            }

            headerBroken |= row.Line == 1 && row.Record is null;
            rejected++;
            rejectedLines.Add(row.Line);
            problems.AddRange(rowProblems);
            rejects?.Write(row, rowProblems);
        }

        return new Validation(valid, rejected, duplicates, problems, headerBroken, rejectedLines);
    }

    // Pass 2 skips exactly what pass 1 rejected (parse problems, catalog refusals, conflicting duplicates).
    private static IEnumerable<ListRecord> GoodRecords(ReadOptions options, HashSet<int> rejectedLines, Action? progress, CancellationToken cancellationToken)
    {
        foreach (var row in Read(options, null))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (row.Record is { } record && !rejectedLines.Contains(row.Line))
            {
                progress?.Invoke();
                yield return record;
            }
        }
    }

    // Streams the file; bytes that are not text in the chosen encoding (a binary file, GBK read as
    // UTF-8) end the read with a clear error instead of garbled names.
    private static IEnumerable<ListFileRow> Read(ReadOptions options, Action<IReadOnlyList<string>>? onHeader)
    {
        using var reader = new StreamReader(options.File.FullName, options.Encoding, detectEncodingFromByteOrderMarks: true);
        using var rows = (options.Format == "json"
            ? ReadJson(reader, options)
            : ListFileReader.ReadCsv(reader, options.File.Name, options.List, options.Mode, onHeader)).GetEnumerator();
        var line = 1;
        while (true)
        {
            try
            {
                if (!rows.MoveNext())
                {
                    yield break;
                }
            }
            catch (DecoderFallbackException)
            {
                throw new CliException(ExitCodes.InvalidInput,
                    $"{options.File.Name}: after line {line} the bytes are not {options.Encoding.WebName} text (a binary file, or another encoding: try --encoding gbk).");
            }

            line = rows.Current.Line;
            yield return rows.Current;
        }
    }

    private static IEnumerable<ListFileRow> ReadJson(StreamReader reader, ReadOptions options) =>
        ListFileReader.ReadJson(reader.ReadToEnd(), options.File.Name, options.List, options.Mode);

    private static void Report(CommandContext context, Validation check, bool json, bool written, ImportSummary? summary = null, TimeSpan elapsed = default)
    {
        var rate = elapsed > TimeSpan.Zero ? (check.Valid / elapsed.TotalSeconds) : 0;
        if (json)
        {
            var node = new JsonObject
            {
                ["valid"] = check.Valid,
                ["rejected"] = check.Rejected,
                ["duplicates"] = check.Duplicates,
                ["written"] = written,
                ["problems"] = new JsonArray([.. check.Problems.Select(p => (JsonNode)new JsonObject { ["line"] = p.Line, ["column"] = p.Column, ["reason"] = p.Message })]),
            };
            if (summary is not null)
            {
                node["added"] = summary.Added;
                node["updated"] = summary.Updated;
                node["unchanged"] = summary.Unchanged;
                node["removed"] = summary.Removed;
                node["sequence"] = summary.Sequence;
                node["seconds"] = Math.Round(elapsed.TotalSeconds, 3);
                node["rowsPerSecond"] = Math.Round(rate);
            }

            context.Output.WriteJson(node);
            return;
        }

        if (check.Problems.Count > 0)
        {
            var table = new Table().AddColumns("line", "column", "reason");
            foreach (var problem in check.Problems.Take(ProblemsShown))
            {
                table.AddRow(problem.Line.ToString(System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(problem.Column ?? ""), Markup.Escape(problem.Message));
            }

            context.Output.Console.Write(table);
            if (check.Problems.Count > ProblemsShown)
            {
                context.Output.Console.MarkupLine($"… and {check.Problems.Count - ProblemsShown} more problems.");
            }
        }

        var console = context.Output.Console;
        if (!written)
        {
            console.MarkupLine(check.Problems.Count == 0
                ? $"[green]{check.Valid} rows valid[/]; nothing written (dry run)."
                : $"[red]{check.Rejected} bad rows[/], {check.Valid} valid; nothing written{(check.Rejected > 0 ? " (use --rejects FILE to import the good rows)" : "")}.");
            return;
        }

        console.MarkupLine($"Imported {check.Valid} rows in {elapsed.TotalSeconds:F1} s ({rate:F0} rows/s): "
            + $"{summary!.Added} added, {summary.Updated} updated, {summary.Unchanged} unchanged, {summary.Removed} removed; sequence {summary.Sequence}."
            + (check.Rejected > 0 ? $" [yellow]{check.Rejected} bad rows written to the rejects file.[/]" : "")
            + (check.Duplicates > 0 ? $" {check.Duplicates} repeated rows counted once." : ""));
    }

    // FNV-1a, 64 bits: enough to tell entries of one file apart; the store checks again by content.
    private static ulong Hash(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }

    private static string Format(string? given, FileInfo file) => (given ?? Path.GetExtension(file.Name).TrimStart('.').ToLowerInvariant()) switch
    {
        "csv" or "txt" => "csv",
        "json" => "json",
        var other => throw new CliException(ExitCodes.Usage, $"Format '{other}' is not csv or json; pass --format."),
    };

    private static Encoding TextEncoding(string name) => name.ToLowerInvariant() switch
    {
        "utf-8" or "utf8" => new UTF8Encoding(false, throwOnInvalidBytes: true),
        "gbk" or "cp936" => Encoding.GetEncoding(936, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback),
        "gb18030" => Encoding.GetEncoding("gb18030", EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback),
        _ => throw new CliException(ExitCodes.Usage, $"--encoding '{name}' is not utf-8, gbk or gb18030."),
    };

    private sealed record ReadOptions(FileInfo File, string List, string Format, Encoding Encoding, SubjectIdParseMode Mode);

    private sealed record Validation(int Valid, int Rejected, int Duplicates, List<ListFileProblem> Problems, bool HeaderBroken, HashSet<int> RejectedLines);
}
