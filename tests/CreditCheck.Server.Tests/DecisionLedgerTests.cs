using CreditCheck.Stores;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CreditCheck.Server.Tests;

/// <summary>The decisions the service keeps for feedback (<see cref="DecisionLedger"/>), on decisions the SDK's own
/// checker makes over samples/data: what is found again, for whom, and for how long.</summary>
public sealed class DecisionLedgerTests : IAsyncLifetime
{
    private const string Listed = "320102197207067646"; // 失信被执行人 in samples/data
    private const string Clean = "91350100M000100Y43";
    private const string CleanPerson = "110105198001011238";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };
    private ServiceProvider _provider = null!;
    private ICreditChecker _checker = null!;

    public ValueTask InitializeAsync()
    {
        var data = Path.Combine(AppContext.BaseDirectory, "data"); // samples/data, copied with the server
        Assert.True(File.Exists(Path.Combine(data, "entries.csv")), data);
        var services = new ServiceCollection();
        services.AddCreditCheck().UseInMemory(o => o.DataDirectory = data);
        _provider = services.BuildServiceProvider();
        _checker = _provider.GetRequiredService<ICreditChecker>();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _provider.DisposeAsync();

    public static TheoryData<string, SubjectKind, SubjectIdParseMode, string> Requests() => new()
    {
        { Clean, SubjectKind.LegalEntity, SubjectIdParseMode.Strict, "procurement.bid" },
        { CleanPerson, SubjectKind.NaturalPerson, SubjectIdParseMode.Strict, "procurement.bid" },
        { "110105800101123", SubjectKind.NaturalPerson, SubjectIdParseMode.Strict, "procurement.bid" }, // 15 digits, kept as 18
        { "123456788", SubjectKind.LegalEntity, SubjectIdParseMode.Strict, "procurement.bid" }, // 组织机构代码
        { "110105000000012", SubjectKind.LegalEntity, SubjectIdParseMode.Strict, "procurement.bid" }, // 工商注册号
        { "91350100M000100Y44", SubjectKind.LegalEntity, SubjectIdParseMode.LenientCheckCharacter, "procurement.bid" },
        { Clean, SubjectKind.LegalEntity, SubjectIdParseMode.Strict, "procurement.bid.framework-agreement" }, // an undeclared sub-code
        { Clean, SubjectKind.LegalEntity, SubjectIdParseMode.Strict, "licensing" }, // good standing: 告知承诺, 容缺受理
        { Listed, SubjectKind.NaturalPerson, SubjectIdParseMode.Strict, "procurement.bid" }, // entries: kept whole
        { Listed, SubjectKind.NaturalPerson, SubjectIdParseMode.Strict, "licensing.commitment" },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task Find_GivesTheDecisionMade_MemberForMember_AndTheSameFeedbackRecords(string subject, SubjectKind kind, SubjectIdParseMode mode, string scenario)
    {
        var request = new CheckRequest(SubjectId.Parse(subject, kind, mode), scenario)
        {
            Department = "市财政局",
            Operator = "张三",
            TransactionReference = "CG-2026-\ud800-118", // a lone surrogate, as a JSON escape can give
        };
        var decision = await _checker.CheckAsync(request);
        var ledger = new DecisionLedger(new ServerOptions(), TimeProvider.System);

        ledger.Add(request, decision, "procurement-system");
        var found = ledger.Find(decision.CheckId, "procurement-system");

        Assert.NotNull(found);
        if (decision.MatchedEntries.Count == 0)
        {
            Assert.NotSame(decision, found); // rebuilt from its compact form
        }
        else
        {
            Assert.Same(decision, found); // kept whole
        }

        Assert.Equal(JsonSerializer.Serialize(decision, Json), JsonSerializer.Serialize(found, Json));
        Assert.Equal(decision.ExplanationEnglish, found.ExplanationEnglish);
        Assert.Equal(decision.TransactionReference, found.TransactionReference);
        var reportedAt = DateTimeOffset.UtcNow;
        Assert.Equal(Records(FeedbackReport.For(decision).AllExecuted(), reportedAt), Records(FeedbackReport.For(found).AllExecuted(), reportedAt));
    }

    [Fact]
    public async Task Find_ACleanDecisionNamingListsNotHeld_KeepsThemInItsCompactForm()
    {
        var store = new HoldingOnly(InMemoryCreditStore.Load(new InMemoryStoreOptions { DataDirectory = Path.Combine(AppContext.BaseDirectory, "data") }), ["court-dishonest-debtors"]);
        var checker = new CreditChecker(store, new CreditCheckOptions(), TimeProvider.System);
        var request = new CheckRequest(SubjectId.Parse(Clean, SubjectKind.LegalEntity), "procurement.bid");
        var decision = await checker.CheckAsync(request);
        var ledger = new DecisionLedger(new ServerOptions(), TimeProvider.System);

        ledger.Add(request, decision, "procurement-system");
        var found = ledger.Find(decision.CheckId, "procurement-system");

        Assert.NotNull(found);
        Assert.NotSame(decision, found);
        Assert.Contains(decision.ListsNotHeld, l => l.Code == "procurement-serious-violations");
        Assert.Equal(decision.ListsNotHeld, found.ListsNotHeld);
        Assert.Equal(decision.Explanation, found.Explanation);
    }

    [Fact]
    public async Task Find_OnAnotherClientsDecision_FindsNothing()
    {
        var ledger = new DecisionLedger(new ServerOptions(), TimeProvider.System);
        var (request, decision) = await CheckAsync(Listed, SubjectKind.NaturalPerson);
        var (cleanRequest, clean) = await CheckAsync(Clean, SubjectKind.LegalEntity);
        ledger.Add(request, decision, "procurement-system");
        ledger.Add(cleanRequest, clean, "procurement-system");

        Assert.Null(ledger.Find(decision.CheckId, "bidding-system"));
        Assert.Null(ledger.Find(clean.CheckId, "bidding-system"));
        Assert.Null(ledger.Find(clean.CheckId, "Procurement-System")); // ids compare exactly
        Assert.Null(ledger.Find(Guid.NewGuid(), "procurement-system"));
        Assert.Same(decision, ledger.Find(decision.CheckId, "procurement-system"));
        Assert.Equal(clean.CheckId, ledger.Find(clean.CheckId, "procurement-system")?.CheckId);
    }

    [Fact]
    public async Task MaxRetainedDecisions_KeepsTheNewest_TheOldestGoFirst()
    {
        var ledger = new DecisionLedger(new ServerOptions { MaxRetainedDecisions = 3 }, TimeProvider.System);
        var decisions = new List<CreditDecision>();
        for (var i = 0; i < 5; i++)
        {
            var (request, decision) = await CheckAsync(i == 1 ? Listed : Clean, i == 1 ? SubjectKind.NaturalPerson : SubjectKind.LegalEntity);
            ledger.Add(request, decision, "procurement-system");
            decisions.Add(decision);
        }

        Assert.Equal(3, ledger.Count);
        Assert.Null(ledger.Find(decisions[0].CheckId, "procurement-system"));
        Assert.Null(ledger.Find(decisions[1].CheckId, "procurement-system"));
        Assert.All(decisions[2..], d => Assert.Equal(d.CheckId, ledger.Find(d.CheckId, "procurement-system")?.CheckId));
    }

    [Fact]
    public async Task DecisionRetention_ADecisionOlderThanItIsNotFound_EvenBeforeTheNextCheck()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 8, 0, 0, TimeSpan.Zero));
        var ledger = new DecisionLedger(new ServerOptions { DecisionRetention = TimeSpan.FromHours(1) }, time);
        var (firstRequest, first) = await CheckAsync(Clean, SubjectKind.LegalEntity);
        var (secondRequest, second) = await CheckAsync(Listed, SubjectKind.NaturalPerson);

        ledger.Add(firstRequest, first, "procurement-system");
        time.Advance(TimeSpan.FromMinutes(30));
        ledger.Add(secondRequest, second, "procurement-system");
        time.Advance(TimeSpan.FromMinutes(30));
        Assert.NotNull(ledger.Find(first.CheckId, "procurement-system")); // exactly the retention: still kept

        time.Advance(TimeSpan.FromTicks(1));
        Assert.Null(ledger.Find(first.CheckId, "procurement-system"));
        Assert.NotNull(ledger.Find(second.CheckId, "procurement-system"));

        time.Advance(TimeSpan.FromMinutes(30));
        Assert.Null(ledger.Find(second.CheckId, "procurement-system"));
        Assert.Equal(0, ledger.Count);
    }

    [Fact]
    public async Task Ring_GrowsWhileItsOldestAreGone_AndKeepsEveryDecisionInForce()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 8, 0, 0, TimeSpan.Zero));
        var ledger = new DecisionLedger(new ServerOptions { MaxRetainedDecisions = 5_000, DecisionRetention = TimeSpan.FromHours(1) }, time);
        var expired = await AddAsync(ledger, 1_000, "procurement-system");
        time.Advance(TimeSpan.FromHours(2));

        var kept = await AddAsync(ledger, 3_000, "procurement-system"); // the first evicts the 1,000; the ring grows past its start

        Assert.Equal(3_000, ledger.Count);
        Assert.All(expired, id => Assert.Null(ledger.Find(id, "procurement-system")));
        Assert.All(kept, id => Assert.Equal(id, ledger.Find(id, "procurement-system")?.CheckId));
    }

    [Fact(Timeout = 120_000)]
    public async Task ConcurrentChecksAndFeedback_KeepExactlyTheBound_EachFoundOnlyByItsClient()
    {
        const int Threads = 4;
        const int PerThread = 3_000;
        const int Max = 5_000;
        var ledger = new DecisionLedger(new ServerOptions { MaxRetainedDecisions = Max }, TimeProvider.System);
        var added = new Guid[Threads][];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));

        await Task.WhenAll(Enumerable.Range(0, Threads).Select(t => Task.Run(async () =>
        {
            var client = $"client-{t}";
            var ids = added[t] = new Guid[PerThread];
            for (var i = 0; i < PerThread && !timeout.IsCancellationRequested; i++)
            {
                var (request, decision) = await CheckAsync(i % 100 == 0 ? Listed : Clean, i % 100 == 0 ? SubjectKind.NaturalPerson : SubjectKind.LegalEntity);
                ledger.Add(request, decision, client);
                ids[i] = decision.CheckId;
                var earlier = ids[i / 2];
                if (ledger.Find(earlier, client) is { } found)
                {
                    Assert.Equal(earlier, found.CheckId);
                }

                Assert.Null(ledger.Find(earlier, $"client-{(t + 1) % Threads}"));
            }
        })));

        Assert.False(timeout.IsCancellationRequested, "the threads did not finish their checks in 90 s");
        Assert.Equal(Max, ledger.Count);
        var findable = Enumerable.Range(0, Threads).Sum(t => added[t].Count(id => ledger.Find(id, $"client-{t}") is not null));
        Assert.Equal(Max, findable);
    }

    private async Task<(CheckRequest Request, CreditDecision Decision)> CheckAsync(string subject, SubjectKind kind)
    {
        var request = new CheckRequest(SubjectId.Parse(subject, kind), "procurement.bid") { Department = "市财政局" };
        return (request, await _checker.CheckAsync(request));
    }

    private async Task<List<Guid>> AddAsync(DecisionLedger ledger, int count, string client)
    {
        var ids = new List<Guid>(count);
        for (var i = 0; i < count; i++)
        {
            var (request, decision) = await CheckAsync(Clean, SubjectKind.LegalEntity);
            ledger.Add(request, decision, client);
            ids.Add(decision.CheckId);
        }

        return ids;
    }

    private static string Records(FeedbackReport report, DateTimeOffset reportedAt) =>
        JsonSerializer.Serialize(FeedbackRecord.FromReport(report, reportedAt), Json);

    /// <summary>The embedded store's answers, as a store holding only some lists gives them.</summary>
    private sealed class HoldingOnly(InMemoryCreditStore inner, IEnumerable<string> held) : ICreditStore
    {
        private readonly System.Collections.Frozen.FrozenSet<string> _held = System.Collections.Frozen.FrozenSet.ToFrozenSet(held, StringComparer.Ordinal);

        public async ValueTask<SubjectLookup> LookupAsync(SubjectId subject, CancellationToken cancellationToken = default) =>
            (await inner.LookupAsync(subject, cancellationToken)) with { ListsHeld = _held };

        public async ValueTask<IReadOnlyList<SubjectLookup>> LookupManyAsync(IReadOnlyList<SubjectId> subjects, CancellationToken cancellationToken = default) =>
            [.. (await inner.LookupManyAsync(subjects, cancellationToken)).Select(l => l with { ListsHeld = _held })];
    }
}

/// <summary>The ledger's bound seen from outside: a server that keeps 2 decisions, called by Python <c>requests</c>.</summary>
public sealed class DecisionLedgerServiceTests
{
    [Fact(Timeout = 120_000)]
    public async Task Feedback_OnAnEvictedDecision_IsTheUnknownCheckProblem_OnKeptOnesAsBefore()
    {
        var environment = Support.Clients.Environment();
        environment["CreditCheck__Server__MaxRetainedDecisions"] = "2";
        await using var server = await Support.ServerProcess.StartAsync(environment);
        var stubs = Directory.CreateTempSubdirectory("creditcheck-stubs-").FullName;
        try
        {
            var result = await Support.Python.RunAsync("http_cases.py", "evicted",
                Support.EmbeddedServerFixture.Environment(server, stubs, Support.Clients.Procurement));

            Assert.Contains("older than the decisions it keeps", result.GetProperty("evicted").GetString(), StringComparison.Ordinal);
            Assert.Equal(2, result.GetProperty("benefitKeys").GetArrayLength()); // 告知承诺 and 容缺受理
            Assert.NotEqual(0, result.GetProperty("listedKeys").GetArrayLength());
        }
        finally
        {
            Directory.Delete(stubs, recursive: true);
        }
    }
}
