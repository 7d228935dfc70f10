using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CreditCheck.Platform;

/// <summary>The per-call credential of the platform link (see Protos/platform.proto): an HMAC-SHA256
/// signature with the client's secret over the client id, the gRPC method, a timestamp and a nonce.
/// The client signs with <see cref="Sign"/>; a platform checks with <see cref="Verify"/> and keeps the
/// nonces it has seen for <see cref="MaxClockSkew"/> to refuse a replay.</summary>
public static class PlatformSignature
{
    /// <summary>Metadata key of the client id.</summary>
    public const string ClientHeader = "x-cc-client";

    /// <summary>Metadata key of the timestamp (Unix milliseconds).</summary>
    public const string TimestampHeader = "x-cc-timestamp";

    /// <summary>Metadata key of the nonce.</summary>
    public const string NonceHeader = "x-cc-nonce";

    /// <summary>Metadata key of the signature (lowercase hex).</summary>
    public const string SignatureHeader = "x-cc-signature";

    /// <summary>How far a timestamp may be from the platform's clock.</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromSeconds(300);

    /// <summary>Computes the signature of a call.</summary>
    /// <param name="secret">The client's secret.</param>
    /// <param name="client">The client id.</param>
    /// <param name="method">The full method path, e.g. <c>/creditcheck.platform.v1.CreditPlatform/Sync</c>.</param>
    /// <param name="timestampMilliseconds">Unix time in milliseconds.</param>
    /// <param name="nonce">A string used once.</param>
    /// <returns>The signature, lowercase hex.</returns>
    public static string Sign(string secret, string client, string method, long timestampMilliseconds, string nonce)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        var payload = string.Join('\n', client, method, timestampMilliseconds.ToString(CultureInfo.InvariantCulture), nonce);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(payload));
        return Convert.ToHexStringLower(mac);
    }

    /// <summary>Checks a signature and its timestamp (not the nonce: the caller keeps those).</summary>
    /// <param name="secret">The client's secret.</param>
    /// <param name="client">The client id from the metadata.</param>
    /// <param name="method">The full method path of the call.</param>
    /// <param name="timestamp">The timestamp from the metadata.</param>
    /// <param name="nonce">The nonce from the metadata.</param>
    /// <param name="signature">The signature from the metadata.</param>
    /// <param name="now">The platform's clock.</param>
    /// <returns>Null when valid; otherwise what is wrong, in English.</returns>
    public static string? Verify(string secret, string client, string method, string? timestamp, string? nonce, string? signature, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(timestamp) || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
        {
            return $"{TimestampHeader} is missing or not Unix milliseconds";
        }

        if (string.IsNullOrEmpty(nonce) || nonce.Length > 128)
        {
            return $"{NonceHeader} is missing or longer than 128 characters";
        }

        var skew = now - DateTimeOffset.FromUnixTimeMilliseconds(ms);
        if (skew.Duration() > MaxClockSkew)
        {
            return $"{TimestampHeader} is {skew.TotalSeconds:F0} s from the platform's clock (at most {MaxClockSkew.TotalSeconds:F0} s)";
        }

        var expected = Sign(secret, client, method, ms, nonce);
        if (signature is null || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature)))
        {
            return $"{SignatureHeader} does not match the client's secret";
        }

        return null;
    }
}
