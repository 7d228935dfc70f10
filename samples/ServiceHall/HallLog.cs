using CreditCheck;
using CreditCheck.Adapters.Approval;

namespace ServiceHall;

/// <summary>The page's log events: the English detail behind what the clerk sees in Chinese.</summary>
internal static partial class HallLog
{
    [LoggerMessage(EventId = 9001, Level = LogLevel.Information, Message = "Identifier refused as {Kind}: {Code} at position {Position}: {Reason}")]
    public static partial void IdentifierRefused(ILogger logger, SubjectKind kind, SubjectIdErrorCode code, int? position, string reason);

    [LoggerMessage(EventId = 9005, Level = LogLevel.Information, Message = "Identifier refused as either kind: {Code}: {Reason}", EventName = "IdentifierRefusedAsEither")]
    public static partial void IdentifierRefusedAsEither(ILogger logger, SubjectIdErrorCode code, string reason);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Warning, Message = "Check {CheckId} ({Party}) was decided degraded: {Reason}")]
    public static partial void DecidedDegraded(ILogger logger, Guid checkId, ApplicationParty party, string? reason);

    [LoggerMessage(EventId = 9003, Level = LogLevel.Warning, Message = "Feedback for application {ApplicationId} could not be recorded: {Reason}")]
    public static partial void FeedbackFailed(ILogger logger, Exception exception, string applicationId, string reason);

    [LoggerMessage(EventId = 9004, Level = LogLevel.Information, Message = "A form the framework refused was read as it came, so the page can name the character ({Reason})")]
    public static partial void FormReadTolerantly(ILogger logger, string reason);
}
