using Microsoft.Extensions.Logging;

namespace CreditCheck;

/// <summary>Every log message of the SDK, with stable event ids. Subjects are always masked.</summary>
internal static partial class Log
{
    [LoggerMessage(1001, LogLevel.Information, "Catalog {Version} compiled: {Lists} lists, {Measures} measures, {Scenarios} scenarios", EventName = "CatalogCompiled")]
    public static partial void CatalogCompiled(ILogger logger, string version, int lists, int measures, int scenarios);

    [LoggerMessage(1002, LogLevel.Debug, "Check {CheckId} of {Subject} in {Scenario}: {Outcome} via {Path} {DegradedReason}", EventName = "Decided")]
    public static partial void Decided(ILogger logger, Guid checkId, string subject, string scenario, DecisionOutcome outcome, DecisionPath path, string? degradedReason);

    [LoggerMessage(1003, LogLevel.Warning, "The credit store failed while checking {Subject}; the unavailability policy applies", EventName = "StoreFailed")]
    public static partial void StoreFailed(ILogger logger, Exception exception, string subject);

    [LoggerMessage(1101, LogLevel.Information, "In-memory store loaded {Entries} entries from {Files} files in {Directory} (catalog {Version})", EventName = "InMemorySeeded")]
    public static partial void InMemorySeeded(ILogger logger, int entries, int files, string directory, string version);

    [LoggerMessage(1102, LogLevel.Error, "In-memory feedback file: {Problem}", EventName = "InMemoryFeedbackFileDamaged")]
    public static partial void FeedbackFileDamaged(ILogger logger, string problem);
}
