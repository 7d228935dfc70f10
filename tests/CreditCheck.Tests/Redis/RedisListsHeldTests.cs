using CreditCheck.Redis;
using CreditCheck.Stores;
using CreditCheck.Tests.Feedback;
using CreditCheck.Tests.Support;
using Microsoft.Extensions.Options;

namespace CreditCheck.Tests.Redis;

/// <summary>A namespace whose catalog names lists it holds no data of — an import forgotten, or a namespace following
/// only some of its platform's lists — answered a subject on them Clear with no word of it (found by review). The Redis
/// store now tells the checker which lists it holds (a committed import, or single entries), the decisions name the
/// others that act in the scenario, and the host logs them once (2153).</summary>
public sealed class RedisListsHeldTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private static readonly SubjectId Listed = SyntheticIds.Company(71);
    private static readonly SubjectId OnTheWatchList = SyntheticIds.Company(72);
    private static readonly SubjectId Clean = SyntheticIds.Company(73);

    [Fact]
    public async Task ListsNeverLoaded_AreNamedInEveryDecision_UntilAnEntryOrAnImportBringsThemIn()
    {
        await using var harness = await RedisHarness.CreateAsync(redis.Server);
        var imported = await harness.Publisher.ImportListAsync("debtors", [TestRecords.Debt(Listed, "h-1")], ImportMode.Replace);
        var logs = new LogCapture();
        await using var store = new RedisCreditStore(RedisHarness.Options(redis.Server, harness.Namespace, o => o.PollInterval = TimeSpan.FromMilliseconds(100)), new CreditCheckOptions(), null, TimeProvider.System, logs.Factory());
        await store.StartAsync(TestContext.Current.CancellationToken);
        await RedisHarness.WaitForAsync(store, imported.Sequence);
        var checker = new CreditChecker(store, Options.Create(new CreditCheckOptions()), TimeProvider.System);

        var clean = await checker.CheckAsync(new CheckRequest(Clean, "procurement"));
        var batch = await checker.CheckManyAsync([new CheckRequest(Clean, "procurement"), new CheckRequest(Listed, "procurement")]);

        Assert.Equal(DecisionOutcome.Clear, clean.Outcome);
        Assert.False(clean.IsDegraded);
        Assert.Equal(["abnormal"], clean.ListsNotHeld.Select(l => l.Code));
        Assert.Contains("本次核查未覆盖“经营异常名录”", clean.Explanation, StringComparison.Ordinal);
        Assert.Equal(["abnormal"], batch[0].ListsNotHeld.Select(l => l.Code));
        Assert.Equal(DecisionOutcome.Denied, batch[1].Outcome);
        Assert.Equal(["abnormal"], batch[1].ListsNotHeld.Select(l => l.Code));
        var warning = Assert.Single(logs.Of(2153));
        Assert.Contains("abnormal, grade-a", warning.Message, StringComparison.Ordinal);

        // A single entry on the watch list: the namespace holds it from then on, without a resync.
        var upserted = await harness.Publisher.UpsertAsync(new ListRecord(OnTheWatchList, new ListEntry
        {
            EntryId = "w-1",
            ListCode = "abnormal",
            SubjectKind = SubjectKind.LegalEntity,
            ValidFrom = TestRecords.Start,
        }));
        await RedisHarness.WaitForAsync(store, upserted);

        var afterEntry = await checker.CheckAsync(new CheckRequest(Clean, "procurement"));
        var licensing = await checker.CheckAsync(new CheckRequest(Clean, "licensing"));
        var watched = await checker.CheckAsync(new CheckRequest(OnTheWatchList, "licensing"));

        Assert.Empty(afterEntry.ListsNotHeld);
        Assert.StartsWith("未发现适用的联合奖惩措施", afterEntry.Explanation, StringComparison.Ordinal);
        Assert.Equal(["grade-a"], licensing.ListsNotHeld.Select(l => l.Code)); // the red list acts in licensing only
        Assert.Equal(DecisionOutcome.Review, watched.Outcome);

        // An import of the red list, empty as it may be, makes the namespace hold every list.
        var warned = logs.Of(2153).Count;
        var redList = await harness.Publisher.ImportListAsync("grade-a", [], ImportMode.Replace);
        await RedisHarness.WaitForAsync(store, redList.Sequence);

        Assert.Empty((await checker.CheckAsync(new CheckRequest(Clean, "licensing"))).ListsNotHeld);
        Assert.Equal(warned, logs.Of(2153).Count); // said when the set of lists missing changes, and nothing missing says nothing
    }

    [Fact]
    public async Task TheListTheSdkFillsWithBrokenCommitments_IsHeldWithoutAnImport()
    {
        // Nobody imports broken-commitments: a recorded breach lists the subject on it (found by review: every new
        // namespace named it as not covered, and status advised importing a file that does not exist).
        await using var harness = await RedisHarness.CreateAsync(redis.Server, CreditCheck.Catalog.CreditCatalog.Default);
        var imported = await harness.Publisher.ImportListAsync("court-dishonest-debtors", [new ListRecord(Listed, new ListEntry
        {
            EntryId = "h-9",
            ListCode = "court-dishonest-debtors",
            SubjectKind = SubjectKind.LegalEntity,
            ValidFrom = TestRecords.Start,
        })], ImportMode.Replace);
        await using var store = await harness.StartStoreAsync();
        await RedisHarness.WaitForAsync(store, imported.Sequence);
        var checker = new CreditChecker(store, Options.Create(new CreditCheckOptions()), TimeProvider.System);

        var decision = await checker.CheckAsync(new CheckRequest(Clean, "licensing.commitment"));

        Assert.NotEmpty(decision.ListsNotHeld);
        Assert.DoesNotContain(decision.ListsNotHeld, l => l.Code == "broken-commitments");
        Assert.DoesNotContain(decision.ListsNotHeld, l => l.Code == "court-dishonest-debtors");
    }
}
