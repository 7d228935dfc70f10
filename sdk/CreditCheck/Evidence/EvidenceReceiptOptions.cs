using Microsoft.Extensions.Options;

namespace CreditCheck;

/// <summary>Keys of the evidence receipts: one signing key, and older keys kept to verify receipts they
/// signed (rotation). Keys are base64 of at least 32 random bytes (<c>openssl rand -base64 32</c>);
/// they never appear in <see cref="ToString"/> or logs.</summary>
public sealed class EvidenceReceiptOptions
{
    /// <summary>The configuration section, under <see cref="CreditCheckOptions.SectionName"/>.</summary>
    public const string SectionName = "EvidenceReceipts";

    /// <summary>The signing key's id, written into every receipt: 1-64 of A-Z, a-z, 0-9, '.', '_', '-'
    /// (e.g. <c>2026-q1</c>). Required.</summary>
    public string? KeyId { get; set; }

    /// <summary>The signing key, base64, at least 32 bytes. Required.</summary>
    public string? Key { get; set; }

    /// <summary>Earlier keys by id, base64: receipts they signed still verify. The signing key verifies
    /// without being listed here.</summary>
    public IDictionary<string, string> VerificationKeys { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The key ids; never the keys.</summary>
    public override string ToString() =>
        $"KeyId={KeyId}, VerificationKeys=[{string.Join(", ", VerificationKeys.Keys)}]";
}

/// <summary>Says exactly which receipt key is wrong.</summary>
internal sealed class EvidenceReceiptOptionsValidator : IValidateOptions<EvidenceReceiptOptions>
{
    public const int MinimumKeyBytes = 32;
    private const string Prefix = "CreditCheck:EvidenceReceipts:";

    public ValidateOptionsResult Validate(string? name, EvidenceReceiptOptions options)
    {
        var failures = new List<string>();
        CheckId(failures, "KeyId", options.KeyId);
        var signing = CheckKey(failures, "Key", options.Key);
        foreach (var (id, key) in options.VerificationKeys)
        {
            CheckId(failures, $"VerificationKeys key id", id);
            var bytes = CheckKey(failures, $"VerificationKeys:{id}", key);
            if (id == options.KeyId && bytes is not null && signing is not null && !bytes.AsSpan().SequenceEqual(signing))
            {
                failures.Add($"{Prefix}VerificationKeys:{id} holds a different key than the signing key of the same id; one id, one key.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>The keys by id, the signing one included; the options must be valid.</summary>
    public static Dictionary<string, byte[]> Keys(EvidenceReceiptOptions options)
    {
        var keys = options.VerificationKeys.ToDictionary(p => p.Key, p => Convert.FromBase64String(p.Value), StringComparer.Ordinal);
        keys[options.KeyId!] = Convert.FromBase64String(options.Key!);
        return keys;
    }

    private static void CheckId(List<string> failures, string name, string? id)
    {
        if (id is null)
        {
            failures.Add($"{Prefix}{name} is missing; name the key, e.g. \"2026-q1\".");
        }
        else if (!ReceiptCodec.KeyIdPattern().IsMatch(id))
        {
            failures.Add($"{Prefix}{name} '{id}' must be 1-64 of A-Z, a-z, 0-9, '.', '_' and '-'.");
        }
    }

    private static byte[]? CheckKey(List<string> failures, string name, string? base64)
    {
        if (string.IsNullOrWhiteSpace(base64))
        {
            failures.Add($"{Prefix}{name} is missing; set it to base64 of at least {MinimumKeyBytes} random bytes (openssl rand -base64 32).");
            return null;
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            failures.Add($"{Prefix}{name} is not base64.");
            return null;
        }

        if (bytes.Length < MinimumKeyBytes)
        {
            failures.Add($"{Prefix}{name} is {bytes.Length} bytes; it must be at least {MinimumKeyBytes} (openssl rand -base64 32).");
            return null;
        }

        if (bytes.AsSpan().IndexOfAnyExcept(bytes[0]) < 0)
        {
            failures.Add($"{Prefix}{name} is {bytes.Length} bytes all 0x{bytes[0]:x2}: not a random key; make one with openssl rand -base64 32.");
            return null;
        }

        return bytes;
    }
}
