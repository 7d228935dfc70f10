using System.Text;
using CreditCheck.Stores;
using Microsoft.Extensions.Logging;

namespace CreditCheck.Tests.Feedback;

/// <summary>The journal: acknowledged feedback survives a crash, a torn end, damage, and is compacted.</summary>
public sealed class FeedbackJournalTests
{
    [Fact]
    public async Task Crash_AcknowledgedButNotDelivered_NextInstanceReplaysAndDeliversEachOnce()
    {
        using var folder = new TempFolder();
        var harness = await FeedbackData.HarnessAsync();
        var down = new FaultySink { Failing = true };
        var first = FeedbackData.Create(down, FeedbackData.Fast(folder.Journal), time: harness.Time);
        var records = await FeedbackData.ReportManyAsync(first, harness, 20);
        await first.DisposeAsync(); // the process "dies": nothing was delivered, nothing flushed

        var sink = new FaultySink();
        var logs = new LogCapture();
        await using var second = FeedbackData.Create(sink, FeedbackData.Fast(folder.Journal), logs.Factory(), harness.Time);
        second.Start();
        Assert.Equal(40, second.Status.Backlog);
        Assert.True(await second.FlushAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal(records.Select(r => r.Key), sink.Order);
        Assert.Equal(records.Select(FeedbackJson.Serialize), sink.Store.Snapshot().Select(FeedbackJson.Serialize));
        Assert.Contains("40 records from a previous run", Assert.Single(logs.Of(3001)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Crash_AfterPartOfTheJournalWasDelivered_OnlyTheRestIsDeliveredAgain()
    {
        using var folder = new TempFolder();
        var harness = await FeedbackData.HarnessAsync();
        var firstSink = new FaultySink();
        var first = FeedbackData.Create(firstSink, FeedbackData.Fast(folder.Journal), time: harness.Time);
        var delivered = await FeedbackData.ReportManyAsync(first, harness, 10);
        Assert.True(await first.FlushAsync(TimeSpan.FromSeconds(10)));
        firstSink.Failing = true;
        var pending = await FeedbackData.ReportManyAsync(first, harness, 10);
        await first.DisposeAsync();

        var sink = new FaultySink();
        await using var second = FeedbackData.Create(sink, FeedbackData.Fast(folder.Journal), time: harness.Time);
        Assert.True(await second.FlushAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal(pending.Select(r => r.Key), sink.Order);
        Assert.DoesNotContain(delivered, r => sink.Writes.ContainsKey(r.Key));
    }

    [Fact]
    public async Task Crash_WithoutItsCheckpoint_EverythingIsDeliveredAgainUnderTheSameKeys()
    {
        using var folder = new TempFolder();
        var harness = await FeedbackData.HarnessAsync();
        var first = FeedbackData.Create(new FaultySink(), FeedbackData.Fast(folder.Journal), time: harness.Time);
        var records = await FeedbackData.ReportManyAsync(first, harness, 5);
        Assert.True(await first.FlushAsync(TimeSpan.FromSeconds(10)));
        await first.DisposeAsync();
        File.Delete(folder.Journal + ".checkpoint");

        var sink = new FaultySink();
        var logs = new LogCapture();
        await using var second = FeedbackData.Create(sink, FeedbackData.Fast(folder.Journal), logs.Factory(), harness.Time);
        Assert.True(await second.FlushAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal(records.Select(r => r.Key), sink.Order); // duplicates for the consumer, with the same keys
        Assert.Contains("no checkpoint file", Assert.Single(logs.Of(3011)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TornLastLine_ToleratedCutReportedAndKeptAside()
    {
        using var folder = new TempFolder();
        var harness = await FeedbackData.HarnessAsync();
        var first = FeedbackData.Create(new FaultySink { Failing = true }, FeedbackData.Fast(folder.Journal), time: harness.Time);
        var records = await FeedbackData.ReportManyAsync(first, harness, 3);
        await first.DisposeAsync();
        var torn = "0123456789abcdef {\"key\":\"0193"u8.ToArray(); // a write cut short by the crash
        await using (var file = new FileStream(folder.Journal, FileMode.Append))
        {
            await file.WriteAsync(torn);
        }

        var length = new FileInfo(folder.Journal).Length;
        var sink = new FaultySink();
        var logs = new LogCapture();
        await using var second = FeedbackData.Create(sink, FeedbackData.Fast(folder.Journal), logs.Factory(), harness.Time);
        Assert.True(await second.FlushAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal(records.Select(r => r.Key), sink.Order);
        Assert.Equal(1, second.Status.DiscardedJournalLines);
        var warning = Assert.Single(logs.Of(3002));
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains($"1 line(s), {torn.Length} bytes", warning.Message, StringComparison.Ordinal);
        Assert.Equal(torn, await File.ReadAllBytesAsync(folder.Journal + ".damaged"));
        Assert.Equal(length - torn.Length, new FileInfo(folder.Journal).Length);

        // The journal goes on cleanly after the cut.
        var more = await FeedbackData.ReportManyAsync(second, harness, 1);
        Assert.True(await second.FlushAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(1, sink.Writes[more[0].Key]);
    }

    [Fact]
    public async Task DamagedLineInTheMiddle_SkippedLoggedKeptAsideAndTheOthersDelivered()
    {
        using var folder = new TempFolder();
        var harness = await FeedbackData.HarnessAsync();
        var first = FeedbackData.Create(new FaultySink { Failing = true }, FeedbackData.Fast(folder.Journal), time: harness.Time);
        var records = await FeedbackData.ReportManyAsync(first, harness, 3);
        await first.DisposeAsync();
        var lines = (await File.ReadAllLinesAsync(folder.Journal)).ToList();
        lines[3] = lines[3].Replace("\"Denied\"", "\"Clear\"", StringComparison.Ordinal); // bit rot in record 3 of 6
        await File.WriteAllTextAsync(folder.Journal, string.Join("\n", lines) + "\n");

        var sink = new FaultySink();
        var logs = new LogCapture();
        await using var second = FeedbackData.Create(sink, FeedbackData.Fast(folder.Journal), logs.Factory(), harness.Time);
        Assert.True(await second.FlushAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal(records.Where((_, i) => i != 2).Select(r => r.Key), sink.Order);
        Assert.Equal((0L, 1L), (second.Status.Backlog, second.Status.DiscardedJournalLines));
        var error = Assert.Single(logs.Of(3003));
        Assert.Equal(LogLevel.Error, error.Level);
        Assert.Contains("checksum mismatch", error.Message, StringComparison.Ordinal);
        Assert.Equal(lines[3] + "\n", await File.ReadAllTextAsync(folder.Journal + ".damaged"));
    }

    [Fact]
    public async Task BufferFullWithJournal_OverflowCountedLoggedAndDeliveredLaterFromTheJournalInOrder()
    {
        using var folder = new TempFolder();
        var harness = await FeedbackData.HarnessAsync();
        var sink = new FaultySink { Failing = true };
        var logs = new LogCapture();
        await using var feedback = FeedbackData.Create(sink, FeedbackData.Fast(folder.Journal, capacity: 5), logs.Factory(), harness.Time);

        var records = await FeedbackData.ReportManyAsync(feedback, harness, 10); // 20 records, 5 fit in memory

        var status = feedback.Status;
        Assert.Equal((20L, 5L, 15L, 0L), (status.Backlog, status.Buffered, status.Overflowed, status.Dropped));
        Assert.Contains("delivered from it later", Assert.Single(logs.Of(3006)).Message, StringComparison.Ordinal);

        sink.Failing = false;
        var later = await FeedbackData.ReportManyAsync(feedback, harness, 3);
        Assert.True(await feedback.FlushAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal(records.Concat(later).Select(r => r.Key), sink.Order);
        Assert.Equal((0L, 26L), (feedback.Status.Backlog, feedback.Status.Delivered));
    }

    [Fact]
    public async Task FullyDelivered_LargeJournal_IsCompactedAndStaysUsableAcrossARestart()
    {
        using var folder = new TempFolder();
        var harness = await FeedbackData.HarnessAsync();
        var options = FeedbackData.Fast(folder.Journal);
        options.JournalCompactBytes = 4096;
        var sink = new FaultySink();
        var logs = new LogCapture();
        var first = FeedbackData.Create(sink, options, logs.Factory(), harness.Time);
        await FeedbackData.ReportManyAsync(first, harness, 30); // ~60 lines of ~1 KB
        Assert.True(await first.FlushAsync(TimeSpan.FromSeconds(10)));

        // The loop checkpoints (and compacts) the journal just after it counts a batch delivered: an early batch's
        // compaction may keep later batches' lines, so the wait is for the one after the last batch (seen in CI: the
        // first 3010 came while 7,986 bytes were still to go).
        await FeedbackData.UntilAsync(() => logs.Of(3010).Count > 0 && new FileInfo(folder.Journal).Length < 4096 + 2048, "the journal compacted after the last batch");
        Assert.True(new FileInfo(folder.Journal).Length < 4096 + 2048, $"journal is {new FileInfo(folder.Journal).Length} bytes");
        sink.Failing = true;
        var pending = await FeedbackData.ReportManyAsync(first, harness, 2);
        await first.DisposeAsync();

        var next = new FaultySink();
        await using var second = FeedbackData.Create(next, options, time: harness.Time);
        Assert.True(await second.FlushAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(pending.Select(r => r.Key), next.Order);
    }

    [Fact]
    public async Task Open_FileInUseOrNotAJournal_ClearError()
    {
        using var folder = new TempFolder();
        var harness = await FeedbackData.HarnessAsync();
        await using var owner = FeedbackData.Create(new FaultySink(), FeedbackData.Fast(folder.Journal), time: harness.Time);
        owner.Start();
        await using var second = FeedbackData.Create(new FaultySink(), FeedbackData.Fast(folder.Journal), time: harness.Time);
        var other = Path.Combine(folder.Path, "notes.txt");
        await File.WriteAllTextAsync(other, "meeting notes\nnothing to do with feedback\n");
        await using var wrong = FeedbackData.Create(new FaultySink(), FeedbackData.Fast(other), time: harness.Time);
        var report = FeedbackReport.For(await FeedbackData.DeniedAsync(harness)).AllExecuted();

        var inUse = await Assert.ThrowsAsync<InvalidOperationException>(async () => await second.ReportAsync(report));
        var notJournal = await Assert.ThrowsAsync<InvalidOperationException>(async () => await wrong.ReportAsync(report));

        Assert.Contains("cannot be opened", inUse.Message, StringComparison.Ordinal);
        Assert.Contains("a journal file of its own", inUse.Message, StringComparison.Ordinal);
        Assert.Contains("is not a CreditCheck feedback journal (its first line is 'meeting notes')", notJournal.Message, StringComparison.Ordinal);
        Assert.Equal("meeting notes\nnothing to do with feedback\n", await File.ReadAllTextAsync(other));
    }

    [Fact]
    public async Task Open_HeaderTornWhenTheFileWasCreated_StartsAFreshJournal()
    {
        using var folder = new TempFolder();
        await File.WriteAllTextAsync(folder.Journal, "#creditcheck-feedback-jou");
        var harness = await FeedbackData.HarnessAsync();
        var sink = new FaultySink();
        var feedback = FeedbackData.Create(sink, FeedbackData.Fast(folder.Journal), time: harness.Time);

        var records = await FeedbackData.ReportManyAsync(feedback, harness, 1);
        Assert.True(await feedback.FlushAsync(TimeSpan.FromSeconds(10)));
        await feedback.DisposeAsync();

        Assert.Equal(records.Select(r => r.Key), sink.Order);
        Assert.Matches("^#creditcheck-feedback-journal v1 [0-9a-f]{32}\n", await File.ReadAllTextAsync(folder.Journal));
    }

    [Fact]
    public async Task ReportAsync_Returned_RecordsAreOnDiskAsChecksummedJsonLines()
    {
        using var folder = new TempFolder();
        var harness = await FeedbackData.HarnessAsync();
        var feedback = FeedbackData.Create(new FaultySink { Failing = true }, FeedbackData.Fast(folder.Journal), time: harness.Time);

        var records = await FeedbackData.ReportManyAsync(feedback, harness, 1);
        await feedback.DisposeAsync(); // the journal is locked while in use

        var lines = (await File.ReadAllTextAsync(folder.Journal, Encoding.UTF8)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("#creditcheck-feedback-journal v1 ", lines[0], StringComparison.Ordinal);
        Assert.Equal(records.Select(r => FeedbackJson.Serialize(r)), lines.Skip(1).Select(l => l[17..]));
        Assert.All(lines.Skip(1), l => Assert.Equal(Fnv1a.Hash(l[17..]).ToString("x16", System.Globalization.CultureInfo.InvariantCulture), l[..16]));
    }
}
