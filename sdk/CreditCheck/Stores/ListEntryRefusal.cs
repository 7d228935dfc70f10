namespace CreditCheck.Stores;

/// <summary>Why <see cref="ListEntryRules"/> refuses an entry.</summary>
/// <param name="Message">In English, for developers and logs.</param>
/// <param name="ChineseMessage">In Chinese, for the operator who loads the file.</param>
public sealed record ListEntryRefusal(string Message, string ChineseMessage);
