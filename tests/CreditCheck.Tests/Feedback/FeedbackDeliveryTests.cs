using Microsoft.Extensions.Logging;

namespace CreditCheck.Tests.Feedback;

/// <summary>Delivery without a journal: batches, retries with backoff, overflow.</summary>
public sealed class FeedbackDeliveryTests
{
    [Fact]
    public async Task ReportAsync_StoreWorks_DeliveredInOrderAndCounted()
    {
        var harness = await FeedbackData.HarnessAsync();
        var sink = new FaultySink();
        await using var feedback = FeedbackData.Create(sink, time: harness.Time);

        var records = await FeedbackData.ReportManyAsync(feedback, harness, 50);
        Assert.True(await feedback.FlushAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal(records.Select(r => r.Key), sink.Order);
        Assert.Equal(records.Select(r => r.Key), sink.Store.Snapshot().Select(r => r.Key));
        var status = feedback.Status;
        Assert.Equal((0L, 100L, 0L, false), (status.Backlog, status.Delivered, status.Overflowed, status.IsJournaled));
        Assert.Equal(harness.Time.GetUtcNow(), status.LastDeliveredAt);
        Assert.Null(status.LastError);
    }

    [Fact]
    public async Task ReportAsync_StoreFailing_RetriedWithGrowingDelaysUntilItWorksThenDeliveredOnce()
    {
        var harness = await FeedbackData.HarnessAsync();
        var sink = new FaultySink { Failing = true };
        var logs = new LogCapture();
        var options = FeedbackData.Fast();
        options.RetryDelay = TimeSpan.FromMilliseconds(10);
        options.MaxRetryDelay = TimeSpan.FromMilliseconds(80);
        await using var feedback = FeedbackData.Create(sink, options, logs.Factory(), harness.Time);

        var records = await FeedbackData.ReportManyAsync(feedback, harness, 5);
        await FeedbackData.UntilAsync(() => sink.Failures >= 6, "six failed attempts");

        Assert.Equal(10, feedback.Status.Backlog);
        Assert.Contains("the test store is down", feedback.Status.LastError, StringComparison.Ordinal);
        var failures = logs.Of(3004);
        Assert.True(failures.Count >= 6);
        Assert.All(failures, f => Assert.Equal(LogLevel.Warning, f.Level));
        Assert.Contains("retrying in 00:00:00.0", failures[0].Message, StringComparison.Ordinal);
        Assert.Contains("retrying in 00:00:00.0", failures[^1].Message, StringComparison.Ordinal); // capped at 80 ms (+20 % jitter)

        sink.Failing = false;
        Assert.True(await feedback.FlushAsync(TimeSpan.FromSeconds(10)));

        Assert.All(records, r => Assert.Equal(1, sink.Writes[r.Key]));
        Assert.Equal((0L, 10L), (feedback.Status.Backlog, feedback.Status.Delivered));
        Assert.Null(feedback.Status.LastError);
        Assert.Single(logs.Of(3005));
    }

    [Fact]
    public async Task ReportAsync_BufferFullWithoutJournal_OverflowCountedAndLoggedOnceAndTheRestDelivered()
    {
        var harness = await FeedbackData.HarnessAsync();
        var sink = new FaultySink { Failing = true };
        var logs = new LogCapture();
        await using var feedback = FeedbackData.Create(sink, FeedbackData.Fast(capacity: 6), logs.Factory(), harness.Time);

        var records = await FeedbackData.ReportManyAsync(feedback, harness, 5); // 10 records, 6 fit

        var status = feedback.Status;
        Assert.Equal((6L, 6L, 4L, 4L), (status.Backlog, status.Buffered, status.Overflowed, status.Dropped));
        var overflow = Assert.Single(logs.Of(3007));
        Assert.Equal(LogLevel.Error, overflow.Level);
        Assert.Contains("records are dropped", overflow.Message, StringComparison.Ordinal);

        sink.Failing = false;
        Assert.True(await feedback.FlushAsync(TimeSpan.FromSeconds(10)));
        await feedback.ReportAsync(FeedbackReport.For(await FeedbackData.DeniedAsync(harness)).AllExecuted());

        // The last report's own records may or may not be delivered yet; the first six come first, the dropped never.
        var delivered = sink.Store.Snapshot().Select(r => r.Key).ToList();
        Assert.Equal(records.Take(6).Select(r => r.Key), delivered.Take(6));
        Assert.DoesNotContain(delivered, key => records.Skip(6).Any(r => r.Key == key));
        Assert.Contains("4 records overflowed meanwhile (4 dropped)", Assert.Single(logs.Of(3008)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DisposeAsync_UndeliveredWithoutJournal_SaysTheyAreLost()
    {
        var harness = await FeedbackData.HarnessAsync();
        var logs = new LogCapture();
        var feedback = FeedbackData.Create(new FaultySink { Failing = true }, logs: logs.Factory(), time: harness.Time);
        await FeedbackData.ReportManyAsync(feedback, harness, 2);

        await feedback.DisposeAsync();

        var lost = Assert.Single(logs.Of(3009));
        Assert.Contains("4 feedback records were not delivered", lost.Message, StringComparison.Ordinal);
        Assert.Contains("lost (no journal is configured)", lost.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await feedback.ReportAsync(FeedbackReport.For(await FeedbackData.DeniedAsync(harness)).AllExecuted()));
    }

    [Fact]
    public async Task ReportAsync_ManyConcurrentReporters_EveryRecordDeliveredOnce()
    {
        var harness = await FeedbackData.HarnessAsync();
        var sink = new FaultySink();
        await using var feedback = FeedbackData.Create(sink, time: harness.Time);
        var decisions = new List<CreditDecision>();
        for (var i = 0; i < 200; i++)
        {
            decisions.Add(await FeedbackData.DeniedAsync(harness));
        }

        var reported = await Task.WhenAll(decisions.Select(d => Task.Run(async () => await feedback.ReportAsync(FeedbackReport.For(d).AllExecuted()))));
        Assert.True(await feedback.FlushAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal(400, sink.Store.Count);
        Assert.All(reported.SelectMany(r => r), r => Assert.Equal(1, sink.Writes[r.Key]));
    }
}
