namespace CreditCheck;

/// <summary>Turns decisions into signed evidence receipts and checks receipts (HMAC-SHA256). Registered
/// by <c>.AddEvidenceReceipts(o => …)</c>; thread-safe.</summary>
public interface IEvidenceSigner
{
    /// <summary>Signs a decision with the signing key.</summary>
    /// <param name="decision">Any decision, degraded ones included.</param>
    /// <returns>The receipt: what was decided, on which data, about whom (as a keyed hash), and when.</returns>
    EvidenceReceipt Sign(CreditDecision decision);

    /// <summary>Checks that a receipt is well formed, that its key id is known, and that its signature
    /// matches every field.</summary>
    /// <param name="receipt">The receipt, e.g. from <see cref="EvidenceReceipt.Parse"/>.</param>
    /// <returns>Valid, or the problem and a message naming it.</returns>
    ReceiptVerification Verify(EvidenceReceipt receipt);

    /// <summary>Whether a receipt is about the subject: its subject key is the keyed hash of this
    /// subject under the receipt's key. Say nothing of the signature: call <see cref="Verify"/> too.</summary>
    /// <param name="receipt">The receipt.</param>
    /// <param name="subject">The subject the holder claims it is about.</param>
    /// <returns>False for another subject, an unknown key id or a malformed subject key.</returns>
    bool IsAbout(EvidenceReceipt receipt, SubjectId subject);
}

/// <summary>The result of <see cref="IEvidenceSigner.Verify"/>.</summary>
/// <param name="Problem">What is wrong, or <see cref="ReceiptProblem.None"/>.</param>
/// <param name="Message">The problem in words, naming the field; empty when valid.</param>
public sealed record ReceiptVerification(ReceiptProblem Problem, string Message)
{
    /// <summary>A valid receipt.</summary>
    public static ReceiptVerification Valid { get; } = new(ReceiptProblem.None, string.Empty);

    /// <summary>Whether the receipt is intact and signed with a known key.</summary>
    public bool IsValid => Problem == ReceiptProblem.None;
}

/// <summary>Why a receipt did not verify.</summary>
public enum ReceiptProblem
{
    /// <summary>None: the receipt is valid.</summary>
    None = 0,

    /// <summary>The receipt names a key id the verifier does not hold.</summary>
    UnknownKeyId = 1,

    /// <summary>The signature does not match the fields: something was changed.</summary>
    BadSignature = 2,

    /// <summary>A field is missing or not in its required form.</summary>
    MalformedField = 3,
}
