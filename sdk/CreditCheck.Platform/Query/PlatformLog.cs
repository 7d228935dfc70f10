using Microsoft.Extensions.Logging;

namespace CreditCheck.Platform;

/// <summary>The query-through store's log messages (4300s).</summary>
internal static partial class PlatformLog
{
    [LoggerMessage(4301, LogLevel.Warning, "The Sync stream from the credit platform {Platform} is lost ({Reason}); the cache is bypassed until it is back, retrying in {Delay}", EventName = "QueryThroughSyncLost")]
    public static partial void SyncLost(ILogger logger, string platform, string reason, TimeSpan delay);

    [LoggerMessage(4302, LogLevel.Warning, "The distributed cache failed ({Reason}); the platform answers without it", EventName = "QueryThroughCacheFailed")]
    public static partial void CacheFailed(ILogger logger, string reason);

    [LoggerMessage(4304, LogLevel.Warning, "The credit platform {Platform} answered {Call} wrongly ({Asked} subjects asked, {Answered} results): {Problems}. The subjects concerned are answered as if the platform were unavailable (OnUnavailable), never Clear, and not cached", EventName = "QueryThroughWrongAnswer")]
    public static partial void WrongAnswer(ILogger logger, string platform, string call, int asked, int answered, string problems);

    [LoggerMessage(4303, LogLevel.Information, "No IDistributedCache is registered: every check queries the credit platform {Platform}", EventName = "QueryThroughNoCache")]
    public static partial void NoCache(ILogger logger, string platform);
}
