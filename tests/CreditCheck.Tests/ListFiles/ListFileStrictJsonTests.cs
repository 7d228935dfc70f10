using System.Text;
using CreditCheck.ListFiles;

namespace CreditCheck.Tests.ListFiles;

public sealed class ListFileStrictJsonTests
{
    private const string Entry = """
        {"list": "wage-arrears", "kind": "LegalEntity", "subject": "9144030071526726XG", "name": "示例欠薪劳务有限公司",
         "reference": "深人社欠〔2024〕7号", "listedOn": "2024-03-01", "entryId": "wa-2024-0007"}
        """;

    [Fact]
    public void ReadJson_PropertyTwiceInAnEntry_RefusedNamingTheLine()
    {
        var json = "{\"entries\": [\n" + Entry.Replace("\"kind\"", "\"subject\": \"91330100716105852F\", \"kind\"", StringComparison.Ordinal) + "\n]}";

        var rows = ListFileReader.ReadJson(json, "test.json", null, SubjectIdParseMode.Strict).ToList();

        var row = Assert.Single(rows);
        Assert.Null(row.Record);
        var problem = Assert.Single(row.Problems);
        Assert.Contains("twice", problem.Message, StringComparison.Ordinal);
        Assert.Contains("$.entries[0].subject", problem.Message, StringComparison.Ordinal);
        Assert.Equal(2, problem.Line);
    }

    [Theory]
    [InlineData("\"entries2\": [" + "ENTRY" + "]", "entries2", "an array")]
    [InlineData("\"more\": {\"entries\": [" + "ENTRY" + "]}", "more", "an object")]
    public void ReadJson_AnArrayOrObjectBesideEntries_RefusedNamingIt_NotDroppedInSilence(string beside, string name, string what)
    {
        // Found from outside: {"entries":[A], "entries2":[B]} imported A, and B's subject checked Clear.
        var json = "{\"version\": \"2026-12\", \"entries\": [" + Entry + "], " + beside.Replace("ENTRY", Entry, StringComparison.Ordinal) + "}";

        var row = Assert.Single(ListFileReader.ReadJson(json, "test.json", null, SubjectIdParseMode.Strict));

        Assert.True(row.SpoilsFile);
        Assert.Null(row.Record);
        var problem = Assert.Single(row.Problems);
        Assert.Contains($"The top-level property '{name}' is {what} the tool does not know", problem.Message, StringComparison.Ordinal);
        Assert.Contains($"顶层属性“{name}”", problem.OperatorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadJson_ScalarMetadataBesideEntries_Ignored()
    {
        var json = "{\"version\": \"2026-12\", \"exportedAt\": \"2026-12-07T10:00:00+08:00\", \"total\": 1, \"entries\": [" + Entry + "]}";

        var row = Assert.Single(ListFileReader.ReadJson(json, "test.json", null, SubjectIdParseMode.Strict));

        Assert.NotNull(row.Record);
        Assert.Empty(row.Problems);
    }

    [Fact]
    public void ReadJson_PropertyTwiceInALaterEntry_NamesItsIndexAndLine()
    {
        var json = "[\n" + Entry + ",\n" + Entry.Replace("\"name\"", "\"name\": \"甲\", \"name\"", StringComparison.Ordinal) + "\n]";

        var problem = Assert.Single(Assert.Single(ListFileReader.ReadJson(Encoding.UTF8.GetBytes(json), "test.json", null, SubjectIdParseMode.Strict)).Problems);

        Assert.Contains("$[1].name", problem.Message, StringComparison.Ordinal);
        Assert.Equal(json[..json.LastIndexOf("\"name\"", StringComparison.Ordinal)].Count(c => c == '\n') + 1, problem.Line);
    }

    [Fact]
    public void ReadJson_InvalidUtf8Bytes_RefusedNamingTheByteOffset()
    {
        var text = "[\n" + Entry + "\n]";
        var bytes = Encoding.UTF8.GetBytes(text);
        var at = Encoding.UTF8.GetByteCount(text[..text.IndexOf("示例", StringComparison.Ordinal)]);
        bytes[at] = 0xFF;

        var rows = ListFileReader.ReadJson(bytes, "test.json", null, SubjectIdParseMode.Strict).ToList();

        var row = Assert.Single(rows);
        Assert.Null(row.Record);
        var problem = Assert.Single(row.Problems);
        Assert.Contains($"byte offset {at}", problem.Message, StringComparison.Ordinal);
        Assert.Equal(2, problem.Line);
    }

    [Fact]
    public void ReadJson_Utf8BytesWithByteOrderMark_ReadsTheEntry()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("[" + Entry + "]")).ToArray();

        var row = Assert.Single(ListFileReader.ReadJson(bytes, "test.json", null, SubjectIdParseMode.Strict));

        Assert.Empty(row.Problems);
        Assert.Equal("示例欠薪劳务有限公司", row.Record!.Entry.SubjectName);
    }
}
