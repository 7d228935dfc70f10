namespace CreditCheck.Server;

/// <summary>The service's log messages (event ids 4001–4099).</summary>
internal static partial class Log
{
    [LoggerMessage(4001, LogLevel.Information, "CreditCheck service listening on {Addresses}; store: {Store}; clients: {Clients}", EventName = "ServerStarted")]
    public static partial void Started(ILogger logger, string addresses, string store, string clients);

    [LoggerMessage(4002, LogLevel.Warning, "No client is configured: only loopback callers are served", EventName = "LoopbackOnly")]
    public static partial void LoopbackOnly(ILogger logger);

    [LoggerMessage(4003, LogLevel.Warning, "Kestrel offers no per-connection protocol choice: prior-knowledge h2c (gRPC over http://) is not available on HTTP/1.1 endpoints; use TLS or an Http2-only endpoint", EventName = "H2cUnavailable")]
    public static partial void H2cUnavailable(ILogger logger);

    [LoggerMessage(4004, LogLevel.Information, "Client {Client} rate-limited on {Path}", EventName = "RateLimited")]
    public static partial void RateLimited(ILogger logger, string client, string path);

    [LoggerMessage(4005, LogLevel.Information, "Feedback is acknowledged (202) {How}", EventName = "FeedbackAcknowledgement")]
    public static partial void FeedbackAcknowledgement(ILogger logger, string how);

    [LoggerMessage(4006, LogLevel.Warning, "Feedback on check {CheckId} was not acknowledged (503): {Reason}", EventName = "FeedbackNotAcknowledged")]
    public static partial void FeedbackNotAcknowledged(ILogger logger, Guid checkId, string reason);
}
