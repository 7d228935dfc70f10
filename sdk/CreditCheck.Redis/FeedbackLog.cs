using Microsoft.Extensions.Logging;

namespace CreditCheck.Redis;

/// <summary>The feedback reader's log message (3100s), in the assembly's one <c>Log</c> class.</summary>
internal static partial class Log
{
    [LoggerMessage(3101, LogLevel.Warning, "Feedback stream entry {Id} of namespace {Namespace} is skipped: {Reason}", EventName = "FeedbackEntryUnreadable")]
    public static partial void FeedbackEntryUnreadable(ILogger logger, string id, string @namespace, string reason);
}
