using CreditCheck.Redis;
using CreditCheck.Stores;
using CreditCheck.Tests.Support;
using StackExchange.Redis;

namespace CreditCheck.Tests.Redis;

/// <summary>
/// How an import stages: entries given twice are found in Redis however far apart they are (nothing is kept per
/// row in the publisher); what an abandoned import staged is collected from its staged index.
/// </summary>
public sealed class ImportStagingTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private static ListRecord Debt(SubjectId subject, string entryId, string? summary = null) =>
        TestRecords.Debt(subject, entryId) is var record && summary is null ? record : new ListRecord(subject, record.Entry with { Summary = summary });

    [Fact]
    public async Task Import_FirstRepeatedAndChanged_AddsUpdatesKeepsAndRemoves()
    {
        await using var harness = await RedisHarness.CreateAsync(redis.Server, configure: o => o.ImportChunkSize = 7);
        var store = await harness.StartStoreAsync();
        var people = Enumerable.Range(0, 50).Select(SyntheticIds.Person).ToArray();

        var first = await harness.Publisher.ImportListAsync("debtors", people.Select(p => Debt(p, "p")), ImportMode.Replace);
        var again = await harness.Publisher.ImportListAsync("debtors", people.Select(p => Debt(p, "p")), ImportMode.Replace);

        // Ten changed, ten gone, one new.
        var next = people.Take(40).Select((p, i) => Debt(p, "p", i < 10 ? "变更" : null)).Append(Debt(SyntheticIds.Person(99), "p"));
        var changed = await harness.Publisher.ImportListAsync("debtors", next, ImportMode.Replace);
        await RedisHarness.WaitForAsync(store, changed.Sequence);

        Assert.Equal((50, 0, 0, 0), (first.Added, first.Updated, first.Unchanged, first.Removed));
        Assert.Equal((0, 0, 50, 0), (again.Added, again.Updated, again.Unchanged, again.Removed));
        Assert.Equal(first.Sequence, again.Sequence);
        Assert.Equal((1, 10, 30, 10), (changed.Added, changed.Updated, changed.Unchanged, changed.Removed));
        Assert.Equal("变更", Assert.Single((await store.LookupAsync(people[0])).Entries).Entry.Summary);
        Assert.Empty((await store.LookupAsync(people[45])).Entries);
        Assert.Single((await store.LookupAsync(SyntheticIds.Person(99))).Entries);
        Assert.Equal(41, await IndexLengthAsync(harness));
        Assert.Equal(41, await EntryFieldsAsync(harness)); // the old fields of the changed entries were collected
    }

    [Fact]
    public async Task Import_SameEntryWithDifferentContentManyChunksApart_IsRefusedAndNothingChanges()
    {
        await using var harness = await RedisHarness.CreateAsync(redis.Server, configure: o => o.ImportChunkSize = 3);
        var before = await harness.Publisher.ImportListAsync("debtors", [Debt(Subjects.Tencent, "kept")], ImportMode.Replace);
        var people = Enumerable.Range(0, 300).Select(SyntheticIds.Person).ToArray();
        var records = people.Select(p => Debt(p, "p")).Append(Debt(people[1], "p", "与第二行不同")); // 100 chunks after the first

        var error = await Assert.ThrowsAsync<ListEntryException>(() => harness.Publisher.ImportListAsync("debtors", records, ImportMode.Replace));

        Assert.Contains("appears twice", error.Message, StringComparison.Ordinal);
        Assert.Equal(before.Sequence, await harness.Publisher.GetSequenceAsync());
        Assert.Equal(1, await IndexLengthAsync(harness));
        Assert.Equal(1, await EntryFieldsAsync(harness)); // what was staged is gone
        Assert.Empty(await redis.Server.KeysAsync($"cc:{{{harness.Namespace}}}:stage:*"));
    }

    [Fact]
    public async Task Import_SameEntryTwiceWithSameContent_StagedOnceWhereverTheRepeatIs()
    {
        await using var harness = await RedisHarness.CreateAsync(redis.Server, configure: o => o.ImportChunkSize = 4);
        var people = Enumerable.Range(0, 40).Select(SyntheticIds.Person).ToArray();
        var records = people.Select(p => Debt(p, "p"))
            .Append(Debt(people[0], "p"))    // chunks later
            .Append(Debt(people[39], "p"))   // right after (the same chunk or the next)
            .Append(Debt(people[39], "p"));

        var summary = await harness.Publisher.ImportListAsync("debtors", records, ImportMode.Replace);

        Assert.Equal(40, summary.Added);
        Assert.Equal(40, await IndexLengthAsync(harness));
        Assert.Equal(40, await EntryFieldsAsync(harness));
    }

    [Fact]
    public async Task Import_Monitored_ReportsEachRepeatWithItsPositionAndWhetherItDiffers()
    {
        await using var harness = await RedisHarness.CreateAsync(redis.Server, configure: o => o.ImportChunkSize = 5);
        var people = Enumerable.Range(0, 20).Select(SyntheticIds.Person).ToArray();
        var records = people.Select(p => Debt(p, "p")).ToList();
        records.Insert(3, Debt(people[1], "p"));                 // position 3: same chunk, same content
        records.Add(Debt(people[2], "p", "不同"));                // position 21: chunks later, different
        records.Add(Debt(people[19], "p"));                      // position 22: same as position 20
        var monitor = new RecordingMonitor();

        var summary = await harness.Publisher.ImportListAsync("debtors", records, ImportMode.Replace, monitor, progress: null, CancellationToken.None);

        Assert.Equal([(3L, false), (21L, true), (22L, false)], monitor.Repeats.Select(r => (r.Position, r.Differs)));
        Assert.Equal(people[2], monitor.Repeats[1].Record.Subject);
        Assert.Equal(1, monitor.StagedCalls);
        Assert.Equal(20, summary.Added);
        var store = await harness.StartStoreAsync();
        Assert.Null(Assert.Single((await store.LookupAsync(people[2])).Entries).Entry.Summary); // the first stands
    }

    [Fact]
    public async Task Import_MonitorRefusesAtTheEnd_NothingIsCommittedOrLeftStaged()
    {
        await using var harness = await RedisHarness.CreateAsync(redis.Server, configure: o => o.ImportChunkSize = 2);
        var before = await harness.Publisher.ImportListAsync("debtors", [Debt(Subjects.Tencent, "kept")], ImportMode.Replace);
        var monitor = new RecordingMonitor { RefuseWhenStaged = true };

        await Assert.ThrowsAsync<InvalidOperationException>(() => harness.Publisher.ImportListAsync(
            "debtors", Enumerable.Range(0, 9).Select(n => Debt(SyntheticIds.Person(n), "p")), ImportMode.Replace, monitor, progress: null, CancellationToken.None));

        Assert.Equal(before.Sequence, await harness.Publisher.GetSequenceAsync());
        Assert.Equal(1, await EntryFieldsAsync(harness));
        Assert.Empty(await redis.Server.KeysAsync($"cc:{{{harness.Namespace}}}:stage:*"));
    }

    [Fact]
    public async Task Import_AWriteRedisRefusesInTheMiddleOfAChunk_FailsNamingItAndKeepsTheCommittedList()
    {
        await using var harness = await RedisHarness.CreateAsync(redis.Server, configure: o => o.ImportChunkSize = 7);
        var store = await harness.StartStoreAsync();
        var people = Enumerable.Range(0, 60).Select(SyntheticIds.Person).ToArray();
        var before = await harness.Publisher.ImportListAsync("debtors", people.Select(p => Debt(p, "p")), ImportMode.Replace);
        await RedisHarness.WaitForAsync(store, before.Sequence);

        // One subject's entry hash made a string: its HSET in the next import is refused (WRONGTYPE), among
        // writes to other subjects that succeed before and after it.
        var entries = (await redis.Server.KeysAsync($"cc:{{{harness.Namespace}}}:e:*")).Order(StringComparer.Ordinal).ToArray();
        var damaged = entries[entries.Length / 2];
        await redis.Server.CommandAsync("DEL", damaged);
        await redis.Server.CommandAsync("SET", damaged, "not a hash");

        var error = await Assert.ThrowsAnyAsync<Exception>(() => harness.Publisher.ImportListAsync(
            "debtors", people.Select(p => Debt(p, "p", "变更")), ImportMode.Replace));

        Assert.Contains("WRONGTYPE", error.ToString(), StringComparison.Ordinal);
        Assert.Equal(before.Sequence, await harness.Publisher.GetSequenceAsync());
        var keys = new SubjectKeys(System.Text.Encoding.UTF8.GetBytes(RedisHarness.Secret));
        var undamaged = people.Where(p => !damaged.EndsWith(keys.StorageKey(p), StringComparison.Ordinal)).ToArray();
        Assert.Equal(59, undamaged.Length);
        foreach (var person in undamaged)
        {
            Assert.Null(Assert.Single((await store.LookupAsync(person)).Entries).Entry.Summary); // the committed entry stands
        }
    }

    [Fact]
    public async Task Import_OnAServerWithAPassword_Stages()
    {
        await using var server = await RedisServer.StartAsync();
        Assert.Equal("+OK", await server.CommandAsync("CONFIG", "SET", "requirepass", "server-password-1"));
        var options = RedisHarness.Options(server, "pw");
        options.Configuration = server.Configuration + ",password=server-password-1";
        await using var publisher = await RedisCreditPublisher.ConnectAsync(options);
        await publisher.PublishCatalogAsync(TestCatalog.Create());

        var summary = await publisher.ImportListAsync("debtors", Enumerable.Range(0, 30).Select(n => Debt(SyntheticIds.Person(n), "p")), ImportMode.Replace);

        Assert.Equal(30, summary.Added);
    }

    [Fact]
    public async Task Import_AsAnAclUser_Stages()
    {
        await using var server = await RedisServer.StartAsync();
        Assert.Equal("+OK", await server.CommandAsync(
            "ACL", "SETUSER", "cc-publisher", "on", ">publisher-password-1", "~cc:{acl}:*", "&cc:{acl}:notify", "+@all", "-@dangerous"));
        var options = RedisHarness.Options(server, "acl", o =>
        {
            o.User = "cc-publisher";
            o.Password = "publisher-password-1";
        });
        await using var publisher = await RedisCreditPublisher.ConnectAsync(options);
        await publisher.PublishCatalogAsync(TestCatalog.Create());

        var summary = await publisher.ImportListAsync("debtors", Enumerable.Range(0, 30).Select(n => Debt(SyntheticIds.Person(n), "p")), ImportMode.Replace);

        Assert.Equal(30, summary.Added);
    }

    [Fact]
    public async Task Import_FailingMidway_DropsWhatItStaged()
    {
        await using var harness = await RedisHarness.CreateAsync(redis.Server, configure: o => o.ImportChunkSize = 10);
        var people = Enumerable.Range(0, 100).Select(SyntheticIds.Person).ToArray();
        await harness.Publisher.ImportListAsync("debtors", people.Take(50).Select(p => Debt(p, "p")), ImportMode.Replace);

        IEnumerable<ListRecord> Dies()
        {
            // 30 changed, 45 new, then the source fails: the chunks sent so far were staged.
            foreach (var record in people.Take(30).Select(p => Debt(p, "p", "变更")).Concat(people.Skip(55).Select(p => Debt(p, "p"))))
            {
                yield return record;
            }

            throw new IOException("the file was truncated");
        }

        await Assert.ThrowsAsync<IOException>(() => harness.Publisher.ImportListAsync("debtors", Dies(), ImportMode.Replace));

        Assert.Equal(50, await EntryFieldsAsync(harness));
        Assert.Empty(await redis.Server.KeysAsync($"cc:{{{harness.Namespace}}}:stage:*"));
    }

    [Fact]
    public async Task Import_AfterAnImportLeftItsStagingBehind_CollectsWhatThatImportStagedAndNothingElse()
    {
        await using var harness = await RedisHarness.CreateAsync(redis.Server);
        SubjectId[] people = [SyntheticIds.Person(1), SyntheticIds.Person(2), SyntheticIds.Person(3)];
        await harness.Publisher.ImportListAsync("debtors", people.Take(2).Select(p => Debt(p, "p")), ImportMode.Replace);
        var prefix = $"cc:{{{harness.Namespace}}}:";
        using var keys = new SubjectKeys(System.Text.Encoding.UTF8.GetBytes(RedisHarness.Secret));
        var (changed, unchanged, added) = (keys.StorageKey(people[0]), keys.StorageKey(people[1]), keys.StorageKey(people[2]));
        using var direct = await ConnectionMultiplexer.ConnectAsync(redis.Server.Configuration);
        var database = direct.GetDatabase();
        var committedValue = await database.HashGetAsync(prefix + "l:debtors", unchanged + "\tp");

        // What a killed import of generation 777 leaves: its generation, its staged index (an updated,
        // an unchanged and an added entry) and the entry fields it wrote.
        await database.StringSetAsync(prefix + "stage:gen:debtors", "777");
        await database.HashSetAsync(prefix + "stage:l:debtors", [new(changed + "\tp", "777\tffff"), new(unchanged + "\tp", committedValue), new(added + "\tp", "777\teeee")]);
        await database.HashSetAsync(prefix + "e:" + changed, "debtors\tp\t777", "{}");
        await database.HashSetAsync(prefix + "e:" + added, "debtors\tp\t777", "{}");

        var summary = await harness.Publisher.ImportListAsync("debtors", people.Take(2).Select(p => Debt(p, "p")), ImportMode.Replace);

        Assert.Equal((0, 2), (summary.Added, summary.Unchanged));
        Assert.False(await database.KeyExistsAsync(prefix + "e:" + added));
        Assert.Equal(1, await database.HashLengthAsync(prefix + "e:" + changed)); // its committed field only
        Assert.Equal(1, await database.HashLengthAsync(prefix + "e:" + unchanged));
        Assert.Empty(await redis.Server.KeysAsync(prefix + "stage:*"));
        var store = await harness.StartStoreAsync();
        Assert.Single((await store.LookupAsync(people[0])).Entries);
        Assert.Single((await store.LookupAsync(people[1])).Entries);
    }

    [Fact]
    public async Task Import_AfterAReplaceImportLeftItsTombstonesBehind_CollectsThemBeforeItsOwnCommitCouldRevealThem()
    {
        // A replace import hides the entries it removes with tombstones at its generation (its commit no longer
        // deletes them while Redis waits: found from outside, 400,000 removals held Redis for 4-9 s). Left by an
        // import that never committed, a tombstone would hide its entry as soon as a later import commits a higher
        // generation: a listed subject read as not listed. The next import collects them first.
        await using var harness = await RedisHarness.CreateAsync(redis.Server);
        SubjectId[] people = [SyntheticIds.Person(11), SyntheticIds.Person(12)];
        await harness.Publisher.ImportListAsync("debtors", people.Select(p => Debt(p, "p")), ImportMode.Replace);
        var prefix = $"cc:{{{harness.Namespace}}}:";
        using var keys = new SubjectKeys(System.Text.Encoding.UTF8.GetBytes(RedisHarness.Secret));
        var removedByTheKilledImport = keys.StorageKey(people[0]);
        using var direct = await ConnectionMultiplexer.ConnectAsync(redis.Server.Configuration);
        var database = direct.GetDatabase();
        var committed = ((string)(await database.HashGetAsync(prefix + "l:debtors", removedByTheKilledImport + "\tp"))!).Split('\t')[0];

        // What a replace import of generation 888 killed after its sweep leaves (RedisScripts' sweep writes these).
        await database.StringSetAsync(prefix + "stage:gen:debtors", "888");
        await database.HashSetAsync(prefix + "e:" + removedByTheKilledImport, "debtors\tp\t888", "~removed");
        await database.ListRightPushAsync(prefix + "stage:removed:debtors", $"{removedByTheKilledImport}\tdebtors\tp\t{committed}\t888");
        await database.StringSetAsync(prefix + "generations", "900"); // the next import commits generation 901, above the tombstone

        var summary = await harness.Publisher.ImportListAsync("debtors", people.Select(p => Debt(p, "p", "再次导入")), ImportMode.Merge);

        Assert.Equal(2, summary.Updated);
        Assert.False(await database.HashExistsAsync(prefix + "e:" + removedByTheKilledImport, "debtors\tp\t888"));
        Assert.Empty(await redis.Server.KeysAsync(prefix + "stage:*"));
        var store = await harness.StartStoreAsync();
        Assert.Equal("再次导入", Assert.Single((await store.LookupAsync(people[0])).Entries).Entry.Summary);

        // And a replace import's own tombstones hide what it removed at its commit, then go with the removed fields.
        var replaced = await harness.Publisher.ImportListAsync("debtors", [Debt(people[1], "p", "再次导入")], ImportMode.Replace);
        await RedisHarness.WaitForAsync(store, replaced.Sequence);
        Assert.Equal(1, replaced.Removed);
        Assert.Empty((await store.LookupAsync(people[0])).Entries);
        Assert.False(await database.KeyExistsAsync(prefix + "e:" + removedByTheKilledImport));
        Assert.Empty(await redis.Server.KeysAsync(prefix + "gc:*"));
    }

    [Fact]
    public async Task Import_FirstImportOfManyChunks_WritesEveryEntryAndAManifestThatVerifies()
    {
        // Chunk boundaries of a first import: a short last chunk, repeats on both sides of a boundary.
        await using var harness = await RedisHarness.CreateAsync(redis.Server, configure: o => o.ImportChunkSize = 10);
        var people = Enumerable.Range(0, 1003).Select(SyntheticIds.Person).ToArray(); // the last chunk is short
        var records = people.Select(p => Debt(p, "p")).Append(Debt(people[9], "p")).Append(Debt(people[10], "p")); // repeats across a chunk boundary

        var summary = await harness.Publisher.ImportListAsync("debtors", records, ImportMode.Replace);
        var verification = await harness.Publisher.VerifyAsync("debtors");

        Assert.Equal(1003, summary.Added);
        Assert.Equal(1003, await IndexLengthAsync(harness));
        Assert.Equal(1003, await EntryFieldsAsync(harness));
        Assert.True(verification.IsWhole, string.Join("; ", verification.Lists.Select(l => l.Damage)));
        var store = await harness.StartStoreAsync();
        Assert.Single((await store.LookupAsync(people[1002])).Entries);
    }

    [Fact]
    public async Task Import_LockTakenOverMidway_FailsAndTheOtherHolderKeepsTheLock()
    {
        await using var harness = await RedisHarness.CreateAsync(redis.Server, configure: o => o.ImportChunkSize = 10);
        var lockKey = $"cc:{{{harness.Namespace}}}:lock:debtors";
        using var direct = await ConnectionMultiplexer.ConnectAsync(redis.Server.Configuration);
        var database = direct.GetDatabase();
        var sequence = await harness.Publisher.GetSequenceAsync();

        IEnumerable<ListRecord> TakenOver()
        {
            for (var n = 0; n < 200; n++)
            {
                if (n == 55)
                {
                    // As if this import had been held up past its lease and another took the list.
                    database.StringSet(lockKey, "another-import", TimeSpan.FromMinutes(5));
                }

                yield return Debt(SyntheticIds.Person(n), "p");
            }
        }

        var error = await Assert.ThrowsAsync<ImportConflictException>(() => harness.Publisher.ImportListAsync("debtors", TakenOver(), ImportMode.Replace));

        Assert.Contains("lost its lock", error.Message, StringComparison.Ordinal);
        Assert.Equal("another-import", (string?)await database.StringGetAsync(lockKey));
        Assert.Equal(sequence, await harness.Publisher.GetSequenceAsync());
        Assert.False(await database.KeyExistsAsync($"cc:{{{harness.Namespace}}}:l:debtors"));
        Assert.True(await EntryFieldsAsync(harness) <= 60); // at most the chunks staged before the takeover
    }

    private async Task<long> IndexLengthAsync(RedisHarness harness) =>
        long.Parse((await redis.Server.CommandAsync("HLEN", $"cc:{{{harness.Namespace}}}:l:debtors")).TrimStart(':'), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Every entry field of every subject of the namespace, visible or not.</summary>
    private async Task<long> EntryFieldsAsync(RedisHarness harness)
    {
        const string count = "local n = 0 for _, k in ipairs(redis.call('KEYS', ARGV[1])) do n = n + redis.call('HLEN', k) end return n";
        var reply = await redis.Server.CommandAsync("EVAL", count, "0", $"cc:{{{harness.Namespace}}}:e:*");
        return long.Parse(reply.TrimStart(':'), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Import_EachChunkOpeningWithTheLastEntryOfThePreviousOne_FindsEveryRepeat()
    {
        // Chunk k's reads go to Redis before chunk k-1's writes: a repeat of the chunk just before is found
        // in that chunk, not in Redis.
        await using var harness = await RedisHarness.CreateAsync(redis.Server, configure: o => o.ImportChunkSize = 3);
        var records = new List<ListRecord>();
        var people = new List<SubjectId>();
        var expected = new List<(long, bool)>();
        for (var chunk = 0; chunk < 40; chunk++)
        {
            if (chunk > 0)
            {
                var differs = chunk % 2 == 0;
                expected.Add((records.Count, differs));
                records.Add(Debt(people[^1], "p", differs ? "不同" : null));
            }

            while (records.Count < (chunk + 1) * 3)
            {
                people.Add(SyntheticIds.Person(people.Count));
                records.Add(Debt(people[^1], "p"));
            }
        }

        var monitor = new RecordingMonitor();
        var summary = await harness.Publisher.ImportListAsync("debtors", records, ImportMode.Replace, monitor, progress: null, CancellationToken.None);

        Assert.Equal(expected, monitor.Repeats.Select(r => (r.Position, r.Differs)));
        Assert.Equal(people.Count, summary.Added);
        Assert.Equal(people.Count, await IndexLengthAsync(harness));
        Assert.Equal(people.Count, await EntryFieldsAsync(harness));
        var store = await harness.StartStoreAsync();
        Assert.Null(Assert.Single((await store.LookupAsync(people[2])).Entries).Entry.Summary); // the first stands
    }

    private sealed class RecordingMonitor : IImportMonitor
    {
        public List<(long Position, ListRecord Record, bool Differs)> Repeats { get; } = [];

        public int StagedCalls { get; private set; }

        public bool RefuseWhenStaged { get; init; }

        public void Repeated(long position, ListRecord record, bool differs) => Repeats.Add((position, record, differs));

        public void Staged()
        {
            StagedCalls++;
            if (RefuseWhenStaged)
            {
                throw new InvalidOperationException("refused");
            }
        }
    }
}
