namespace CreditCheck.Platform;

/// <summary>What a forwarder has done.</summary>
/// <param name="Forwarded">Records the platform stored (ACCEPTED).</param>
/// <param name="Duplicates">Records the platform already held under their key (DUPLICATE); acknowledged too.</param>
/// <param name="Rejected">Records set aside in the dead-letter stream: rejected by the platform, or unreadable.</param>
/// <param name="Pending">Records in the stream not yet acknowledged by the platform (delivered or not).</param>
public readonly record struct FeedbackForwardSummary(long Forwarded, long Duplicates, long Rejected, long Pending);
