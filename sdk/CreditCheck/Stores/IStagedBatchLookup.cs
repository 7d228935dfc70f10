namespace CreditCheck.Stores;

/// <summary>
/// A store whose batch lookups answer most subjects locally and read the rest remotely. The checker
/// decides the local answers while the remote read is in flight, so a batch costs the larger of the
/// two rather than their sum.
/// </summary>
internal interface IStagedBatchLookup
{
    /// <summary>Before it first yields, fills the slots it can answer locally and marks them in
    /// <paramref name="answered"/>; the returned task fills every other slot (and never touches
    /// <paramref name="answered"/> again).</summary>
    ValueTask LookupManyAsync(IReadOnlyList<SubjectId> subjects, SubjectLookup[] lookups, bool[] answered, CancellationToken cancellationToken);
}
