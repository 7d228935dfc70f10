namespace CreditCheck.Adapters.Approval;

/// <summary>
/// A host plug-in that knows how its matters (事项) map to catalog scenarios — typically backed by the
/// host's own 事项目录. Register with <c>.AddApprovalAdapter(...).AddMatterMap&lt;T&gt;()</c>, or let the
/// builder find every implementation in an assembly with <c>.ScanMatterMaps(assembly)</c> (opt-in).
/// </summary>
/// <remarks>
/// Registered as a singleton and called concurrently: implementations must be thread-safe and fast
/// (no I/O per call). Configuration (<see cref="ApprovalOptions.Matters"/>) wins over every map; two
/// maps that both answer for the same matter are a configuration error, reported when it is used.
/// </remarks>
public interface IMatterScenarioMap
{
    /// <summary>The settings of a matter, or null when this map does not know it.</summary>
    /// <param name="matterCode">The host's matter code, as in <see cref="ApprovalApplication.MatterCode"/>.</param>
    /// <param name="kind">The matter's kind, as the application gives it.</param>
    /// <returns>The matter's settings; members left null fall back to <see cref="ApprovalOptions"/>.</returns>
    MatterSettings? Map(string matterCode, MatterKind kind);
}
