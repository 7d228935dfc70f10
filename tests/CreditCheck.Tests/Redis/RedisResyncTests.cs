using CreditCheck.Redis;
using CreditCheck.Stores;
using CreditCheck.Tests.Feedback;
using CreditCheck.Tests.Support;

namespace CreditCheck.Tests.Redis;

/// <summary>
/// A resync reads the lists' filter sources in pieces (GETRANGE) after one atomic snapshot of the small
/// things, then confirms no import committed meanwhile. These tests cut the pieces small and change the
/// lists between pieces: an import committed mid-read is read again (no false damage, removals exact), an
/// upsert mid-read arrives through the change log, and damage done mid-read is still found. Written once, run
/// on one server (<see cref="RedisResyncTests"/>) and on a cluster (<see cref="RedisClusterResyncTests"/>),
/// where the consistent step (snapshot and filter sources in one script) must stay within the namespace's slot.
/// </summary>
public abstract class RedisResyncSuite
{
    private const int ResyncLogged = 2103;
    private const int DamageLogged = 2107;
    private const int SynchronizedLogged = 2101;
    private const int FeedFailedLogged = 2102;
    private const int ConsistentStepLogged = 2132;
    private static readonly SubjectId[] People = [.. Enumerable.Range(0, 40).Select(SyntheticIds.Person)];
    private static readonly SubjectId[] Newcomers = [.. Enumerable.Range(1000, 10).Select(SyntheticIds.Person)];

    protected abstract IRedisDeployment Redis { get; }

    /// <summary>A raw command on the node that holds the harness's namespace.</summary>
    private protected abstract Task<string> CommandAsync(RedisHarness harness, params string[] arguments);

    /// <summary>A store reading pieces of <paramref name="pieceBytes"/>, <paramref name="inFlight"/> at a time,
    /// running <paramref name="afterPiece"/> after each; started.</summary>
    private async Task<RedisCreditStore> StartAsync(RedisHarness harness, LogCapture logs, int pieceBytes, int inFlight, Func<Task>? afterPiece = null)
    {
        var store = new RedisCreditStore(RedisHarness.Options(Redis, harness.Namespace), new CreditCheckOptions(), null, TimeProvider.System, logs.Factory())
        {
            FilterPieceBytes = pieceBytes,
            FilterPiecesInFlight = inFlight,
            FilterPieceRead = afterPiece,
        };
        await store.StartAsync();
        Assert.True(store.Status.IsSynchronized, store.Status.LastError);
        return store;
    }

    /// <summary>A hook that runs <paramref name="change"/> once, after the first piece.</summary>
    private static Func<Task> Once(Func<Task> change)
    {
        var done = 0;
        return () => Interlocked.Exchange(ref done, 1) == 0 ? change() : Task.CompletedTask;
    }

    private static async Task<bool> ListedAsync(RedisCreditStore store, SubjectId subject) => (await store.LookupAsync(subject)).Entries.Count > 0;

    [Theory]
    [InlineData(8, 1)]     // one fingerprint per piece, one at a time
    [InlineData(24, 4)]    // three per piece (the last piece of each list short), several in flight, across lists
    [InlineData(1 << 16, 32)] // the default: each list in one piece
    public async Task Pieces_OfAnySize_FindEverySubjectAndCheckTheManifest(int pieceBytes, int inFlight)
    {
        await using var harness = await RedisHarness.CreateAsync(Redis);
        await harness.Publisher.ImportListAsync("debtors", People.Select(p => TestRecords.Debt(p, "p")), ImportMode.Replace);
        var companies = Enumerable.Range(0, 10).Select(SyntheticIds.Company).ToArray();
        await harness.Publisher.ImportListAsync("grade-a", companies.Select(c => new ListRecord(c, TestRecords.Debt(c, "a").Entry with { ListCode = "grade-a" })), ImportMode.Replace);
        var logs = new LogCapture();
        await using var store = await StartAsync(harness, logs, pieceBytes, inFlight);

        Assert.Null(store.Status.Damage);
        Assert.Equal(People.Length + companies.Length, store.Status.FilterKeys);
        foreach (var subject in People.Concat(companies))
        {
            Assert.True(await ListedAsync(store, subject), $"{subject} is listed");
        }

        Assert.False(await ListedAsync(store, Subjects.Huawei));
        Assert.Empty(logs.Of(DamageLogged));
    }

    [Fact]
    public async Task ListLongerThanOneDefaultPiece_IsReadWhole()
    {
        // 10,000 fingerprints = 80,000 bytes: two pieces of the default 64 KiB.
        await using var harness = await RedisHarness.CreateAsync(Redis);
        var many = Enumerable.Range(0, 10_000).Select(SyntheticIds.Person).ToArray();
        var imported = await harness.Publisher.ImportListAsync("debtors", many.Select(p => TestRecords.Debt(p, "p")), ImportMode.Replace);
        var logs = new LogCapture();
        await using var store = await StartAsync(harness, logs, FilterSourceReader.PieceBytes, FilterSourceReader.PiecesInFlight);
        await RedisHarness.WaitForAsync(store, imported.Sequence, 30_000);

        Assert.Null(store.Status.Damage);
        Assert.Equal(many.Length, store.Status.FilterKeys);
        var lookups = await store.LookupManyAsync(many);
        Assert.All(lookups, l => Assert.NotEmpty(l.Entries));
    }

    [Fact]
    public async Task ImportCommittedWhileReading_IsReadAgain_WithoutFalseDamage_AndItsRemovalsAreExact()
    {
        await using var harness = await RedisHarness.CreateAsync(Redis);
        await harness.Publisher.ImportListAsync("debtors", People.Select(p => TestRecords.Debt(p, "p")), ImportMode.Replace);
        var logs = new LogCapture();

        // After the first piece, the list is replaced: the first ten people go, ten newcomers come. The later
        // pieces are of the new list; built on, they would not match the snapshot's manifest (false damage)
        // and would lack the first newcomers.
        long committed = 0;
        await using var store = await StartAsync(harness, logs, pieceBytes: 16, inFlight: 1, Once(async () =>
        {
            var summary = await harness.Publisher.ImportListAsync("debtors", People[10..].Concat(Newcomers).Select(p => TestRecords.Debt(p, "p")), ImportMode.Replace);
            committed = summary.Sequence;
        }));
        await RedisHarness.WaitForAsync(store, committed, 30_000);

        Assert.Null(store.Status.Damage);
        Assert.Empty(logs.Of(DamageLogged));
        Assert.Contains(logs.Of(ResyncLogged), e => e.Message.Contains("an import committed while the filter sources were read", StringComparison.Ordinal));
        foreach (var gone in People[..10])
        {
            Assert.False(await ListedAsync(store, gone), $"{gone} was removed by the import");
        }

        foreach (var listed in People[10..].Concat(Newcomers))
        {
            Assert.True(await ListedAsync(store, listed), $"{listed} is listed");
        }
    }

    [Fact]
    public async Task UpsertWhileReading_NeedsNoSecondRead_TheChangeLogBringsIt()
    {
        await using var harness = await RedisHarness.CreateAsync(Redis);
        await harness.Publisher.ImportListAsync("debtors", People.Select(p => TestRecords.Debt(p, "p")), ImportMode.Replace);
        var logs = new LogCapture();
        var upserted = Newcomers[0];
        long written = 0;
        await using var store = await StartAsync(harness, logs, pieceBytes: 16, inFlight: 1, Once(async () => written = await harness.Publisher.UpsertAsync(TestRecords.Debt(upserted, "u"))));

        // The upsert appended its fingerprint after the snapshot's length: not read, but applied from the change log.
        await RedisHarness.WaitForAsync(store, written, 30_000);

        Assert.Null(store.Status.Damage);
        Assert.DoesNotContain(logs.Of(ResyncLogged), e => e.Message.Contains("an import committed", StringComparison.Ordinal));
        Assert.True(await ListedAsync(store, upserted));
        Assert.Equal(People.Length + 1, store.Status.FilterKeys);
        foreach (var listed in People)
        {
            Assert.True(await ListedAsync(store, listed), $"{listed} is listed");
        }
    }

    [Theory]
    [InlineData("TRUNCATE", "not a whole number")]
    [InlineData("DELETE", "holds 0 fingerprints, the manifest says 40 (missing or emptied")] // the length changed while read: read again, found gone
    [InlineData("ALTER", "do not match the checksum")]
    public async Task DamageDoneWhileReading_IsFound_AndNoListedSubjectIsClear(string damage, string expected)
    {
        await using var harness = await RedisHarness.CreateAsync(Redis);
        await harness.Publisher.ImportListAsync("debtors", People.Select(p => TestRecords.Debt(p, "p")), ImportMode.Replace);
        var key = $"cc:{{{harness.Namespace}}}:kb:debtors";
        var logs = new LogCapture();
        await using var store = await StartAsync(harness, logs, pieceBytes: 16, inFlight: 1, Once(() => damage switch
        {
            // Cut after 100 bytes: the pieces from there on come back short or empty.
            "TRUNCATE" => CommandAsync(harness, "EVAL", "redis.call('SET', KEYS[1], string.sub(redis.call('GET', KEYS[1]), 1, 100)) return 1", "1", key),
            "DELETE" => CommandAsync(harness, "DEL", key),
            _ => CommandAsync(harness, "SETRANGE", key, "200", "zzzzzzzz"), // a fingerprint in a later piece
        }));

        var reported = store.Status.Damage ?? string.Empty;
        Assert.Contains(expected, reported, StringComparison.Ordinal);
        Assert.Contains(key, reported, StringComparison.Ordinal);
        var checker = new CreditChecker(store, Microsoft.Extensions.Options.Options.Create(new CreditCheckOptions { OnUnavailable = UnavailablePolicy.FailClosed }), TimeProvider.System);
        var decisions = await checker.CheckManyAsync([.. People.Select(p => new CheckRequest(p, "procurement"))]);
        Assert.DoesNotContain(decisions, d => d.Outcome == DecisionOutcome.Clear);
    }

    [Fact]
    public async Task RemovedSubject_AfterAResync_IsNotListed_TheOthersStillAre()
    {
        await using var harness = await RedisHarness.CreateAsync(Redis);
        await harness.Publisher.ImportListAsync("debtors", People.Select(p => TestRecords.Debt(p, "p")), ImportMode.Replace);
        var logs = new LogCapture();
        await using var store = await StartAsync(harness, logs, pieceBytes: 24, inFlight: 2);
        Assert.True(await harness.Publisher.RemoveAsync(People[5], "debtors", "p"));

        // An import of another list makes the store read everything anew.
        var other = await harness.Publisher.ImportListAsync("grade-a", [new ListRecord(Subjects.Alibaba, TestRecords.Debt(Subjects.Alibaba, "a").Entry with { ListCode = "grade-a" })], ImportMode.Replace);
        await RedisHarness.WaitForAsync(store, other.Sequence, 30_000);

        Assert.Null(store.Status.Damage);
        Assert.Contains(logs.Of(ResyncLogged), e => e.Message.Contains("grade-a", StringComparison.Ordinal));
        Assert.False(await ListedAsync(store, People[5]));
        Assert.True(await ListedAsync(store, Subjects.Alibaba));
        foreach (var kept in People.Where(p => p != People[5]))
        {
            Assert.True(await ListedAsync(store, kept), $"{kept} is listed");
        }
    }

    [Fact]
    public async Task PieceFailingMidRead_TheResyncFailsWhole_AndALaterOneSucceeds()
    {
        await using var harness = await RedisHarness.CreateAsync(Redis);
        await harness.Publisher.ImportListAsync("debtors", People.Select(p => TestRecords.Debt(p, "p")), ImportMode.Replace);
        var key = $"cc:{{{harness.Namespace}}}:kb:debtors";
        var logs = new LogCapture();

        // After the first piece the filter source is swapped for a hash: the pieces sent after it fail (WRONGTYPE)
        // while others are in flight; the resync fails whole, the feed retries (finding the damage) until it is undone.
        await using var store = await StartAsync(harness, logs, pieceBytes: 16, inFlight: 4, Once(async () =>
        {
            await CommandAsync(harness, "RENAME", key, key + ":saved");
            await CommandAsync(harness, "HSET", key, "not", "a filter source");
        }));
        Assert.NotEmpty(logs.Of(FeedFailedLogged));

        await CommandAsync(harness, "DEL", key);
        await CommandAsync(harness, "RENAME", key + ":saved", key);
        await WaitUntilAsync(() => store.Status.Damage is null && store.Status.FilterKeys == People.Length, () => $"damage {store.Status.Damage}, {store.Status.FilterKeys} keys");

        foreach (var listed in People)
        {
            Assert.True(await ListedAsync(store, listed), $"{listed} is listed");
        }
    }

    [Fact]
    public async Task ImportsCommittingDuringEveryRead_RestartTheResyncABoundedNumberOfTimes_NoListedSubjectIsClear()
    {
        // People[..20] are listed in every version of the list; the rest and the newcomers come and go.
        static IEnumerable<SubjectId> Version(int k) => People[..20].Concat(People.Skip(20 + (k % 2 * 10)).Take(10)).Append(Newcomers[k % Newcomers.Length]);
        await using var harness = await RedisHarness.CreateAsync(Redis);
        await harness.Publisher.ImportListAsync("debtors", Version(0).Select(p => TestRecords.Debt(p, "p")), ImportMode.Replace);
        var logs = new LogCapture();
        await using var store = await StartAsync(harness, logs, pieceBytes: 16, inFlight: 1);
        var checker = new CreditChecker(store, Microsoft.Extensions.Options.Options.Create(new CreditCheckOptions { OnUnavailable = UnavailablePolicy.FailClosed }), TimeProvider.System);

        // A publisher that commits a new version of the list during every read of the filter sources (once per
        // attempt, after its first piece), at most 20 times: without a bound the resync would restart each time.
        var (imports, lastAttempt, version) = (0, -1L, 1);
        long committed = 0;
        store.FilterPieceRead = async () =>
        {
            var attempt = store.Status.ResyncRestarts + logs.Of(SynchronizedLogged).Count;
            if (attempt != lastAttempt && imports < 20)
            {
                (lastAttempt, imports, version) = (attempt, imports + 1, version + 1);
                committed = (await harness.Publisher.ImportListAsync("debtors", Version(version).Select(p => TestRecords.Debt(p, "p")), ImportMode.Replace)).Sequence;
            }
        };

        // Checks of the always-listed subjects run throughout: never Clear.
        using var checking = new CancellationTokenSource();
        var checks = Task.Run(async () =>
        {
            var decisions = new List<CreditDecision>();
            for (var round = 0; round < 10_000 && !checking.IsCancellationRequested; round++)
            {
                decisions.AddRange(await checker.CheckManyAsync([.. People[..20].Select(p => new CheckRequest(p, "procurement"))]));
            }

            return decisions;
        });

        var started = await harness.Publisher.ImportListAsync("debtors", Version(1).Select(p => TestRecords.Debt(p, "p")), ImportMode.Replace);
        await WaitUntilAsync(() => store.Status.ConsistentResyncs >= 1 && Volatile.Read(ref committed) > 0 && store.Status.Sequence >= Volatile.Read(ref committed), () => $"sequence {store.Status.Sequence}, {store.Status.ResyncRestarts} restarts, {store.Status.ConsistentResyncs} consistent, {store.Status.LastError}");
        await checking.CancelAsync();
        var decisions = await checks;

        Assert.True(started.Sequence > 0);
        Assert.Equal(RedisCreditStore.MaxResyncRestartsInARow, store.Status.ResyncRestarts);
        Assert.Equal(1, store.Status.ConsistentResyncs);
        Assert.Single(logs.Of(ConsistentStepLogged));
        Assert.Null(store.Status.Damage);
        Assert.NotEmpty(decisions);
        Assert.DoesNotContain(decisions, d => d.Outcome == DecisionOutcome.Clear);
        var final = Version(version).ToHashSet();
        foreach (var subject in People.Concat(Newcomers))
        {
            Assert.True(final.Contains(subject) == await ListedAsync(store, subject), $"{subject} listed: {final.Contains(subject)}");
        }
    }

    /// <summary>Polls (bounded: 30 s) until the condition holds.</summary>
    private static async Task WaitUntilAsync(Func<bool> condition, Func<string> state)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Not reached within 30 s: {state()}.");
            }

            await Task.Delay(20);
        }
    }
}

/// <summary>The suite on one redis-server.</summary>
public sealed class RedisResyncTests(RedisFixture redis) : RedisResyncSuite, IClassFixture<RedisFixture>
{
    protected override IRedisDeployment Redis => redis.Server;

    private protected override Task<string> CommandAsync(RedisHarness harness, params string[] arguments) => redis.Server.CommandAsync(arguments);
}

/// <summary>The suite on a Redis Cluster of 3 primaries and 3 replicas.</summary>
public sealed class RedisClusterResyncTests(RedisClusterFixture cluster) : RedisResyncSuite, IClassFixture<RedisClusterFixture>
{
    protected override IRedisDeployment Redis => cluster.Cluster;

    private protected override async Task<string> CommandAsync(RedisHarness harness, params string[] arguments) =>
        await (await cluster.Cluster.PrimaryOfAsync(harness.Namespace)).CommandAsync(arguments);
}
