using CreditCheck.Catalog;
using CreditCheck.Stores;
using CreditCheck.Tests.Support;
using Microsoft.Extensions.Options;

namespace CreditCheck.Tests.Stores.Conformance;

/// <summary>
/// What every store must do, whatever it is built on. The embedded in-memory store and the Redis
/// store both inherit these tests, so the embedded default provably behaves like the real store.
/// </summary>
public abstract partial class CreditStoreConformanceTests
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.FromHours(8));

    protected abstract Task<StoreUnderTest> CreateAsync(CreditCatalog catalog);

    private Task<StoreUnderTest> CreateAsync() => CreateAsync(TestCatalog.Create());

    private static ListRecord Debt(SubjectId subject, string entryId, EntryStatus status = EntryStatus.Active, string? summary = null) => new(subject, new ListEntry
    {
        EntryId = entryId,
        ListCode = "debtors",
        SubjectKind = subject.Kind,
        SubjectName = "示例主体",
        Authority = "某某人民法院",
        DecisionReference = $"(2025)京0105执{entryId}号",
        Summary = summary,
        ListedOn = Start,
        ValidFrom = Start,
        ValidUntil = Start.AddYears(10),
        Status = status,
    });

    [Fact]
    public async Task Lookup_CleanSubject_FindsNothing()
    {
        await using var sut = await CreateAsync();

        var lookup = await sut.Store.LookupAsync(Subjects.Huawei);

        Assert.Empty(lookup.Entries);
        Assert.Empty(lookup.Unreadable);
        Assert.Equal("test-1", lookup.Catalog!.Version);
        Assert.NotEqual(LookupSource.Unavailable, lookup.Source);
    }

    [Fact]
    public async Task PublishCatalog_ChangedContentUnderThePublishedVersion_IsRefusedAndNothingChanges()
    {
        await using var sut = await CreateAsync();
        var changed = CreditCatalog.Parse(TestCatalog.Json.Replace("失信被执行人名单", "失信被执行人名单（改）", StringComparison.Ordinal));
        Assert.Equal("test-1", changed.Version);

        var error = await Assert.ThrowsAsync<CatalogValidationException>(() => sut.Publisher.PublishCatalogAsync(changed));
        await sut.Settle(await sut.Publisher.PublishCatalogAsync(TestCatalog.Create())); // the same content again: fine
        var lookup = await sut.Store.LookupAsync(Subjects.Huawei);

        Assert.Contains("already published", error.Message, StringComparison.Ordinal);
        Assert.Equal("失信被执行人名单", lookup.Catalog!.FindList("debtors")!.Name);
    }

    [Fact]
    public async Task ImportList_WithProgress_ReportsGrowingCountsEndingAtTheWholeList()
    {
        await using var sut = await CreateAsync();
        var records = Enumerable.Range(0, 25_000).Select(n => Debt(SyntheticIds.Person(n), "p")).ToList();
        var reports = new List<ImportProgress>();

        // A synchronous IProgress: Progress<T> would post to the thread pool and race the assertions.
        var summary = await sut.Publisher.ImportListAsync("debtors", records, ImportMode.Replace, new Recorder(reports));

        Assert.Equal(25_000, summary.Added);
        Assert.True(reports.Count >= 2, $"{reports.Count} reports");
        Assert.Equal(reports.Select(r => r.Records).Order(), reports.Select(r => r.Records));
        Assert.Equal(new ImportProgress(25_000, 25_000, 0, 0), reports[^1]);
    }

    private sealed class Recorder(List<ImportProgress> reports) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value) => reports.Add(value);
    }

    [Fact]
    public async Task Upsert_ThenLookup_FindsTheEntryAsWritten()
    {
        await using var sut = await CreateAsync();
        var record = Debt(Subjects.Tencent, "d-1", summary: "拒不履行");

        await sut.Settle(await sut.Publisher.UpsertAsync(record));
        var lookup = await sut.Store.LookupAsync(Subjects.Tencent);

        var found = Assert.Single(lookup.Entries);
        Assert.Equal(record.Entry, found.Entry);
        Assert.Equal(IdentifierScheme.UnifiedSocialCreditCode, found.MatchedBy);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Import_CoListedOrRelatedPerson_KeepsListedInOwnRightAndTheRole(bool ownRight)
    {
        await using var sut = await CreateAsync();
        var debt = Debt(Subjects.Person, "d-9");
        var record = debt with { Entry = debt.Entry with { RelatedTo = new RelatedParty("示例失信企业有限公司", null, RelatedRole.DirectlyResponsiblePerson) { ListedInOwnRight = ownRight } } };

        await sut.Publisher.ImportListAsync("debtors", [record], ImportMode.Replace);
        await SettleLatestAsync(sut);
        var found = Assert.Single((await sut.Store.LookupAsync(Subjects.Person)).Entries);

        Assert.Equal(record.Entry, found.Entry);
        Assert.Equal(ownRight, found.Entry.RelatedTo?.ListedInOwnRight);
    }

    [Fact]
    public async Task Upsert_SameEntryTwice_SecondChangesNothing()
    {
        await using var sut = await CreateAsync();
        var first = await sut.Publisher.UpsertAsync(Debt(Subjects.Tencent, "d-1"));

        var second = await sut.Publisher.UpsertAsync(Debt(Subjects.Tencent, "d-1"));

        Assert.Equal(first, second);
    }

    [Fact]
    public async Task Upsert_ChangedEntry_ReplacesIt()
    {
        await using var sut = await CreateAsync();
        await sut.Publisher.UpsertAsync(Debt(Subjects.Tencent, "d-1", summary: "旧"));

        await sut.Settle(await sut.Publisher.UpsertAsync(Debt(Subjects.Tencent, "d-1", summary: "新")));

        Assert.Equal("新", Assert.Single((await sut.Store.LookupAsync(Subjects.Tencent)).Entries).Entry.Summary);
    }

    [Fact]
    public async Task Upsert_EntryTheCatalogRefuses_ThrowsAndStoresNothing()
    {
        await using var sut = await CreateAsync();
        var person = Debt(Subjects.Person, "p-1") with { };
        var wrongList = new ListRecord(Subjects.Person, person.Entry with { ListCode = "abnormal" }); // abnormal holds legal entities only

        var error = await Assert.ThrowsAsync<ListEntryException>(() => sut.Publisher.UpsertAsync(wrongList));

        Assert.Contains("does not hold subjects of kind NaturalPerson", error.Message, StringComparison.Ordinal);
        Assert.Empty((await sut.Store.LookupAsync(Subjects.Person)).Entries);
    }

    [Fact]
    public async Task UpsertAndImport_ListedAfterTodayInChina_AreStored_ForRefusingWouldLeaveTheSubjectUnlisted()
    {
        // The operator tool refuses a file row listed after today (a typo, ImportValidationTests); a store does not: the
        // credit platform link and hosts write through it, and a refused entry is a listed subject answered Clear.
        await using var sut = await CreateAsync();
        var china = TimeSpan.FromHours(8);
        var today = DateOnly.FromDateTime(DateTimeOffset.UtcNow.ToOffset(china).DateTime);
        var later = new DateTimeOffset(today.AddDays(30).ToDateTime(TimeOnly.MinValue), china);
        var listedLater = new ListRecord(Subjects.Tencent, Debt(Subjects.Tencent, "d-1").Entry with { ListedOn = later, ValidFrom = null });
        var importedLater = new ListRecord(Subjects.Alibaba, Debt(Subjects.Alibaba, "d-2").Entry with { ListedOn = later, ValidFrom = null });

        await sut.Settle(await sut.Publisher.UpsertAsync(listedLater));
        await sut.Settle((await sut.Publisher.ImportListAsync("debtors", [importedLater], ImportMode.Merge)).Sequence);

        Assert.Equal(later, Assert.Single((await sut.Store.LookupAsync(Subjects.Tencent)).Entries).Entry.ListedOn);
        Assert.Equal(later, Assert.Single((await sut.Store.LookupAsync(Subjects.Alibaba)).Entries).Entry.ListedOn);
    }

    [Fact]
    public async Task SetStatus_Repair_KeepsTheEntryWithItsNewStatus()
    {
        await using var sut = await CreateAsync();
        await sut.Publisher.UpsertAsync(Debt(Subjects.Tencent, "d-1"));

        Assert.True(await sut.Publisher.SetStatusAsync(Subjects.Tencent, "debtors", "d-1", EntryStatus.Repaired, "信用修复决定书 2026-01"));
        await SettleLatestAsync(sut);

        var entry = Assert.Single((await sut.Store.LookupAsync(Subjects.Tencent)).Entries).Entry;
        Assert.Equal(EntryStatus.Repaired, entry.Status);
        Assert.Equal("信用修复决定书 2026-01", entry.StatusReason);
        Assert.Equal("某某人民法院", entry.Authority);
    }

    [Fact]
    public async Task SetStatus_UnknownEntry_ReturnsFalse()
    {
        await using var sut = await CreateAsync();

        Assert.False(await sut.Publisher.SetStatusAsync(Subjects.Tencent, "debtors", "nope", EntryStatus.Revoked, "x"));
    }

    [Fact]
    public async Task Remove_ExistingEntry_IsGoneAndAbsentOneReturnsFalse()
    {
        await using var sut = await CreateAsync();
        await sut.Publisher.UpsertAsync(Debt(Subjects.Tencent, "d-1"));
        await sut.Publisher.UpsertAsync(Debt(Subjects.Tencent, "d-2"));

        Assert.True(await sut.Publisher.RemoveAsync(Subjects.Tencent, "debtors", "d-1"));
        Assert.False(await sut.Publisher.RemoveAsync(Subjects.Tencent, "debtors", "d-1"));
        await SettleLatestAsync(sut);

        Assert.Equal("d-2", Assert.Single((await sut.Store.LookupAsync(Subjects.Tencent)).Entries).Entry.EntryId);
    }

    [Fact]
    public async Task Import_Replace_RemovesEntriesAbsentFromTheNewSet()
    {
        await using var sut = await CreateAsync();
        await sut.Publisher.ImportListAsync("debtors", [Debt(Subjects.Tencent, "d-1"), Debt(Subjects.Alibaba, "d-2")], ImportMode.Replace);

        var summary = await sut.Publisher.ImportListAsync("debtors", [Debt(Subjects.Alibaba, "d-2"), Debt(Subjects.Huawei, "d-3")], ImportMode.Replace);
        await sut.Settle(summary.Sequence);

        Assert.Equal((1, 0, 1, 1), (summary.Added, summary.Updated, summary.Unchanged, summary.Removed));
        Assert.Empty((await sut.Store.LookupAsync(Subjects.Tencent)).Entries);
        Assert.Single((await sut.Store.LookupAsync(Subjects.Alibaba)).Entries);
        Assert.Single((await sut.Store.LookupAsync(Subjects.Huawei)).Entries);
    }

    [Fact]
    public async Task Import_Merge_KeepsEntriesAbsentFromTheNewSet()
    {
        await using var sut = await CreateAsync();
        await sut.Publisher.ImportListAsync("debtors", [Debt(Subjects.Tencent, "d-1")], ImportMode.Replace);

        var summary = await sut.Publisher.ImportListAsync("debtors", [Debt(Subjects.Huawei, "d-3")], ImportMode.Merge);
        await sut.Settle(summary.Sequence);

        Assert.Equal((1, 0), (summary.Added, summary.Removed));
        Assert.Single((await sut.Store.LookupAsync(Subjects.Tencent)).Entries);
        Assert.Single((await sut.Store.LookupAsync(Subjects.Huawei)).Entries);
    }

    [Fact]
    public async Task Import_RunTwice_SecondChangesNothingAndRecordsNoChange()
    {
        await using var sut = await CreateAsync();
        ListRecord[] records = [Debt(Subjects.Tencent, "d-1"), Debt(Subjects.Alibaba, "d-2"), Debt(Subjects.Person, "p-1")];
        var first = await sut.Publisher.ImportListAsync("debtors", records, ImportMode.Replace);

        var second = await sut.Publisher.ImportListAsync("debtors", records, ImportMode.Replace);

        Assert.Equal(3, first.Added);
        Assert.Equal((0, 0, 3, 0), (second.Added, second.Updated, second.Unchanged, second.Removed));
        Assert.Equal(first.Sequence, second.Sequence);
    }

    [Fact]
    public async Task Import_ChangedEntry_CountsAsUpdated()
    {
        await using var sut = await CreateAsync();
        await sut.Publisher.ImportListAsync("debtors", [Debt(Subjects.Tencent, "d-1", summary: "旧")], ImportMode.Replace);

        var summary = await sut.Publisher.ImportListAsync("debtors", [Debt(Subjects.Tencent, "d-1", summary: "新")], ImportMode.Replace);
        await sut.Settle(summary.Sequence);

        Assert.Equal(1, summary.Updated);
        Assert.Equal("新", Assert.Single((await sut.Store.LookupAsync(Subjects.Tencent)).Entries).Entry.Summary);
    }

    [Fact]
    public async Task Import_WithARefusedRecord_ThrowsAndLeavesThePreviousDataIntact()
    {
        await using var sut = await CreateAsync();
        var before = await sut.Publisher.ImportListAsync("debtors", [Debt(Subjects.Tencent, "d-1")], ImportMode.Replace);
        await sut.Settle(before.Sequence);
        var refused = new ListRecord(Subjects.Person, Debt(Subjects.Person, "p-9").Entry with { SubjectKind = SubjectKind.LegalEntity });

        await Assert.ThrowsAsync<ListEntryException>(() => sut.Publisher.ImportListAsync(
            "debtors", [Debt(Subjects.Alibaba, "d-2"), refused, Debt(Subjects.Huawei, "d-3")], ImportMode.Replace));

        Assert.Single((await sut.Store.LookupAsync(Subjects.Tencent)).Entries);
        Assert.Empty((await sut.Store.LookupAsync(Subjects.Alibaba)).Entries);
        var again = await sut.Publisher.ImportListAsync("debtors", [Debt(Subjects.Tencent, "d-1")], ImportMode.Replace);
        Assert.Equal(before.Sequence, again.Sequence);
    }

    [Fact]
    public async Task Import_FailingSource_LeavesThePreviousDataIntact()
    {
        await using var sut = await CreateAsync();
        var before = await sut.Publisher.ImportListAsync("debtors", [Debt(Subjects.Tencent, "d-1")], ImportMode.Replace);
        await sut.Settle(before.Sequence);

        static IEnumerable<ListRecord> Broken()
        {
            yield return Debt(Subjects.Alibaba, "d-2");
            throw new IOException("the file was truncated");
        }

        await Assert.ThrowsAsync<IOException>(() => sut.Publisher.ImportListAsync("debtors", Broken(), ImportMode.Replace));

        Assert.Single((await sut.Store.LookupAsync(Subjects.Tencent)).Entries);
        Assert.Empty((await sut.Store.LookupAsync(Subjects.Alibaba)).Entries);
    }

    [Fact]
    public async Task Import_SameEntryTwiceWithDifferentContent_IsRefused()
    {
        await using var sut = await CreateAsync();

        await Assert.ThrowsAsync<ListEntryException>(() => sut.Publisher.ImportListAsync(
            "debtors", [Debt(Subjects.Tencent, "d-1", summary: "一"), Debt(Subjects.Tencent, "d-1", summary: "二")], ImportMode.Replace));

        Assert.Empty((await sut.Store.LookupAsync(Subjects.Tencent)).Entries);
    }

    [Fact]
    public async Task Import_RecordOfAnotherList_IsRefused()
    {
        await using var sut = await CreateAsync();
        var other = new ListRecord(Subjects.Tencent, Debt(Subjects.Tencent, "a-1").Entry with { ListCode = "abnormal" });

        await Assert.ThrowsAsync<ListEntryException>(() => sut.Publisher.ImportListAsync("debtors", [other], ImportMode.Merge));
    }

    [Fact]
    public async Task Lookup_EntryStoredUnderTheEmbeddedOrganizationCode_IsFoundThroughTheUscc()
    {
        await using var sut = await CreateAsync();
        await sut.Settle(await sut.Publisher.UpsertAsync(Debt(Subjects.TencentOrganizationCode, "old-1")));

        var lookup = await sut.Store.LookupAsync(Subjects.Tencent);
        var batch = await sut.Store.LookupManyAsync([Subjects.Huawei, Subjects.Tencent]);

        Assert.Equal(IdentifierScheme.OrganizationCode, Assert.Single(lookup.Entries).MatchedBy);
        Assert.Empty(batch[0].Entries);
        Assert.Equal(IdentifierScheme.OrganizationCode, Assert.Single(batch[1].Entries).MatchedBy); // in a batch too
    }

    [Fact]
    public async Task PublishCatalog_LookupsReportTheNewCatalog()
    {
        await using var sut = await CreateAsync();
        var next = CreditCatalog.Parse(TestCatalog.Json.Replace("\"test-1\"", "\"test-2\"", StringComparison.Ordinal));

        await sut.Settle(await sut.Publisher.PublishCatalogAsync(next));

        Assert.Equal("test-2", (await sut.Store.LookupAsync(Subjects.Huawei)).Catalog!.Version);
    }

    [Fact]
    public async Task LookupMany_MixedSubjects_AnswersInOrder()
    {
        await using var sut = await CreateAsync();
        await sut.Publisher.UpsertAsync(Debt(Subjects.Tencent, "d-1"));
        await sut.Settle(await sut.Publisher.UpsertAsync(Debt(Subjects.Person, "p-1")));

        var lookups = await sut.Store.LookupManyAsync([Subjects.Huawei, Subjects.Tencent, Subjects.Alibaba, Subjects.Person]);

        Assert.Equal([0, 1, 0, 1], lookups.Select(l => l.Entries.Count));
        Assert.Equal("p-1", lookups[3].Entries[0].Entry.EntryId);
    }

    [Fact]
    public async Task Checker_OnThisStore_DeniesAListedBidderAndClearsAClean()
    {
        await using var sut = await CreateAsync();
        await sut.Settle(await sut.Publisher.UpsertAsync(Debt(Subjects.Tencent, "d-1")));
        var checker = new CreditChecker(sut.Store, Options.Create(new CreditCheckOptions()), TimeProvider.System);

        var decisions = await checker.CheckManyAsync([new CheckRequest(Subjects.Tencent, "procurement.bid"), new CheckRequest(Subjects.Huawei, "procurement.bid")]);

        Assert.Equal([DecisionOutcome.Denied, DecisionOutcome.Clear], decisions.Select(d => d.Outcome));
        Assert.All(decisions, d => Assert.False(d.IsDegraded));
    }

    private static async Task SettleLatestAsync(StoreUnderTest sut)
    {
        // Status changes and removals return no sequence; an upsert of an unrelated entry yields the latest.
        var probe = await sut.Publisher.UpsertAsync(Debt(Subjects.OtherPerson, "settle"));
        await sut.Settle(probe);
    }
}

/// <summary>The embedded default passes the suite.</summary>
public sealed class InMemoryStoreConformanceTests : CreditStoreConformanceTests
{
    protected override Task<StoreUnderTest> CreateAsync(CreditCatalog catalog)
    {
        var store = new InMemoryCreditStore(catalog);
        return Task.FromResult(new StoreUnderTest(store, store, _ => Task.CompletedTask, () => ValueTask.CompletedTask));
    }
}

/// <summary>The Redis store passes the suite, against a real redis-server.</summary>
public sealed class RedisStoreConformanceTests(RedisFixture redis) : CreditStoreConformanceTests, IClassFixture<RedisFixture>
{
    protected override async Task<StoreUnderTest> CreateAsync(CreditCatalog catalog)
    {
        var harness = await RedisHarness.CreateAsync(redis.Server, catalog);
        var store = await harness.StartStoreAsync();
        return new StoreUnderTest(store, harness.Publisher, sequence => RedisHarness.WaitForAsync(store, sequence), harness.DisposeAsync);
    }
}

/// <summary>The Redis store passes the suite on a Redis Cluster (3 primaries, 3 replicas): each test's
/// namespace hashes to a slot of its own, so the tests spread over the shards.</summary>
public sealed class RedisClusterStoreConformanceTests(RedisClusterFixture redis) : CreditStoreConformanceTests, IClassFixture<RedisClusterFixture>
{
    protected override async Task<StoreUnderTest> CreateAsync(CreditCatalog catalog)
    {
        var harness = await RedisHarness.CreateAsync(redis.Cluster, catalog);
        var store = await harness.StartStoreAsync();
        return new StoreUnderTest(store, harness.Publisher, sequence => RedisHarness.WaitForAsync(store, sequence), harness.DisposeAsync);
    }
}
