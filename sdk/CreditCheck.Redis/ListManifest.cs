using System.Buffers.Binary;
using System.Globalization;

namespace CreditCheck.Redis;

/// <summary>
/// What the publisher records of a list in <c>cc:{ns}:manifest</c>, field {list}: the committed
/// generation, the committed index's length, and the count and checksum of the 8-byte fingerprints in
/// <c>kb:{list}</c> (the filter's source). Every writer keeps it exact in the same script that changes
/// the data, so a reader can tell a key that was deleted, evicted, emptied, truncated or altered.
/// </summary>
/// <remarks>The checksum is the sum, mod 2^32, of each fingerprint's two little-endian 32-bit halves:
/// order-independent and cheap in Lua, which has no 64-bit integers.</remarks>
internal readonly record struct ListManifest(string Generation, long Entries, FilterChecksum Prints)
{
    public static bool TryParse(string text, out ListManifest manifest)
    {
        manifest = default;
        var parts = text.Split('\t');
        if (parts.Length != 5
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var entries)
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var prints)
            || !uint.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var low)
            || !uint.TryParse(parts[4], NumberStyles.None, CultureInfo.InvariantCulture, out var high))
        {
            return false;
        }

        manifest = new ListManifest(parts[0], entries, new FilterChecksum(prints, low, high));
        return true;
    }

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture, $"{Generation}\t{Entries}\t{Prints.Count}\t{Prints.Low}\t{Prints.High}");
}

/// <summary>The count and checksum of a run of 8-byte filter fingerprints (see <see cref="ListManifest"/>).</summary>
internal readonly record struct FilterChecksum(long Count, uint Low, uint High)
{
    /// <summary>This checksum with <paramref name="prints"/> (a whole number of 8-byte fingerprints) added.</summary>
    public FilterChecksum Add(ReadOnlySpan<byte> prints)
    {
        var (count, low, high) = (Count, Low, High);
        for (var at = 0; at + 8 <= prints.Length; at += 8)
        {
            low += BinaryPrimitives.ReadUInt32LittleEndian(prints[at..]);
            high += BinaryPrimitives.ReadUInt32LittleEndian(prints[(at + 4)..]);
            count++;
        }

        return new FilterChecksum(count, low, high);
    }

    public static FilterChecksum Of(ReadOnlySpan<byte> prints) => default(FilterChecksum).Add(prints);
}
