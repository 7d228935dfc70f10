using CreditCheck.ListFiles;

namespace CreditCheck.Tests.ListFiles;

public sealed class CsvRecordReaderTests
{
    private static List<(List<string> Fields, int Line, string? Error)> ReadAll(string text)
    {
        var reader = new CsvRecordReader(new StringReader(text));
        var records = new List<(List<string>, int, string?)>();
        while (reader.TryRead(out var fields, out var line, out var error))
        {
            records.Add((fields, line, error));
        }

        return records;
    }

    [Fact]
    public void TryRead_EmptyInput_False()
    {
        Assert.Empty(ReadAll(string.Empty));
    }

    [Fact]
    public void TryRead_PlainFields_SplitOnCommasWithEmptyFieldsKept()
    {
        var record = Assert.Single(ReadAll("a,,c,\n"));

        Assert.Equal(["a", "", "c", ""], record.Fields);
        Assert.Equal(1, record.Line);
        Assert.Null(record.Error);
    }

    [Fact]
    public void TryRead_QuotedFields_CommasDoubledQuotesAndLineBreaksKept()
    {
        var records = ReadAll("\"a,b\",\"say \"\"hi\"\"\",\"x\r\ny\nz\"\nnext\n");

        Assert.Equal(2, records.Count);
        Assert.Equal(["a,b", "say \"hi\"", "x\r\ny\nz"], records[0].Fields);
        Assert.Equal(1, records[0].Line);
        Assert.Equal(["next"], records[1].Fields);
        Assert.Equal(4, records[1].Line);
    }

    [Fact]
    public void TryRead_AColumnRepeatingTheRecordBefore_SameStringAndEveryChangeRead()
    {
        var columns = string.Join(",", Enumerable.Range(0, 40).Select(c => $"v{c}"));
        var records = ReadAll($"list,a,x\nlist,ab,x\nlist,a,\"x\"\nlist2,a,x\n{columns}\n{columns}\n");

        Assert.Equal(["list", "a", "x"], records[0].Fields);
        Assert.Equal(["list", "ab", "x"], records[1].Fields);
        Assert.Equal(["list", "a", "x"], records[2].Fields);
        Assert.Equal(["list2", "a", "x"], records[3].Fields);
        Assert.Same(records[0].Fields[0], records[2].Fields[0]); // a repeat is not a new string
        Assert.Same(records[0].Fields[2], records[1].Fields[2]);
        Assert.Equal(records[4].Fields, records[5].Fields); // more columns than it remembers
        Assert.Equal("v39", records[5].Fields[39]);
    }

    [Fact]
    public void TryRead_QuoteInsideUnquotedField_Literal()
    {
        var record = Assert.Single(ReadAll("ab\"c,d\n"));

        Assert.Equal(["ab\"c", "d"], record.Fields);
    }

    [Fact]
    public void TryRead_EmptyQuotedField_Empty()
    {
        var record = Assert.Single(ReadAll("\"\",x"));

        Assert.Equal(["", "x"], record.Fields);
    }

    [Theory]
    [InlineData("a\r\nb\r\nc")]
    [InlineData("a\nb\nc\n")]
    [InlineData("a\rb\rc\r")]
    public void TryRead_AnyLineEnding_OneRecordPerLine(string text)
    {
        var records = ReadAll(text);

        Assert.Equal(["a", "b", "c"], records.Select(r => Assert.Single(r.Fields)));
        Assert.Equal([1, 2, 3], records.Select(r => r.Line));
    }

    [Fact]
    public void TryRead_UnterminatedQuote_ErrorNamesStartLine()
    {
        var records = ReadAll("ok\n\"open,\nstill open\n");

        Assert.Equal(2, records.Count);
        Assert.Null(records[0].Error);
        Assert.Equal(2, records[1].Line);
        Assert.NotNull(records[1].Error);
        Assert.Contains("line 2", records[1].Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1 << 15)] // whole buffers
    [InlineData(7)]       // a few characters at a time: every field crosses a refill somewhere
    public void TryRead_ManyRecordsAcrossBufferRefills_EveryFieldAsWritten(int charactersPerRead)
    {
        var random = new Random(charactersPerRead);
        string[] pieces = ["示例测试企业", "plain", "a,b", "say \"hi\"", "two\nlines", "", " ", "2024-01-02", "x\"y"];
        var records = Enumerable.Range(0, 3000)
            .Select(_ => Enumerable.Range(0, random.Next(1, 12)).Select(_ => pieces[random.Next(pieces.Length)] + (random.Next(3) == 0 ? random.Next(100000).ToString(System.Globalization.CultureInfo.InvariantCulture) : "")).ToList())
            .ToList();
        var text = string.Concat(records.Select(r => string.Join(",", r.Select(Quote)) + (random.Next(2) == 0 ? "\r\n" : "\n")));

        var reader = new CsvRecordReader(new TricklingReader(text, charactersPerRead));
        var read = new List<List<string>>();
        while (reader.TryRead(out var fields, out _, out var error))
        {
            Assert.Null(error);
            read.Add(fields);
        }

        Assert.Equal(records, read);

        // A field is quoted when it must be; an inner quote alone stays literal in an unquoted field.
        static string Quote(string field) =>
            field.Length > 0 && (field.Contains(',', StringComparison.Ordinal) || field.Contains('\n', StringComparison.Ordinal) || field[0] == '"')
                ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
                : field;
    }

    /// <summary>Gives at most a few characters per read, as a slow stream would.</summary>
    private sealed class TricklingReader(string text, int most) : TextReader
    {
        private int _at;

        public override int Read(char[] buffer, int index, int count)
        {
            var take = Math.Min(Math.Min(count, most), text.Length - _at);
            text.CopyTo(_at, buffer, index, take);
            _at += take;
            return take;
        }
    }
}
