using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using CreditCheck.Stores;

namespace CreditCheck.Redis;

/// <summary>What the staging needs of each record of a chunk, as bytes, computed off the importing
/// thread: storage keys, content hashes, entry ids, JSON and filter fingerprints.</summary>
internal sealed class EncodedChunk : IDisposable
{
    private const int KeyLength = 32;
    private const int HashLength = 16;
    private readonly byte[] _keys;
    private readonly byte[] _hashes;
    private readonly byte[][] _entryIds;
    private readonly PooledBuffer _json = new();
    private readonly int[] _jsonEnds;
    private readonly ulong[] _identities;

    private EncodedChunk(List<ListRecord> records)
    {
        _identities = new ulong[records.Count];
        Records = records;
        _keys = new byte[records.Count * KeyLength];
        _hashes = new byte[records.Count * HashLength];
        _entryIds = new byte[records.Count][];
        _jsonEnds = new int[records.Count];
        Fingerprints = new byte[records.Count * 8];
    }

    public List<ListRecord> Records { get; }

    /// <summary>Filter fingerprints, 8 bytes each, little-endian.</summary>
    public byte[] Fingerprints { get; }

    /// <summary>Whether a subject is stored under a 组织机构代码.</summary>
    public bool OrganizationCodes { get; private set; }

    /// <summary>The storage key (HMAC of the subject), hex.</summary>
    public ReadOnlySpan<byte> Key(int index) => _keys.AsSpan(index * KeyLength, KeyLength);

    /// <summary>The content hash of the JSON, hex.</summary>
    public ReadOnlySpan<byte> Hash(int index) => _hashes.AsSpan(index * HashLength, HashLength);

    public ReadOnlySpan<byte> EntryId(int index) => _entryIds[index];

    /// <summary>A 64-bit hash of the index field (storage key and entry id), for the filter of entries seen.</summary>
    public ulong Identity(int index) => _identities[index];

    public ReadOnlySpan<byte> Json(int index)
    {
        var start = index == 0 ? 0 : _jsonEnds[index - 1];
        return _json.WrittenSpan[start.._jsonEnds[index]];
    }

    /// <summary>Gives the JSON buffer back to the pool (a chunk's JSON would be a large object).</summary>
    public void Dispose() => _json.Dispose();

    public static EncodedChunk Of(List<ListRecord> records, SubjectKeys keys)
    {
        var chunk = new EncodedChunk(records);
        using var writer = EntryCodec.CreateWriter(chunk._json);
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            var start = chunk._json.WrittenCount;
            writer.Reset(chunk._json);
            EntryCodec.Write(writer, record.Entry);
            writer.Flush();
            chunk._jsonEnds[i] = chunk._json.WrittenCount;
            EntryCodec.ContentHash(chunk._json.WrittenSpan[start..], chunk._hashes.AsSpan(i * HashLength, HashLength));
            var key = keys.StorageKey(record.Subject);
            if (Encoding.ASCII.GetBytes(key, chunk._keys.AsSpan(i * KeyLength, KeyLength)) != KeyLength)
            {
                throw new InvalidOperationException("A storage key is not 32 hex characters.");
            }

            chunk._entryIds[i] = Encoding.UTF8.GetBytes(record.Entry.EntryId);

            // The key is hex of an HMAC, so its first 16 digits are already uniform.
            if (!System.Buffers.Text.Utf8Parser.TryParse(chunk.Key(i)[..16], out ulong keyBits, out _, 'x'))
            {
                throw new InvalidOperationException("A storage key is not hex.");
            }

            var entryBits = XxHash64.HashToUInt64(chunk._entryIds[i]);

            chunk._identities[i] = keyBits ^ (entryBits * 0x9E3779B97F4A7C15UL);
            BinaryPrimitives.WriteUInt64LittleEndian(chunk.Fingerprints.AsSpan(i * 8), keys.Fingerprint(record.Subject));
            chunk.OrganizationCodes |= record.Subject.Scheme == IdentifierScheme.OrganizationCode;
        }

        return chunk;
    }
}
