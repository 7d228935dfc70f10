namespace CreditCheck;

/// <summary>An entry the store holds for a subject but could not read (corrupt data): decisions list
/// it and are never <see cref="DecisionOutcome.Clear"/> over it.</summary>
/// <param name="Field">Where it is (list and entry id, or the storage field).</param>
/// <param name="Reason">Why it could not be read.</param>
public sealed record UnreadableEntry(string Field, string Reason);
