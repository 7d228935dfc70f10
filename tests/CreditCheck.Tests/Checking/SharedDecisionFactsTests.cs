using CreditCheck.Catalog;
using CreditCheck.Stores;
using CreditCheck.Tests.Support;
using NSubstitute;

namespace CreditCheck.Tests.Checking;

/// <summary>Clean decisions, and decisions by the unavailability policy, share what they say alike
/// (<c>SharedDecisionFacts</c>), so a batch makes less garbage: each must still say exactly what it would say alone,
/// keep its own id and time, and never change when a later decision says something else.</summary>
public sealed class SharedDecisionFactsTests
{
    private readonly CheckerHarness _harness = new(CreditCatalog.Default);

    [Fact]
    public async Task MixedBatch_EachDecisionSaysWhatASingleCheckOfItSays()
    {
        string[] scenarios = ["licensing", "procurement.bid", "licensing.business-permit", "public-service"];
        SubjectId[] subjects = [SyntheticIds.Company(11), SyntheticIds.Person(12), SyntheticIds.Company(13), SyntheticIds.Person(14)];
        var requests = (from scenario in scenarios from subject in subjects select new CheckRequest(subject, scenario)).ToArray();

        var batch = await _harness.Checker.CheckManyAsync(requests);

        for (var i = 0; i < requests.Length; i++)
        {
            var alone = await _harness.Checker.CheckAsync(requests[i]);
            Assert.Equal(alone.Outcome, batch[i].Outcome);
            Assert.Equal(alone.ResolvedScenario.Code, batch[i].ResolvedScenario.Code);
            Assert.Equal(alone.AppliedMeasures.Select(m => m.Measure.Code), batch[i].AppliedMeasures.Select(m => m.Measure.Code));
            Assert.Equal(alone.Sequence, batch[i].Sequence);
            Assert.Equal(requests[i].Subject.Masked, batch[i].Subject);
            Assert.Equal(requests[i].Subject.Kind, batch[i].SubjectKind);
        }

        Assert.Contains(batch, d => d.Outcome == DecisionOutcome.Benefit);
        Assert.Contains(batch, d => d.Outcome == DecisionOutcome.Clear);
        Assert.Equal(requests.Length, batch.Select(d => d.CheckId).Distinct().Count());
    }

    [Fact]
    public async Task LaterCleanDecision_OnANewSequenceAndTime_LeavesTheEarlierOneAsItWas()
    {
        var first = await _harness.CheckAsync(SyntheticIds.Company(21), "licensing");
        var firstSequence = first.Sequence;
        var firstTime = first.EvaluatedAt;

        await _harness.ListAsync(SyntheticIds.Company(22), "court-dishonest-debtors");
        _harness.Time.Advance(TimeSpan.FromMinutes(5));
        var second = await _harness.CheckAsync(SyntheticIds.Company(23), "licensing");

        Assert.True(second.Sequence > firstSequence, $"sequence {second.Sequence} after a listing, {firstSequence} before");
        Assert.Equal(firstSequence, first.Sequence);
        Assert.Equal(firstTime, first.EvaluatedAt);
        Assert.Equal(firstTime + TimeSpan.FromMinutes(5), second.EvaluatedAt);
        Assert.Equal(DecisionOutcome.Benefit, second.Outcome);
    }

    [Fact]
    public async Task HostMadeDecisionFromACheckersOne_OwnsItsMembers_TheCheckersDecisionsUnchanged()
    {
        var clean = await _harness.CheckAsync(SyntheticIds.Company(31), "licensing");

        var made = new CreditDecision(clean.Request)
        {
            CheckId = Guid.NewGuid(), ResolvedScenario = clean.ResolvedScenario, Outcome = DecisionOutcome.Denied, MatchedEntries = [],
            AppliedMeasures = [], VoidedMeasures = [], UnreadableEntries = [], CatalogVersion = "host-made", Sequence = -1,
            DataAge = TimeSpan.Zero, EvaluatedAt = clean.EvaluatedAt, Path = DecisionPath.Policy, DegradedReason = "made by the host",
        };
        var next = await _harness.CheckAsync(SyntheticIds.Company(32), "licensing");

        Assert.Equal(DecisionOutcome.Denied, made.Outcome);
        Assert.Equal(DecisionOutcome.Benefit, clean.Outcome);
        Assert.Equal(DecisionOutcome.Benefit, next.Outcome);
        Assert.NotEqual("host-made", clean.CatalogVersion);
        Assert.NotEqual("host-made", next.CatalogVersion);
        Assert.False(clean.IsDegraded);
        Assert.False(next.IsDegraded);
        Assert.NotEmpty(next.AppliedMeasures);
    }

    [Fact]
    public async Task StoreDown_PolicyDecisionsFollowTheStoresProblem_EachTimeItChanges()
    {
        var problem = "connection refused";
        SubjectLookup Down() => new(CreditCatalog.Default, [], [], LookupSource.Unavailable, new StoreFreshness(41, CheckerHarness.Now), problem);
        var store = Substitute.For<ICreditStore>();
        store.LookupManyAsync(Arg.Any<IReadOnlyList<SubjectId>>(), Arg.Any<CancellationToken>()).Returns(call =>
            new ValueTask<IReadOnlyList<SubjectLookup>>([.. call.Arg<IReadOnlyList<SubjectId>>().Select(_ => Down())]));
        var checker = new CreditChecker(store, new CreditCheckOptions { OnUnavailable = UnavailablePolicy.FailClosed }, _harness.Time);
        CheckRequest[] requests = [new(SyntheticIds.Company(41), "licensing"), new(SyntheticIds.Person(42), "licensing"), new(SyntheticIds.Company(43), "procurement.bid")];

        var first = await checker.CheckManyAsync(requests);
        problem = "Redis timed out";
        var second = await checker.CheckManyAsync(requests);

        Assert.All(first, d => Assert.Contains("connection refused", d.DegradedReason, StringComparison.Ordinal));
        Assert.All(second, d => Assert.Contains("Redis timed out", d.DegradedReason, StringComparison.Ordinal));
        Assert.All(first.Concat(second), d => Assert.Equal(DecisionOutcome.Review, d.Outcome));
        Assert.All(first.Concat(second), d => Assert.Equal(DecisionPath.Policy, d.Path));
        Assert.Equal(["licensing", "licensing", "procurement.bid"], second.Select(d => d.ResolvedScenario.Code));
        Assert.Equal(requests.Select(r => r.Subject.Masked), second.Select(d => d.Subject));
    }
}
