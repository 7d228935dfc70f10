using CreditCheck.Catalog;
using CreditCheck.Stores;
using CreditCheck.Tests.Support;
using Microsoft.Extensions.Options;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace CreditCheck.Tests.Checking;

/// <summary>The checker's behaviour when the store cannot answer: isolated with a substitute store,
/// since what is under test is the policy, not a store.</summary>
public sealed class StoreFailureTests
{
    private static readonly CreditCatalog Catalog = TestCatalog.Create();
    private static readonly DateTimeOffset Now = CheckerHarness.Now;

    private static ICreditChecker Checker(ICreditStore store, UnavailablePolicy policy) =>
        new CreditChecker(store, Options.Create(new CreditCheckOptions { OnUnavailable = policy }), new FakeTimeProvider(Now));

    private static ICreditStore StoreAnswering(SubjectLookup lookup)
    {
        var store = Substitute.For<ICreditStore>();
        store.LookupAsync(Arg.Any<SubjectId>(), Arg.Any<CancellationToken>()).Returns(new ValueTask<SubjectLookup>(lookup));
        return store;
    }

    private static SubjectLookup Unavailable() =>
        new(Catalog, [], [], LookupSource.Unavailable, new StoreFreshness(41, Now.AddMinutes(-3)), "connection refused");

    private static ListEntry Debt() => new()
    {
        EntryId = "d-1",
        ListCode = "debtors",
        SubjectKind = SubjectKind.LegalEntity,
        ValidFrom = Now.AddYears(-1),
    };

    [Theory]
    [InlineData(UnavailablePolicy.FailClosed, DecisionOutcome.Review)]
    [InlineData(UnavailablePolicy.FailOpen, DecisionOutcome.Clear)]
    [InlineData(UnavailablePolicy.LastKnown, DecisionOutcome.Review)]
    public async Task CheckAsync_StoreUnavailable_AppliesPolicyAndSaysWhy(UnavailablePolicy policy, DecisionOutcome expected)
    {
        var checker = Checker(StoreAnswering(Unavailable()), policy);

        var decision = await checker.CheckAsync(new CheckRequest(Subjects.Tencent, "procurement"));

        Assert.Equal(expected, decision.Outcome);
        Assert.True(decision.IsDegraded);
        Assert.Equal(DecisionPath.Policy, decision.Path);
        Assert.Contains("connection refused", decision.DegradedReason, StringComparison.Ordinal);
        Assert.Contains(policy.ToString(), decision.DegradedReason, StringComparison.Ordinal);
        Assert.Equal(41, decision.Sequence);
        Assert.Equal(TimeSpan.FromMinutes(3), decision.DataAge);
        Assert.Contains("降级", decision.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckAsync_LastKnownEntriesUnderLastKnownPolicy_DecidesOnThemFlaggedDegraded()
    {
        var lookup = new SubjectLookup(Catalog, [new FoundEntry(Debt(), IdentifierScheme.UnifiedSocialCreditCode)], [],
            LookupSource.LastKnown, new StoreFreshness(7, Now.AddSeconds(-30)), "Redis unreachable for 30 s");
        var checker = Checker(StoreAnswering(lookup), UnavailablePolicy.LastKnown);

        var decision = await checker.CheckAsync(new CheckRequest(Subjects.Tencent, "procurement"));

        Assert.Equal(DecisionOutcome.Denied, decision.Outcome);
        Assert.Equal(DecisionPath.LastKnown, decision.Path);
        Assert.Equal("Redis unreachable for 30 s", decision.DegradedReason);
    }

    [Fact]
    public async Task CheckAsync_CleanFromTheLastKnownData_ExplanationSaysAsOfWhenNotNoRecord()
    {
        // Found by review: a clean answer from the last known data (degraded) read "无失信记录，可适用便利措施".
        var lookup = new SubjectLookup(CreditCatalog.Default, [], [], LookupSource.LastKnown, new StoreFreshness(7, Now.AddMinutes(-30)), "Redis unreachable for 30 min");
        var checker = Checker(StoreAnswering(lookup), UnavailablePolicy.LastKnown);

        var decision = await checker.CheckAsync(new CheckRequest(Subjects.Tencent, "licensing"));

        Assert.Equal(DecisionOutcome.Benefit, decision.Outcome);
        Assert.True(decision.IsDegraded);
        Assert.StartsWith("按最近一次同步的数据（截至2026-11-22 09:30）未发现失信记录，可适用便利措施。【降级决策：名单数据未能更新", decision.Explanation, StringComparison.Ordinal);
        Assert.DoesNotContain("无失信记录", decision.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckAsync_StoreUnavailableFailClosed_ExplanationNamesNoMeasureThatWasNotApplied()
    {
        // Found by review: "需审慎核查（从严审核）" named a measure for a check that could not be made.
        var checker = Checker(StoreAnswering(Unavailable()), UnavailablePolicy.FailClosed);

        var decision = await checker.CheckAsync(new CheckRequest(Subjects.Tencent, "procurement"));

        Assert.Empty(decision.AppliedMeasures);
        Assert.StartsWith("需审慎核查（核查未能完成，按规定从严审核）。【降级决策", decision.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckAsync_StoreUnavailableFailOpen_ExplanationDoesNotSayNothingWasFound()
    {
        var checker = Checker(StoreAnswering(Unavailable()), UnavailablePolicy.FailOpen);

        var decision = await checker.CheckAsync(new CheckRequest(Subjects.Tencent, "procurement"));

        Assert.Equal(DecisionOutcome.Clear, decision.Outcome);
        Assert.StartsWith("核查未能完成，按设定的降级规则按正常程序办理。", decision.Explanation, StringComparison.Ordinal);
        Assert.DoesNotContain("未发现", decision.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckAsync_LastKnownEntriesUnderFailOpen_AppliesTheHostsPolicyInstead()
    {
        var lookup = new SubjectLookup(Catalog, [new FoundEntry(Debt(), IdentifierScheme.UnifiedSocialCreditCode)], [],
            LookupSource.LastKnown, new StoreFreshness(7, Now), "stale");
        var checker = Checker(StoreAnswering(lookup), UnavailablePolicy.FailOpen);

        var decision = await checker.CheckAsync(new CheckRequest(Subjects.Tencent, "procurement"));

        Assert.Equal(DecisionOutcome.Clear, decision.Outcome);
        Assert.Equal(DecisionPath.Policy, decision.Path);
        Assert.True(decision.IsDegraded);
    }

    [Fact]
    public async Task CheckAsync_UnreadableEntry_IsNeverAnsweredClear()
    {
        var lookup = new SubjectLookup(Catalog, [], [new UnreadableEntry("debtors:d-9", "invalid JSON at byte 3")],
            LookupSource.Store, new StoreFreshness(3, Now), null);
        var checker = Checker(StoreAnswering(lookup), UnavailablePolicy.FailOpen);

        var decision = await checker.CheckAsync(new CheckRequest(Subjects.Tencent, "procurement"));

        Assert.Equal(DecisionOutcome.Review, decision.Outcome);
        Assert.Equal("debtors:d-9", Assert.Single(decision.UnreadableEntries).Field);
        Assert.Contains("could not be read", decision.ExplanationEnglish, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckAsync_UnreadableEntryBesideARedList_VoidsTheBenefits()
    {
        var reward = new ListEntry { EntryId = "a-1", ListCode = "grade-a", SubjectKind = SubjectKind.LegalEntity };
        var lookup = new SubjectLookup(Catalog, [new FoundEntry(reward, IdentifierScheme.UnifiedSocialCreditCode)],
            [new UnreadableEntry("debtors/d-9", "invalid JSON")], LookupSource.Store, new StoreFreshness(3, Now), null);
        var checker = Checker(StoreAnswering(lookup), UnavailablePolicy.FailOpen);

        var decision = await checker.CheckAsync(new CheckRequest(Subjects.Tencent, "licensing"));

        Assert.Equal(DecisionOutcome.Review, decision.Outcome);
        Assert.Empty(decision.AppliedMeasures);
        Assert.Contains("debtors/d-9", Assert.Single(decision.VoidedMeasures).VoidReasonEnglish, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckAsync_StoreReturnsDefaultLookup_GetsAPolicyDecisionNotACrash()
    {
        var store = Substitute.For<ICreditStore>();
        store.LookupAsync(Arg.Any<SubjectId>(), Arg.Any<CancellationToken>())
            .Returns(new ValueTask<SubjectLookup>(new SubjectLookup(Catalog, [], [], LookupSource.Store, new StoreFreshness(1, Now))), new ValueTask<SubjectLookup>(default(SubjectLookup)));
        var checker = Checker(store, UnavailablePolicy.FailClosed);
        await checker.CheckAsync(new CheckRequest(Subjects.Tencent, "procurement"));

        var decision = await checker.CheckAsync(new CheckRequest(Subjects.Tencent, "procurement"));

        Assert.Equal(DecisionOutcome.Review, decision.Outcome);
        Assert.Contains("empty lookup", decision.DegradedReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckAsync_UnknownScenarioOnAnAsynchronousStore_ThrowsWithoutBlamingTheStore()
    {
        var store = Substitute.For<ICreditStore>();
        store.LookupAsync(Arg.Any<SubjectId>(), Arg.Any<CancellationToken>())
            .Returns(_ => new ValueTask<SubjectLookup>(Task.Run(async () =>
            {
                await Task.Yield();
                return new SubjectLookup(Catalog, [], [], LookupSource.Store, new StoreFreshness(1, Now));
            })));
        var checker = Checker(store, UnavailablePolicy.FailOpen);

        await Assert.ThrowsAsync<ArgumentException>(async () => await checker.CheckAsync(new CheckRequest(Subjects.Tencent, "no-such-scenario")));
    }

    [Fact]
    public async Task CheckAsync_EntryOfAListTheCatalogLacks_AsksForReview()
    {
        var entry = Debt() with { ListCode = "provincial-extra" };
        var lookup = new SubjectLookup(Catalog, [new FoundEntry(entry, IdentifierScheme.UnifiedSocialCreditCode)], [],
            LookupSource.Store, new StoreFreshness(3, Now), null);
        var checker = Checker(StoreAnswering(lookup), UnavailablePolicy.FailClosed);

        var decision = await checker.CheckAsync(new CheckRequest(Subjects.Tencent, "procurement"));

        Assert.Equal(DecisionOutcome.Review, decision.Outcome);
        Assert.Equal(EntryState.UnknownList, Assert.Single(decision.MatchedEntries).State);
    }

    [Fact]
    public async Task CheckAsync_StoreThrowsAfterItServedACatalog_GetsAPolicyDecisionNotACrash()
    {
        var store = Substitute.For<ICreditStore>();
        store.LookupAsync(Arg.Any<SubjectId>(), Arg.Any<CancellationToken>())
            .Returns(
                new ValueTask<SubjectLookup>(new SubjectLookup(Catalog, [], [], LookupSource.Store, new StoreFreshness(1, Now))),
                ValueTask.FromException<SubjectLookup>(new IOException("socket closed")));
        var checker = Checker(store, UnavailablePolicy.FailClosed);
        var request = new CheckRequest(Subjects.Tencent, "procurement");

        await checker.CheckAsync(request);
        var decision = await checker.CheckAsync(request);

        Assert.Equal(DecisionOutcome.Review, decision.Outcome);
        Assert.Contains("socket closed", decision.DegradedReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckManyAsync_StoreThrows_EveryRequestGetsThePolicyDecision()
    {
        var store = Substitute.For<ICreditStore>();
        store.LookupAsync(Arg.Any<SubjectId>(), Arg.Any<CancellationToken>())
            .Returns(new ValueTask<SubjectLookup>(new SubjectLookup(Catalog, [], [], LookupSource.Store, new StoreFreshness(1, Now))));
        store.LookupManyAsync(Arg.Any<IReadOnlyList<SubjectId>>(), Arg.Any<CancellationToken>())
            .ThrowsAsyncForAnyArgs(new TimeoutException("timed out"));
        var checker = Checker(store, UnavailablePolicy.FailOpen);
        await checker.CheckAsync(new CheckRequest(Subjects.Tencent, "procurement"));

        var decisions = await checker.CheckManyAsync([new CheckRequest(Subjects.Tencent, "procurement"), new CheckRequest(Subjects.Alibaba, "licensing")]);

        Assert.All(decisions, d =>
        {
            Assert.Equal(DecisionOutcome.Clear, d.Outcome);
            Assert.True(d.IsDegraded);
        });
    }

    [Theory]
    [InlineData(UnavailablePolicy.FailClosed, DecisionOutcome.Review)]
    [InlineData(UnavailablePolicy.FailOpen, DecisionOutcome.Clear)]
    public async Task CheckAsync_StoreNeverDeliveredACatalog_PolicyDecidesAndNamesTheRequestedScenario(UnavailablePolicy policy, DecisionOutcome expected)
    {
        var lookup = new SubjectLookup(null, [], [], LookupSource.Unavailable, default, "not synchronized with Redis yet");
        var checker = Checker(StoreAnswering(lookup), policy);

        var decision = await checker.CheckAsync(new CheckRequest(Subjects.Tencent, "procurement.bid"));

        Assert.Equal(expected, decision.Outcome);
        Assert.Equal("procurement.bid", decision.ResolvedScenario.Code);
        Assert.Equal(string.Empty, decision.CatalogVersion);
        Assert.Contains("not synchronized with Redis yet", decision.DegradedReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckAsync_StoreThrowsBeforeAnyCatalog_GetsAPolicyDecision()
    {
        var store = Substitute.For<ICreditStore>();
        store.LookupAsync(Arg.Any<SubjectId>(), Arg.Any<CancellationToken>())
            .Returns(ValueTask.FromException<SubjectLookup>(new IOException("connection refused")));
        var checker = Checker(store, UnavailablePolicy.FailClosed);

        var decision = await checker.CheckAsync(new CheckRequest(Subjects.Tencent, "procurement"));

        Assert.Equal(DecisionOutcome.Review, decision.Outcome);
        Assert.Contains("connection refused", decision.DegradedReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckAsync_Cancelled_Throws()
    {
        var store = Substitute.For<ICreditStore>();
        store.LookupAsync(Arg.Any<SubjectId>(), Arg.Any<CancellationToken>())
            .Returns(ValueTask.FromException<SubjectLookup>(new OperationCanceledException()));
        var checker = Checker(store, UnavailablePolicy.FailOpen);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await checker.CheckAsync(new CheckRequest(Subjects.Tencent, "procurement")));
    }
}
