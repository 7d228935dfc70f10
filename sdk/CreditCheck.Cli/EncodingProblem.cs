using System.Globalization;
using System.Text;

namespace CreditCheck.Cli;

/// <summary>Names where a file stops being text in the chosen encoding: a reader decodes ahead of the
/// line it hands out, so the file is scanned again, line by line, to find the line that holds the bad bytes.</summary>
internal static class EncodingProblem
{
    public static CliException Describe(FileInfo file, Encoding encoding, string given)
    {
        var (line, offset, bytes) = Locate(file.FullName, encoding);
        var hex = string.Join(" ", bytes.Select(b => "0x" + b.ToString("X2", CultureInfo.InvariantCulture)));
        var name = given.ToUpperInvariant();
        var others = given switch
        {
            "utf-8" => ("gbk", "gb18030"),
            "gbk" => ("gb18030", "utf-8"),
            _ => ("utf-8", "gbk"),
        };
        var where = line > 0
            ? string.Create(CultureInfo.InvariantCulture, $"第{line}行（第{offset}字节起：{hex}）")
            : "文件中";
        var whereEnglish = line > 0
            ? string.Create(CultureInfo.InvariantCulture, $"line {line} (bytes {hex} at byte offset {offset})")
            : "the file";
        return new CliException(
            ExitCodes.InvalidInput,
            $"{file.Name}：{where}不是 {name} 编码的文本。若文件是另一种编码，请改用 --encoding {others.Item1}（或 {others.Item2}）；否则请修正或删除该行。"
            + $" — {file.Name}: {whereEnglish} is not {given} text; if the file is in another encoding pass --encoding {others.Item1} (or {others.Item2}), otherwise fix or remove that line.");
    }

    /// <summary>The first line (1-based) whose bytes do not decode, the byte offset of the bad bytes in the
    /// file and those bytes; line 0 when every line decodes (the problem spans a line break).</summary>
    internal static (int Line, long Offset, byte[] Bytes) Locate(string path, Encoding encoding)
    {
        var strict = Encoding.GetEncoding(encoding.CodePage, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var buffer = new byte[1 << 16];
        var current = new List<byte>(256);
        long lineStart = 0;
        long position = 0;
        var line = 1;
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            for (var i = 0; i < read; i++, position++)
            {
                if (buffer[i] != (byte)'\n')
                {
                    current.Add(buffer[i]);
                    continue;
                }

                if (Check(strict, current, line, lineStart) is { } found)
                {
                    return found;
                }

                current.Clear();
                line++;
                lineStart = position + 1;
            }
        }

        return Check(strict, current, line, lineStart) ?? (0, 0, []);
    }

    private static (int, long, byte[])? Check(Encoding strict, List<byte> bytes, int line, long lineStart)
    {
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes);
        var skip = line == 1 && span.StartsWith((ReadOnlySpan<byte>)strict.GetPreamble()) ? strict.GetPreamble().Length : 0;
        try
        {
            strict.GetCharCount(span[skip..]);
            return null;
        }
        catch (DecoderFallbackException e)
        {
            var bad = e.BytesUnknown ?? [];
            var index = Math.Max(0, e.Index) + skip;
            return (line, lineStart + index, bad.Length > 0 ? bad : span.Slice(index, Math.Min(2, span.Length - index)).ToArray());
        }
    }
}
