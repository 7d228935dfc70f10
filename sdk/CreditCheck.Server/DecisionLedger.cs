using System.Collections.Concurrent;

namespace CreditCheck.Server;

/// <summary>The decisions this service made, kept so that a feedback report can name one by its check id
/// (<see cref="FeedbackReport.For(CreditDecision)"/> needs the decision). Bounded by
/// <see cref="ServerOptions.MaxRetainedDecisions"/> and <see cref="ServerOptions.DecisionRetention"/>: the
/// oldest go first. Thread-safe.</summary>
internal sealed class DecisionLedger(ServerOptions options, TimeProvider time)
{
    private readonly ConcurrentDictionary<Guid, Kept> _kept = new();
    private readonly ConcurrentQueue<(Guid Id, long At)> _order = new();
    private readonly long _retentionTicks = options.DecisionRetention.Ticks;
    private int _count;

    /// <summary>Keeps a decision for the client that asked for it.</summary>
    public void Add(CreditDecision decision, string clientId)
    {
        var now = time.GetUtcNow().UtcTicks;
        if (_kept.TryAdd(decision.CheckId, new Kept(decision, clientId)))
        {
            _order.Enqueue((decision.CheckId, now));
            Interlocked.Increment(ref _count);
        }

        while (_order.TryPeek(out var oldest) && (Volatile.Read(ref _count) > options.MaxRetainedDecisions || now - oldest.At > _retentionTicks))
        {
            if (_order.TryDequeue(out oldest) && _kept.TryRemove(oldest.Id, out _))
            {
                Interlocked.Decrement(ref _count);
            }
        }
    }

    /// <summary>The decision with this id if this client asked for it and it is still kept.</summary>
    public CreditDecision? Find(Guid checkId, string clientId) =>
        _kept.TryGetValue(checkId, out var kept) && string.Equals(kept.ClientId, clientId, StringComparison.Ordinal) ? kept.Decision : null;

    private sealed record Kept(CreditDecision Decision, string ClientId);
}
