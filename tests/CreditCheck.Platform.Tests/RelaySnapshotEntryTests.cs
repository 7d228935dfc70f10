using System.Text.Json;
using System.Text.Json.Nodes;
using CreditCheck.Platform.Tests.Support;
using StackExchange.Redis;

namespace CreditCheck.Platform.Tests;

/// <summary>A snapshot with entries the SDK refuses (found from outside: one bad entry made the relay refuse the whole
/// snapshot, and the namespace stayed behind for good): the rest is applied, the bad entries are set aside as a refused
/// change is, and no subject they name becomes clean — against the Python platform, the operator tool as a process and a
/// redis-server.</summary>
public sealed class RelaySnapshotEntryTests
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task A_snapshot_with_refused_entries_is_applied_and_a_refused_entry_of_a_keyable_subject_is_answered_Review()
    {
        var badDate = Entry(2, "wage-arrears", "bad-date");
        badDate["validUntil"] = "not-a-date";
        var badId = Entry(0, "wage-arrears", "bad-id");
        badId["subject"] = "NOT-AN-ID";
        var entries = new[] { Entry(1, "wage-arrears", "ok-1"), badDate, badId, Entry(3, "court-dishonest-debtors", "ok-3") };
        await using var python = await PythonPlatform.StartAsync(Catalog.CreditCatalog.Default.ToJson(), JsonSerializer.Serialize(entries));
        await using var harness = await RelayHarness.StartAsync();

        var (code, output, error) = await CliProcess.RunAsync(harness.Environment(), Long,
            "platform", "sync", "--platform", python.Address.ToString(), "--client", PlatformProcess.Client, "--once", "--json");

        Assert.True(code == 6, $"exit {code}:\n{output}\n{error}"); // partly done: the refused entries are set aside
        var summary = JsonNode.Parse(output)!;
        Assert.Equal(1, (long)summary["version"]!);
        Assert.Equal(1, (long)summary["snapshots"]!);
        Assert.Equal(2, (long)summary["refused"]!);
        Assert.Contains("entry 'bad-date' of list 'wage-arrears' is refused by the SDK and stored as unreadable", error, StringComparison.Ordinal);
        Assert.Contains("not-a-date", error, StringComparison.Ordinal);
        Assert.Contains("entry 'bad-id' of list 'wage-arrears' names no subject that can be keyed", error, StringComparison.Ordinal);
        Assert.Contains("NOT-AN-ID", error, StringComparison.Ordinal);

        // The namespace caught up: not behind, so clean subjects are answered Clear.
        var mark = await harness.MarkAsync();
        Assert.Equal((1L, 0L), (mark.Version, mark.SnapshotInProgress));
        Assert.Null(mark.Behind);
        using var redis = await ConnectionMultiplexer.ConnectAsync(harness.Redis.Configuration);
        var refused = (await redis.GetDatabase().ListRangeAsync($"cc:{{{harness.Namespace}}}:platform:refused")).Select(v => JsonNode.Parse((string)v!)!).ToList();
        Assert.Equal(["bad-date", "bad-id"], refused.Select(r => (string)JsonNode.Parse((string)r["change"]!)!["entryId"]!).Order(StringComparer.Ordinal));
        Assert.Equal([true, false], refused.OrderBy(r => (string)r["entry"]!, StringComparer.Ordinal).Select(r => (bool)r["storedAsUnreadable"]!));

        var host = await harness.HostAsync();
        var checker = new CreditChecker(host, new CreditCheckOptions { OnUnavailable = UnavailablePolicy.FailClosed });
        foreach (var (n, id) in new[] { (1, "ok-1"), (3, "ok-3") })
        {
            var listed = await checker.CheckAsync(new CheckRequest(RelayTests.Id(n), "procurement"));
            Assert.Equal(id, Assert.Single(listed.MatchedEntries).Entry.EntryId);
            Assert.NotEqual(DecisionOutcome.Clear, listed.Outcome);
        }

        var damaged = await checker.CheckAsync(new CheckRequest(RelayTests.Id(2), "procurement"));
        Assert.Equal(DecisionOutcome.Review, damaged.Outcome);
        Assert.Equal("wage-arrears/bad-date", Assert.Single(damaged.UnreadableEntries).Field);
        var clean = await checker.CheckAsync(new CheckRequest(RelayTests.Id(9), "procurement"));
        Assert.Equal(DecisionOutcome.Clear, clean.Outcome);
        Assert.Null(clean.DegradedReason);

        // A status change of the entry held unreadable is set aside (a status cannot be set on it), not retried for ever;
        // the platform sending the entry whole makes it readable again.
        var status = await python.SetStatusAsync("wage-arrears", "bad-date", "ENTRY_STATUS_REPAIRED", "已履行");
        (code, output, error) = await CliProcess.RunAsync(harness.Environment(), Long,
            "platform", "sync", "--platform", python.Address.ToString(), "--client", PlatformProcess.Client, "--once", "--json");
        Assert.True(code == 6, $"exit {code}:\n{output}\n{error}");
        Assert.Equal(status, (long)JsonNode.Parse(output)!["version"]!);
        Assert.Contains($"change {status}", error, StringComparison.Ordinal);
        Assert.Equal(DecisionOutcome.Review, (await checker.CheckAsync(new CheckRequest(RelayTests.Id(2), "procurement"))).Outcome);

        var whole = await python.UpsertAsync(Entry(2, "wage-arrears", "bad-date"));
        Assert.Contains($"Platform version {whole}:", await harness.SyncOnceAsync(python.Address), StringComparison.Ordinal);
        await RelayTests.Eventually(async () => (await checker.CheckAsync(new CheckRequest(RelayTests.Id(2), "procurement"))) is { UnreadableEntries.Count: 0 } d
            && d.MatchedEntries.Any(m => m.Entry.EntryId == "bad-date"), "the entry sent whole replaced the unreadable one");
    }

    [Fact]
    public async Task A_stored_entry_that_a_snapshot_sends_with_an_unkeyable_subject_is_not_lost()
    {
        await using var harness = await RelayHarness.StartAsync();
        var first = new[] { Entry(1, "wage-arrears", "wa-1"), Entry(3, "wage-arrears", "wa-3") };
        await using (var python = await PythonPlatform.StartAsync(Catalog.CreditCatalog.Default.ToJson(), JsonSerializer.Serialize(first)))
        {
            Assert.Contains("Platform version 1: 1 snapshot(s)", await harness.SyncOnceAsync(python.Address), StringComparison.Ordinal);
        }

        // Restarted (a new history, so a snapshot): entry wa-3 now names no valid subject; another list gains an entry.
        var broken = Entry(0, "wage-arrears", "wa-3");
        broken["subject"] = "NOT-AN-ID";
        var second = new[] { Entry(1, "wage-arrears", "wa-1"), broken, Entry(4, "wage-arrears", "wa-4"), Entry(5, "court-dishonest-debtors", "cdd-5") };
        await using var restarted = await PythonPlatform.StartAsync(Catalog.CreditCatalog.Default.ToJson(), JsonSerializer.Serialize(second));
        var (code, output, error) = await CliProcess.RunAsync(harness.Environment(), Long,
            "platform", "sync", "--platform", restarted.Address.ToString(), "--client", PlatformProcess.Client, "--once", "--json");

        Assert.True(code == 6, $"exit {code}:\n{output}\n{error}");
        Assert.Equal(1, (long)JsonNode.Parse(output)!["refused"]!);
        var mark = await harness.MarkAsync();
        Assert.Equal((1L, 0L), (mark.Version, mark.SnapshotInProgress));
        Assert.Null(mark.Behind);
        var host = await harness.HostAsync();
        Assert.Equal("wa-3", Assert.Single((await host.LookupAsync(RelayTests.Id(3))).Entries).Entry.EntryId);
        Assert.Equal("cdd-5", Assert.Single((await host.LookupAsync(RelayTests.Id(5))).Entries).Entry.EntryId);
        Assert.Empty((await host.LookupAsync(RelayTests.Id(4))).Entries); // the price: the kept list waits for a later snapshot
        Assert.Contains("list 'wage-arrears' keeps its previous content: it already holds entry 'wa-3'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_upsert_change_of_a_keyable_subject_is_stored_as_unreadable_not_passed_over()
    {
        // Found by review: a refused single change was only set aside, so a subject newly listed by it stayed answered Clear,
        // and a refused update left the older version of the entry standing as if current.
        await using var python = await PythonPlatform.StartAsync(Catalog.CreditCatalog.Default.ToJson(), JsonSerializer.Serialize(new[] { Entry(1, "wage-arrears", "wa-1") }));
        await using var harness = await RelayHarness.StartAsync();
        Assert.Contains("Platform version 1: 1 snapshot(s)", await harness.SyncOnceAsync(python.Address), StringComparison.Ordinal);

        var newcomer = Entry(2, "wage-arrears", "wa-2");
        newcomer["validUntil"] = "not-a-date";
        var added = await python.UpsertAsync(newcomer);
        var update = Entry(1, "wage-arrears", "wa-1");
        update["status"] = "ENTRY_STATUS_UNSPECIFIED";
        var updated = await python.UpsertAsync(update);
        var reversed = Entry(5, "wage-arrears", "wa-5"); // refused by the catalog's rules (ListEntryException), not by the link
        reversed["validFrom"] = "2026-06-01T00:00:00+08:00";
        reversed["validUntil"] = "2026-01-01T00:00:00+08:00";
        var ruled = await python.UpsertAsync(reversed);
        var unkeyed = Entry(0, "wage-arrears", "wa-x");
        unkeyed["subject"] = "NOT-AN-ID";
        unkeyed["validUntil"] = "not-a-date";
        var lost = await python.UpsertAsync(unkeyed);
        var (code, output, error) = await CliProcess.RunAsync(harness.Environment(), Long,
            "platform", "sync", "--platform", python.Address.ToString(), "--client", PlatformProcess.Client, "--once", "--json");

        Assert.True(code == 6, $"exit {code}:\n{output}\n{error}");
        Assert.Equal(4, (long)JsonNode.Parse(output)!["refused"]!);
        Assert.Contains($"change {added} (upsert of entry 'wa-2' of list 'wage-arrears'", error, StringComparison.Ordinal);
        Assert.Contains("its entry stored as unreadable", error, StringComparison.Ordinal);
        Assert.Contains("not-a-date", error, StringComparison.Ordinal);
        using var redis = await ConnectionMultiplexer.ConnectAsync(harness.Redis.Configuration);
        var refused = (await redis.GetDatabase().ListRangeAsync($"cc:{{{harness.Namespace}}}:platform:refused")).Select(v => JsonNode.Parse((string)v!)!).ToList();
        Assert.Equal([added, updated, ruled, lost], refused.Select(r => (long)r["version"]!));
        Assert.Equal([true, true, true, false], refused.Select(r => (bool)r["storedAsUnreadable"]!));

        var host = await harness.HostAsync();
        var checker = new CreditChecker(host, new CreditCheckOptions { OnUnavailable = UnavailablePolicy.FailClosed });
        var newlyListed = await checker.CheckAsync(new CheckRequest(RelayTests.Id(2), "procurement"));
        Assert.Equal(DecisionOutcome.Review, newlyListed.Outcome);
        Assert.Equal("wage-arrears/wa-2", Assert.Single(newlyListed.UnreadableEntries).Field);
        var refusedUpdate = await checker.CheckAsync(new CheckRequest(RelayTests.Id(1), "procurement"));
        Assert.Equal(DecisionOutcome.Review, refusedUpdate.Outcome);
        Assert.Empty(refusedUpdate.MatchedEntries); // the older version no longer stands as if current
        Assert.Equal("wage-arrears/wa-1", Assert.Single(refusedUpdate.UnreadableEntries).Field);

        var endsBeforeItStarts = await checker.CheckAsync(new CheckRequest(RelayTests.Id(5), "procurement"));
        Assert.Equal(DecisionOutcome.Review, endsBeforeItStarts.Outcome);
        Assert.Equal("wage-arrears/wa-5", Assert.Single(endsBeforeItStarts.UnreadableEntries).Field);

        // The platform sending the entry whole makes it readable again.
        var whole = await python.UpsertAsync(Entry(2, "wage-arrears", "wa-2"));
        Assert.Contains($"Platform version {whole}:", await harness.SyncOnceAsync(python.Address), StringComparison.Ordinal);
        await RelayTests.Eventually(async () => (await checker.CheckAsync(new CheckRequest(RelayTests.Id(2), "procurement"))) is { UnreadableEntries.Count: 0 } d
            && d.MatchedEntries.Any(m => m.Entry.EntryId == "wa-2"), "the entry sent whole replaced the unreadable one");
    }

    private static Dictionary<string, object> Entry(int n, string list, string id) => PythonPlatform.Entry(n, list, id);
}
