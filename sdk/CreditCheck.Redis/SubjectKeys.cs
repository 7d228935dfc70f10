using System.Security.Cryptography;
using System.Text;

namespace CreditCheck.Redis;

/// <summary>
/// Derives everything Redis may hold about a subject from the shared secret, so that Redis never
/// holds a plaintext identifier: the storage key (HMAC-SHA256, truncated to 128 bits, hex), the
/// filter fingerprint (SipHash-2-4 under a key derived from the secret) and a fingerprint of the
/// secret itself, which publisher and SDK compare at start.
/// </summary>
/// <remarks>Thread-safe; holds key material, so it is never logged and has no ToString.</remarks>
internal sealed class SubjectKeys : IDisposable
{
    private const int MaxIdLength = 32;
    private readonly byte[] _secret;
    private readonly SipHash _filterHash;

    // One keyed HMAC per thread: the key schedule is computed once, not per subject.
    private readonly ThreadLocal<HMACSHA256> _hmac;

    public SubjectKeys(ReadOnlySpan<byte> secret)
    {
        _secret = secret.ToArray();
        _hmac = new ThreadLocal<HMACSHA256>(() => new HMACSHA256(_secret));
        _filterHash = new SipHash(Derive("creditcheck/filter/v1").AsSpan(0, 16));
        SecretFingerprint = Convert.ToHexStringLower(Derive("creditcheck/fingerprint/v1").AsSpan(0, 8));
    }

    /// <summary>Identifies the secret without revealing it; stored in the namespace's meta hash.</summary>
    public string SecretFingerprint { get; }

    /// <summary>The subject's storage key: 32 hex characters.</summary>
    public string StorageKey(SubjectId subject)
    {
        Span<byte> input = stackalloc byte[MaxIdLength + 1];
        var length = Encode(subject, input);
        Span<byte> mac = stackalloc byte[32];
        _hmac.Value!.TryComputeHash(input[..length], mac, out _);
        return Convert.ToHexStringLower(mac[..16]);
    }

    /// <summary>The subject's 64-bit filter fingerprint.</summary>
    public ulong Fingerprint(SubjectId subject)
    {
        Span<byte> input = stackalloc byte[MaxIdLength + 1];
        return _filterHash.Hash(input[..Encode(subject, input)]);
    }

    /// <summary>The filter fingerprint of the 组织机构代码 a 统一社会信用代码 embeds (its 9th to 17th characters), the
    /// same as <see cref="Fingerprint"/> of <see cref="SubjectId.EmbeddedOrganizationCode"/>, without making that
    /// identifier: a batch asks it of every legal entity. Whether the embedded code conforms is not checked here;
    /// a subject the filter may hold is probed in full, which checks it.</summary>
    public ulong EmbeddedOrganizationFingerprint(SubjectId code)
    {
        Span<byte> input = stackalloc byte[10];
        return _filterHash.Hash(input[..Encode(SubjectKind.LegalEntity, code.Value.AsSpan(8, 9), input)]);
    }

    private static int Encode(SubjectId subject, Span<byte> buffer)
    {
        var value = subject.Value;
        if (value.Length > MaxIdLength)
        {
            throw new ArgumentException($"A subject id has at most {MaxIdLength} characters.", nameof(subject));
        }

        return Encode(subject.Kind, value, buffer);
    }

    /// <summary>What keys and fingerprints are computed over: the kind, then the id's characters as bytes.</summary>
    private static int Encode(SubjectKind kind, ReadOnlySpan<char> value, Span<byte> buffer)
    {
        buffer[0] = (byte)kind;
        for (var i = 0; i < value.Length; i++)
        {
            buffer[i + 1] = (byte)value[i]; // canonical ids are ASCII
        }

        return value.Length + 1;
    }

    public void Dispose() => _hmac.Dispose();

    private byte[] Derive(string purpose) => HMACSHA256.HashData(_secret, Encoding.ASCII.GetBytes(purpose));
}
