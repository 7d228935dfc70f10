namespace CreditCheck.Redis;

/// <summary>An import could not run or commit because of another writer: an import of the same list
/// in progress, or a single-entry change to the list meanwhile. Nothing was changed.</summary>
/// <param name="message">What conflicted, and what to do.</param>
public sealed class ImportConflictException(string message) : InvalidOperationException(message)
{
    /// <summary>The same in Chinese, for the operator's screen; null when only the English is given.</summary>
    public string? ChineseMessage { get; init; }
}
