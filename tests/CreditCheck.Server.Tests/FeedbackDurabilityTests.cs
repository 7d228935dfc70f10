using CreditCheck.Redis;
using CreditCheck.Server.Tests.Support;
using CreditCheck.Stores;
using CreditCheck.Tests.Support;

namespace CreditCheck.Server.Tests;

/// <summary>A 202 on feedback means the records survive the service: the service as its own process on a real
/// redis-server, feedback streamed from Python, the service killed (SIGKILL) mid-stream while Redis stalls, restarted,
/// and every acknowledged key read back from <c>cc:{ns}:feedback</c>.</summary>
public sealed class FeedbackDurabilityTests : IAsyncLifetime
{
    private const string Namespace = "killtest";
    private const string Secret = "server-kill-tests-secret-012345";
    private const string Listed = "320102197207067646";
    private RedisServer _redis = null!;
    private readonly string _stubs = Directory.CreateTempSubdirectory("creditcheck-stubs-").FullName;
    private readonly string _folder = Directory.CreateTempSubdirectory("creditcheck-journal-").FullName;

    public async ValueTask InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        await using var publisher = await RedisCreditPublisher.ConnectAsync(Options());
        await publisher.PublishCatalogAsync(CreditCheck.Catalog.CreditCatalog.Default);
        var now = TimeProvider.System.GetUtcNow();
        await publisher.UpsertAsync(new ListRecord(SubjectId.Parse(Listed, SubjectKind.NaturalPerson), new ListEntry
        {
            EntryId = "kill-0001",
            ListCode = "court-dishonest-debtors",
            SubjectKind = SubjectKind.NaturalPerson,
            SubjectName = "测试某",
            ListedOn = now.AddDays(-30),
            ValidUntil = now.AddDays(700),
        }));
    }

    [Theory(Timeout = 240_000)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Feedback_ServiceKilledMidStream_EveryAcknowledgedKeyIsInTheStream(bool journal)
    {
        var arguments = new List<string> { "--redis", _redis.Configuration, "--namespace", Namespace };
        if (journal)
        {
            arguments.AddRange(["--journal", Path.Combine(_folder, "feedback.journal")]);
        }

        var environment = Clients.Environment();
        environment["CREDITCHECK_SECRET"] = Secret;
        var server = await ServerProcess.StartAsync(environment, [.. arguments]);
        Assert.Contains(journal ? "Feedback: 202 once flushed to the journal" : "Feedback: no journal", server.Output, StringComparison.Ordinal);
        var python = EmbeddedServerFixture.Environment(server, _stubs, Clients.Procurement);
        python["THREADS"] = "8";
        python["MAX_REPORTS"] = "20000";
        python["SECONDS"] = "30";
        python["LISTED"] = Listed;
        var stream = Python.RunAsync("http_cases.py", "feedback_stream", python);
        try
        {
            // Let reports flow, then stall Redis (as a busy or failing-over node does) so that records wait in the
            // service, and kill it in the middle of that: only what is durable may have been acknowledged.
            // Until 200 records are in the stream (not a fixed time: on a loaded machine 3 s gave only 71), at most 20 s.
            for (var waited = 0; waited < 200 && !stream.IsCompleted; waited++)
            {
                if (long.TryParse((await _redis.CommandAsync("XLEN", $"cc:{{{Namespace}}}:feedback")).TrimStart(':'), out var written) && written >= 200)
                {
                    break;
                }

                await Task.WhenAny(stream, Task.Delay(TimeSpan.FromMilliseconds(100)));
            }

            await _redis.FreezeAsync();
            await Task.WhenAny(stream, Task.Delay(TimeSpan.FromSeconds(1.5)));
            await server.KillAsync();
        }
        finally
        {
            await _redis.ContinueAsync();
            await server.DisposeAsync();
        }

        var result = await stream;
        var acknowledged = result.GetProperty("acknowledged").EnumerateArray().Select(k => k.GetString()!).ToHashSet(StringComparer.Ordinal);
        Assert.True(acknowledged.Count > 100, $"only {acknowledged.Count} reports were acknowledged before the kill: {result}");

        // Restart (a journal's leftovers are delivered now), then every acknowledged key must be in the stream.
        await using var restarted = await ServerProcess.StartAsync(environment, [.. arguments]);
        await using var reader = await RedisFeedbackReader.ConnectAsync(Options());
        var missing = acknowledged;
        var deadline = TimeProvider.System.GetUtcNow().AddSeconds(30);
        for (var attempt = 0; attempt < 300 && missing.Count > 0 && TimeProvider.System.GetUtcNow() < deadline; attempt++)
        {
            var delivered = new HashSet<string>(StringComparer.Ordinal);
            var now = TimeProvider.System.GetUtcNow();
            await foreach (var record in reader.ReadAsync(now.AddDays(-1), now.AddDays(1)))
            {
                delivered.Add(record.Key);
            }

            missing = [.. acknowledged.Where(k => !delivered.Contains(k))];
            if (missing.Count > 0)
            {
                await Task.Delay(100);
            }
        }

        Assert.True(missing.Count == 0,
            $"{missing.Count} of {acknowledged.Count} acknowledged records are not in the feedback stream, e.g. {string.Join(", ", missing.Take(5))}");
    }

    public async ValueTask DisposeAsync()
    {
        await _redis.DisposeAsync();
        Directory.Delete(_stubs, recursive: true);
        Directory.Delete(_folder, recursive: true);
    }

    private RedisStoreOptions Options() => new() { Configuration = _redis.Configuration, Namespace = Namespace, Secret = Secret };
}
