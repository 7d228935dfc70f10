namespace CreditCheck.Cli;

/// <summary>The tool's exit codes, documented in the README; scripts rely on them.</summary>
internal static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>Invalid input: a bad file, row, identifier or catalog. Nothing was written.</summary>
    public const int InvalidInput = 1;

    /// <summary>Usage: an unknown command or option, a missing argument.</summary>
    public const int Usage = 2;

    /// <summary>The store is not configured or cannot be reached.</summary>
    public const int StoreUnavailable = 3;

    /// <summary>A conflict: another import of the list is running, the list changed meanwhile, or the
    /// namespace belongs to another secret.</summary>
    public const int Conflict = 4;

    /// <summary>The subject or entry named does not exist.</summary>
    public const int NotFound = 5;

    /// <summary>Partly done: some lines of <c>check --file</c> were not valid identifiers (every valid line
    /// was checked and written, the invalid ones are listed), or the platform commands set aside records the
    /// platform rejected or changes the SDK refused.</summary>
    public const int SomeLinesInvalid = 6;

    /// <summary>Damaged data: <c>verify</c> found entries missing from Redis (deleted or evicted) or a damaged list;
    /// <c>receipt verify</c> found a receipt that does not verify (altered, another key, subject or transaction);
    /// <c>feedback export</c> or <c>report</c> found the feedback stream gone after deliveries; an import or <c>check</c>
    /// found keys of the namespace missing (evicted, deleted, lost in a restart).</summary>
    public const int DataDamaged = 7;

    /// <summary>A fault of the tool itself (please report it).</summary>
    public const int InternalError = 70;
}

/// <summary>An error the tool reports in one line and maps to an exit code.</summary>
internal sealed class CliException(int exitCode, string message) : Exception(message)
{
    /// <summary>An error for the operator: the Chinese text first, then the English one
    /// (<c>中文 — English</c>), so that scripts and developers still find the English words.</summary>
    public CliException(int exitCode, string chinese, string english)
        : this(exitCode, $"{chinese} — {english}")
    {
    }

    public int ExitCode { get; } = exitCode;
}
