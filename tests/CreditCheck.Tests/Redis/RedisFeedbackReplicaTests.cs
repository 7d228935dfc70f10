using CreditCheck.Redis;
using CreditCheck.Stores;
using CreditCheck.Tests.Feedback;
using CreditCheck.Tests.Support;

namespace CreditCheck.Tests.Redis;

/// <summary>
/// <see cref="RedisStoreOptions.FeedbackReplicas"/> against real servers: a batch counts as delivered only once a
/// replica holds it (WAIT); a frozen replica (SIGSTOP) or none at all keeps the batch queued, retried without the
/// stream growing, and delivered once the replica goes on.
/// </summary>
public sealed class RedisFeedbackReplicaTests
{
    private const int FeedbackNotReplicatedLogged = 2140;
    private const int FeedbackAppendedAgainLogged = 2141;
    private const int FeedbackDeliveryFailedLogged = 3004;

    private static CreditFeedback Feedback(RedisCreditStore store, RedisStoreOptions sinkOptions, LogCapture logs) =>
        new(
            new FeedbackOptions { RetryDelay = TimeSpan.FromMilliseconds(50), MaxRetryDelay = TimeSpan.FromMilliseconds(300), BatchSize = 50, ShutdownTimeout = TimeSpan.FromSeconds(1) },
            new RedisFeedbackSink(store, sinkOptions, TimeProvider.System),
            TimeProvider.System, // real time: the flush timeouts must run out while a replica hangs
            logs.Factory());

    private static async Task<long> StreamLengthAsync(RedisServer node, string ns) =>
        long.Parse((await node.CommandAsync("XLEN", $"cc:{{{ns}}}:feedback")).TrimStart(':'), System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task OneReplicaAsked_AcknowledgedBatchesAreOnTheReplica_FrozenReplicaKeepsThemQueuedThenDeliveredOnce()
    {
        await using var nodes = await RedisReplication.StartAsync();
        await using var harness = await RedisHarness.CreateAsync(nodes.Primary);
        // The SDK's ACL user (RedisAcl.SdkCommands) is enough for WAIT and CLIENT ID.
        var ns = harness.Namespace;
        await nodes.Primary.CommandAsync([.. $"ACL SETUSER cc-sdk-{ns} on >sdk-password-1 ~cc:{{{ns}}}:* &cc:{{{ns}}}:notify".Split(' '), .. RedisAcl.SdkCommands]);
        void AsSdk(RedisStoreOptions o)
        {
            o.User = "cc-sdk-" + ns;
            o.Password = "sdk-password-1";
            o.FeedbackReplicas = 1;
            o.FeedbackReplicaTimeout = TimeSpan.FromMilliseconds(300);
        }

        var store = await harness.StartStoreAsync(configure: AsSdk);
        var checks = await FeedbackData.HarnessAsync();
        using var logs = new LogCapture();
        await using var feedback = Feedback(store, RedisHarness.Options(nodes.Primary, ns, AsSdk), logs);

        // Replicating: each acknowledged batch is already on the replica — no waiting for it.
        var first = await FeedbackData.ReportManyAsync(feedback, checks, 10);
        Assert.True(await feedback.FlushAsync(TimeSpan.FromSeconds(20)), feedback.Status.LastError);
        Assert.Equal(first.Count, await StreamLengthAsync(nodes.Replica, ns));

        // The replica hangs: the primary appends, WAIT gets no confirmation, nothing is acknowledged.
        await nodes.Replica.FreezeAsync();
        List<FeedbackRecord> second;
        try
        {
            second = await FeedbackData.ReportManyAsync(feedback, checks, 5);
            await FeedbackData.UntilAsync(() => logs.Of(FeedbackDeliveryFailedLogged).Count >= 3, "three unconfirmed attempts", 30_000);
            Assert.False(await feedback.FlushAsync(TimeSpan.FromMilliseconds(200)));
            Assert.Equal(second.Count, feedback.Status.Backlog);
            Assert.Contains("confirmed by 0 of 1 replica(s)", feedback.Status.LastError, StringComparison.Ordinal);
            Assert.Contains($"namespace '{ns}'", feedback.Status.LastError, StringComparison.Ordinal);
            Assert.Contains($"cc:{{{ns}}}:feedback", feedback.Status.LastError, StringComparison.Ordinal);

            // Retried on the same connection, the batch (the queue's first batch of these records) was appended
            // once, not once per attempt.
            var appended = await StreamLengthAsync(nodes.Primary, ns);
            Assert.InRange(appended, first.Count + 1, first.Count + second.Count);
            var failures = logs.Of(FeedbackDeliveryFailedLogged).Count;
            await FeedbackData.UntilAsync(() => logs.Of(FeedbackDeliveryFailedLogged).Count >= failures + 2, "two more unconfirmed attempts", 30_000);
            Assert.Equal(appended, await StreamLengthAsync(nodes.Primary, ns));
        }
        finally
        {
            await nodes.Replica.ContinueAsync();
        }

        Assert.True(await feedback.FlushAsync(TimeSpan.FromSeconds(30)), feedback.Status.LastError);
        Assert.Equal(0, feedback.Status.Backlog);
        Assert.Equal(first.Count + second.Count, await StreamLengthAsync(nodes.Replica, ns));
        await using var reader = await RedisFeedbackReader.ConnectAsync(RedisHarness.Options(nodes.Primary, ns));
        var read = await reader.ReadAsync(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1)).ToListAsync();
        Assert.Equal([.. first.Concat(second).Select(r => r.Key).Order(StringComparer.Ordinal)], read.Select(r => r.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ConnectionDroppedWhileUnconfirmed_NotAppendedAgainOnTheNewConnection_YetNotAcknowledgedUntilTheReplicaHoldsIt()
    {
        await using var nodes = await RedisReplication.StartAsync();
        await using var harness = await RedisHarness.CreateAsync(nodes.Primary);
        var ns = harness.Namespace;
        using var logs = new LogCapture();
        var options = RedisHarness.Options(nodes.Primary, ns, o =>
        {
            o.FeedbackReplicas = 1;
            o.FeedbackReplicaTimeout = TimeSpan.FromMilliseconds(200);
        });
        await using var store = new RedisCreditStore(options, new CreditCheckOptions(), null, TimeProvider.System, logs.Factory());
        await store.StartAsync();
        var checks = await FeedbackData.HarnessAsync();
        await using var feedback = Feedback(store, options, logs);

        await nodes.Replica.FreezeAsync();
        List<FeedbackRecord> reported;
        long batch;
        try
        {
            reported = await FeedbackData.ReportManyAsync(feedback, checks, 5);
            await FeedbackData.UntilAsync(() => logs.Of(FeedbackDeliveryFailedLogged).Count >= 2, "two unconfirmed attempts", 30_000);
            batch = await StreamLengthAsync(nodes.Primary, ns); // the queue's first batch of these records
            Assert.InRange(batch, 1, reported.Count);

            // The primary's key index holds the batch: on the new connection it is not appended again. Its WAIT must still
            // cover the records the old connection appended (the script writes the delivered count each time), so the
            // batch stays unacknowledged while the replica hangs.
            await nodes.Primary.CommandAsync("CLIENT", "KILL", "TYPE", "normal");
            var failures = logs.Of(FeedbackDeliveryFailedLogged).Count;
            await FeedbackData.UntilAsync(() => logs.Of(FeedbackDeliveryFailedLogged).Count >= failures + 3, "three more unconfirmed attempts", 30_000);
            Assert.Equal(batch, await StreamLengthAsync(nodes.Primary, ns));
            Assert.Equal(reported.Count, feedback.Status.Backlog);
            Assert.Contains("confirmed by 0 of 1 replica(s)", feedback.Status.LastError, StringComparison.Ordinal);
            Assert.Empty(logs.Of(FeedbackAppendedAgainLogged)); // the primary held them: nothing was appended again
        }
        finally
        {
            await nodes.Replica.ContinueAsync();
        }

        Assert.True(await feedback.FlushAsync(TimeSpan.FromSeconds(30)), feedback.Status.LastError);
        Assert.Equal(reported.Count, await StreamLengthAsync(nodes.Replica, ns));
        Assert.Equal(reported.Count, await StreamLengthAsync(nodes.Primary, ns));
        await using var reader = await RedisFeedbackReader.ConnectAsync(RedisHarness.Options(nodes.Primary, ns));
        var read = await reader.ReadAsync(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1)).ToListAsync();
        Assert.Equal([.. reported.Select(r => r.Key).Order(StringComparer.Ordinal)], read.Select(r => r.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ReplicaAsked_OnAServerWithoutReplicas_NeverAcknowledged_SaysWhy_StreamDoesNotGrow()
    {
        await using var server = await RedisServer.StartAsync();
        await using var harness = await RedisHarness.CreateAsync(server);
        using var logs = new LogCapture();
        await using var store = new RedisCreditStore(RedisHarness.Options(server, harness.Namespace), new CreditCheckOptions(), null, TimeProvider.System, logs.Factory());
        await store.StartAsync();
        var checks = await FeedbackData.HarnessAsync();
        var records = FeedbackReport.For(await FeedbackData.DeniedAsync(checks)).AllExecuted();
        await using var feedback = Feedback(store, RedisHarness.Options(server, harness.Namespace, o =>
        {
            o.FeedbackReplicas = 2;
            o.FeedbackReplicaTimeout = TimeSpan.FromMilliseconds(50);
        }), logs);

        var reported = await feedback.ReportAsync(records);
        await FeedbackData.UntilAsync(() => logs.Of(FeedbackDeliveryFailedLogged).Count >= 5, "five unconfirmed attempts", 30_000);

        Assert.Equal(reported.Count, feedback.Status.Backlog);
        Assert.Equal(0, feedback.Status.Delivered);
        Assert.Contains("confirmed by 0 of 2 replica(s)", feedback.Status.LastError, StringComparison.Ordinal);
        Assert.True(feedback.Status.LastError!.Contains("the primary has 0 replica(s) connected", StringComparison.Ordinal), feedback.Status.LastError);
        Assert.Contains("stays queued and is retried", feedback.Status.LastError, StringComparison.Ordinal);
        Assert.Contains("confirmed by 0 of 2 replicas", logs.Of(FeedbackNotReplicatedLogged)[0].Message, StringComparison.Ordinal);
        Assert.Equal(reported.Count, await StreamLengthAsync(server, harness.Namespace)); // appended once, retried five times
    }

    [Fact]
    public async Task FeedbackReplicas_OutOfRange_RefusedByName()
    {
        var options = new RedisStoreOptions { Configuration = "127.0.0.1:1", Secret = RedisHarness.Secret, FeedbackReplicas = 17, FeedbackReplicaTimeout = TimeSpan.Zero };
        var failure = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => RedisFeedbackReader.ConnectAsync(options));
        Assert.Contains("RedisStoreOptions.FeedbackReplicas is 17", failure.Message, StringComparison.Ordinal);
        Assert.Contains("RedisStoreOptions.FeedbackReplicaTimeout is 00:00:00", failure.Message, StringComparison.Ordinal);
    }
}
