namespace CreditCheck.Stores;

/// <summary>Implemented by a feedback sink that can tell when feedback it delivered is at risk or already lost (a
/// Redis that may evict the feedback stream, a stream evicted after deliveries); the health check
/// (<c>creditcheck</c>) asks it and reports <c>Degraded</c> with its answer.</summary>
public interface IFeedbackSinkHealth
{
    /// <summary>What puts delivered feedback at risk, or has lost some, in English; null when nothing is known to.
    /// Called by every health check: an implementation answers from a recent reading most of the time.</summary>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>The risk, or null.</returns>
    ValueTask<string?> CheckAsync(CancellationToken cancellationToken);
}
