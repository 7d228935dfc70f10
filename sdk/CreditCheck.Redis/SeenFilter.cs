namespace CreditCheck.Redis;

/// <summary>
/// The entries an import has staged, as a fixed-size Bloom filter (8 MB, whatever the file's size):
/// an entry it has never seen was surely not staged before, so only the others are looked up in the
/// staged index. One 64-bit word per entry, four bits in it, so an add or a probe touches one cache
/// line; a single writer, so no atomics. Past a few million entries it answers "maybe" more often,
/// which costs lookups, not results.
/// </summary>
internal sealed class SeenFilter
{
    private const int WordBits = 20;
    private readonly ulong[] _words = new ulong[1 << WordBits];

    public void Add(ulong hash) => _words[hash >> (64 - WordBits)] |= Bits(hash);

    public bool MayContain(ulong hash)
    {
        var bits = Bits(hash);
        return (_words[hash >> (64 - WordBits)] & bits) == bits;
    }

    private static ulong Bits(ulong hash) =>
        (1UL << (int)(hash & 63)) | (1UL << (int)((hash >> 6) & 63)) | (1UL << (int)((hash >> 12) & 63)) | (1UL << (int)((hash >> 18) & 63));
}
