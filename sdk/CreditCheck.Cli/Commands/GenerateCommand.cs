using System.CommandLine;
using System.Globalization;
using System.Text;
using Spectre.Console;

namespace CreditCheck.Cli.Commands;

/// <summary><c>generate --count N --out FILE</c>: synthetic entries with valid identifiers, for trials
/// and benchmarks. Names are plainly fictitious; the same seed gives the same file.</summary>
internal static class GenerateCommand
{
    private static readonly string[] Regions = ["110105", "310115", "440305", "330106", "320102", "510104", "420106", "500103"];

    public static Command Create(CommandContext context)
    {
        var count = new Option<int>("--count") { Description = "How many entries.", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "The CSV file to write.", Required = true };
        var kind = new Option<string>("--kind") { Description = "entity (default) or person.", DefaultValueFactory = _ => "entity" };
        var list = new Option<string>("--list") { Description = "The list code in the rows.", DefaultValueFactory = _ => "court-dishonest-debtors" };
        var seed = new Option<int>("--seed") { Description = "Seed of the dates (default 1). The identifiers come from the entry numbers, not the seed: see --first.", DefaultValueFactory = _ => 1 };
        var first = new Option<int>("--first") { Description = "Number of the first entry (default 0): files with other numbers hold other subjects.", DefaultValueFactory = _ => 0 };
        var command = new Command("generate", "Write synthetic list entries with valid identifiers (CSV).") { count, output, kind, list, seed, first };
        command.SetAction(async (parse, ct) =>
        {
            var n = parse.GetValue(count);
            if (n is < 1 or > 50_000_000)
            {
                throw new CliException(ExitCodes.Usage, "--count must be between 1 and 50000000.");
            }

            var start = parse.GetValue(first);
            if (start < 0 || (long)start + n > 100_000_000)
            {
                throw new CliException(ExitCodes.Usage, "--first must be at least 0, and --first + --count at most 100000000 (the 组织机构代码 has 8 digits for the number).");
            }

            var person = SubjectArguments.ParseKind(parse.GetValue(kind)) == SubjectKind.NaturalPerson;
            var random = new Random(parse.GetValue(seed));
            var listCode = parse.GetValue(list)!;
            var file = parse.GetValue(output)!;
            await using var writer = new StreamWriter(file.FullName, false, new UTF8Encoding(false), bufferSize: 1 << 16);
            await writer.WriteLineAsync("list,kind,subject,name,authority,reference,listedOn,validFrom,validUntil,status,entryId".AsMemory(), ct);
            var line = new StringBuilder(160);
            for (var i = start; i < start + n; i++)
            {
                ct.ThrowIfCancellationRequested();
                var listed = new DateOnly(2024, 1, 1).AddDays(random.Next(0, 700));
                var until = listed.AddYears(3).AddDays(-1);
                line.Clear()
                    .Append(listCode).Append(',')
                    .Append(person ? "NaturalPerson" : "LegalEntity").Append(',')
                    .Append(person ? PersonId(i) : CompanyId(i)).Append(',')
                    .Append(person ? $"测试人员{i}" : $"示例测试企业{i}有限公司").Append(',')
                    .Append("示例认定部门").Append(',')
                    .Append(CultureInfo.InvariantCulture, $"示例〔{listed.Year}〕{i}号").Append(',')
                    .Append(listed.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append(',')
                    .Append(listed.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append(',')
                    .Append(until.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append(',')
                    .Append("Active").Append(',')
                    .Append(CultureInfo.InvariantCulture, $"gen-{i}");
                await writer.WriteLineAsync(line, ct);
            }

            context.Output.Console.MarkupLine($"Wrote {n} synthetic entries of {Markup.Escape(listCode)} to {Markup.Escape(file.FullName)}.");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>A valid 统一社会信用代码 whose embedded 组织机构代码 is the entry number.</summary>
    private static string CompanyId(int n)
    {
        var organization = n.ToString("D8", CultureInfo.InvariantCulture);
        var body = "91" + Regions[n % Regions.Length] + organization + CheckCharacters.OrganizationCode(organization);
        return body + CheckCharacters.UnifiedSocialCreditCode(body);
    }

    /// <summary>A valid 居民身份证号码: region, a birth date and a sequence number from the entry number (the same
    /// subjects whatever the seed). A number that is also a valid 统一社会信用代码 (a few in a thousand) would need
    /// <c>--kind person</c> wherever it is checked, so the sequence number moves on until it is not.</summary>
    private static string PersonId(int n)
    {
        var birth = new DateOnly(1960, 1, 1).AddDays(n / 1000 % 14_600).ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        for (var sequence = n % 1000; ; sequence = (sequence + 1) % 1000)
        {
            var first17 = Regions[n % Regions.Length] + birth + sequence.ToString("D3", CultureInfo.InvariantCulture);
            var id = first17 + CheckCharacters.ResidentIdNumber(first17);
            if (!SubjectId.TryParse(id, SubjectKind.LegalEntity, out _))
            {
                return id;
            }
        }
    }
}
