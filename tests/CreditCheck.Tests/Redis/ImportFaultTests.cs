using System.Diagnostics;
using CreditCheck.Redis;
using CreditCheck.Stores;
using CreditCheck.Tests.Support;
using StackExchange.Redis;

namespace CreditCheck.Tests.Redis;

/// <summary>
/// Imports that meet a Redis that stops answering or loses keys: the import ends with a clear error within its
/// own bound (never an endless wait on the client's tasks), and tells missing keys apart from a concurrent change.
/// Each test has a server of its own (they freeze it or change its configuration).
/// </summary>
public sealed class ImportFaultTests
{
    private const string List = "debtors";

    [Fact]
    public async Task Import_RedisStalledLongerThanTheBound_FailsWithinTheBoundAndTheListBeforeStays()
    {
        await using var server = await RedisServer.StartAsync();
        var ns = "t" + Guid.NewGuid().ToString("N")[..12];
        // A client whose own timeouts never fire within the test: it stands for the known StackExchange.Redis fault
        // where a batch's tasks never complete after a connection blip. Only the import's bound can end the wait.
        await using var multiplexer = await ConnectionMultiplexer.ConnectAsync(server.Configuration + ",syncTimeout=120000,asyncTimeout=120000");
        var options = RedisHarness.Options(server, ns, o =>
        {
            o.OperationTimeout = TimeSpan.FromMilliseconds(200); // the import's bound: 10 × 200 ms = 2 s
            o.ImportChunkSize = 100;
        });
        await using var publisher = await RedisCreditPublisher.ConnectAsync(options, multiplexer);
        await publisher.PublishCatalogAsync(TestCatalog.Create());
        var before = await publisher.ImportListAsync(List, Enumerable.Range(0, 50).Select(n => TestRecords.Debt(SyntheticIds.Person(n), "old")), ImportMode.Replace);

        var frozen = false;
        IEnumerable<ListRecord> Records()
        {
            for (var n = 0; n < 2_000; n++)
            {
                if (n == 350)
                {
                    server.FreezeAsync().GetAwaiter().GetResult(); // mid-import: chunks were staged, more are coming
                    frozen = true;
                }

                yield return TestRecords.Debt(SyntheticIds.Person(1_000 + n), "new");
            }
        }

        var clock = Stopwatch.StartNew();
        var import = Task.Run(() => publisher.ImportListAsync(List, Records(), ImportMode.Replace));
        Task ended;
        try
        {
            ended = await Task.WhenAny(import, Task.Delay(TimeSpan.FromSeconds(20)));
        }
        finally
        {
            if (frozen)
            {
                await server.ContinueAsync();
            }
        }

        Assert.True(frozen, "The server was never frozen.");
        Assert.True(ended == import, $"The import still waited for the stalled Redis after {clock.Elapsed.TotalSeconds:F1} s.");
        var error = await Assert.ThrowsAsync<TimeoutException>(() => import);
        Assert.Contains("Redis did not answer", error.Message, StringComparison.Ordinal);
        Assert.Contains("within 2 s", error.Message, StringComparison.Ordinal);

        // Redis answers again: the list before is whole and live, nothing of the import is visible.
        var (entries, _) = await publisher.CountAsync();
        Assert.Equal(50, entries[List]);
        Assert.Equal(before.Sequence, await publisher.GetSequenceAsync());
        Assert.Null((await publisher.CheckListsAsync())[List]);
    }

    [Fact]
    public async Task Import_ListKeysEvictedBeforeTheCommit_SaysTheKeysAreMissingNotASingleEntryChange()
    {
        await using var server = await RedisServer.StartAsync();
        await using var harness = await RedisHarness.CreateAsync(server);
        await harness.Publisher.ImportListAsync(List, Enumerable.Range(0, 20).Select(n => TestRecords.Debt(SyntheticIds.Person(n), "p")), ImportMode.Replace);
        Assert.Equal("+OK", await server.CommandAsync("CONFIG", "SET", "maxmemory-policy", "allkeys-lru"));
        var prefix = $"cc:{{{harness.Namespace}}}:";

        // What an eviction under memory pressure does while the rows are staged: the list's versions and the catalog go.
        var monitor = new DeletingMonitor(server, prefix + "versions", prefix + "catalog");
        var error = await Assert.ThrowsAsync<RedisDataMissingException>(() => harness.Publisher.ImportListAsync(
            List, Enumerable.Range(0, 30).Select(n => TestRecords.Debt(SyntheticIds.Person(n), "p")), ImportMode.Replace, monitor));

        Assert.DoesNotContain("single-entry", error.Message, StringComparison.Ordinal);
        Assert.Contains(prefix + "versions", error.Message, StringComparison.Ordinal);
        Assert.Contains(prefix + "catalog", error.Message, StringComparison.Ordinal);
        Assert.Contains("maxmemory-policy allkeys-lru", error.Message, StringComparison.Ordinal);
        Assert.Contains("creditcheck verify", error.Message, StringComparison.Ordinal);
        Assert.Contains("noeviction", error.Message, StringComparison.Ordinal);
        Assert.Contains("键缺失", error.ChineseMessage, StringComparison.Ordinal);
        Assert.False(error.Health.IsLost);
        Assert.Empty(await server.KeysAsync(prefix + "stage:*"));
    }

    /// <summary>Deletes keys once everything is staged, just before the commit.</summary>
    private sealed class DeletingMonitor(RedisServer server, params string[] keys) : IImportMonitor
    {
        public void Repeated(long position, ListRecord record, bool differs)
        {
        }

        public void Staged()
        {
            foreach (var key in keys)
            {
                Assert.Equal(":1", server.CommandAsync("DEL", key).GetAwaiter().GetResult());
            }
        }
    }
}
