using Microsoft.Extensions.Logging;

namespace CreditCheck;

/// <summary>Feedback delivery's log messages (3000s), in the assembly's one <c>Log</c> class.</summary>
internal static partial class Log
{
    [LoggerMessage(3001, LogLevel.Information, "Feedback journal {Path}: {Records} records from a previous run to deliver", EventName = "FeedbackJournalReplayed")]
    public static partial void FeedbackJournalReplayed(ILogger logger, string path, long records);

    [LoggerMessage(3002, LogLevel.Warning, "Feedback journal {Path} ended with a torn write ({Lines} line(s), {Bytes} bytes, never acknowledged); cut at offset {Offset}, bytes kept in {Kept}", EventName = "FeedbackJournalTorn")]
    public static partial void FeedbackJournalTorn(ILogger logger, string path, int lines, long bytes, long offset, string kept);

    [LoggerMessage(3003, LogLevel.Error, "Feedback journal {Path} has a damaged line at offset {Offset} ({Reason}); it is skipped and kept in {Kept}", EventName = "FeedbackJournalDamaged")]
    public static partial void FeedbackJournalDamaged(ILogger logger, string path, long offset, string reason, string kept);

    [LoggerMessage(3004, LogLevel.Warning, "Delivering {Records} feedback records to {Sink} failed (attempt {Attempt}); retrying in {Delay}", EventName = "FeedbackDeliveryFailed")]
    public static partial void FeedbackDeliveryFailed(ILogger logger, Exception exception, int records, string sink, int attempt, TimeSpan delay);

    [LoggerMessage(3005, LogLevel.Information, "Feedback delivery to {Sink} works again after {Attempts} failed attempts", EventName = "FeedbackDeliveryRestored")]
    public static partial void FeedbackDeliveryRestored(ILogger logger, string sink, int attempts);

    [LoggerMessage(3006, LogLevel.Warning, "Feedback buffer full ({Capacity} records): records overflow into the journal only and are delivered from it later", EventName = "FeedbackOverflowJournaled")]
    public static partial void FeedbackOverflowJournaled(ILogger logger, int capacity);

    [LoggerMessage(3007, LogLevel.Error, "Feedback buffer full ({Capacity} records) and no journal configured: records are dropped until delivery catches up", EventName = "FeedbackOverflowDropped")]
    public static partial void FeedbackOverflowDropped(ILogger logger, int capacity);

    [LoggerMessage(3008, LogLevel.Information, "Feedback buffer has room again; {Records} records overflowed meanwhile ({Dropped} dropped)", EventName = "FeedbackOverflowEnded")]
    public static partial void FeedbackOverflowEnded(ILogger logger, long records, long dropped);

    [LoggerMessage(3009, LogLevel.Warning, "{Records} feedback records were not delivered to {Sink} before shutdown: {Fate}", EventName = "FeedbackUndelivered")]
    public static partial void FeedbackUndelivered(ILogger logger, long records, string sink, string fate);

    [LoggerMessage(3010, LogLevel.Debug, "Feedback journal {Path} compacted: {Removed} delivered bytes removed, {Kept} bytes kept", EventName = "FeedbackJournalCompacted")]
    public static partial void FeedbackJournalCompacted(ILogger logger, string path, long removed, long kept);

    [LoggerMessage(3013, LogLevel.Warning, "Feedback {Key} was already recorded as {Recorded}; this report of {Reported} is not recorded (a report is final) and the caller is answered with the record kept", EventName = "FeedbackRepeatNotRecorded")]
    public static partial void FeedbackRepeatNotRecorded(ILogger logger, string key, ExecutionResult recorded, ExecutionResult reported);

    [LoggerMessage(3014, LogLevel.Warning, "Could not ask {Sink} whether {Records} feedback record(s) were already reported through another process; they are accepted, and the store keeps the first record of each key when they are delivered. Reports are not held up asking it again for {Pause}", EventName = "FeedbackRepeatsNotChecked")]
    public static partial void FeedbackRepeatsNotChecked(ILogger logger, Exception exception, string sink, int records, TimeSpan pause);

    [LoggerMessage(3015, LogLevel.Information, "Feedback {Key} was already held by {Sink}, reported at {ReportedAt} (through another process); that record is kept and this one was not stored again", EventName = "FeedbackKeptByStore")]
    public static partial void FeedbackKeptByStore(ILogger logger, string key, string sink, DateTimeOffset reportedAt);

    [LoggerMessage(3012, LogLevel.Error, "Feedback journal {Path} failed ({Attempt} in a row); retrying in {Delay}; the records in it are kept", EventName = "FeedbackJournalFailed")]
    public static partial void FeedbackJournalFailed(ILogger logger, Exception exception, string path, int attempt, TimeSpan delay);

    [LoggerMessage(3011, LogLevel.Warning, "Feedback journal {Path}: {Reason}; every record in it is delivered again (a consumer drops the duplicates by key)", EventName = "FeedbackCheckpointIgnored")]
    public static partial void FeedbackCheckpointIgnored(ILogger logger, string path, string reason);
}
