using System.Buffers.Binary;

namespace CreditCheck.Redis;

/// <summary>
/// The second stage of the local filter, consulted only when a subject the main filter holds reads with no entry
/// in Redis: the same fingerprints in a split-block filter of its own (16 bits, 2 bytes, per key), under a bijective
/// remix of the fingerprint, so its false positives are independent of the main filter's. "Not held" is exact —
/// the fingerprint is in no list's filter source, so the subject is not listed and the empty read needs no proof
/// from Redis; "held" (about 0.13 % of the main filter's false positives, 3 in a million clean checks) sends the
/// subject to the exact proof in Redis (<see cref="ListMembership"/>). 2 bytes per listed subject of host memory,
/// within the 4 bytes issue 17 allows beyond the main filter.
/// </summary>
internal sealed class ProofFilter(long expectedKeys)
{
    /// <summary>Bits per key: 16 keeps the false-positive rate near 0.13 %.</summary>
    public const int BitsPerKey = 16;

    private readonly SplitBlockBloomFilter _filter = new(expectedKeys, BitsPerKey);

    /// <summary>Memory held by the bit array.</summary>
    public long SizeInBytes => _filter.SizeInBytes;

    public void Add(ulong fingerprint) => _filter.Add(Remix(fingerprint));

    /// <summary>Adds each whole 8-byte little-endian fingerprint of <paramref name="prints"/>, before the filter is shared.</summary>
    public void AddWhileUnshared(ReadOnlySpan<byte> prints)
    {
        for (var at = 0; at + 8 <= prints.Length; at += 8)
        {
            _filter.AddOneWhileUnshared(Remix(BinaryPrimitives.ReadUInt64LittleEndian(prints[at..])));
        }
    }

    public bool MayContain(ulong fingerprint) => _filter.MayContain(Remix(fingerprint));

    // SplitMix64's finalizer: a bijection whose every output bit depends on every input bit, so the block and bits
    // chosen here are unrelated to those the main filter chose from the same fingerprint.
    private static ulong Remix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
        return z ^ (z >> 31);
    }
}
