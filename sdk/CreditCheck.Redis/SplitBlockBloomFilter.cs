namespace CreditCheck.Redis;

/// <summary>
/// The local filter of "subjects that may be listed": a split-block Bloom filter (one 256-bit block
/// per key, one bit in each of its eight 32-bit words), so a probe touches one cache line. Never a
/// false negative for a key that was added; a false positive only costs a Redis read.
/// </summary>
/// <remarks>Readers may probe while one writer adds: a bit is only ever set, so a concurrent reader
/// sees a key either as not yet added or as added.</remarks>
internal sealed class SplitBlockBloomFilter
{
    /// <summary>Bits per expected key: 14 bits (1.75 bytes) keeps the false-positive rate well under
    /// 1 % with room for keys added after the build.</summary>
    public const int BitsPerKey = 14;

    private static readonly uint[] Salts = [0x47b6137bU, 0x44974d91U, 0x8824ad5bU, 0xa2b7289dU, 0x705495c7U, 0x2df1424bU, 0x9efc4947U, 0x5c6bfb31U];

    private readonly uint[] _words;
    private readonly ulong _blocks;
    private int _count;

    public SplitBlockBloomFilter(long expectedKeys, int bitsPerKey = BitsPerKey)
    {
        var bits = Math.Max(expectedKeys, 64) * bitsPerKey;
        _blocks = (ulong)((bits + 255) / 256);
        _words = new uint[checked((int)(_blocks * 8))];
        Capacity = expectedKeys;
    }

    /// <summary>How many keys it was sized for.</summary>
    public long Capacity { get; }

    /// <summary>How many keys were added (with repeats).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Memory held by the bit array.</summary>
    public long SizeInBytes => _words.LongLength * sizeof(uint);

    /// <summary>A second, independent filter of the same fingerprints, given every key added to this one: what an
    /// empty read of a subject this filter holds is checked against before Redis is asked (<see cref="ProofFilter"/>).</summary>
    public ProofFilter? Proof { get; init; }

    public void Add(ulong fingerprint)
    {
        var block = Block(fingerprint);
        var key = (uint)fingerprint;
        for (var i = 0; i < 8; i++)
        {
            var bit = 1U << (int)((key * Salts[i]) >> 27);
            ref var word = ref _words[block + i];
            if ((Volatile.Read(ref word) & bit) == 0)
            {
                Interlocked.Or(ref word, bit);
            }
        }

        Interlocked.Increment(ref _count);
        Proof?.Add(fingerprint);
    }

    /// <summary>Adds each whole 8-byte little-endian fingerprint of <paramref name="prints"/>, before the filter
    /// is shared: no reader probes it yet, so plain writes do (a build at a resync, ten million keys).</summary>
    public void AddWhileUnshared(ReadOnlySpan<byte> prints)
    {
        var added = 0;
        for (var at = 0; at + 8 <= prints.Length; at += 8)
        {
            AddOneWhileUnshared(System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(prints[at..]));
            added++;
        }

        _count += added;
        Proof?.AddWhileUnshared(prints);
    }

    /// <summary>Adds one key before the filter is shared (plain writes; <see cref="Count"/> is the caller's).</summary>
    internal void AddOneWhileUnshared(ulong fingerprint)
    {
        var block = Block(fingerprint);
        var key = (uint)fingerprint;
        for (var i = 0; i < 8; i++)
        {
            _words[block + i] |= 1U << (int)((key * Salts[i]) >> 27);
        }
    }

    public bool MayContain(ulong fingerprint)
    {
        var block = Block(fingerprint);
        var key = (uint)fingerprint;
        for (var i = 0; i < 8; i++)
        {
            var bit = 1U << (int)((key * Salts[i]) >> 27);
            if ((_words[block + i] & bit) == 0)
            {
                return false;
            }
        }

        return true;
    }

    // The high half chooses the block (multiply-shift range reduction); the low half the bits.
    private int Block(ulong fingerprint) => (int)(((fingerprint >> 32) * _blocks) >> 32) * 8;
}
