using System.Buffers;
using System.Globalization;
using System.Text;

namespace CreditCheck;

/// <summary>Strict UTF-8 for the documents the SDK reads (catalogs, list files): a byte sequence that is
/// not UTF-8 is an error naming its byte offset, never a silent U+FFFD.</summary>
internal static class StrictUtf8
{
    /// <summary>The UTF-8 byte-order mark's length when <paramref name="bytes"/> starts with one, else 0.</summary>
    public static int PreambleLength(ReadOnlySpan<byte> bytes) => bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;

    /// <summary>The offset of the first byte that does not start a valid UTF-8 sequence, or -1.</summary>
    public static long FindInvalid(ReadOnlySpan<byte> bytes)
    {
        var offset = 0;
        while (offset < bytes.Length)
        {
            var status = Rune.DecodeFromUtf8(bytes[offset..], out _, out var consumed);
            if (status != OperationStatus.Done)
            {
                return offset;
            }

            offset += consumed;
        }

        return -1;
    }

    /// <summary>"byte offset 1234 (0xC3 0x28)": where, and the bytes found there.</summary>
    public static string DescribeAt(ReadOnlySpan<byte> bytes, long offset)
    {
        var shown = bytes.Slice((int)offset, (int)Math.Min(4, bytes.Length - offset));
        var hex = string.Join(" ", shown.ToArray().Select(b => "0x" + b.ToString("X2", CultureInfo.InvariantCulture)));
        var line = 1 + bytes[..(int)offset].Count((byte)'\n');
        return string.Create(CultureInfo.InvariantCulture, $"byte offset {offset} (line {line}; bytes {hex})");
    }
}
