namespace CreditCheck.Stores;

/// <summary>
/// A store whose batch lookups answer most subjects locally and read the rest remotely. The checker
/// decides the local answers while the remote read is in flight, so a batch costs the larger of the
/// two rather than their sum.
/// </summary>
/// <remarks>Optional: a store that implements only <see cref="ICreditStore.LookupManyAsync"/> is checked
/// the same, just without the overlap.</remarks>
public interface IStagedBatchLookup
{
    /// <summary>Before it first yields, fills the slots it can answer locally and marks them in
    /// <paramref name="answered"/>; the returned task fills every other slot (and never touches
    /// <paramref name="answered"/> again).</summary>
    /// <param name="subjects">The batch's subjects.</param>
    /// <param name="lookups">One slot per subject, to fill; the array may be longer (the checker pools it):
    /// only the first <c>subjects.Count</c> slots are read.</param>
    /// <param name="answered">One flag per subject, all false on entry: set for the slots filled before the
    /// first yield. It may be longer, like <paramref name="lookups"/>.</param>
    /// <param name="cancellationToken">Cancels the remote read.</param>
    /// <returns>Completes when every slot is filled.</returns>
    ValueTask LookupManyAsync(IReadOnlyList<SubjectId> subjects, SubjectLookup[] lookups, bool[] answered, CancellationToken cancellationToken);
}
