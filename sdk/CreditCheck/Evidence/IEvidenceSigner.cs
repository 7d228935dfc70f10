namespace CreditCheck;

/// <summary>Turns decisions into signed evidence receipts and checks receipts (HMAC-SHA256). Registered
/// by <c>.AddEvidenceReceipts(o => …)</c>; thread-safe.</summary>
public interface IEvidenceSigner
{
    /// <summary>Signs a decision with the signing key.</summary>
    /// <param name="decision">Any decision, degraded ones included (the receipt says so).</param>
    /// <returns>The receipt: what was decided, on which data, whether degraded, about whom (as a keyed hash),
    /// for which transaction, and when.</returns>
    /// <remarks>It signs the decision it is given: a receipt proves that a holder of the key signed these facts,
    /// not that a checker produced them (a host may construct a <see cref="CreditDecision"/>).</remarks>
    EvidenceReceipt Sign(CreditDecision decision);

    /// <summary>Checks that a receipt is well formed, that its key id is known, and that its signature
    /// matches every field. It does not look at whom or which transaction the receipt is about: a genuine
    /// receipt of another supplier or another tender is valid here. To check a receipt kept as evidence, use
    /// <see cref="EvidenceSignerExtensions.Verify(IEvidenceSigner, EvidenceReceipt, ReceiptExpectation)"/>
    /// (<c>signer.Verify(receipt, new ReceiptExpectation(subject) { TransactionReference = … })</c>).</summary>
    /// <param name="receipt">The receipt, e.g. from <see cref="EvidenceReceipt.Parse"/>.</param>
    /// <returns>Valid, or the problem and a message naming it. A valid receipt of a degraded decision is
    /// valid with <see cref="ReceiptVerification.IsDegraded"/> set and a message saying so; a valid receipt naming
    /// lists not held (<see cref="EvidenceReceipt.ListsNotHeld"/>) is valid with a message naming them.</returns>
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
/// <param name="Message">The problem in words, naming the field; for a valid receipt of a degraded decision,
/// that it was degraded; for a valid receipt naming lists not held (<see cref="EvidenceReceipt.ListsNotHeld"/>), that
/// the check did not cover them; empty for any other valid receipt.</param>
public sealed record ReceiptVerification(ReceiptProblem Problem, string Message)
{
    /// <summary>A valid receipt (of a decision made on current data with no list not held, or of format 1).</summary>
    public static ReceiptVerification Valid { get; } = new(ReceiptProblem.None, string.Empty);

    /// <summary>Whether the receipt is intact and signed with a known key (and, when verified against a
    /// <see cref="ReceiptExpectation"/>, about its subject and transaction). Intact is not "decided on data": see <see cref="IsDegraded"/>.</summary>
    public bool IsValid => Problem == ReceiptProblem.None;

    /// <summary>True when the receipt is valid and records a degraded decision (<see cref="EvidenceReceipt.IsDegraded"/>):
    /// its outcome is the unavailability policy's or the last-known data's, not an answer of the lists. False
    /// otherwise; a format-1 receipt does not record it (its <see cref="EvidenceReceipt.IsDegraded"/> is null).</summary>
    public bool IsDegraded { get; init; }
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

    /// <summary>The receipt is genuine but about another subject than the one expected
    /// (<see cref="ReceiptExpectation.Subject"/>).</summary>
    SubjectMismatch = 4,

    /// <summary>The receipt is genuine but for another transaction than the one expected, or for none
    /// (<see cref="ReceiptExpectation.TransactionReference"/>).</summary>
    TransactionMismatch = 5,
}
