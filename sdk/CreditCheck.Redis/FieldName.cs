using System.Buffers.Text;
using System.Text;

namespace CreditCheck.Redis;

/// <summary>A subject hash's field name, <c>list⇥entryId⇥generation</c>, parsed from its UTF-8 bytes
/// (the read path's hottest parse: no intermediate string, no split array).</summary>
internal readonly record struct FieldName(string List, string EntryId, long Generation)
{
    private const byte Tab = (byte)'\t';

    public static bool TryParse(ReadOnlySpan<byte> raw, out FieldName name)
    {
        name = default;
        var first = raw.IndexOf(Tab);
        var last = raw.LastIndexOf(Tab);
        if (first <= 0 || last <= first + 1 || last == raw.Length - 1)
        {
            return false;
        }

        var digits = raw[(last + 1)..];
        if (digits[0] is < (byte)'0' or > (byte)'9' || !Utf8Parser.TryParse(digits, out long generation, out var used) || used != digits.Length)
        {
            return false;
        }

        name = new FieldName(Encoding.UTF8.GetString(raw[..first]), Encoding.UTF8.GetString(raw[(first + 1)..last]), generation);
        return true;
    }

    public bool SameEntry(FieldName other) =>
        string.Equals(List, other.List, StringComparison.Ordinal) && string.Equals(EntryId, other.EntryId, StringComparison.Ordinal);
}
