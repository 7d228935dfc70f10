namespace CreditCheck;

/// <summary>64-bit FNV-1a over UTF-16 code units: a fast, stable hash for telling contents apart
/// (re-import detection, duplicate rows). Not a security hash.</summary>
internal static class Fnv1a
{
    public const ulong Seed = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    public static ulong Hash(string text) => Append(Seed, text);

    public static ulong Append(ulong hash, string text)
    {
        foreach (var c in text)
        {
            hash = (hash ^ c) * Prime;
        }

        return hash;
    }

    public static ulong Append(ulong hash, ulong value) => (hash ^ value) * Prime;
}
