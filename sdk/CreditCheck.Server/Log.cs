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

    [LoggerMessage(4007, LogLevel.Information, "Feedback reported to another instance is relayed here when this instance made the check: listening on {Channel}", EventName = "RelayListening")]
    public static partial void RelayListening(ILogger logger, string channel);

    [LoggerMessage(4008, LogLevel.Warning, "Feedback relay unavailable: cannot listen on {Channel} ({Reason}); a report reaching an instance other than the one that made its check is answered 404 unknown-check. An ACL user needs the channel (&{Channel}) and PUBLISH; retrying quietly", EventName = "RelayUnavailable")]
    public static partial void RelayUnavailable(ILogger logger, string channel, string reason);

    [LoggerMessage(4009, LogLevel.Information, "Feedback on check {CheckId}, made by another instance, relayed to it: {Status}", EventName = "Relayed")]
    public static partial void Relayed(ILogger logger, Guid checkId, int status);

    [LoggerMessage(4010, LogLevel.Information, "Feedback on check {CheckId}, reported to another instance, taken here: {Status}", EventName = "AnsweredForAnother")]
    public static partial void AnsweredForAnother(ILogger logger, Guid checkId, int status);

    [LoggerMessage(4011, LogLevel.Warning, "Feedback relay for check {CheckId} failed: {Reason}", EventName = "RelayFailed")]
    public static partial void RelayFailed(ILogger logger, Guid checkId, string reason);

    [LoggerMessage(4012, LogLevel.Warning, "A message on the feedback relay channel is unreadable and was ignored: {Reason}", EventName = "RelayMessageUnreadable")]
    public static partial void RelayMessageUnreadable(ILogger logger, string reason);
}
