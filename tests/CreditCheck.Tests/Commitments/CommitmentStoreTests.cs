using CreditCheck.Catalog;
using CreditCheck.Redis;
using CreditCheck.Stores;
using CreditCheck.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace CreditCheck.Tests.Commitments;

/// <summary>The 信用承诺 lifecycle on each store: recorded, listed (overdue too), fulfilled once, breached with
/// the subject listed on broken-commitments, which voids its 告知承诺 and 容缺受理.</summary>
public abstract class CommitmentStoreTests : IAsyncLifetime
{
    // 2026-12-05 10:00 China Standard Time.
    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 12, 5, 2, 0, 0, TimeSpan.Zero));

    private static readonly DateOnly Today = new(2026, 12, 5);

    protected ICreditCommitments Commitments { get; private set; } = null!;

    protected ICreditStore Store { get; private set; } = null!;

    /// <summary>The store's commitments, its publisher (default catalog published) and a store to check against.</summary>
    protected abstract Task<(ICommitmentStore Commitments, ICreditPublisher Publisher, ICreditStore Store)> CreateAsync();

    public async ValueTask InitializeAsync()
    {
        var (commitments, publisher, store) = await CreateAsync();
        Commitments = new CreditCommitments(commitments, publisher, Time);
        Store = store;
    }

    public abstract ValueTask DisposeAsync();

    private static NewCommitment Promise(SubjectId subject, DateOnly due) => new(subject, "XK-001", "场地租赁合同于2026年12月12日前补齐", due)
    {
        SubjectName = "某餐饮有限公司",
        MatterName = "食品经营许可",
        Materials = ["场地租赁合同"],
        Department = "市政务服务中心",
        CheckId = Guid.CreateVersion7(),
    };

    [Fact]
    public async Task RecordAsync_ThenGet_EverythingKeptAndOpen()
    {
        var promise = Promise(SyntheticIds.Company(801), Today.AddDays(7));

        var recorded = await Commitments.RecordAsync(promise);
        var read = await Commitments.GetAsync(recorded.Id);

        Assert.NotNull(read);
        Assert.Equal(promise.Subject, read.Subject);
        Assert.Equal(("XK-001", "食品经营许可", "市政务服务中心", promise.CheckId), (read.MatterCode, read.MatterName, read.Department, read.CheckId));
        Assert.Equal(["场地租赁合同"], read.Materials);
        Assert.Equal(Today.AddDays(7), read.DueOn);
        Assert.Equal(Time.GetUtcNow(), read.RecordedAt);
        Assert.Equal(CommitmentStatus.Open, read.Status);
        Assert.Null(await Commitments.GetAsync("0123456789abcdef0123456789abcdef"));
    }

    [Fact]
    public async Task RecordAsync_DueDayAlreadyPast_RefusedUnlessTakenEarlier()
    {
        // Found by review: a commitment already past due was accepted without a word, overdue at once.
        var subject = SyntheticIds.Company(809);

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => Commitments.RecordAsync(Promise(subject, Today.AddDays(-1))));
        var recordedLate = await Commitments.RecordAsync(Promise(subject, Today.AddDays(-1)) with { TakenEarlier = true });
        var dueToday = await Commitments.RecordAsync(Promise(SyntheticIds.Company(810), Today));

        Assert.Contains("2026-12-04 is already past (today is 2026-12-05", refused.Message, StringComparison.Ordinal);
        Assert.Contains("TakenEarlier", refused.Message, StringComparison.Ordinal);
        Assert.True(recordedLate.IsOverdue(Today));
        Assert.False(dueToday.IsOverdue(Today));
        Assert.DoesNotContain(await Commitments.ListAsync(), c => c.Subject == subject && c.Id != recordedLate.Id);
    }

    [Fact]
    public async Task RecordAsync_APerson_RoundTripsTheIdentifier()
    {
        var person = SyntheticIds.Person(802);

        var recorded = await Commitments.RecordAsync(Promise(person, Today));

        Assert.Equal(person, (await Commitments.GetAsync(recorded.Id))!.Subject);
    }

    [Fact]
    public async Task ListAsync_Overdue_OnlyOpenPastTheirDueDay()
    {
        var due = await Commitments.RecordAsync(Promise(SyntheticIds.Company(803), Today));
        Time.Advance(TimeSpan.FromSeconds(1));
        var late = await Commitments.RecordAsync(Promise(SyntheticIds.Company(804), Today.AddDays(-1)) with { TakenEarlier = true });
        Time.Advance(TimeSpan.FromSeconds(1));
        var kept = await Commitments.RecordAsync(Promise(SyntheticIds.Company(805), Today.AddDays(-2)) with { TakenEarlier = true });
        await Commitments.FulfilAsync(kept.Id);

        Assert.Equal([late.Id], (await Commitments.ListAsync(overdueOnly: true)).Select(c => c.Id));
        Assert.Equal([due.Id, late.Id, kept.Id], (await Commitments.ListAsync()).Select(c => c.Id)); // oldest first
        Time.Advance(TimeSpan.FromDays(1));
        Assert.Equal([due.Id, late.Id], (await Commitments.ListAsync(overdueOnly: true)).Select(c => c.Id));
    }

    [Fact]
    public async Task FulfilAsync_Twice_TheSecondIsRefused()
    {
        var recorded = await Commitments.RecordAsync(Promise(SyntheticIds.Company(806), Today));

        var fulfilled = await Commitments.FulfilAsync(recorded.Id);

        Assert.Equal(CommitmentStatus.Fulfilled, fulfilled.Status);
        Assert.Equal(CommitmentStatus.Fulfilled, (await Commitments.GetAsync(recorded.Id))!.Status);
        await Assert.ThrowsAsync<InvalidOperationException>(() => Commitments.FulfilAsync(recorded.Id));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Commitments.BreachAsync(recorded.Id, "逾期"));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Commitments.FulfilAsync("0123456789abcdef0123456789abcdef"));
    }

    [Fact]
    public async Task BreachAsync_ListsTheSubject_Its告知承诺And容缺受理VoidedUntilRepair()
    {
        var company = SyntheticIds.Company(807);
        var recorded = await Commitments.RecordAsync(Promise(company, Today.AddDays(-1)) with { TakenEarlier = true });

        var breached = await Commitments.BreachAsync(recorded.Id, "逾期未补齐场地租赁合同");

        Assert.Equal((CommitmentStatus.Breached, "逾期未补齐场地租赁合同"), (breached.Status, breached.Reason));
        Assert.Equal(CommitmentStatus.Breached, (await Commitments.GetAsync(recorded.Id))!.Status);
        var decision = await CheckEventuallyAsync(company, d => d.MatchedEntries.Count > 0);
        var entry = Assert.Single(decision.MatchedEntries);
        Assert.Equal(("broken-commitments", "commitment-" + recorded.Id), (entry.Entry.ListCode, entry.Entry.EntryId));
        Assert.Contains(decision.VoidedMeasures, m => m.Measure.Code == "commitment-approval");
        Assert.Contains(decision.VoidedMeasures, m => m.Measure.Code == "tolerant-acceptance");
        Assert.DoesNotContain(decision.AppliedMeasures, m => m.Measure.IsBenefit);
        Assert.Empty(await Commitments.ListAsync(overdueOnly: true));
    }

    [Fact]
    public async Task RecordAsync_BlankPromise_RefusedNamingIt()
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() => Commitments.RecordAsync(new NewCommitment(SyntheticIds.Company(808), "XK-001", " ", Today)));

        Assert.Contains("Promise", e.Message, StringComparison.Ordinal);
    }

    private async Task<CreditDecision> CheckEventuallyAsync(SubjectId subject, Func<CreditDecision, bool> condition)
    {
        var checker = new CreditChecker(Store);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var decision = await checker.CheckAsync(new CheckRequest(subject, "licensing"));
            if (condition(decision) || DateTime.UtcNow > deadline)
            {
                return decision;
            }

            await Task.Delay(20);
        }
    }
}

/// <summary>On the embedded store with a data folder: kept in DIR/.creditcheck/commitments.jsonl.</summary>
public sealed class InMemoryCommitmentStoreTests : CommitmentStoreTests
{
    private readonly string _folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "cc-commitments-" + Guid.NewGuid().ToString("N"))).FullName;

    protected override Task<(ICommitmentStore, ICreditPublisher, ICreditStore)> CreateAsync()
    {
        var store = new InMemoryCreditStore(CreditCatalog.Default);
        return Task.FromResult<(ICommitmentStore, ICreditPublisher, ICreditStore)>((new InMemoryCommitmentStore(InMemoryCommitmentStore.StateFolder(_folder)), store, store));
    }

    public override ValueTask DisposeAsync()
    {
        Directory.Delete(_folder, recursive: true);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task RecordAsync_AnotherProcessesStore_SeesItAndItsClosing()
    {
        var recorded = await Commitments.RecordAsync(new NewCommitment(SyntheticIds.Company(809), "XK-001", "承诺符合条件", new DateOnly(2026, 12, 31)));
        var other = new CreditCommitments(new InMemoryCommitmentStore(InMemoryCommitmentStore.StateFolder(_folder)), null, Time);

        await other.FulfilAsync(recorded.Id);

        Assert.Equal(CommitmentStatus.Fulfilled, (await Commitments.GetAsync(recorded.Id))!.Status);
        Assert.Equal(2, File.ReadAllLines(Path.Combine(_folder, ".creditcheck", "commitments.jsonl")).Length);
    }
}

/// <summary>On Redis (RESP2, the client's default here): the namespace's hash and open set.</summary>
public class RedisCommitmentStoreTests(RedisFixture redis) : CommitmentStoreTests, IClassFixture<RedisFixture>
{
    private RedisHarness _harness = null!;

    protected virtual RedisProtocol? Protocol => null;

    protected RedisFixture Redis => redis;

    protected override async Task<(ICommitmentStore, ICreditPublisher, ICreditStore)> CreateAsync()
    {
        _harness = await RedisHarness.CreateAsync(redis.Server, CreditCatalog.Default, o => o.Protocol = Protocol);
        var store = await _harness.StartStoreAsync(configure: o => o.Protocol = Protocol);
        return (new RedisCommitmentStore(store, RedisHarness.Options(redis.Server, _harness.Namespace, o => o.Protocol = Protocol)), _harness.Publisher, store);
    }

    public override async ValueTask DisposeAsync()
    {
        await _harness.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task RecordAsync_APerson_NoPlainIdentityNumberInRedis()
    {
        var person = SyntheticIds.Person(810);

        var recorded = await Commitments.RecordAsync(new NewCommitment(person, "GG-001", "承诺符合条件", new DateOnly(2026, 12, 31)));

        using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Server.Configuration);
        var raw = (string)(await connection.GetDatabase().HashGetAsync($"cc:{{{_harness.Namespace}}}:commitments", recorded.Id))!;
        Assert.DoesNotContain(person.Value, raw, StringComparison.Ordinal);
        Assert.Contains(person.Masked, raw, StringComparison.Ordinal);
        Assert.Equal(person, (await Commitments.GetAsync(recorded.Id))!.Subject);
    }
}

/// <summary>The same on RESP3: the scripts' integer replies read alike.</summary>
public sealed class RedisResp3CommitmentStoreTests(RedisFixture redis) : RedisCommitmentStoreTests(redis)
{
    protected override RedisProtocol? Protocol => RedisProtocol.Resp3;
}
