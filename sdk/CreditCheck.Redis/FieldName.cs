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
        if (!TryLocate(raw, out var first, out var last, out var generation))
        {
            name = default;
            return false;
        }

        name = new FieldName(Encoding.UTF8.GetString(raw[..first]), Encoding.UTF8.GetString(raw[(first + 1)..last]), generation);
        return true;
    }

    /// <summary>The same check as <see cref="TryParse"/>, without making strings: the list is
    /// <c>raw[..first]</c>, the entry id <c>raw[(first + 1)..last]</c>.</summary>
    public static bool TryLocate(ReadOnlySpan<byte> raw, out int first, out int last, out long generation)
    {
        generation = 0;
        first = raw.IndexOf(Tab);
        last = raw.LastIndexOf(Tab);
        if (first <= 0 || last <= first + 1 || last == raw.Length - 1)
        {
            return false;
        }

        var digits = raw[(last + 1)..];
        return digits[0] is >= (byte)'0' and <= (byte)'9' && Utf8Parser.TryParse(digits, out generation, out var used) && used == digits.Length;
    }

    public bool SameEntry(FieldName other) =>
        string.Equals(List, other.List, StringComparison.Ordinal) && string.Equals(EntryId, other.EntryId, StringComparison.Ordinal);
}
