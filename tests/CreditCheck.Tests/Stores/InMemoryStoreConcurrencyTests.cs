using CreditCheck.Stores;
using static CreditCheck.Tests.Stores.StoreTestData;

namespace CreditCheck.Tests.Stores;

public sealed class InMemoryStoreConcurrencyTests
{
    private const int Writes = 2_000;
    private const int Subjects = 16;
    private const int Readers = 4;
    private const string List = "wage-arrears";

    // Every entry carries its number in three fields, so a reader can tell a whole entry from a mix.
    private static ListRecord Numbered(SubjectId subject, int n, int version)
    {
        var record = Record(subject, List, $"e-{n}", summary: $"s-{n}-v{version}");
        return record with { Entry = record.Entry with { SubjectName = $"n-{n}-v{version}", Authority = $"v{version}" } };
    }

    private static void AssertWhole(ListEntry entry)
    {
        var n = entry.EntryId["e-".Length..];
        var version = entry.Authority;
        Assert.Equal($"s-{n}-{version}", entry.Summary);
        Assert.Equal($"n-{n}-{version}", entry.SubjectName);
    }

    [Fact]
    public async Task LookupAsync_WhileWriterUpserts_ReadersNeverSeeTornState()
    {
        var store = new InMemoryCreditStore();
        var subjects = Enumerable.Range(1, Subjects).Select(GeneratedCompany).ToArray();
        var writerDone = 0;
        var updates = 0;

        var writer = Task.Run(async () =>
        {
            try
            {
                for (var n = 0; n < Writes; n++)
                {
                    await store.UpsertAsync(Numbered(subjects[n % Subjects], n, 1), Ct);

                    // Every tenth write also replaces an earlier entry with a second version.
                    if (n % 10 == 9)
                    {
                        var earlier = n - 5;
                        await store.UpsertAsync(Numbered(subjects[earlier % Subjects], earlier, 2), Ct);
                        updates++;
                    }
                }
            }
            finally
            {
                Volatile.Write(ref writerDone, 1);
            }
        }, Ct);

        var readers = Enumerable.Range(0, Readers).Select(r => Task.Run(async () =>
        {
            var lastCount = new int[Subjects];
            var lastSequence = 0L;
            var reads = 0;
            var random = new Random(r);
            while (Volatile.Read(ref writerDone) == 0 || reads < 100)
            {
                var i = random.Next(Subjects);
                var lookup = await store.LookupAsync(subjects[i], Ct);
                reads++;

                Assert.Equal(LookupSource.Embedded, lookup.Source);
                Assert.True(lookup.Freshness.Sequence >= lastSequence, "The sequence went backwards.");
                lastSequence = lookup.Freshness.Sequence;

                // Only upserts happen: a subject's entries only grow, never repeat an id, and each is whole.
                Assert.True(lookup.Entries.Count >= lastCount[i], "A subject lost entries.");
                lastCount[i] = lookup.Entries.Count;
                Assert.Equal(lookup.Entries.Count, lookup.Entries.Select(f => f.Entry.EntryId).Distinct().Count());
                foreach (var found in lookup.Entries)
                {
                    Assert.Equal(IdentifierScheme.UnifiedSocialCreditCode, found.MatchedBy);
                    Assert.Equal(List, found.Entry.ListCode);
                    Assert.Equal(i, int.Parse(found.Entry.EntryId["e-".Length..], System.Globalization.CultureInfo.InvariantCulture) % Subjects);
                    AssertWhole(found.Entry);
                }

                // A batch lookup sees each subject whole as well.
                if (reads % 16 == 0)
                {
                    var many = await store.LookupManyAsync(subjects, Ct);
                    Assert.Equal(Subjects, many.Count);
                    Assert.All(many, l => Assert.All(l.Entries, f => AssertWhole(f.Entry)));
                }

                _ = store.EntryCount;
            }

            return reads;
        }, Ct)).ToArray();

        await writer;
        var readCounts = await Task.WhenAll(readers);

        Assert.All(readCounts, c => Assert.True(c >= 100));
        Assert.Equal(Writes, store.EntryCount);
        Assert.Equal(Writes + updates, store.Sequence);
        Assert.Equal(Writes, store.CountByList()[List]);
        var final = await store.LookupManyAsync(subjects, Ct);
        Assert.All(final, l => Assert.Equal(Writes / Subjects, l.Entries.Count));
        Assert.Equal(updates, final.Sum(l => l.Entries.Count(f => f.Entry.Authority == "v2")));
    }

    [Fact]
    public async Task ImportListAsync_WhileReadersLookUp_EveryEntryWholeAndSequenceMonotonic()
    {
        var store = new InMemoryCreditStore();
        var subjects = Enumerable.Range(100, Subjects).Select(GeneratedCompany).ToArray();
        var importsDone = 0;
        const int Imports = 40;

        var importer = Task.Run(async () =>
        {
            try
            {
                for (var round = 1; round <= Imports; round++)
                {
                    // Alternate between two versions of the same list; Replace drops nothing because ids are stable.
                    var records = Enumerable.Range(0, 200).Select(n => Numbered(subjects[n % Subjects], n, round % 2 + 1));
                    var summary = await store.ImportListAsync(List, records, ImportMode.Replace, Ct);
                    Assert.Equal(0, summary.Removed);
                    Assert.Equal(200, summary.Added + summary.Updated);
                }
            }
            finally
            {
                Volatile.Write(ref importsDone, 1);
            }
        }, Ct);

        var readers = Enumerable.Range(0, Readers).Select(r => Task.Run(async () =>
        {
            var lastSequence = 0L;
            var reads = 0;
            while (Volatile.Read(ref importsDone) == 0 || reads < 50)
            {
                var lookup = await store.LookupAsync(subjects[reads % Subjects], Ct);
                reads++;
                Assert.True(lookup.Freshness.Sequence >= lastSequence, "The sequence went backwards.");
                lastSequence = lookup.Freshness.Sequence;
                Assert.Equal(lookup.Entries.Count, lookup.Entries.Select(f => f.Entry.EntryId).Distinct().Count());
                Assert.All(lookup.Entries, f => AssertWhole(f.Entry));
            }

            return reads;
        }, Ct)).ToArray();

        await importer;
        await Task.WhenAll(readers);

        Assert.Equal(200, store.EntryCount);
        Assert.Equal(200 * Imports, store.Sequence);
    }
}
