using System.CommandLine;
using System.Text;
using System.Text.Json.Nodes;
using CreditCheck.Cli.Reporting;

namespace CreditCheck.Cli.Commands;

/// <summary><c>feedback export --since DATE --until DATE [--format csv|json] [--out FILE]</c>: the feedback
/// records executed in <c>[since, until)</c>, each key once, ordered by execution time.</summary>
internal static class FeedbackCommands
{
    public static Command Create(CommandContext context)
    {
        var feedback = new Command("feedback", "Read the feedback hosts delivered (反馈: what they executed for each decision).");

        var (since, until) = PeriodOptions();
        var format = new Option<string?>("--format") { Description = "csv (default; Chinese headers, UTF-8 with BOM for Excel) or json (an array of the records)." };
        var output = new Option<FileInfo?>("--out") { Description = "Write here instead of standard output (the format defaults to json when the name ends in .json; without --out, --json means json)." };
        var export = new Command("export", "Export the feedback records executed in [--since, --until), each record key once.") { since, until, format, output };
        export.SetAction(async (parse, ct) =>
        {
            var period = ReportPeriod.Parse(parse.GetValue(since)!, parse.GetValue(until)!);
            var file = parse.GetValue(output);
            var json = parse.GetValue(format)?.Trim().ToLowerInvariant() switch
            {
                null or "" => file is null ? parse.GetValue(GlobalOptions.Json) : file.Extension.Equals(".json", StringComparison.OrdinalIgnoreCase),
                "csv" => false,
                "json" => true,
                var other => throw new CliException(ExitCodes.Usage, $"--format '{other}' 应为 csv 或 json", $"--format '{other}' is not csv or json."),
            };
            OutputFile.CheckFolder("--out", file);

            var set = await FeedbackSource.ReadAsync(GlobalOptions.Settings(parse, context.Environment), period, context.Output.Error, ct);
            WarnSkipped(context, set);
            void Write(TextWriter writer)
            {
                if (json)
                {
                    FeedbackExport.WriteJson(writer, set.Records);
                }
                else
                {
                    FeedbackExport.WriteCsv(writer, set.Records);
                }
            }

            if (file is null)
            {
                Write(context.Output.Out);
                return ExitCode(set);
            }

            // The file is for spreadsheets too: UTF-8 with a byte-order mark, which Excel needs to read Chinese.
            await OutputFile.WriteAsync(file, new UTF8Encoding(encoderShouldEmitUTF8Identifier: !json), Write, ct);
            if (parse.GetValue(GlobalOptions.Json))
            {
                context.Output.WriteJson(new JsonObject
                {
                    ["out"] = file.FullName,
                    ["format"] = json ? "json" : "csv",
                    ["records"] = set.Records.Count,
                    ["source"] = set.Source,
                    ["since"] = period.Since.ToString("O"),
                    ["until"] = period.Until.ToString("O"),
                });
            }
            else
            {
                context.Output.Out.WriteLine($"Wrote {set.Records.Count} feedback records executed {period.Describe()} from {set.Source} to {file.FullName}.");
            }

            return ExitCode(set);
        });
        feedback.Subcommands.Add(export);
        feedback.Subcommands.Add(FeedbackReportCommand.Create(context));
        return feedback;
    }

    /// <summary><c>--since</c> and <c>--until</c>, as <c>feedback export</c> and <c>report</c> take them.</summary>
    public static (Option<string> Since, Option<string> Until) PeriodOptions() =>
    (
        new Option<string>("--since")
        {
            Description = "Start of the period, included: 2024-01-01, 2024/1/1, 2024年1月1日, 20240101 or an ISO time; China Standard Time (+08:00) unless an offset is given.",
            Required = true,
        },
        new Option<string>("--until")
        {
            Description = "End of the period, excluded (the first moment not counted, e.g. 2024-04-01 for the first quarter); same forms as --since.",
            Required = true,
        });

    /// <summary>Warns (on standard error, Chinese then English) of unreadable entries and of a feedback stream that
    /// Redis may evict or has lost: an export or report of "0 records" must not hide an evicted stream.</summary>
    public static void WarnSkipped(CommandContext context, FeedbackSet set)
    {
        if (set.Skipped > 0)
        {
            context.Output.Fail($"warning: {set.Skipped} entries of the feedback stream in {set.Source} could not be read and are left out.");
        }

        if (set.Stream is { } stream)
        {
            for (var i = 0; i < stream.Warnings.Count; i++)
            {
                context.Output.Fail($"{(stream.IsLost && i == 0 ? "错误" : "警告")}：{stream.WarningsChinese[i]}。 — {(stream.IsLost && i == 0 ? "error" : "warning")}: {stream.Warnings[i]}.");
            }
        }
    }

    /// <summary>Damaged data (7) when delivered feedback is known to be gone: what was written is incomplete.</summary>
    public static int ExitCode(FeedbackSet set)
    {
        return set.Stream is { IsLost: true } ? ExitCodes.DataDamaged : ExitCodes.Ok;
    }
}

/// <summary>Writes an output file whole or not at all: beside it first, then moved over it.</summary>
internal static class OutputFile
{
    public static void CheckFolder(string option, FileInfo? file)
    {
        if (file is not null && file.Directory is { Exists: false } folder)
        {
            throw new CliException(ExitCodes.InvalidInput, $"{option} '{file.FullName}'：文件夹 '{folder.FullName}' 不存在", $"{option} '{file.FullName}': the folder '{folder.FullName}' does not exist.");
        }

        if (file is not null && Directory.Exists(file.FullName))
        {
            throw new CliException(ExitCodes.InvalidInput, $"{option} '{file.FullName}' 是文件夹，请指定文件", $"{option} '{file.FullName}' is a folder; name a file.");
        }
    }

    public static async Task WriteAsync(FileInfo file, Encoding encoding, Action<TextWriter> write, CancellationToken cancellationToken)
    {
        var temporary = file.FullName + ".tmp";
        try
        {
            await using (var writer = new StreamWriter(temporary, append: false, encoding))
            {
                write(writer);
                await writer.FlushAsync(cancellationToken);
            }

            File.Move(temporary, file.FullName, overwrite: true);
        }
        finally
        {
            File.Delete(temporary); // nothing left behind when writing failed
        }
    }
}
