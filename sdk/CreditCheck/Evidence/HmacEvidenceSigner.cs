using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace CreditCheck;

/// <summary>
/// Signs receipts with HMAC-SHA256 under the signing key and verifies them under any key it holds by
/// id. The subject key is HMAC-SHA256 of the subject's kind and canonical identifier under the same
/// key, with its own domain tag so that it can never pass for a signature.
/// </summary>
/// <remarks>Thread-safe; registered as <see cref="IEvidenceSigner"/> by <c>.AddEvidenceReceipts(…)</c>.</remarks>
public sealed class HmacEvidenceSigner : IEvidenceSigner
{
    private static readonly byte[] SubjectTag = Encoding.UTF8.GetBytes("creditcheck-subject-v1\n");
    private readonly string _keyId;
    private readonly Dictionary<string, byte[]> _keys;

    /// <summary>Creates a signer.</summary>
    /// <param name="options">The signing key and the verification keys.</param>
    /// <exception cref="OptionsValidationException">A key or key id is missing or malformed.</exception>
    public HmacEvidenceSigner(EvidenceReceiptOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var validation = new EvidenceReceiptOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(nameof(EvidenceReceiptOptions), typeof(EvidenceReceiptOptions), validation.Failures);
        }

        _keyId = options.KeyId!;
        _keys = EvidenceReceiptOptionsValidator.Keys(options);
    }

    /// <inheritdoc/>
    public EvidenceReceipt Sign(CreditDecision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        var key = _keys[_keyId];
        var unsigned = new EvidenceReceipt
        {
            KeyId = _keyId,
            CheckId = decision.CheckId,
            SubjectKey = ReceiptCodec.Encode(SubjectKey(key, decision.SubjectId)),
            Scenario = decision.Scenario,
            Outcome = decision.Outcome,
            EntryIds = [.. decision.MatchedEntries.Select(m => m.Entry.ListCode + ":" + m.Entry.EntryId)],
            CatalogVersion = decision.CatalogVersion,
            Sequence = decision.Sequence,
            EvaluatedAt = decision.EvaluatedAt.ToUniversalTime(),
            Signature = ReceiptCodec.Encode(new byte[ReceiptCodec.SignatureBytes]),
            FormatVersion = ReceiptCodec.CurrentVersion,
            IsDegraded = decision.IsDegraded,
            Path = decision.Path,
            TransactionReference = decision.TransactionReference,
            ListsNotHeld = decision.ListsNotHeld.Count == 0 ? [] : [.. decision.ListsNotHeld.Select(l => l.Code).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
        };
        if (ReceiptCodec.Problem(unsigned) is { } problem)
        {
            throw new ArgumentException("The decision cannot be signed: " + problem, nameof(decision));
        }

        return unsigned with { Signature = ReceiptCodec.Encode(HMACSHA256.HashData(key, ReceiptCodec.Payload(unsigned))) };
    }

    /// <inheritdoc/>
    public ReceiptVerification Verify(EvidenceReceipt receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        if (ReceiptCodec.Problem(receipt) is { } problem)
        {
            return new ReceiptVerification(ReceiptProblem.MalformedField, problem);
        }

        if (!_keys.TryGetValue(receipt.KeyId, out var key))
        {
            return new ReceiptVerification(ReceiptProblem.UnknownKeyId,
                $"The receipt was signed with key '{receipt.KeyId}', which this verifier does not hold (it holds {string.Join(", ", _keys.Keys.Order(StringComparer.Ordinal))}).");
        }

        var expected = HMACSHA256.HashData(key, ReceiptCodec.Payload(receipt));
        var actual = ReceiptCodec.DecodeCanonical(receipt.Signature, ReceiptCodec.SignatureBytes)!;
        if (!CryptographicOperations.FixedTimeEquals(expected, actual))
        {
            return new ReceiptVerification(ReceiptProblem.BadSignature,
                $"The signature does not match the receipt's fields under key '{receipt.KeyId}': the receipt was altered (or signed with another key of that id).");
        }

        var notHeld = receipt.ListsNotHeld is { Count: > 0 } lists
            ? $"The check did not cover the list(s) {string.Join(", ", lists)}: the store held no data of them, so a subject on them was not found and the outcome answers only for the other lists."
            : null;
        if (receipt.IsDegraded == true)
        {
            // Degraded on current data only because lists were not held (ListsNotHeldPolicy.Review): not "without current data".
            var degraded = notHeld is not null && receipt.Path is not (DecisionPath.Policy or DecisionPath.LastKnown)
                ? $"The receipt is genuine, but it records a degraded decision (path {receipt.Path}): the host's policy for lists not held answered {receipt.Outcome} instead of a better outcome."
                : $"The receipt is genuine, but it records a degraded decision (path {receipt.Path}): made without current data, by the unavailability policy or on last-known entries, so its outcome {receipt.Outcome} is not an answer of the lists about the subject.";
            return new ReceiptVerification(ReceiptProblem.None, notHeld is null ? degraded : degraded + " " + notHeld) { IsDegraded = true };
        }

        return notHeld is null ? ReceiptVerification.Valid : new ReceiptVerification(ReceiptProblem.None, "The receipt is genuine. " + notHeld);
    }

    /// <inheritdoc/>
    public bool IsAbout(EvidenceReceipt receipt, SubjectId subject)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        if (subject.IsEmpty || receipt.KeyId is null || !_keys.TryGetValue(receipt.KeyId, out var key)
            || ReceiptCodec.DecodeCanonical(receipt.SubjectKey, ReceiptCodec.SubjectKeyBytes) is not { } claimed)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(SubjectKey(key, subject), claimed);
    }

    private static byte[] SubjectKey(byte[] key, SubjectId subject)
    {
        var message = new List<byte>(SubjectTag);
        message.AddRange(Encoding.UTF8.GetBytes(subject.Kind.ToString()));
        message.Add((byte)'\n');
        message.AddRange(Encoding.UTF8.GetBytes(subject.Value));
        return HMACSHA256.HashData(key, message.ToArray())[..ReceiptCodec.SubjectKeyBytes];
    }
}
