using Microsoft.Extensions.Options;

namespace CreditCheck;

/// <summary>Options of feedback delivery (<see cref="ICreditFeedback"/>). Validated when the host starts
/// (or on first use without a host). Bound from <c>CreditCheck:Feedback</c> by
/// <c>AddCreditCheck(IConfiguration)</c>; set in code with <c>.ConfigureFeedback(o => …)</c>.</summary>
public sealed class FeedbackOptions
{
    /// <summary>The configuration section, under <see cref="CreditCheckOptions.SectionName"/>.</summary>
    public const string SectionName = "Feedback";

    /// <summary>An append-only journal file: each record is written and flushed to disk before
    /// <see cref="ICreditFeedback.ReportAsync"/> returns, and what a crash left undelivered is delivered
    /// at the next start. Its folder must exist; one process per file. Default: none (records wait in
    /// memory only, and are lost if the process dies before they are delivered).</summary>
    public string? JournalPath { get; set; }

    /// <summary>How many records wait in memory for delivery. Past it, records overflow: counted and
    /// logged; with a journal they are delivered from it later, without one they are dropped.
    /// Default 10,000; between 1 and 10,000,000.</summary>
    public int BufferCapacity { get; set; } = 10_000;

    /// <summary>The most records delivered in one write to the store. Default 100; between 1 and 10,000.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>The wait before the first retry of a failed delivery; it doubles with each failure up to
    /// <see cref="MaxRetryDelay"/>. Default 200 ms; between 10 ms and 1 minute.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest wait between retries. Default 30 s; at least <see cref="RetryDelay"/>, at most 1 hour.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long stopping the host waits for the backlog to be delivered. Default 5 s; at most 5 minutes.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>When the delivered part of the journal reaches this many bytes (and is at least as large
    /// as the undelivered rest), the journal is rewritten without it. Default 1 MiB; between 4 KiB and 1 GiB.</summary>
    public long JournalCompactBytes { get; set; } = 1 << 20;

    /// <summary>Without a journal: whether <see cref="ICreditFeedback.ReportAsync"/> returns only once the store
    /// has taken the records (their batch delivered), so that nothing acknowledged is lost when the process dies.
    /// A report the memory buffer cannot take, or that the store does not take within
    /// <see cref="AcknowledgeTimeout"/>, is then not acknowledged (an <see cref="IOException"/>; reported again,
    /// its records keep their keys) instead of being dropped or left in memory. Concurrent reports share one
    /// delivery. With a journal it changes nothing: the journal's flush acknowledges. Default false (the
    /// records are acknowledged once queued in memory); the service (<c>CreditCheck.Server</c>) always sets it.</summary>
    public bool AcknowledgeOnDelivery { get; set; }

    /// <summary>How long a report waits for the store with <see cref="AcknowledgeOnDelivery"/> (and no journal), from
    /// the report's start: the store's lookup of repeats counts against it. Default 10 s; between 100 ms and 5 minutes.</summary>
    public TimeSpan AcknowledgeTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>Says exactly which feedback option is wrong and what is allowed.</summary>
internal sealed class FeedbackOptionsValidator : IValidateOptions<FeedbackOptions>
{
    private const string Prefix = "CreditCheck:Feedback:";

    public ValidateOptionsResult Validate(string? name, FeedbackOptions options)
    {
        var failures = new List<string>();
        if (options.JournalPath is { } path)
        {
            CheckJournalPath(path, failures);
        }

        if (options.BufferCapacity is < 1 or > 10_000_000)
        {
            failures.Add($"{Prefix}BufferCapacity is {options.BufferCapacity}; it must be between 1 and 10000000.");
        }

        if (options.BatchSize is < 1 or > 10_000)
        {
            failures.Add($"{Prefix}BatchSize is {options.BatchSize}; it must be between 1 and 10000.");
        }

        Range(failures, nameof(options.RetryDelay), options.RetryDelay, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(1));
        Range(failures, nameof(options.MaxRetryDelay), options.MaxRetryDelay, options.RetryDelay, TimeSpan.FromHours(1));
        Range(failures, nameof(options.ShutdownTimeout), options.ShutdownTimeout, TimeSpan.Zero, TimeSpan.FromMinutes(5));
        Range(failures, nameof(options.AcknowledgeTimeout), options.AcknowledgeTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5));
        if (options.JournalCompactBytes is < 4096 or > 1L << 30)
        {
            failures.Add($"{Prefix}JournalCompactBytes is {options.JournalCompactBytes}; it must be between 4096 and 1073741824.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckJournalPath(string path, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            failures.Add($"{Prefix}JournalPath is blank; leave it unset for no journal, or name a file.");
            return;
        }

        string full;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            failures.Add($"{Prefix}JournalPath '{path}' is not a valid path: {e.Message}");
            return;
        }

        if (Directory.Exists(full))
        {
            failures.Add($"{Prefix}JournalPath '{path}' is a folder; name a file in it, e.g. '{Path.Combine(path, "feedback.journal")}'.");
        }
        else if (Path.GetDirectoryName(full) is { } folder && !Directory.Exists(folder))
        {
            failures.Add($"{Prefix}JournalPath '{path}': the folder '{folder}' does not exist.");
        }
    }

    private static void Range(List<string> failures, string name, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            failures.Add($"{Prefix}{name} is {value}; it must be between {min} and {max}.");
        }
    }
}
