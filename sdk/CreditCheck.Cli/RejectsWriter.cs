using System.Text;
using CreditCheck.ListFiles;

namespace CreditCheck.Cli;

/// <summary>Writes rejected rows as CSV (UTF-8 with BOM, which spreadsheet tools expect): the original
/// header and fields, then the line and the reasons, so an operator can fix and re-import them.</summary>
internal sealed class RejectsWriter : IDisposable
{
    private readonly StreamWriter _writer;
    private bool _headerWritten;
    private int _columns = -1;

    public RejectsWriter(FileInfo file)
    {
        _writer = new StreamWriter(file.FullName, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
    }

    public void WriteHeader(IReadOnlyList<string> header)
    {
        WriteRow([.. header, "_line", "_reason"]);
        _headerWritten = true;
        _columns = header.Count;
    }

    public void Write(ListFileRow row, IReadOnlyList<ListFileProblem> problems)
    {
        if (!_headerWritten)
        {
            WriteRow(["_entry", "_reason"]); // JSON input: no original columns to repeat; its rows are entries, numbered from 1
            _headerWritten = true;
        }

        var reasons = string.Join("; ", problems.Select(p => p.Column is null ? p.OperatorMessage : $"{p.Column}: {p.OperatorMessage}"));
        var line = row.Line.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (row.Fields is not { } fields || _columns < 0)
        {
            WriteRow([line, reasons]);
            return;
        }

        // Keep _line and _reason under their headers: pad a short row, fold a long one's extra fields
        // into the reason.
        var aligned = fields.Take(_columns).Concat(Enumerable.Repeat(string.Empty, Math.Max(0, _columns - fields.Count)));
        if (fields.Count > _columns)
        {
            reasons += $"; extra fields: {string.Join(",", fields.Skip(_columns))}";
        }

        WriteRow([.. aligned, line, reasons]);
    }

    public void Dispose() => _writer.Dispose();

    // The fields and reasons come from the rejected file: escaped like feedback export escapes typed
    // text, so a spreadsheet opening the rejects never runs one as a formula.
    private void WriteRow(IEnumerable<string> fields) => _writer.WriteLine(CsvText.Row(fields.Select(CsvText.Typed)));
}
