using System.Text;
using CreditCheck.ListFiles;

namespace CreditCheck.Cli;

/// <summary>Writes rejected rows as CSV (UTF-8 with BOM, which spreadsheet tools expect): the original
/// header and fields, then the line and the reasons, so an operator can fix and re-import them.</summary>
internal sealed class RejectsWriter : IDisposable
{
    private readonly StreamWriter _writer;
    private bool _headerWritten;

    public RejectsWriter(FileInfo file)
    {
        _writer = new StreamWriter(file.FullName, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
    }

    public void WriteHeader(IReadOnlyList<string> header)
    {
        WriteRow([.. header, "_line", "_reason"]);
        _headerWritten = true;
    }

    public void Write(ListFileRow row, IReadOnlyList<ListFileProblem> problems)
    {
        if (!_headerWritten)
        {
            WriteRow(["_line", "_reason"]); // JSON input: no original columns to repeat
            _headerWritten = true;
        }

        var reasons = string.Join("; ", problems.Select(p => p.Column is null ? p.Message : $"{p.Column}: {p.Message}"));
        var line = row.Line.ToString(System.Globalization.CultureInfo.InvariantCulture);
        WriteRow(row.Fields is { } fields ? [.. fields, line, reasons] : [line, reasons]);
    }

    public void Dispose() => _writer.Dispose();

    private void WriteRow(IEnumerable<string> fields) => _writer.WriteLine(CsvText.Row(fields));
}
