using CreditCheck.Stores;

namespace CreditCheck.ListFiles;

/// <summary>One row of a list file: the record it holds, or why it cannot be used.</summary>
/// <param name="Line">1-based line (CSV) or 1-based entry index (JSON) where the row starts.</param>
/// <param name="Record">The record, when the row is valid.</param>
/// <param name="Problems">Every problem of the row; empty when valid.</param>
/// <param name="Fields">The row's fields as read (CSV only), to write rejected rows back out.</param>
public sealed record ListFileRow(int Line, ListRecord? Record, IReadOnlyList<ListFileProblem> Problems, IReadOnlyList<string>? Fields = null)
{
    /// <summary>The problem is the whole file's, not one row's (not text, malformed JSON, a header that cannot be
    /// used, another list's file): no row of it may go in, whatever is done with bad rows.</summary>
    public bool SpoilsFile { get; init; }
}

/// <summary>A problem of one row of a list file.</summary>
/// <param name="Source">The file.</param>
/// <param name="Line">The line (CSV) or entry index (JSON).</param>
/// <param name="Column">The column or property, or null for the whole row.</param>
/// <param name="Message">What is wrong, in English (for developers and logs).</param>
public sealed record ListFileProblem(string Source, int Line, string? Column, string Message)
{
    /// <summary>What is wrong, in Chinese, for the operator who loads the file; null when only the English
    /// text is known (a problem built by other code).</summary>
    public string? ChineseMessage { get; init; }

    /// <summary>What an operator reads: the Chinese text, then the English (<c>中文 — English</c>), or the
    /// English alone when there is no Chinese text.</summary>
    public string OperatorMessage => ChineseMessage is null ? Message : $"{ChineseMessage} — {Message}";

    /// <summary>The problem as one line for logs and exceptions: <c>file:line, column C: message</c>, in English.</summary>
    /// <returns>The line.</returns>
    public override string ToString() =>
        Column is null ? $"{Source}:{Line}: {Message}" : $"{Source}:{Line}, column {Column}: {Message}";
}
