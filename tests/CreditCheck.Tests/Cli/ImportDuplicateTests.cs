using CreditCheck.ListFiles;
using CreditCheck.Tests.Support;

namespace CreditCheck.Tests.Cli;

/// <summary>
/// An entry given twice, far apart in a big file: the tool keeps nothing per row (Redis finds the
/// repeat as it stages), yet the report still names both lines, <c>--rejects</c> takes the later
/// row, and without it nothing is written.
/// </summary>
[Collection(CliTestGroup.Name)]
public sealed class ImportDuplicateTests(RedisFixture redis)
{
    private const int Lines = 12_000; // 24 staging chunks of 500

    private static string[] BigFile(params (int Line, string Row)[] extra)
    {
        var rows = Enumerable.Range(0, Lines).Select(n => Rows.Entity(n)).ToList();
        foreach (var (line, row) in extra.OrderBy(e => e.Line))
        {
            rows.Insert(line - 2, row); // line 1 is the header
        }

        return [.. rows];
    }

    [Fact]
    public async Task Import_EntryRepeatedWithDifferentContentThousandsOfLinesLater_ReportsBothLinesAndWritesNothing()
    {
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        var file = cli.WriteCsv("big.csv", BigFile((Lines + 2, Rows.Entity(5, name: "另一个名称有限公司"))));

        var result = await cli.RunAsync("import", file, "--list", CliSession.Debtors, "--json");

        Assert.Equal(Exit.InvalidInput, result.ExitCode);
        var problem = Assert.Single(result.Json["problems"]!.AsArray());
        Assert.Equal(Lines + 2, problem!["line"]!.GetValue<int>());
        Assert.Contains("line 7", problem["reason"]!.GetValue<string>(), StringComparison.Ordinal); // company 5 is on line 7
        Assert.Contains("e-5", problem["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, await cli.EntriesAsync());
        Assert.Equal("Clear", await cli.OutcomeAsync(Rows.Company(5)));
    }

    [Fact]
    public async Task Import_EntryRepeatedFarApartWithRejects_TheFirstGoesInAndTheLaterRowToTheRejectsFile()
    {
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        var rejects = cli.PathOf("rejects.csv");
        var file = cli.WriteCsv("big.csv", BigFile(
            (Lines / 2, Rows.Entity(3)),                                   // the same again: valid, counted once
            (Lines + 3, Rows.Entity(8, name: "另一个名称有限公司")),          // different: rejected
            (Lines + 4, Rows.Raw("LegalEntity", "12345", "2024-01-02", "2099-12-31", "bad"))));

        var result = await cli.RunOkAsync("import", file, "--list", CliSession.Debtors, "--mode", "merge", "--rejects", rejects, "--json");

        Assert.Equal((Lines + 1, 2, 1), (result.Json["valid"]!.GetValue<int>(), result.Json["rejected"]!.GetValue<int>(), result.Json["duplicates"]!.GetValue<int>()));
        Assert.Equal(Lines, result.Json["added"]!.GetValue<int>());
        Assert.Equal("示例测试企业8有限公司", Assert.Single(await cli.LookupAsync(Rows.Company(8))).SubjectName);
        var written = ReadCsv(rejects);
        Assert.Equal(3, written.Count); // the header and the two rejected rows
        var repeated = Assert.Single(written, r => r[1] == Rows.Company(8));
        Assert.Equal((Lines + 3).ToString(System.Globalization.CultureInfo.InvariantCulture), repeated[^2]);
        Assert.Contains("line 10", repeated[^1], StringComparison.Ordinal);
        Assert.Single(written, r => r[1] == "12345");
    }

    [Fact]
    public async Task Import_BadRowsInsideAndAtTheEdgesOfStagingChunks_GoToTheRejectsFileWithTheirLines()
    {
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        var rejects = cli.PathOf("rejects.csv");
        int[] badLines = [2, 501, 502, 503, 1_000, Lines + 4]; // the first row, around the first chunk's end, inside one, the last
        var file = cli.WriteCsv("big.csv", BigFile([.. badLines.Select(line => (line, Rows.Raw("LegalEntity", "12345", "2024-01-02", "2099-12-31", $"bad-{line}")))]));

        var result = await cli.RunOkAsync("import", file, "--list", CliSession.Debtors, "--mode", "merge", "--rejects", rejects, "--json");
        var verify = await cli.RunAsync("verify", "--list", CliSession.Debtors);

        Assert.Equal((Lines, badLines.Length), (result.Json["added"]!.GetValue<int>(), result.Json["rejected"]!.GetValue<int>()));
        Assert.Equal(Lines, await cli.EntriesAsync());
        var written = ReadCsv(rejects);
        Assert.Equal(badLines.Select(l => l.ToString(System.Globalization.CultureInfo.InvariantCulture)), written.Skip(1).Select(r => r[^2]));
        Assert.Equal("Denied", await cli.OutcomeAsync(Rows.Company(Lines - 1)));
        Assert.True(verify.ExitCode == Exit.Ok, verify.ToString());
    }

    [Fact]
    public async Task Import_DryRunOfAFileWithARepeat_FindsItWithoutTheStore()
    {
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        var file = cli.WriteCsv("big.csv", BigFile((Lines + 2, Rows.Entity(5, name: "另一个名称有限公司"))));

        var result = await cli.RunAsync("import", file, "--list", CliSession.Debtors, "--dry-run", "--json");

        Assert.Equal(Exit.InvalidInput, result.ExitCode);
        Assert.Contains("line 7", Assert.Single(result.Json["problems"]!.AsArray())!["reason"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private static List<List<string>> ReadCsv(string path)
    {
        using var reader = new StreamReader(path, detectEncodingFromByteOrderMarks: true);
        var csv = new CsvRecordReader(reader);
        var rows = new List<List<string>>();
        while (csv.TryRead(out var fields, out _, out _))
        {
            if (fields is not [""])
            {
                rows.Add(fields);
            }
        }

        return rows;
    }
}
