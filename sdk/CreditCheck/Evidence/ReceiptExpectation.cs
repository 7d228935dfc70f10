namespace CreditCheck;

/// <summary>What a receipt filed as evidence must be about: the subject of the file and, when the file is
/// for one transaction, that transaction. Pass it to
/// <see cref="EvidenceSignerExtensions.Verify(IEvidenceSigner, EvidenceReceipt, ReceiptExpectation)"/>.</summary>
/// <remarks>Immutable.</remarks>
public sealed record ReceiptExpectation
{
    /// <summary>Creates an expectation of a subject.</summary>
    /// <param name="subject">The supplier, bidder or applicant the file is about; must not be <c>default</c>.</param>
    /// <exception cref="ArgumentException">The subject is empty.</exception>
    public ReceiptExpectation(SubjectId subject)
    {
        if (subject.IsEmpty)
        {
            throw new ArgumentException("The expected subject is empty; parse it with SubjectId.Parse first.", nameof(subject));
        }

        Subject = subject;
    }

    /// <summary>The subject the receipt must be about.</summary>
    public SubjectId Subject { get; }

    /// <summary>The transaction reference (办件编号, 项目编号) the receipt must carry, compared exactly; null (the
    /// default): not checked. A receipt with no transaction, or of format 1 (which records none), fails when
    /// one is expected.</summary>
    public string? TransactionReference { get; init; }
}

/// <summary>The safe way to check a receipt kept as evidence: signature, subject and transaction at once.</summary>
public static class EvidenceSignerExtensions
{
    /// <summary>Checks a receipt as <see cref="IEvidenceSigner.Verify(EvidenceReceipt)"/> does, and then that it is
    /// about the expected subject and, when one is expected, for the expected transaction: a genuine receipt
    /// filed under another supplier or another tender fails, naming the mismatch.</summary>
    /// <param name="signer">The signer holding the receipt's key.</param>
    /// <param name="receipt">The receipt.</param>
    /// <param name="expected">The subject (and transaction) of the file the receipt is kept in.</param>
    /// <returns>Valid (with <see cref="ReceiptVerification.IsDegraded"/> when the decision was degraded), or the
    /// first problem: a malformed field, an unknown key, a bad signature,
    /// <see cref="ReceiptProblem.SubjectMismatch"/> or <see cref="ReceiptProblem.TransactionMismatch"/>.</returns>
    public static ReceiptVerification Verify(this IEvidenceSigner signer, EvidenceReceipt receipt, ReceiptExpectation expected)
    {
        ArgumentNullException.ThrowIfNull(signer);
        ArgumentNullException.ThrowIfNull(receipt);
        ArgumentNullException.ThrowIfNull(expected);
        var verification = signer.Verify(receipt);
        if (!verification.IsValid)
        {
            return verification;
        }

        if (!signer.IsAbout(receipt, expected.Subject))
        {
            return new ReceiptVerification(ReceiptProblem.SubjectMismatch,
                $"The receipt is genuine but not about {expected.Subject.Masked}: it is another subject's receipt.");
        }

        if (expected.TransactionReference is { } transaction && !string.Equals(receipt.TransactionReference, transaction, StringComparison.Ordinal))
        {
            return new ReceiptVerification(ReceiptProblem.TransactionMismatch, receipt.FormatVersion == 1
                ? $"The receipt is genuine but of format 1, which records no transaction: it cannot show that the check was made for transaction '{transaction}'."
                : receipt.TransactionReference is null
                    ? $"The receipt is genuine but names no transaction: the check was not made for transaction '{transaction}'."
                    : $"The receipt is genuine but for transaction '{receipt.TransactionReference}', not '{transaction}'.");
        }

        return verification;
    }
}
