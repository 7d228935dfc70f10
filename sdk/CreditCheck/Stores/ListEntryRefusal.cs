using CreditCheck.ListFiles;

namespace CreditCheck.Stores;

/// <summary>Why <see cref="ListEntryRules"/> refuses an entry.</summary>
/// <param name="Message">In English, for developers and logs.</param>
/// <param name="ChineseMessage">In Chinese, for the operator who loads the file.</param>
public sealed record ListEntryRefusal(string Message, string ChineseMessage)
{
    /// <summary>The fields the refusal is about, as a list file's columns (the end date, then the start date, of an entry
    /// that ends before it starts); empty when it concerns the entry as a whole. A tool that read the entry from a file
    /// names these columns with the row.</summary>
    public IReadOnlyList<ListColumn> Columns { get; init; } = [];
}
