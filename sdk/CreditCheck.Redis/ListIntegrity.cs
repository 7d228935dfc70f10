using System.Globalization;

namespace CreditCheck.Redis;

/// <summary>
/// Checks a list's keys against its manifest and says, naming the key, what is wrong: a filter source
/// (<c>kb:{list}</c>) or index (<c>l:{list}</c>) deleted, evicted, emptied, truncated, altered or of
/// the wrong type, a committed generation that changed under the list. A store that finds any of these
/// must not answer "not listed" from that data.
/// </summary>
internal static class ListIntegrity
{
    /// <summary>The full check a resync makes, on the fingerprints themselves.</summary>
    public static string? Check(RedisKeys keys, string list, string? manifestText, ReadOnlySpan<byte> prints, long indexLength, string keyProblem, long generation) =>
        Check(keys, list, manifestText, prints.Length, FilterChecksum.Of(prints), indexLength, keyProblem, generation);

    /// <summary>The full check on fingerprints read in pieces: their byte count and their checksum.</summary>
    public static string? Check(RedisKeys keys, string list, string? manifestText, long printsLength, FilterChecksum prints, long indexLength, string keyProblem, long generation) =>
        Common(keys, list, manifestText, keyProblem, out var manifest)
        ?? Prints(keys, list, manifest, printsLength)
        ?? (prints != manifest.Prints
            ? $"{keys.ListFingerprints(list)}: its {printsLength / 8} fingerprints do not match the checksum in {keys.Manifest} (altered)"
            : null)
        ?? Rest(keys, list, manifest, indexLength, generation);

    /// <summary>The cheap check a feed makes while idle: lengths and generation only.</summary>
    public static string? CheckLengths(RedisKeys keys, string list, string? manifestText, long printsLength, long indexLength, string keyProblem, long generation) =>
        Common(keys, list, manifestText, keyProblem, out var manifest)
        ?? Prints(keys, list, manifest, printsLength)
        ?? Rest(keys, list, manifest, indexLength, generation);

    private static string? Common(RedisKeys keys, string list, string? manifestText, string keyProblem, out ListManifest manifest)
    {
        manifest = default;
        if (keyProblem.Length > 0)
        {
            return keyProblem.Contains("WRONGTYPE", StringComparison.Ordinal)
                ? $"{keyProblem.Split(':', 2)[0]}: the key holds the wrong kind of value ({keyProblem})"
                : keyProblem;
        }

        if (manifestText is null)
        {
            return $"{keys.Manifest} has no field for list '{list}' although the list has data (the manifest was deleted or damaged)";
        }

        return ListManifest.TryParse(manifestText, out manifest)
            ? null
            : $"{keys.Manifest} field '{list}' is '{manifestText}', not generation⇥entries⇥fingerprints⇥checksum⇥checksum";
    }

    private static string? Prints(RedisKeys keys, string list, ListManifest manifest, long length)
    {
        if (length < 0)
        {
            return $"{keys.ListFingerprints(list)}: the key cannot be read";
        }

        if (length % 8 != 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{keys.ListFingerprints(list)} is {length} bytes, not a whole number of 8-byte fingerprints (truncated or altered)");
        }

        return length / 8 != manifest.Prints.Count
            ? string.Create(CultureInfo.InvariantCulture,
                $"{keys.ListFingerprints(list)} holds {length / 8} fingerprints, the manifest says {manifest.Prints.Count} ({(length == 0 ? "missing or emptied: deleted, or evicted by a maxmemory policy" : length / 8 < manifest.Prints.Count ? "truncated" : "altered")})")
            : null;
    }

    private static string? Rest(RedisKeys keys, string list, ListManifest manifest, long indexLength, long generation)
    {
        if (indexLength != manifest.Entries)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"{keys.ListIndex(list)} holds {Math.Max(0, indexLength)} entries, the manifest says {manifest.Entries} ({(indexLength <= 0 ? "missing or emptied: deleted, or evicted by a maxmemory policy" : "altered")})");
        }

        return generation.ToString(CultureInfo.InvariantCulture) != manifest.Generation
            ? $"{keys.Generations} gives list '{list}' generation {generation}, the manifest says {manifest.Generation} (deleted or altered)"
            : null;
    }
}
