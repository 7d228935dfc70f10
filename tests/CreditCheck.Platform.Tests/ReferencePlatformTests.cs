namespace CreditCheck.Platform.Tests;

// Inside the namespace: the contract's EntryStatus, SubjectKind and FeedbackRecord, not the SDK's.
using CreditCheck.Platform.Protocol;
using CreditCheck.Platform.Tests.Support;
using Grpc.Core;
using Grpc.Net.Client;

/// <summary>The reference platform (samples/CreditPlatform) as a process, called through the library's
/// signed channel: snapshots, changes after a version, live changes, a truncated log, feedback once per
/// key, and the refusals.</summary>
public sealed class ReferencePlatformTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_new_client_gets_the_catalog_and_every_list_in_chunks_then_a_heartbeat()
    {
        var data = PlatformProcess.CreateDataFolder(new Dictionary<string, string>
        {
            ["big.csv"] = TestIds.Csv("court-dishonest-debtors", 4_500),
            ["wage.csv"] = TestIds.Csv("wage-arrears", 3, "wa", offset: 10_000),
        });
        await using var platform = await PlatformProcess.StartAsync(data);
        using var channel = Channel(platform);

        using var call = channel.Client.Sync(new SyncRequest { Client = PlatformProcess.Client });
        var messages = await ReadUntilAsync(call, m => m.Count > 0 && m[^1].KindCase == SyncMessage.KindOneofCase.Heartbeat);

        var begin = messages[0].SnapshotBegin;
        Assert.Equal(1, begin.Version);
        Assert.Equal(4_503, begin.TotalEntries);
        Assert.Contains("court-dishonest-debtors", begin.Lists);
        Assert.Contains("tax-grade-a", begin.Lists); // in the catalog, empty: replaced by nothing
        Assert.NotEmpty(Catalog.CreditCatalog.Parse(begin.CatalogJson).Lists);
        var chunks = messages.Where(m => m.KindCase == SyncMessage.KindOneofCase.SnapshotChunk).Select(m => m.SnapshotChunk).ToList();
        Assert.All(chunks, c => Assert.InRange(c.Entries.Count, 1, 2000));
        Assert.Equal(4_500, chunks.Where(c => c.ListCode == "court-dishonest-debtors").Sum(c => c.Entries.Count));
        var entry = chunks.Single(c => c.ListCode == "wage-arrears").Entries.Single(e => e.EntryId == "wa-1");
        Assert.Equal(TestIds.Company(10_001), entry.Subject);
        Assert.Equal(EntryStatus.Active, entry.Status);
        Assert.StartsWith("2026-01-05T00:00:00", entry.ListedOn, StringComparison.Ordinal);
        Assert.Equal(1, messages[^2].SnapshotEnd.Version);
        Assert.Equal(1, messages[^1].Heartbeat.Version);
    }

    [Fact]
    public async Task A_client_at_a_version_gets_the_changes_after_it_then_live_changes()
    {
        await using var platform = await PlatformProcess.StartAsync();
        var v2 = await platform.SetStatusAsync("court-dishonest-debtors", "cdd-2022-0001", "修复", "已履行");
        var v3 = await platform.UpsertAsync(PlatformProcess.Entry("wage-arrears", TestIds.Company(77), "wa-new-1"));
        using var channel = Channel(platform);

        using var call = channel.Client.Sync(new SyncRequest { Client = PlatformProcess.Client, LastAppliedVersion = v2 });
        var caughtUp = await ReadUntilAsync(call, m => m.Any(x => x.KindCase == SyncMessage.KindOneofCase.Heartbeat));
        Assert.Equal([v3], caughtUp.Where(m => m.Change is not null).Select(m => m.Change.Version));
        Assert.Equal("wa-new-1", caughtUp[0].Change.Upsert.EntryId);
        Assert.Equal(v3, caughtUp[^1].Heartbeat.Version);

        // A change made now is pushed to the open stream.
        var v4 = await platform.RemoveAsync("wage-arrears", "wa-new-1");
        var live = await ReadUntilAsync(call, m => m.Any(x => x.Change is not null));
        var change = live.Single(m => m.Change is not null).Change;
        Assert.Equal(v4, change.Version);
        Assert.Equal("wa-new-1", change.Remove.EntryId);

        var v5 = await platform.SetStatusAsync("court-dishonest-debtors", "cdd-2022-0001", "Active", "恢复");
        live = await ReadUntilAsync(call, m => m.Any(x => x.Change is not null));
        Assert.Equal(EntryStatus.Active, live.Single(m => m.Change is not null).Change.Status.Status);
        Assert.Equal(v5, live.Single(m => m.Change is not null).Change.Version);
        Assert.Equal(1, (int)(await platform.GetStateAsync())["subscribers"]!);
    }

    [Fact]
    public async Task Heartbeats_carry_the_version_when_nothing_happens()
    {
        await using var platform = await PlatformProcess.StartAsync(null, "--heartbeat", "0.3");
        using var channel = Channel(platform);
        using var call = channel.Client.Sync(new SyncRequest { Client = PlatformProcess.Client, LastAppliedVersion = 1 });

        var messages = await ReadUntilAsync(call, m => m.Count(x => x.Heartbeat is not null) >= 3);

        Assert.All(messages, m => Assert.Equal(1, m.Heartbeat.Version));
    }

    [Fact]
    public async Task Versions_survive_a_restart_and_a_truncated_log_sends_older_clients_a_snapshot()
    {
        await using var platform = await PlatformProcess.StartAsync();
        long last = 0;
        for (var i = 0; i < 20; i++)
        {
            last = await platform.UpsertAsync(PlatformProcess.Entry("wage-arrears", TestIds.Company(500 + i), $"wa-r-{i}"));
        }

        Assert.Equal(21, last);
        await platform.RestartAsync("--change-log", "5");
        var state = await platform.GetStateAsync();
        Assert.Equal(21, (long)state["version"]!);
        Assert.Equal(17, (long)state["oldestKeptVersion"]!);
        Assert.Equal(278 + 20, (int)state["entries"]!);

        using var channel = Channel(platform);
        using (var recent = channel.Client.Sync(new SyncRequest { Client = PlatformProcess.Client, LastAppliedVersion = 18 }))
        {
            var messages = await ReadUntilAsync(recent, m => m.Any(x => x.Heartbeat is not null));
            Assert.Equal([19L, 20L, 21L], messages.Where(m => m.Change is not null).Select(m => m.Change.Version));
        }

        using var old = channel.Client.Sync(new SyncRequest { Client = PlatformProcess.Client, LastAppliedVersion = 10 });
        var snapshot = await ReadUntilAsync(old, m => m.Any(x => x.Heartbeat is not null));
        Assert.Equal(21, snapshot[0].SnapshotBegin.Version);
        Assert.Equal(278 + 20, snapshot[0].SnapshotBegin.TotalEntries);
        Assert.Contains(snapshot, m => m.SnapshotChunk?.Entries.Any(e => e.EntryId == "wa-r-19") == true);

        // After the compaction the lists come from the checkpoint; a further restart keeps them and the version.
        await platform.RestartAsync();
        Assert.Equal(21, (long)(await platform.GetStateAsync())["version"]!);
        Assert.Equal(278 + 20, (int)(await platform.GetStateAsync())["entries"]!);
        Assert.Equal(22, await platform.UpsertAsync(PlatformProcess.Entry("wage-arrears", TestIds.Company(999), "wa-r-x")));
    }

    [Fact]
    public async Task Query_answers_a_subjects_entries_with_a_request_id_and_catalog_and_snapshot_on_demand()
    {
        await using var platform = await PlatformProcess.StartAsync();
        using var channel = Channel(platform);

        var answer = await channel.Client.QueryAsync(new QueryRequest { Subject = "91310115768487450W", Reference = "check-1" });
        var clean = await channel.Client.QueryManyAsync(new QueryManyRequest { Queries = { new QueryRequest { Subject = "91110108MAWUCQ148A" }, new QueryRequest { Subject = "91310115768487450W" } } });
        var catalog = await channel.Client.GetCatalogAsync(new GetCatalogRequest());

        Assert.Matches("^Q[0-9]{8}-", answer.RequestId);
        Assert.Contains(answer.Entries, e => e.ListCode == "court-dishonest-debtors" && e.Status == EntryStatus.Active);
        Assert.Empty(clean.Results[0].Entries);
        Assert.NotEqual(clean.Results[0].RequestId, clean.Results[1].RequestId);
        Assert.Equal(answer.Entries, clean.Results[1].Entries);
        Assert.Equal(1, catalog.Version);
        using var snapshot = channel.Client.FetchSnapshot(new FetchSnapshotRequest { Lists = { "wage-arrears" } });
        var messages = await ReadAllAsync(snapshot);
        Assert.Equal(["wage-arrears"], messages[0].SnapshotBegin.Lists);
        Assert.All(messages.Where(m => m.SnapshotChunk is not null), m => Assert.Equal("wage-arrears", m.SnapshotChunk.ListCode));
        Assert.NotNull(messages[^1].SnapshotEnd);
    }

    [Fact]
    public async Task Feedback_is_stored_once_per_key_also_across_a_restart()
    {
        await using var platform = await PlatformProcess.StartAsync();
        using (var channel = Channel(platform))
        {
            var first = await channel.Client.ReportFeedbackAsync(new ReportFeedbackRequest { Records = { Feedback("k-1"), Feedback("k-2"), Feedback("") } });
            Assert.Equal([FeedbackAck.Types.Status.Accepted, FeedbackAck.Types.Status.Accepted, FeedbackAck.Types.Status.Rejected], first.Acks.Select(a => a.Status));
            Assert.Contains("idempotency_key", first.Acks[2].Message, StringComparison.Ordinal);
        }

        await platform.RestartAsync();
        using (var channel = Channel(platform))
        {
            var again = await channel.Client.ReportFeedbackAsync(new ReportFeedbackRequest { Records = { Feedback("k-2"), Feedback("k-3") } });
            Assert.Equal([FeedbackAck.Types.Status.Duplicate, FeedbackAck.Types.Status.Accepted], again.Acks.Select(a => a.Status));
        }

        var received = await platform.GetFeedbackAsync();
        Assert.Equal(["k-1", "k-2", "k-3"], received.Select(r => (string)r!["record"]!["idempotencyKey"]!));
        Assert.Equal(PlatformProcess.Client, (string)received[0]!["client"]!);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(platform.DataDirectory, "received-feedback.jsonl")).Length);
    }

    [Fact]
    public async Task A_wrong_secret_an_unknown_client_and_a_replayed_call_are_unauthenticated()
    {
        await using var platform = await PlatformProcess.StartAsync();

        using (var wrong = Channel(platform, PlatformProcess.Client, "not-the-secret"))
        {
            var e = await Assert.ThrowsAsync<RpcException>(() => wrong.Client.GetCatalogAsync(new GetCatalogRequest()).ResponseAsync);
            Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
            Assert.Contains("does not match the client's secret", e.Status.Detail, StringComparison.Ordinal);
        }

        using (var unknown = Channel(platform, "nobody", "x"))
        {
            var e = await Assert.ThrowsAsync<RpcException>(() => unknown.Client.GetCatalogAsync(new GetCatalogRequest()).ResponseAsync);
            Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
            Assert.Contains("unknown client 'nobody'", e.Status.Detail, StringComparison.Ordinal);
        }

        // The same signed headers twice: the second call is a replay.
        using var raw = GrpcChannel.ForAddress(platform.Address);
        var client = new CreditPlatform.CreditPlatformClient(raw);
        const string method = "/creditcheck.platform.v1.CreditPlatform/GetCatalog";
        var ms = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var headers = new Metadata
        {
            { PlatformSignature.ClientHeader, PlatformProcess.Client },
            { PlatformSignature.TimestampHeader, ms.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            { PlatformSignature.NonceHeader, "nonce-once" },
            { PlatformSignature.SignatureHeader, PlatformSignature.Sign(PlatformProcess.Secret, PlatformProcess.Client, method, ms, "nonce-once") },
        };
        Assert.Equal(1, (await client.GetCatalogAsync(new GetCatalogRequest(), headers)).Version);
        var replay = await Assert.ThrowsAsync<RpcException>(() => client.GetCatalogAsync(new GetCatalogRequest(), headers).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, replay.StatusCode);
        Assert.Contains("replayed", replay.Status.Detail, StringComparison.Ordinal);

        var unsigned = await Assert.ThrowsAsync<RpcException>(() => client.GetCatalogAsync(new GetCatalogRequest()).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, unsigned.StatusCode);
    }

    [Fact]
    public async Task A_client_sees_only_its_lists_and_is_refused_others()
    {
        await using var platform = await PlatformProcess.StartAsync();
        using var channel = Channel(platform, PlatformProcess.WageClient, PlatformProcess.WageSecret);

        var denied = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            using var call = channel.Client.Sync(new SyncRequest { Lists = { "court-dishonest-debtors" } });
            await call.ResponseStream.MoveNext(CancellationToken.None);
        });
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        Assert.Contains("not entitled to list 'court-dishonest-debtors'", denied.Status.Detail, StringComparison.Ordinal);

        using var sync = channel.Client.Sync(new SyncRequest());
        var snapshot = await ReadUntilAsync(sync, m => m.Any(x => x.Heartbeat is not null));
        Assert.Equal(["wage-arrears"], snapshot[0].SnapshotBegin.Lists);
        Assert.All(snapshot.Where(m => m.SnapshotChunk is not null), m => Assert.Equal("wage-arrears", m.SnapshotChunk.ListCode));

        // Changes to other lists are not sent; the heartbeat still moves the version on.
        var other = await platform.SetStatusAsync("court-dishonest-debtors", "cdd-2022-0001", "Repaired");
        var mine = await platform.UpsertAsync(PlatformProcess.Entry("wage-arrears", TestIds.Company(4242), "wa-mine"));
        var live = await ReadUntilAsync(sync, m => m.Any(x => x.Change is not null));
        Assert.Equal(mine, live.Single(m => m.Change is not null).Change.Version);
        Assert.True(other < mine);

        var query = await channel.Client.QueryAsync(new QueryRequest { Subject = "91310115768487450W" });
        Assert.Empty(query.Entries);
    }

    internal static PlatformChannel Channel(PlatformProcess platform, string client = PlatformProcess.Client, string secret = PlatformProcess.Secret) =>
        new(new PlatformConnectionOptions { Address = platform.Address, ClientId = client, Secret = secret, CallTimeout = TimeSpan.FromSeconds(30) });

    /// <summary>Reads the stream until <paramref name="done"/> holds for what was read (since this call).</summary>
    internal static async Task<List<SyncMessage>> ReadUntilAsync(AsyncServerStreamingCall<SyncMessage> call, Func<List<SyncMessage>, bool> done)
    {
        using var timeout = new CancellationTokenSource(Patience);
        var messages = new List<SyncMessage>();
        while (!done(messages))
        {
            Assert.True(await call.ResponseStream.MoveNext(timeout.Token), "the stream ended early");
            messages.Add(call.ResponseStream.Current);
        }

        return messages;
    }

    private static async Task<List<SyncMessage>> ReadAllAsync(AsyncServerStreamingCall<SyncMessage> call)
    {
        var messages = new List<SyncMessage>();
        await foreach (var message in call.ResponseStream.ReadAllAsync())
        {
            messages.Add(message);
        }

        return messages;
    }

    private static FeedbackRecord Feedback(string key) => new()
    {
        IdempotencyKey = key,
        CheckId = "check-" + key,
        Subject = "91310115768487450W",
        SubjectKind = SubjectKind.LegalEntity,
        Outcome = "Denied",
        MeasureCode = "m-1",
        Result = ExecutionResult.Executed,
        Department = "测试局",
    };
}
