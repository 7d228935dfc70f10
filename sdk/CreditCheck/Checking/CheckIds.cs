using System.Buffers.Binary;

namespace CreditCheck;

/// <summary>
/// Check ids: UUID version 7 (RFC 9562) — 48 bits of Unix milliseconds, then 74 random bits — so
/// they sort by time. The random bits come from a fast generator rather than the operating system's
/// cryptographic one (a microsecond per call here): an id needs to be unique, not secret; evidence
/// is protected by signatures, not by unguessable ids.
/// </summary>
internal static class CheckIds
{
    public static Guid Next(DateTimeOffset now)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteInt64BigEndian(bytes[8..], Random.Shared.NextInt64());
        BinaryPrimitives.WriteInt64BigEndian(bytes, (now.ToUnixTimeMilliseconds() << 16) | (long)(uint)(Random.Shared.Next() & 0x0FFF));
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x70); // version 7
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 9562 variant
        return new Guid(bytes, bigEndian: true);
    }
}
