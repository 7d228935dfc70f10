using Microsoft.Extensions.Logging;

namespace CreditCheck.Platform;

/// <summary>The feedback forwarder's log messages (4200s).</summary>
internal static partial class ForwarderLog
{
    [LoggerMessage(4201, LogLevel.Warning, "Feedback forwarding of namespace {Namespace} failed ({Reason}); the batch stays pending, retrying in {Delay}", EventName = "FeedbackForwardRetrying")]
    public static partial void Retrying(ILogger logger, string @namespace, string reason, TimeSpan delay);

    [LoggerMessage(4202, LogLevel.Error, "Feedback record {Key} (stream entry {Id} of namespace {Namespace}) is set aside in {DeadLetter}: {Reason}", EventName = "FeedbackSetAside")]
    public static partial void SetAside(ILogger logger, string key, string id, string @namespace, string reason, string deadLetter);

    [LoggerMessage(4203, LogLevel.Warning, "The platform did not acknowledge {Count} feedback records of namespace {Namespace} (first key {Key}); they stay pending and are sent again", EventName = "FeedbackUnanswered")]
    public static partial void Unanswered(ILogger logger, string @namespace, int count, string key);

    [LoggerMessage(4204, LogLevel.Information, "Trimmed {Count} acknowledged feedback entries of namespace {Namespace} before {MinId}", EventName = "FeedbackTrimmed")]
    public static partial void Trimmed(ILogger logger, string @namespace, long count, string minId);
}
