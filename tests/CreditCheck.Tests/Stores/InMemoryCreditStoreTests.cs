using System.Text.Json.Nodes;
using CreditCheck.Catalog;
using CreditCheck.Stores;
using static CreditCheck.Tests.Stores.StoreTestData;

namespace CreditCheck.Tests.Stores;

public sealed class InMemoryCreditStoreTests
{
    [Fact]
    public void Constructor_NoCatalog_DefaultCatalogAndEmpty()
    {
        var store = new InMemoryCreditStore();

        Assert.Same(CreditCatalog.Default, store.Catalog);
        Assert.Equal(0, store.Sequence);
        Assert.Equal(0, store.EntryCount);
        Assert.Empty(store.CountByList());
    }

    // ---- Lookups ---------------------------------------------------------------------------

    [Fact]
    public async Task LookupAsync_AfterUpsert_FindsEntry()
    {
        var store = new InMemoryCreditStore();
        var record = Record(Company, "wage-arrears", "wa-1");

        var sequence = await store.UpsertAsync(record, Ct);
        var lookup = await store.LookupAsync(Company, Ct);

        var found = Assert.Single(lookup.Entries);
        Assert.Equal(record.Entry, found.Entry);
        Assert.Equal(IdentifierScheme.UnifiedSocialCreditCode, found.MatchedBy);
        Assert.Equal(LookupSource.Embedded, lookup.Source);
        Assert.Same(store.Catalog, lookup.Catalog);
        Assert.Empty(lookup.Unreadable);
        Assert.Null(lookup.Problem);
        Assert.Equal(1, sequence);
        Assert.Equal(new StoreFreshness(1, null), lookup.Freshness);
    }

    [Fact]
    public async Task LookupAsync_SubjectParsedFromOtherSpelling_FindsEntry()
    {
        var store = new InMemoryCreditStore();
        await store.UpsertAsync(Record(Company, "wage-arrears", "wa-1"), Ct);

        var lookup = await store.LookupAsync(SubjectId.Parse(" 9144 0300-7152 6726xg ", SubjectKind.LegalEntity), Ct);

        Assert.Single(lookup.Entries);
    }

    [Fact]
    public async Task LookupAsync_CleanSubject_EmptyAndEmbedded()
    {
        var store = new InMemoryCreditStore();
        await store.UpsertAsync(Record(Company, "wage-arrears", "wa-1"), Ct);

        var lookup = await store.LookupAsync(Clean, Ct);

        Assert.Empty(lookup.Entries);
        Assert.Empty(lookup.Unreadable);
        Assert.Equal(LookupSource.Embedded, lookup.Source);
        Assert.Null(lookup.Problem);
        Assert.Null(lookup.Freshness.AsOf);
        Assert.Equal(store.Sequence, lookup.Freshness.Sequence);
        Assert.Same(CreditCatalog.Default, lookup.Catalog);
    }

    [Fact]
    public async Task LookupAsync_EmptyStore_EmptyAndEmbedded()
    {
        var lookup = await new InMemoryCreditStore().LookupAsync(Person, Ct);

        Assert.Empty(lookup.Entries);
        Assert.Equal(LookupSource.Embedded, lookup.Source);
        Assert.Equal(0, lookup.Freshness.Sequence);
    }

    [Fact]
    public async Task LookupAsync_EntryStoredUnderEmbeddedOrganizationCode_FoundViaUscc()
    {
        var store = new InMemoryCreditStore();
        var older = Record(CompanyOrganizationCode, "abnormal-operations", "ao-2015-1");
        var current = Record(Company, "wage-arrears", "wa-1");
        await store.UpsertAsync(older, Ct);
        await store.UpsertAsync(current, Ct);

        var lookup = await store.LookupAsync(Company, Ct);

        Assert.Equal(2, lookup.Entries.Count);
        Assert.Contains(new FoundEntry(older.Entry, IdentifierScheme.OrganizationCode), lookup.Entries);
        Assert.Contains(new FoundEntry(current.Entry, IdentifierScheme.UnifiedSocialCreditCode), lookup.Entries);
    }

    [Fact]
    public async Task LookupAsync_OrganizationCodeEntryOnly_FoundViaUsccAndViaOrganizationCode()
    {
        var store = new InMemoryCreditStore();
        var older = Record(CompanyOrganizationCode, "abnormal-operations", "ao-2015-1");
        await store.UpsertAsync(older, Ct);

        var viaUscc = await store.LookupAsync(Company, Ct);
        var viaCode = await store.LookupAsync(CompanyOrganizationCode, Ct);

        Assert.Equal(IdentifierScheme.OrganizationCode, Assert.Single(viaUscc.Entries).MatchedBy);
        Assert.Equal(older.Entry, Assert.Single(viaCode.Entries).Entry);
    }

    [Fact]
    public async Task LookupAsync_OrganizationCodeOfAnotherCompany_NotFound()
    {
        var store = new InMemoryCreditStore();
        await store.UpsertAsync(Record(CompanyOrganizationCode, "abnormal-operations", "ao-2015-1"), Ct);

        Assert.Empty((await store.LookupAsync(Company2, Ct)).Entries);
        Assert.Empty((await store.LookupAsync(Company3, Ct)).Entries);
    }

    [Fact]
    public async Task LookupAsync_OrganizationCodeEntryRemoved_NoLongerFoundViaUscc()
    {
        var store = new InMemoryCreditStore();
        await store.UpsertAsync(Record(CompanyOrganizationCode, "abnormal-operations", "ao-2015-1"), Ct);

        Assert.True(await store.RemoveAsync(CompanyOrganizationCode, "abnormal-operations", "ao-2015-1", Ct));

        Assert.Empty((await store.LookupAsync(Company, Ct)).Entries);
    }

    [Fact]
    public async Task LookupAsync_UsccEntry_NotFoundViaOrganizationCode()
    {
        var store = new InMemoryCreditStore();
        await store.UpsertAsync(Record(Company, "wage-arrears", "wa-1"), Ct);

        Assert.Empty((await store.LookupAsync(CompanyOrganizationCode, Ct)).Entries);
    }

    [Fact]
    public async Task LookupAsync_SameNumberOtherKind_NotFound()
    {
        var store = new InMemoryCreditStore();
        await store.UpsertAsync(Record(Person, "wage-arrears", "wa-1"), Ct);

        Assert.Single((await store.LookupAsync(Person, Ct)).Entries);
        Assert.Empty((await store.LookupAsync(Person2, Ct)).Entries);
    }

    [Fact]
    public async Task LookupManyAsync_MixedSubjects_ResultsInRequestOrder()
    {
        var store = new InMemoryCreditStore();
        await store.UpsertAsync(Record(Company, "wage-arrears", "wa-1"), Ct);
        await store.UpsertAsync(Record(Company2, "tax-grade-a", "ta-1"), Ct);
        await store.UpsertAsync(Record(Person, "court-dishonest-debtors", "cdd-1"), Ct);
        SubjectId[] subjects = [Person, Clean, Company2, Company, Person, Company3];

        var lookups = await store.LookupManyAsync(subjects, Ct);

        Assert.Equal(subjects.Length, lookups.Count);
        string?[] expected = ["cdd-1", null, "ta-1", "wa-1", "cdd-1", null];
        Assert.Equal(expected, lookups.Select(l => l.Entries.SingleOrDefault().Entry?.EntryId));
        Assert.All(lookups, l => Assert.Equal(LookupSource.Embedded, l.Source));
        Assert.All(lookups, l => Assert.Equal(store.Sequence, l.Freshness.Sequence));
    }

    [Fact]
    public async Task LookupManyAsync_NoSubjects_Empty()
    {
        Assert.Empty(await new InMemoryCreditStore().LookupManyAsync([], Ct));
    }

    [Fact]
    public async Task LookupManyAsync_Null_Throws()
    {
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await new InMemoryCreditStore().LookupManyAsync(null!, Ct));
    }

    // ---- Upsert ----------------------------------------------------------------------------

    [Fact]
    public async Task UpsertAsync_IdenticalEntry_SequenceNotBumped()
    {
        var store = new InMemoryCreditStore();
        var first = await store.UpsertAsync(Record(Company, "wage-arrears", "wa-1"), Ct);

        var again = await store.UpsertAsync(Record(Company, "wage-arrears", "wa-1"), Ct);

        Assert.Equal(first, again);
        Assert.Equal(first, store.Sequence);
        Assert.Equal(1, store.EntryCount);
        Assert.Single((await store.LookupAsync(Company, Ct)).Entries);
    }

    [Fact]
    public async Task UpsertAsync_ChangedEntry_ReplacedAndSequenceBumped()
    {
        var store = new InMemoryCreditStore();
        var first = await store.UpsertAsync(Record(Company, "wage-arrears", "wa-1"), Ct);
        var changed = Record(Company, "wage-arrears", "wa-1", summary: "更正后的简况");

        var second = await store.UpsertAsync(changed, Ct);

        Assert.Equal(first + 1, second);
        Assert.Equal(1, store.EntryCount);
        Assert.Equal(changed.Entry, Assert.Single((await store.LookupAsync(Company, Ct)).Entries).Entry);
    }

    [Fact]
    public async Task UpsertAsync_SameEntryIdOnAnotherList_BothKept()
    {
        var store = new InMemoryCreditStore();

        await store.UpsertAsync(Record(Company, "wage-arrears", "x-1"), Ct);
        await store.UpsertAsync(Record(Company, "tax-grade-d", "x-1"), Ct);

        Assert.Equal(["tax-grade-d/x-1", "wage-arrears/x-1"], await EntryIdsAsync(store, Company));
        Assert.Equal(2, store.EntryCount);
        Assert.Equal(2, store.Sequence);
    }

    [Fact]
    public async Task UpsertAsync_UnknownList_ThrowsAndNothingStored()
    {
        var store = new InMemoryCreditStore();
        await store.UpsertAsync(Record(Company2, "wage-arrears", "wa-1"), Ct);

        var e = await Assert.ThrowsAsync<ListEntryException>(() => store.UpsertAsync(Record(Company, "no-such-list", "x-1"), Ct));

        Assert.Contains("no-such-list", e.Message, StringComparison.Ordinal);
        Assert.Empty((await store.LookupAsync(Company, Ct)).Entries);
        Assert.Equal(1, store.Sequence);
        Assert.Equal(1, store.EntryCount);
        Assert.False(store.CountByList().ContainsKey("no-such-list"));
    }

    [Theory]
    [InlineData("tax-grade-a")]
    [InlineData("abnormal-operations")]
    [InlineData("customs-serious")]
    public async Task UpsertAsync_PersonOnEntityOnlyList_ThrowsAndNothingStored(string list)
    {
        var store = new InMemoryCreditStore();

        var e = await Assert.ThrowsAsync<ListEntryException>(() => store.UpsertAsync(Record(Person, list, "x-1"), Ct));

        Assert.Contains(list, e.Message, StringComparison.Ordinal);
        Assert.Contains("NaturalPerson", e.Message, StringComparison.Ordinal);
        Assert.Empty((await store.LookupAsync(Person, Ct)).Entries);
        Assert.Equal(0, store.Sequence);
        Assert.Equal(0, store.EntryCount);
    }

    [Fact]
    public async Task UpsertAsync_EntryKindDiffersFromSubjectKind_ThrowsAndNothingStored()
    {
        var store = new InMemoryCreditStore();
        var record = Record(Company, "wage-arrears", "wa-1");
        record = record with { Entry = record.Entry with { SubjectKind = SubjectKind.NaturalPerson } };

        await Assert.ThrowsAsync<ListEntryException>(() => store.UpsertAsync(record, Ct));

        Assert.Empty((await store.LookupAsync(Company, Ct)).Entries);
        Assert.Equal(0, store.Sequence);
    }

    [Fact]
    public async Task UpsertAsync_InvalidReplacementOfStoredEntry_ThrowsAndKeepsStoredEntry()
    {
        var store = new InMemoryCreditStore();
        var good = Record(Company, "wage-arrears", "wa-1");
        await store.UpsertAsync(good, Ct);
        var bad = good with { Entry = good.Entry with { ValidUntil = good.Entry.ValidFrom!.Value.AddDays(-1) } };

        await Assert.ThrowsAsync<ListEntryException>(() => store.UpsertAsync(bad, Ct));

        Assert.Equal(good.Entry, Assert.Single((await store.LookupAsync(Company, Ct)).Entries).Entry);
        Assert.Equal(1, store.Sequence);
    }

    [Fact]
    public async Task UpsertAsync_Null_Throws()
    {
        await Assert.ThrowsAsync<ArgumentNullException>(() => new InMemoryCreditStore().UpsertAsync(null!, Ct));
    }

    // ---- Status and removal ----------------------------------------------------------------

    [Theory]
    [InlineData(EntryStatus.Repaired)]
    [InlineData(EntryStatus.UnderObjection)]
    [InlineData(EntryStatus.Revoked)]
    public async Task SetStatusAsync_StoredEntry_ChangesStatusAndKeepsOtherFields(EntryStatus status)
    {
        var store = new InMemoryCreditStore();
        var record = Record(Company, "court-dishonest-debtors", "cdd-1");
        await store.UpsertAsync(record, Ct);
        await store.UpsertAsync(Record(Company, "wage-arrears", "wa-1"), Ct);
        var before = store.Sequence;

        var changed = await store.SetStatusAsync(Company, "court-dishonest-debtors", "cdd-1", status, "信用修复决定 2025-1号", Ct);

        Assert.True(changed);
        Assert.Equal(before + 1, store.Sequence);
        var lookup = await store.LookupAsync(Company, Ct);
        var entry = Assert.Single(lookup.Entries, f => f.Entry.EntryId == "cdd-1").Entry;
        Assert.Equal(status, entry.Status);
        Assert.Equal("信用修复决定 2025-1号", entry.StatusReason);
        Assert.Equal(record.Entry, entry with { Status = EntryStatus.Active, StatusReason = null });
        Assert.Equal(EntryStatus.Active, Assert.Single(lookup.Entries, f => f.Entry.EntryId == "wa-1").Entry.Status);
        Assert.Equal(2, store.EntryCount);
    }

    [Fact]
    public async Task SetStatusAsync_RepairedThenRestored_ActiveAgainWithNewReason()
    {
        var store = new InMemoryCreditStore();
        await store.UpsertAsync(Record(Company, "court-dishonest-debtors", "cdd-1"), Ct);
        await store.SetStatusAsync(Company, "court-dishonest-debtors", "cdd-1", EntryStatus.Repaired, "修复", Ct);

        await store.SetStatusAsync(Company, "court-dishonest-debtors", "cdd-1", EntryStatus.Active, "修复决定撤销", Ct);

        var entry = Assert.Single((await store.LookupAsync(Company, Ct)).Entries).Entry;
        Assert.Equal(EntryStatus.Active, entry.Status);
        Assert.Equal("修复决定撤销", entry.StatusReason);
        Assert.Equal(3, store.Sequence);
    }

    [Fact]
    public async Task SetStatusAsync_SameStatusAndReason_SequenceNotBumped()
    {
        var store = new InMemoryCreditStore();
        await store.UpsertAsync(Record(Company, "court-dishonest-debtors", "cdd-1"), Ct);
        await store.SetStatusAsync(Company, "court-dishonest-debtors", "cdd-1", EntryStatus.Repaired, "修复", Ct);

        Assert.True(await store.SetStatusAsync(Company, "court-dishonest-debtors", "cdd-1", EntryStatus.Repaired, "修复", Ct));

        Assert.Equal(2, store.Sequence);
    }

    [Fact]
    public async Task SetStatusAsync_UnknownEntry_FalseAndNothingChanged()
    {
        var store = new InMemoryCreditStore();
        await store.UpsertAsync(Record(Company, "court-dishonest-debtors", "cdd-1"), Ct);

        Assert.False(await store.SetStatusAsync(Company, "court-dishonest-debtors", "cdd-2", EntryStatus.Revoked, "撤销", Ct));
        Assert.False(await store.SetStatusAsync(Company, "wage-arrears", "cdd-1", EntryStatus.Revoked, "撤销", Ct));
        Assert.False(await store.SetStatusAsync(Company2, "court-dishonest-debtors", "cdd-1", EntryStatus.Revoked, "撤销", Ct));

        Assert.Equal(1, store.Sequence);
        Assert.Equal(EntryStatus.Active, Assert.Single((await store.LookupAsync(Company, Ct)).Entries).Entry.Status);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task SetStatusAsync_BlankReason_Throws(string reason)
    {
        var store = new InMemoryCreditStore();
        await store.UpsertAsync(Record(Company, "court-dishonest-debtors", "cdd-1"), Ct);

        await Assert.ThrowsAsync<ArgumentException>(() => store.SetStatusAsync(Company, "court-dishonest-debtors", "cdd-1", EntryStatus.Revoked, reason, Ct));

        Assert.Equal(EntryStatus.Active, Assert.Single((await store.LookupAsync(Company, Ct)).Entries).Entry.Status);
    }

    [Fact]
    public async Task RemoveAsync_StoredEntry_RemovedCountsAndSequenceUpdated()
    {
        var store = new InMemoryCreditStore();
        await store.UpsertAsync(Record(Company, "wage-arrears", "wa-1"), Ct);
        await store.UpsertAsync(Record(Company, "tax-grade-d", "td-1"), Ct);

        var removed = await store.RemoveAsync(Company, "wage-arrears", "wa-1", Ct);

        Assert.True(removed);
        Assert.Equal(["tax-grade-d/td-1"], await EntryIdsAsync(store, Company));
        Assert.Equal(1, store.EntryCount);
        Assert.Equal(3, store.Sequence);
        Assert.Equal(0, store.CountByList().GetValueOrDefault("wage-arrears"));
        Assert.Equal(1, store.CountByList()["tax-grade-d"]);
    }

    [Fact]
    public async Task RemoveAsync_LastEntryOfSubject_SubjectClean()
    {
        var store = new InMemoryCreditStore();
        await store.UpsertAsync(Record(Person, "wage-arrears", "wa-1"), Ct);

        Assert.True(await store.RemoveAsync(Person, "wage-arrears", "wa-1", Ct));

        Assert.Empty((await store.LookupAsync(Person, Ct)).Entries);
        Assert.Equal(0, store.EntryCount);
    }

    [Fact]
    public async Task RemoveAsync_MissingEntry_FalseAndSequenceUnchanged()
    {
        var store = new InMemoryCreditStore();
        await store.UpsertAsync(Record(Company, "wage-arrears", "wa-1"), Ct);

        Assert.False(await store.RemoveAsync(Company, "wage-arrears", "wa-2", Ct));
        Assert.False(await store.RemoveAsync(Company, "tax-grade-d", "wa-1", Ct));
        Assert.False(await store.RemoveAsync(Company2, "wage-arrears", "wa-1", Ct));
        Assert.False(await store.RemoveAsync(Clean, "wage-arrears", "wa-1", Ct));

        Assert.Equal(1, store.Sequence);
        Assert.Equal(1, store.EntryCount);
    }

    [Fact]
    public async Task RemoveAsync_Twice_SecondFalse()
    {
        var store = new InMemoryCreditStore();
        await store.UpsertAsync(Record(Company, "wage-arrears", "wa-1"), Ct);

        Assert.True(await store.RemoveAsync(Company, "wage-arrears", "wa-1", Ct));
        Assert.False(await store.RemoveAsync(Company, "wage-arrears", "wa-1", Ct));

        Assert.Equal(2, store.Sequence);
    }

    // ---- Counts ----------------------------------------------------------------------------

    [Fact]
    public async Task CountByList_EntriesOnSeveralLists_CountsEachList()
    {
        var store = new InMemoryCreditStore();
        await store.UpsertAsync(Record(Company, "wage-arrears", "wa-1"), Ct);
        await store.UpsertAsync(Record(Company, "wage-arrears", "wa-2"), Ct);
        await store.UpsertAsync(Record(Person, "wage-arrears", "wa-3"), Ct);
        await store.UpsertAsync(Record(Company, "tax-grade-a", "ta-1"), Ct);
        await store.UpsertAsync(Record(Company2, "tax-grade-a", "ta-2"), Ct);
        await store.UpsertAsync(Record(Person2, "court-dishonest-debtors", "cdd-1"), Ct);

        var counts = store.CountByList();

        Assert.Equal(3, counts["wage-arrears"]);
        Assert.Equal(2, counts["tax-grade-a"]);
        Assert.Equal(1, counts["court-dishonest-debtors"]);
        Assert.Equal(6, counts.Values.Sum());
        Assert.Equal(6, store.EntryCount);
    }

    // ---- Catalog ---------------------------------------------------------------------------

    [Fact]
    public async Task PublishCatalogAsync_NewCatalog_SwapsCatalogAndBumpsSequence()
    {
        var store = new InMemoryCreditStore();
        await store.UpsertAsync(Record(Company, "wage-arrears", "wa-1"), Ct);
        var catalog = ModifiedCatalog("test-2");

        var sequence = await store.PublishCatalogAsync(catalog, Ct);

        Assert.Equal(2, sequence);
        Assert.Equal(2, store.Sequence);
        Assert.Same(catalog, store.Catalog);
        var lookup = await store.LookupAsync(Company, Ct);
        Assert.Same(catalog, lookup.Catalog);
        Assert.Equal("test-2", lookup.Catalog!.Version);
        Assert.Single(lookup.Entries);
    }

    [Fact]
    public async Task PublishCatalogAsync_ListNoLongerHoldsPersons_LaterPersonUpsertRefused()
    {
        var store = new InMemoryCreditStore();
        await store.UpsertAsync(Record(Person, "wage-arrears", "wa-1"), Ct);
        var catalog = ModifiedCatalog("test-entities-only", json =>
        {
            var list = json["lists"]!.AsArray().Single(l => (string?)l!["code"] == "wage-arrears")!;
            list["subjectKinds"] = new JsonArray("LegalEntity");
        });

        await store.PublishCatalogAsync(catalog, Ct);

        await Assert.ThrowsAsync<ListEntryException>(() => store.UpsertAsync(Record(Person2, "wage-arrears", "wa-2"), Ct));
        await store.UpsertAsync(Record(Company, "wage-arrears", "wa-3"), Ct);
        Assert.Empty((await store.LookupAsync(Person2, Ct)).Entries);
        Assert.Single((await store.LookupAsync(Company, Ct)).Entries);
    }

    [Fact]
    public async Task PublishCatalogAsync_Null_Throws()
    {
        var store = new InMemoryCreditStore();

        await Assert.ThrowsAsync<ArgumentNullException>(() => store.PublishCatalogAsync(null!, Ct));

        Assert.Equal(0, store.Sequence);
    }

    [Fact]
    public void Constructor_GivenCatalog_Used()
    {
        var catalog = ModifiedCatalog("ctor");

        Assert.Same(catalog, new InMemoryCreditStore(catalog).Catalog);
    }

    // Entries are kept per subject (as in Redis, where they live under the subject's key): the same
    // list and entry id upserted for another subject is another entry. ICreditPublisher documents it.
    [Fact]
    public async Task UpsertAsync_SameListAndEntryIdForAnotherSubject_IsAnotherSubjectsEntry()
    {
        var store = new InMemoryCreditStore();
        await store.UpsertAsync(Record(Company, "wage-arrears", "wa-1"), Ct);

        await store.UpsertAsync(Record(Company2, "wage-arrears", "wa-1"), Ct);

        Assert.Single((await store.LookupAsync(Company, Ct)).Entries);
        Assert.Single((await store.LookupAsync(Company2, Ct)).Entries);
        Assert.Equal(2, store.EntryCount);
    }
}
