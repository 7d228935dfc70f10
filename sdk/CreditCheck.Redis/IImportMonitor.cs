using CreditCheck.Stores;

namespace CreditCheck.Redis;

/// <summary>
/// Follows an import as Redis stages it, for the operator tool: an entry given twice is found in
/// Redis (the staged index already holds it), so the tool keeps no per-row memory of the file.
/// Called on the importing flow, between two records pulled from the source, never concurrently.
/// </summary>
public interface IImportMonitor
{
    /// <summary>The record at <paramref name="position"/> (0-based, in the order the source gave them)
    /// repeats an entry staged earlier in this import: with the same content (staged once), or with
    /// different content (<paramref name="differs"/>; not staged, the earlier one stands).</summary>
    /// <param name="position">The record's position in the import.</param>
    /// <param name="record">The record.</param>
    /// <param name="differs">Whether its content differs from the entry staged first.</param>
    void Repeated(long position, ListRecord record, bool differs);

    /// <summary>Every record is staged, nothing is committed yet: throw to refuse the import (the
    /// staged data is then dropped).</summary>
    void Staged();
}
