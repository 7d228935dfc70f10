using System.Buffers;
using System.Text;

namespace CreditCheck.ListFiles;

/// <summary>Streams RFC 4180 records (quoted fields, doubled quotes, line breaks inside quotes) and
/// keeps the line number where each record starts, for error reports.</summary>
public sealed class CsvRecordReader
{
    /// <summary>Longest record read; a file without line breaks (a binary one) is not held in memory whole.</summary>
    public const int MaxRecordLength = 1 << 20;

    // The characters that end a run of plain characters, outside and inside quotes.
    private static readonly SearchValues<char> PlainStops = SearchValues.Create(",\"\r\n");
    private static readonly SearchValues<char> QuotedStops = SearchValues.Create("\"\n");

    private readonly TextReader _reader;
    private readonly StringBuilder _field = new();

    // Own buffer: a virtual TextReader.Read() per character dominated the cost of a row.
    private readonly char[] _buffer = new char[1 << 15];
    private int _position;
    private int _length;
    private int _line = 1;
    private bool _started;
    private int _fieldCount = 4;

    // Each column's value in the record before: a list file repeats most of its columns row after row (the
    // list, the kind, the authority, the status), and the same value is then the same string, not a new one.
    private readonly string?[] _recent = new string?[32];

    /// <summary>Reads records from <paramref name="reader"/>.</summary>
    /// <param name="reader">The text, decoded.</param>
    public CsvRecordReader(TextReader reader) => _reader = reader;

    /// <summary>The Chinese text of the last <c>error</c> of <see cref="TryRead"/>, for operators.</summary>
    internal string? ChineseError { get; private set; }

    /// <summary>The last <c>error</c> is a quote never closed: every line after it was read into the field, so
    /// where the next record begins is unknown and nothing after it can be trusted.</summary>
    internal bool RunawayQuote { get; private set; }

    /// <summary>The line breaks inside quoted fields of the last record read: the record spans that many lines more
    /// than one.</summary>
    internal int LineBreaksInQuotes { get; private set; }

    /// <summary>Reads the next record. False at the end of input.</summary>
    /// <param name="fields">The fields; empty strings for empty fields.</param>
    /// <param name="line">The 1-based line where the record starts.</param>
    /// <param name="error">Set when the record is malformed (an unterminated quote).</param>
    public bool TryRead(out List<string> fields, out int line, out string? error)
    {
        fields = new List<string>(_fieldCount);
        line = _line;
        error = null;
        ChineseError = null;
        RunawayQuote = false;
        LineBreaksInQuotes = 0;
        var next = Next();
        if (next == '\uFEFF' && _line == 1 && !_started)
        {
            next = Next(); // a byte-order mark the caller's reader kept
        }

        _started = true;
        if (next < 0)
        {
            return false;
        }

        var quoted = false;
        var wasQuoted = false;
        string? whole = null; // a field read in one piece from the buffer
        _field.Clear();
        while (true)
        {
            if (next < 0)
            {
                if (quoted)
                {
                    error = $"a quoted field that starts on line {line} is never closed: lines {line} to {_line} were read as one field, so the rows on them cannot be told apart; nothing of the file can be trusted from there";
                    ChineseError = $"第{line}行开始的带引号字段没有结束引号：第{line}至{_line}行被读成一个字段，其中各行无法分辨，文件自此不可信";
                    RunawayQuote = true;
                }

                fields.Add(whole ?? _field.ToString());
                _fieldCount = fields.Count;
                return true;
            }

            var c = (char)next;
            if (_field.Length > MaxRecordLength)
            {
                if (quoted)
                {
                    // Found from outside: an unclosed quote swallowed the lines after it up to this length, and
                    // reading went on after them, so thousands of rows were neither imported nor reported.
                    error = $"a quoted field that starts on line {line} is not closed within {MaxRecordLength} characters (line {_line} reached): the rows after it cannot be told apart; nothing of the file can be trusted from there";
                    ChineseError = $"第{line}行开始的带引号字段在 {MaxRecordLength} 个字符内没有结束引号（已读到第{_line}行）：其后各行无法分辨，文件自此不可信";
                    RunawayQuote = true;
                    fields.Add(string.Empty);
                    return true;
                }

                error = $"a record starting on line {line} runs past {MaxRecordLength} characters without ending (not a CSV text file?)";
                ChineseError = $"第{line}行开始的记录超过 {MaxRecordLength} 个字符仍未结束（可能不是 CSV 文本文件）";
                fields.Add(string.Empty);
                SkipLine();
                return true;
            }

            if (quoted)
            {
                if (c == '"')
                {
                    if (Peek() == '"')
                    {
                        Next();
                        _field.Append('"');
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    if (c == '\n')
                    {
                        _line++;
                        LineBreaksInQuotes++;
                    }

                    _field.Append(c);
                    AppendRun(QuotedStops);
                }
            }
            else if (c == '"' && _field.Length == 0 && !wasQuoted)
            {
                quoted = true;
                wasQuoted = true;
            }
            else if (c == ',')
            {
                fields.Add(whole ?? _field.ToString());
                _field.Clear();
                whole = null;
                wasQuoted = false;
            }
            else if (c is '\r' or '\n')
            {
                if (c == '\r' && Peek() == '\n')
                {
                    Next();
                }

                _line++;
                fields.Add(whole ?? _field.ToString());
                _fieldCount = fields.Count;
                return true;
            }
            else if (_field.Length == 0 && !wasQuoted && WholeField(fields.Count) is { } field)
            {
                whole = field; // ends at a comma or a line break, which come next
            }
            else
            {
                _field.Append(c);
                AppendRun(PlainStops);
            }

            next = Next();
        }
    }

    /// <summary>Most fields: the field whose first character was just read ends, within the buffer, at
    /// a comma or a line break; its string is made in one copy, or is the string of the record before when
    /// the column repeats it. Null otherwise (a quote inside, or the buffer ends first).</summary>
    private string? WholeField(int column)
    {
        var rest = _buffer.AsSpan(_position, _length - _position);
        var run = rest.IndexOfAny(PlainStops);
        if (run < 0 || rest[run] == '"')
        {
            return null;
        }

        var text = _buffer.AsSpan(_position - 1, run + 1);
        _position += run;
        if (column >= _recent.Length)
        {
            return new string(text);
        }

        if (_recent[column] is { } recent && text.SequenceEqual(recent))
        {
            return recent;
        }

        return _recent[column] = new string(text);
    }

    /// <summary>Appends the characters up to the next one that needs a decision, or to the end of the
    /// buffer, in one copy (most of a field).</summary>
    private void AppendRun(SearchValues<char> stops)
    {
        var rest = _buffer.AsSpan(_position, _length - _position);
        var run = rest.IndexOfAny(stops);
        run = run < 0 ? rest.Length : run;
        _field.Append(rest[..run]);
        _position += run;
    }

    private void SkipLine()
    {
        for (var c = Next(); c is not (-1 or '\n'); c = Next())
        {
        }

        _line++;
    }

    private int Next()
    {
        if (_position == _length && !Fill())
        {
            return -1;
        }

        return _buffer[_position++];
    }

    private int Peek()
    {
        if (_position == _length && !Fill())
        {
            return -1;
        }

        return _buffer[_position];
    }

    private bool Fill()
    {
        _length = _reader.Read(_buffer, 0, _buffer.Length);
        _position = 0;
        return _length > 0;
    }
}
