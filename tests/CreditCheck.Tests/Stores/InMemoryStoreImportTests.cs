using CreditCheck.Stores;
using static CreditCheck.Tests.Stores.StoreTestData;

namespace CreditCheck.Tests.Stores;

public sealed class InMemoryStoreImportTests
{
    private const string List = "wage-arrears";

    private static ListRecord[] InitialList() =>
    [
        Record(Company, List, "wa-1"),
        Record(Company2, List, "wa-2"),
        Record(Person, List, "wa-3"),
    ];

    private static async Task<InMemoryCreditStore> StoreWithInitialListAsync()
    {
        var store = new InMemoryCreditStore();
        await store.ImportListAsync(List, InitialList(), ImportMode.Replace, Ct);
        await store.UpsertAsync(Record(Company, "tax-grade-a", "ta-1"), Ct);
        return store;
    }

    /// <summary>What lookups answer for every subject the tests use, to compare before and after.</summary>
    private static async Task<string> SnapshotAsync(InMemoryCreditStore store)
    {
        SubjectId[] subjects = [Company, Company2, Company3, Person, Person2, Clean];
        var lookups = await store.LookupManyAsync(subjects, Ct);
        return string.Join(" | ", lookups.Select(l => string.Join(",", l.Entries
            .Select(f => $"{f.Entry.ListCode}/{f.Entry.EntryId}/{f.Entry.Status}/{f.Entry.Summary}")
            .Order(StringComparer.Ordinal))));
    }

    [Fact]
    public async Task ImportListAsync_EmptyStore_AddsEveryRecord()
    {
        var store = new InMemoryCreditStore();

        var summary = await store.ImportListAsync(List, InitialList(), ImportMode.Merge, Ct);

        Assert.Equal(new ImportSummary(List, 3, 0, 0, 0, 3), summary);
        Assert.Equal(3, store.EntryCount);
        Assert.Equal(3, store.CountByList()[List]);
        Assert.Equal(["wage-arrears/wa-3"], await EntryIdsAsync(store, Person));
    }

    [Fact]
    public async Task ImportListAsync_Replace_RemovesAbsentEntriesOfThatListOnly()
    {
        var store = await StoreWithInitialListAsync();
        var before = store.Sequence;

        var summary = await store.ImportListAsync(List, [Record(Company, List, "wa-1"), Record(Person2, List, "wa-4")], ImportMode.Replace, Ct);

        Assert.Equal(1, summary.Added);
        Assert.Equal(0, summary.Updated);
        Assert.Equal(1, summary.Unchanged);
        Assert.Equal(2, summary.Removed);
        Assert.Equal(before + 3, summary.Sequence);
        Assert.Equal(store.Sequence, summary.Sequence);
        Assert.Equal(["tax-grade-a/ta-1", "wage-arrears/wa-1"], await EntryIdsAsync(store, Company));
        Assert.Empty(await EntryIdsAsync(store, Company2));
        Assert.Empty(await EntryIdsAsync(store, Person));
        Assert.Equal(["wage-arrears/wa-4"], await EntryIdsAsync(store, Person2));
        Assert.Equal(2, store.CountByList()[List]);
        Assert.Equal(1, store.CountByList()["tax-grade-a"]);
        Assert.Equal(3, store.EntryCount);
    }

    [Fact]
    public async Task ImportListAsync_Merge_KeepsAbsentEntries()
    {
        var store = await StoreWithInitialListAsync();

        var summary = await store.ImportListAsync(List, [Record(Company, List, "wa-1"), Record(Person2, List, "wa-4")], ImportMode.Merge, Ct);

        Assert.Equal(1, summary.Added);
        Assert.Equal(1, summary.Unchanged);
        Assert.Equal(0, summary.Removed);
        Assert.Equal(["wage-arrears/wa-2"], await EntryIdsAsync(store, Company2));
        Assert.Equal(["wage-arrears/wa-3"], await EntryIdsAsync(store, Person));
        Assert.Equal(["wage-arrears/wa-4"], await EntryIdsAsync(store, Person2));
        Assert.Equal(4, store.CountByList()[List]);
    }

    [Fact]
    public async Task ImportListAsync_ReplaceWithNothing_EmptiesOnlyThatList()
    {
        var store = await StoreWithInitialListAsync();

        var summary = await store.ImportListAsync(List, [], ImportMode.Replace, Ct);

        Assert.Equal(3, summary.Removed);
        Assert.Equal(0, store.CountByList().GetValueOrDefault(List));
        Assert.Equal(["tax-grade-a/ta-1"], await EntryIdsAsync(store, Company));
        Assert.Equal(1, store.EntryCount);
    }

    [Fact]
    public async Task ImportListAsync_ChangedRecord_CountedAsUpdated()
    {
        var store = await StoreWithInitialListAsync();
        var changed = Record(Company2, List, "wa-2", summary: "更正");

        var summary = await store.ImportListAsync(List, [.. InitialList().Where(r => r.Entry.EntryId != "wa-2"), changed], ImportMode.Replace, Ct);

        Assert.Equal(new ImportSummary(List, 0, 1, 2, 0, store.Sequence), summary);
        Assert.Equal("更正", Assert.Single((await store.LookupAsync(Company2, Ct)).Entries).Entry.Summary);
    }

    [Theory]
    [InlineData(ImportMode.Merge)]
    [InlineData(ImportMode.Replace)]
    public async Task ImportListAsync_SameImportTwice_AllUnchangedAndSequenceKept(ImportMode mode)
    {
        var store = await StoreWithInitialListAsync();
        var before = store.Sequence;
        var snapshot = await SnapshotAsync(store);

        var summary = await store.ImportListAsync(List, InitialList(), mode, Ct);

        Assert.Equal(new ImportSummary(List, 0, 0, 3, 0, before), summary);
        Assert.Equal(before, store.Sequence);
        Assert.Equal(snapshot, await SnapshotAsync(store));
    }

    [Fact]
    public async Task ImportListAsync_IdenticalDuplicateRecords_CountedOnce()
    {
        var store = new InMemoryCreditStore();

        var summary = await store.ImportListAsync(List, [Record(Company, List, "wa-1"), Record(Company, List, "wa-1")], ImportMode.Merge, Ct);

        Assert.Equal(1, summary.Added);
        Assert.Equal(1, store.EntryCount);
    }

    [Fact]
    public async Task ImportListAsync_DuplicateRecordWithDifferentContent_ThrowsAndNothingChanged()
    {
        var store = await StoreWithInitialListAsync();
        var before = store.Sequence;
        var snapshot = await SnapshotAsync(store);

        var e = await Assert.ThrowsAsync<ListEntryException>(() => store.ImportListAsync(
            List,
            [Record(Person2, List, "wa-9"), Record(Company, List, "wa-1", summary: "一"), Record(Company, List, "wa-1", summary: "二")],
            ImportMode.Replace,
            Ct));

        Assert.Contains("wa-1", e.Message, StringComparison.Ordinal);
        Assert.Contains("twice", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, store.Sequence);
        Assert.Equal(snapshot, await SnapshotAsync(store));
    }

    public static TheoryData<string> InvalidRecords => ["kind-mismatch", "person-on-entity-list", "ends-before-start", "no-entry-id", "empty-subject", "related-entity"];

    private static ListRecord Invalid(string which)
    {
        var good = Record(Company3, List, "wa-bad");
        return which switch
        {
            "kind-mismatch" => good with { Entry = good.Entry with { SubjectKind = SubjectKind.NaturalPerson } },
            "person-on-entity-list" => Record(Person2, "tax-grade-a", "ta-bad"),
            "ends-before-start" => good with { Entry = good.Entry with { ValidUntil = good.Entry.ValidFrom } },
            "no-entry-id" => good with { Entry = good.Entry with { EntryId = " " } },
            "empty-subject" => good with { Subject = default },
            "related-entity" => good with { Entry = good.Entry with { RelatedTo = new RelatedParty("示例", null, RelatedRole.LegalRepresentative) } },
            _ => throw new ArgumentOutOfRangeException(nameof(which)),
        };
    }

    [Theory]
    [MemberData(nameof(InvalidRecords))]
    public async Task ImportListAsync_OneInvalidRecord_ThrowsAndPreviousDataIntact(string which)
    {
        var store = await StoreWithInitialListAsync();
        var before = store.Sequence;
        var count = store.EntryCount;
        var snapshot = await SnapshotAsync(store);
        var invalid = Invalid(which);
        var list = invalid.Entry.ListCode;
        ListRecord[] records =
        [
            Record(Company, list, "wa-1", summary: "changed"),
            Record(Clean, list, "new-1"),
            invalid,
            Record(Company2, list, "new-2"),
        ];

        await Assert.ThrowsAsync<ListEntryException>(() => store.ImportListAsync(list, records, ImportMode.Replace, Ct));

        Assert.Equal(before, store.Sequence);
        Assert.Equal(count, store.EntryCount);
        Assert.Equal(snapshot, await SnapshotAsync(store));
    }

    [Fact]
    public async Task ImportListAsync_RecordOfAnotherList_ThrowsAndNothingChanged()
    {
        var store = await StoreWithInitialListAsync();
        var before = store.Sequence;
        var snapshot = await SnapshotAsync(store);

        var e = await Assert.ThrowsAsync<ListEntryException>(() => store.ImportListAsync(
            List,
            [Record(Person2, List, "wa-9"), Record(Company3, "court-dishonest-debtors", "cdd-9")],
            ImportMode.Replace,
            Ct));

        Assert.Contains("court-dishonest-debtors", e.Message, StringComparison.Ordinal);
        Assert.Contains(List, e.Message, StringComparison.Ordinal);
        Assert.Equal(before, store.Sequence);
        Assert.Equal(snapshot, await SnapshotAsync(store));
    }

    [Fact]
    public async Task ImportListAsync_UnknownList_ThrowsAndNothingChanged()
    {
        var store = await StoreWithInitialListAsync();
        var before = store.Sequence;

        await Assert.ThrowsAsync<ListEntryException>(() => store.ImportListAsync("no-such-list", [Record(Company3, "no-such-list", "x-1")], ImportMode.Merge, Ct));

        Assert.Equal(before, store.Sequence);
        Assert.Empty(await EntryIdsAsync(store, Company3));
    }

    [Fact]
    public async Task ImportListAsync_CancelledBeforeStart_ThrowsAndNothingChanged()
    {
        var store = await StoreWithInitialListAsync();
        var before = store.Sequence;
        var snapshot = await SnapshotAsync(store);
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.ImportListAsync(List, [Record(Person2, List, "wa-9")], ImportMode.Replace, cancellation.Token));

        Assert.Equal(before, store.Sequence);
        Assert.Equal(snapshot, await SnapshotAsync(store));
    }

    [Fact]
    public async Task ImportListAsync_CancelledWhileEnumerating_NothingChanged()
    {
        var store = await StoreWithInitialListAsync();
        var before = store.Sequence;
        using var cancellation = new CancellationTokenSource();

        IEnumerable<ListRecord> Records()
        {
            yield return Record(Person2, List, "wa-9");
            cancellation.Cancel();
            yield return Record(Company3, List, "wa-10");
        }

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.ImportListAsync(List, Records(), ImportMode.Replace, cancellation.Token));

        Assert.Equal(before, store.Sequence);
        Assert.Empty(await EntryIdsAsync(store, Person2));
        Assert.Equal(["wage-arrears/wa-2"], await EntryIdsAsync(store, Company2));
    }

    [Fact]
    public async Task ImportListAsync_OrganizationCodeRecords_FoundViaUscc()
    {
        var store = new InMemoryCreditStore();

        await store.ImportListAsync("abnormal-operations", [Record(CompanyOrganizationCode, "abnormal-operations", "ao-1")], ImportMode.Replace, Ct);

        Assert.Equal(IdentifierScheme.OrganizationCode, Assert.Single((await store.LookupAsync(Company, Ct)).Entries).MatchedBy);
    }

    [Fact]
    public async Task ImportListAsync_InvalidArguments_Throw()
    {
        var store = new InMemoryCreditStore();

        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.ImportListAsync("", [], ImportMode.Merge, Ct));
        await Assert.ThrowsAsync<ArgumentNullException>(() => store.ImportListAsync(List, null!, ImportMode.Merge, Ct));
    }
}
