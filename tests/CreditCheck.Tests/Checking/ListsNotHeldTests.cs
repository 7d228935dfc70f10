using System.Collections.Frozen;
using CreditCheck.Catalog;
using CreditCheck.Stores;
using CreditCheck.Tests.Support;
using Microsoft.Extensions.Options;
using NSubstitute;

namespace CreditCheck.Tests.Checking;

/// <summary>A store that holds only some of its catalog's lists (an import forgotten, a namespace following only some of
/// the platform's lists) answered a subject on the others Clear with no word of it. The decision now names the lists
/// acting in the scenario that the store does not hold. Isolated with a substitute store: what is under test is how the
/// checker reads <see cref="SubjectLookup.ListsHeld"/>; the Redis store's side is in RedisListsHeldTests.</summary>
public sealed class ListsNotHeldTests
{
    private static readonly CreditCatalog Catalog = TestCatalog.Create();
    private static readonly DateTimeOffset Now = CheckerHarness.Now;

    private static ICreditChecker Checker(Func<SubjectLookup> lookup)
    {
        var store = Substitute.For<ICreditStore>();
        store.LookupAsync(Arg.Any<SubjectId>(), Arg.Any<CancellationToken>()).Returns(_ => new ValueTask<SubjectLookup>(lookup()));
        store.LookupManyAsync(Arg.Any<IReadOnlyList<SubjectId>>(), Arg.Any<CancellationToken>())
            .Returns(call => new ValueTask<IReadOnlyList<SubjectLookup>>([.. call.Arg<IReadOnlyList<SubjectId>>().Select(_ => lookup())]));
        return new CreditChecker(store, Options.Create(new CreditCheckOptions()), new FakeTimeProvider(Now));
    }

    private static SubjectLookup Clean(FrozenSet<string>? held) =>
        new(Catalog, [], [], LookupSource.Store, new StoreFreshness(7, Now)) { ListsHeld = held };

    [Fact]
    public async Task CleanSubject_InAStoreHoldingOnlyTheDebtorsList_NamesTheWatchListActingHere_NotTheRedListThatDoesNot()
    {
        var held = new[] { "debtors" }.ToFrozenSet();
        var checker = Checker(() => Clean(held));

        var procurement = await checker.CheckAsync(new CheckRequest(Subjects.Tencent, "procurement"));
        var licensing = await checker.CheckAsync(new CheckRequest(Subjects.Tencent, "licensing"));

        // 经营异常名录 (a watch list without sectors) acts everywhere; the red list grade-a only where its benefit is.
        Assert.Equal(DecisionOutcome.Clear, procurement.Outcome);
        Assert.False(procurement.IsDegraded);
        Assert.Equal(["abnormal"], procurement.ListsNotHeld.Select(l => l.Code));
        Assert.StartsWith("在已载入的名单中未发现适用的联合奖惩措施，按正常程序办理。本次核查未覆盖“经营异常名录”（本系统未载入上述名单数据", procurement.Explanation, StringComparison.Ordinal);
        Assert.Contains("Not covered: the store holds no data of abnormal", procurement.ExplanationEnglish, StringComparison.Ordinal);
        Assert.Equal(["abnormal", "grade-a"], licensing.ListsNotHeld.Select(l => l.Code));
        Assert.Contains("“经营异常名录”“纳税信用A级”", licensing.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Person_IsNotToldOfAListThatHoldsNoPersons()
    {
        // 经营异常名录 holds enterprises only (found by review: a person was told of company-only lists).
        var checker = Checker(() => Clean(new[] { "debtors" }.ToFrozenSet()));

        var person = await checker.CheckAsync(new CheckRequest(Subjects.Person, "procurement"));
        var company = await checker.CheckAsync(new CheckRequest(Subjects.Tencent, "procurement"));

        Assert.Empty(person.ListsNotHeld);
        Assert.DoesNotContain("未覆盖", person.Explanation, StringComparison.Ordinal);
        Assert.Equal(["abnormal"], company.ListsNotHeld.Select(l => l.Code));
    }

    [Fact]
    public async Task ListedSubject_InAStoreMissingALists_KeepsItsMeasures_AndNamesTheListNotHeld()
    {
        var entry = new ListEntry { EntryId = "d-1", ListCode = "debtors", SubjectKind = SubjectKind.LegalEntity, ValidFrom = Now.AddYears(-1) };
        var held = new[] { "debtors", "grade-a" }.ToFrozenSet();
        var checker = Checker(() => new SubjectLookup(Catalog, [new FoundEntry(entry, IdentifierScheme.UnifiedSocialCreditCode)], [], LookupSource.Store, new StoreFreshness(7, Now)) { ListsHeld = held });

        var decision = await checker.CheckAsync(new CheckRequest(Subjects.Tencent, "procurement"));

        Assert.Equal(DecisionOutcome.Denied, decision.Outcome);
        Assert.Equal(["abnormal"], decision.ListsNotHeld.Select(l => l.Code));
        Assert.StartsWith("失信主体，依法不予办理。", decision.Explanation, StringComparison.Ordinal);
        Assert.Contains("本次核查未覆盖“经营异常名录”", decision.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StoreHoldingEveryList_OrNotSaying_NamesNone_AndKeepsTheUsualWords()
    {
        var all = Catalog.Lists.Select(l => l.Code).ToFrozenSet();
        var holdingAll = await Checker(() => Clean(all)).CheckAsync(new CheckRequest(Subjects.Tencent, "licensing"));
        var notSaying = await Checker(() => Clean(null)).CheckAsync(new CheckRequest(Subjects.Tencent, "licensing"));

        foreach (var decision in new[] { holdingAll, notSaying })
        {
            Assert.Empty(decision.ListsNotHeld);
            Assert.DoesNotContain("未覆盖", decision.Explanation, StringComparison.Ordinal);
            Assert.DoesNotContain("Not covered", decision.ExplanationEnglish, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task GoodStandingBenefit_WithAListNotHeld_DoesNotSayNoRecordUnqualified()
    {
        var catalog = CreditCatalog.Parse(TestCatalog.Json.Replace(
            "\"lists\": [\"abnormal\"], \"scenarios\": [\"licensing\"], \"legalBasis\": \"国发〔2016〕33号\" },",
            "\"lists\": [\"abnormal\"], \"scenarios\": [\"licensing\"], \"legalBasis\": \"国发〔2016〕33号\" },\n"
            + "{ \"code\": \"fast-lane\", \"name\": \"容缺受理\", \"kind\": \"Benefit\", \"effect\": \"FastTrack\", \"lists\": [], \"appliesInGoodStanding\": true, \"scenarios\": [\"licensing\"], \"legalBasis\": \"测试依据\" },",
            StringComparison.Ordinal));
        var held = new[] { "debtors" }.ToFrozenSet();
        var store = Substitute.For<ICreditStore>();
        store.LookupAsync(Arg.Any<SubjectId>(), Arg.Any<CancellationToken>()).Returns(new ValueTask<SubjectLookup>(new SubjectLookup(catalog, [], [], LookupSource.Store, new StoreFreshness(7, Now)) { ListsHeld = held }));
        var checker = new CreditChecker(store, Options.Create(new CreditCheckOptions()), new FakeTimeProvider(Now));

        var decision = await checker.CheckAsync(new CheckRequest(Subjects.Tencent, "licensing"));

        Assert.Equal(DecisionOutcome.Benefit, decision.Outcome);
        Assert.StartsWith("已载入的名单中无失信记录，可适用便利措施。", decision.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CleanDecisions_ShareTheirFactsWithinOneStoreState_AndNotAcrossStates()
    {
        var held = new[] { "debtors" }.ToFrozenSet();
        var checker = Checker(() => Clean(held));

        var batch = await checker.CheckManyAsync([new CheckRequest(Subjects.Tencent, "procurement"), new CheckRequest(Subjects.Tencent, "procurement")]);
        Assert.Same(batch[0].ListsNotHeld, batch[1].ListsNotHeld);

        held = new[] { "debtors", "abnormal" }.ToFrozenSet(); // the store's next state: the watch list imported
        var after = await checker.CheckAsync(new CheckRequest(Subjects.Tencent, "procurement"));

        Assert.Empty(after.ListsNotHeld);
        Assert.StartsWith("未发现适用的联合奖惩措施", after.Explanation, StringComparison.Ordinal);
        Assert.Single(batch[0].ListsNotHeld); // a decision already made keeps what it said
    }
}
