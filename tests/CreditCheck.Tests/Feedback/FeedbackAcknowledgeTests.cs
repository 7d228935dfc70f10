using CreditCheck.Stores;

namespace CreditCheck.Tests.Feedback;

/// <summary><see cref="FeedbackOptions.AcknowledgeOnDelivery"/> without a journal: a report returns only once the store
/// holds its records; what the store does not take in time, or the buffer cannot hold, is refused, never dropped.</summary>
public sealed class FeedbackAcknowledgeTests
{
    private static FeedbackOptions OnDelivery(int capacity = 10_000)
    {
        var options = FeedbackData.Fast(capacity: capacity);
        options.AcknowledgeOnDelivery = true;
        return options;
    }

    [Fact]
    public async Task ReportAsync_AcknowledgeOnDelivery_ReturnsOnlyOnceTheStoreHoldsTheRecords()
    {
        var harness = await FeedbackData.HarnessAsync();
        var sink = new FaultySink();
        await using var feedback = FeedbackData.Create(sink, OnDelivery(), time: harness.Time);

        var reports = Enumerable.Range(0, 20).Select(async _ => await feedback.ReportAsync(FeedbackReport.For(await FeedbackData.DeniedAsync(harness)).AllExecuted()));
        var records = (await Task.WhenAll(reports)).SelectMany(r => r).ToList();

        // No flush: every acknowledged record is already in the store.
        var held = sink.Store.Snapshot().Select(r => r.Key).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(40, records.Count);
        Assert.All(records, r => Assert.Contains(r.Key, held));
        Assert.Equal(0, feedback.Status.Backlog);
    }

    [Fact]
    public async Task ReportAsync_AcknowledgeOnDelivery_TheRepeatLookupCountsAgainstTheTimeout()
    {
        // Found from outside: a store that stopped answering was answered 503 after 12 s, not the 10 s documented: the
        // repeat lookup's own 2 s came before the 10 s wait for the store.
        var harness = await FeedbackData.HarnessAsync();
        var sink = new StallingKeyedSink();
        await using var feedback = FeedbackData.Create(sink, OnDelivery(), time: harness.Time);
        var report = FeedbackReport.For(await FeedbackData.DeniedAsync(harness)).AllExecuted();

        var pending = feedback.ReportAsync(report).AsTask();
        await FeedbackData.UntilAsync(() => sink.Lookups == 1, "the repeat lookup");
        harness.Time.Advance(TimeSpan.FromSeconds(9)); // the lookup takes 9 of the 10 s
        sink.AnswerLookup();
        await FeedbackData.UntilAsync(() => sink.Writes >= 1, "a delivery the store does not answer");
        harness.Time.Advance(TimeSpan.FromSeconds(2)); // 11 s since the report began
        await Task.WhenAny(pending, Task.Delay(5_000, TestContext.Current.CancellationToken));

        Assert.True(pending.IsCompleted, "the report still waited 11 s after it began, against an AcknowledgeTimeout of 10 s");
        var refused = await Assert.ThrowsAsync<IOException>(() => pending);
        Assert.Contains("did not take the feedback records within 10 s", refused.Message, StringComparison.Ordinal);
        sink.ResumeWrites(); // delivered before the feedback is disposed
    }

    /// <summary>A keyed store whose repeat lookup answers when the test says, and whose writes hang until it says so.</summary>
    private sealed class StallingKeyedSink : IFeedbackSink, IKeyedFeedbackSink
    {
        private readonly TaskCompletionSource _lookup = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _writes = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _lookups;
        private int _writeCalls;

        public string Name => "the stalling test store";

        public int Lookups => Volatile.Read(ref _lookups);

        public int Writes => Volatile.Read(ref _writeCalls);

        public void AnswerLookup() => _lookup.TrySetResult();

        public void ResumeWrites() => _writes.TrySetResult();

        public async ValueTask<IReadOnlyList<FeedbackRecord?>> FindAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _lookups);
            await _lookup.Task.WaitAsync(cancellationToken);
            return new FeedbackRecord?[keys.Count];
        }

        public async Task<IReadOnlyList<FeedbackRecord?>> WriteOnceAsync(IReadOnlyList<FeedbackRecord> records, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _writeCalls);
            await _writes.Task.WaitAsync(cancellationToken);
            return new FeedbackRecord?[records.Count];
        }

        public Task WriteAsync(IReadOnlyList<FeedbackRecord> records, CancellationToken cancellationToken) => WriteOnceAsync(records, cancellationToken);
    }

    [Fact]
    public async Task ReportAsync_AcknowledgeOnDeliveryStoreDown_NotAcknowledgedAfterTheTimeoutAndDeliveredLater()
    {
        var harness = await FeedbackData.HarnessAsync();
        var sink = new FaultySink { Failing = true };
        await using var feedback = FeedbackData.Create(sink, OnDelivery(), time: harness.Time);
        var report = FeedbackReport.For(await FeedbackData.DeniedAsync(harness)).AllExecuted();

        var pending = feedback.ReportAsync(report).AsTask();
        await FeedbackData.UntilAsync(() => sink.Failures >= 1 && feedback.Status.LastError is not null, "a failed delivery");
        Assert.False(pending.IsCompleted);

        // The wait's deadline is armed once the report is accepted, which under load may come after the first failed
        // delivery: time is moved on until it fires (seen flaky when moved once), a bounded number of times.
        for (var i = 0; i < 100 && !pending.IsCompleted; i++)
        {
            harness.Time.Advance(TimeSpan.FromSeconds(11));
            await Task.WhenAny(pending, Task.Delay(20, TestContext.Current.CancellationToken));
        }

        var refused = await Assert.ThrowsAsync<IOException>(() => pending);

        Assert.Contains("did not take the feedback records within 10 s", refused.Message, StringComparison.Ordinal);
        Assert.Contains("the test store is down", refused.Message, StringComparison.Ordinal);
        Assert.Contains("not acknowledged", refused.Message, StringComparison.Ordinal);

        // Reported again once the store is back: the same keys, each kept once.
        sink.Failing = false;
        var again = await feedback.ReportAsync(report);
        Assert.All(again, r => Assert.Contains(sink.Store.Snapshot(), s => s.Key == r.Key));
        Assert.Equal(0L, feedback.Status.Dropped);
    }

    [Fact]
    public async Task ReportAsync_AcknowledgeOnDeliveryBufferFull_RefusedNeverDropped()
    {
        var harness = await FeedbackData.HarnessAsync();
        var sink = new FaultySink { Failing = true };
        await using var feedback = FeedbackData.Create(sink, OnDelivery(capacity: 2), time: harness.Time);

        var first = feedback.ReportAsync(FeedbackReport.For(await FeedbackData.DeniedAsync(harness)).AllExecuted()).AsTask();
        var full = await Assert.ThrowsAsync<IOException>(async () =>
            await feedback.ReportAsync(FeedbackReport.For(await FeedbackData.DeniedAsync(harness)).AllExecuted()));

        Assert.Contains("2 feedback records already wait for the test sink", full.Message, StringComparison.Ordinal);
        Assert.Contains("not acknowledged", full.Message, StringComparison.Ordinal);
        var status = feedback.Status;
        Assert.Equal((0L, 0L, 2L), (status.Dropped, status.Overflowed, status.Backlog));
        sink.Failing = false;
        Assert.Equal(2, (await first).Count);
    }
}
