using System.Globalization;

namespace CreditCheck;

/// <summary>
/// Signed evidence of one decision: which check, about which subject (a keyed hash, never the plain
/// identifier), for which transaction, in which scenario, with what outcome, whether it was degraded and by
/// which path, from which list entries, which of the scenario's lists the store held no data of, on which catalog version
/// and feed sequence, and when. Made by <see cref="IEvidenceSigner.Sign"/>; any change to any field
/// makes <see cref="IEvidenceSigner.Verify"/> fail.
/// </summary>
/// <remarks>
/// <para>Two forms: <see cref="ToJson"/> (a JSON object; whitespace and property order may change in
/// storage, values may not) and <see cref="ToCompactString"/> (one URL-safe string,
/// <c>ccr3.{payload}.{signature}</c>, or <c>ccr2.…</c>, <c>ccr1.…</c> for receipts of formats 2 and 1). Both parse back strictly: a value not in its one canonical form
/// is refused, so no altered byte goes unnoticed.</para>
/// <para>Immutable; equal when every field is equal.</para>
/// </remarks>
public sealed record EvidenceReceipt
{
    /// <summary>The id of the key that signed it (and keyed <see cref="SubjectKey"/>).</summary>
    public required string KeyId { get; init; }

    /// <summary>The decision's <see cref="CreditDecision.CheckId"/>.</summary>
    public required Guid CheckId { get; init; }

    /// <summary>HMAC-SHA256 of the subject's kind and canonical identifier under the key, first 128 bits,
    /// base64url: confirms the subject to someone who knows it and the key (<see cref="IEvidenceSigner.IsAbout"/>),
    /// discloses nothing to anyone else.</summary>
    public required string SubjectKey { get; init; }

    /// <summary>The scenario code checked.</summary>
    public required string Scenario { get; init; }

    /// <summary>The decision's outcome.</summary>
    public required DecisionOutcome Outcome { get; init; }

    /// <summary>Every entry the decision found, as <c>list:entryId</c>, in the decision's order.</summary>
    public required IReadOnlyList<string> EntryIds { get; init; }

    /// <summary>The catalog version decided on.</summary>
    public required string CatalogVersion { get; init; }

    /// <summary>The store's feed sequence decided on.</summary>
    public required long Sequence { get; init; }

    /// <summary>When the decision was made (UTC).</summary>
    public required DateTimeOffset EvaluatedAt { get; init; }

    /// <summary>HMAC-SHA256 over a length-prefixed encoding of every other field, base64url.</summary>
    public required string Signature { get; init; }

    /// <summary>The receipt format: <c>3</c> for receipts <see cref="IEvidenceSigner.Sign"/> makes now;
    /// <c>2</c> for receipts signed before the format recorded <see cref="ListsNotHeld"/> (null in it);
    /// <c>1</c> for receipts signed before the format recorded <see cref="IsDegraded"/>, <see cref="Path"/>
    /// and <see cref="TransactionReference"/> (they are null in it). Receipts of formats 1 and 2 still verify. Default 1,
    /// so that a receipt built by hand without it is read as the first format.</summary>
    public int FormatVersion { get; init; } = 1;

    /// <summary>Whether the decision was degraded (<see cref="CreditDecision.IsDegraded"/>): made without current
    /// data, by the unavailability policy or on last-known entries, so its outcome is not an answer of the lists
    /// (a <c>FailOpen</c> <see cref="DecisionOutcome.Clear"/> says nothing of the subject); or, with
    /// <see cref="ListsNotHeld"/> and a path of the store, answered Review by the host's policy for lists not held.
    /// Null in a format-1 receipt, which does not record it.</summary>
    public bool? IsDegraded { get; init; }

    /// <summary>Which path produced the decision (<see cref="CreditDecision.Path"/>), e.g.
    /// <see cref="DecisionPath.Policy"/> for an answer of the unavailability policy. Null in a format-1 receipt.</summary>
    public DecisionPath? Path { get; init; }

    /// <summary>The host's transaction reference (办件编号, 项目编号) the check was made for
    /// (<see cref="CheckRequest.TransactionReference"/>), or null when none was given (and in a format-1 receipt).
    /// Compare it with the transaction of the file the receipt is kept in.</summary>
    public string? TransactionReference { get; init; }

    /// <summary>The codes of the catalog's lists acting in the decision's scenario that the store held no data of
    /// (<see cref="CreditDecision.ListsNotHeld"/>), sorted in ordinal order: a subject on them was not found, so the
    /// outcome (a <see cref="DecisionOutcome.Clear"/> above all) answers only for the other lists. Empty when the store
    /// held every such list (or did not say, as the embedded store does not); null in a receipt of format 1 or 2, which
    /// does not record it.</summary>
    public IReadOnlyList<string>? ListsNotHeld { get; init; }

    /// <summary>Reads a receipt from its JSON form.</summary>
    /// <param name="json">What <see cref="ToJson"/> wrote (whitespace and property order may differ).</param>
    /// <returns>The receipt; verify it with <see cref="IEvidenceSigner.Verify"/>.</returns>
    /// <exception cref="FormatException">Not JSON, not an object, a property missing, unknown or twice, or
    /// a value not in its canonical form; the message names it.</exception>
    public static EvidenceReceipt Parse(string json) => ReceiptCodec.ParseJson(json);

    /// <summary>Reads a receipt from its compact form.</summary>
    /// <param name="text">What <see cref="ToCompactString"/> wrote.</param>
    /// <returns>The receipt; verify it with <see cref="IEvidenceSigner.Verify"/>.</returns>
    /// <exception cref="FormatException">Not a compact receipt; the message says which part is wrong.</exception>
    public static EvidenceReceipt ParseCompact(string text) => ReceiptCodec.ParseCompact(text);

    /// <summary>The receipt as one JSON object, without whitespace.</summary>
    public string ToJson() => ReceiptCodec.ToJson(this);

    /// <summary>The receipt as one URL-safe string: <c>ccr3.{base64url payload}.{base64url signature}</c>
    /// (<c>ccr2</c>, <c>ccr1</c> for receipts of formats 2 and 1).</summary>
    /// <exception cref="FormatException">A field is malformed (a receipt built by hand).</exception>
    public string ToCompactString() => ReceiptCodec.ToCompact(this);

    /// <summary>Field-by-field equality (the entry ids and list codes compared in order).</summary>
    /// <param name="other">Another receipt.</param>
    /// <returns>True when every field is equal.</returns>
    public bool Equals(EvidenceReceipt? other) =>
        other is not null
        && KeyId == other.KeyId
        && CheckId == other.CheckId
        && SubjectKey == other.SubjectKey
        && Scenario == other.Scenario
        && Outcome == other.Outcome
        && EntryIds.SequenceEqual(other.EntryIds)
        && CatalogVersion == other.CatalogVersion
        && Sequence == other.Sequence
        && EvaluatedAt.UtcTicks == other.EvaluatedAt.UtcTicks
        && Signature == other.Signature
        && FormatVersion == other.FormatVersion
        && IsDegraded == other.IsDegraded
        && Path == other.Path
        && TransactionReference == other.TransactionReference
        && (ListsNotHeld is null ? other.ListsNotHeld is null : other.ListsNotHeld is not null && ListsNotHeld.SequenceEqual(other.ListsNotHeld));

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(KeyId, CheckId, Signature);

    /// <summary>The check, outcome (marked degraded when it was, and with the lists not held when there are any) and
    /// key id, for logs.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"Receipt {CheckId} {Outcome}{(IsDegraded == true ? $" (degraded, {Path})" : "")}{(ListsNotHeld is { Count: > 0 } notHeld ? $" (lists not held: {string.Join(", ", notHeld)})" : "")} @ {Scenario} (key {KeyId})");
}
