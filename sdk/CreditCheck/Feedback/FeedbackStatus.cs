namespace CreditCheck;

/// <summary>What feedback delivery has done since the process started, for health checks and metrics.</summary>
/// <param name="Backlog">Records acknowledged and not delivered yet (in memory or, with a journal, in it).</param>
/// <param name="Buffered">Of the backlog, the records waiting in memory.</param>
/// <param name="Delivered">Records delivered to the store.</param>
/// <param name="Overflowed">Records that found the memory buffer full: with a journal they are delivered
/// from it later, without one they are <paramref name="Dropped"/>.</param>
/// <param name="Dropped">Records lost to overflow (only without a journal).</param>
/// <param name="DiscardedJournalLines">Journal lines that could not be read: a torn last line after a
/// crash (never acknowledged) or a damaged line; each is logged and its bytes kept aside.</param>
/// <param name="IsJournaled">Whether a journal makes acknowledged records survive a crash.</param>
/// <param name="LastDeliveredAt">When records were last delivered, or null.</param>
/// <param name="LastError">Why delivery is failing, or null while it works.</param>
public sealed record FeedbackStatus(
    long Backlog,
    long Buffered,
    long Delivered,
    long Overflowed,
    long Dropped,
    long DiscardedJournalLines,
    bool IsJournaled,
    DateTimeOffset? LastDeliveredAt,
    string? LastError);
