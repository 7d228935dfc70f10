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

    private static ICreditChecker Checker(Func<SubjectLookup> lookup, ListsNotHeldPolicy policy = ListsNotHeldPolicy.Name)
    {
        var store = Substitute.For<ICreditStore>();
        store.LookupAsync(Arg.Any<SubjectId>(), Arg.Any<CancellationToken>()).Returns(_ => new ValueTask<SubjectLookup>(lookup()));
        store.LookupManyAsync(Arg.Any<IReadOnlyList<SubjectId>>(), Arg.Any<CancellationToken>())
            .Returns(call => new ValueTask<IReadOnlyList<SubjectLookup>>([.. call.Arg<IReadOnlyList<SubjectId>>().Select(_ => lookup())]));
        return new CreditChecker(store, Options.Create(new CreditCheckOptions { OnListsNotHeld = policy }), new FakeTimeProvider(Now));
    }

    private static SubjectLookup Clean(FrozenSet<string>? held) =>
        new(Catalog, [], [], LookupSource.Store, new StoreFreshness(7, Now)) { ListsHeld = held };

    private static CreditCatalog WithGoodStandingBenefit() => CreditCatalog.Parse(TestCatalog.Json.Replace(
        "\"lists\": [\"abnormal\"], \"scenarios\": [\"licensing\"], \"legalBasis\": \"国发〔2016〕33号\" },",
        "\"lists\": [\"abnormal\"], \"scenarios\": [\"licensing\"], \"legalBasis\": \"国发〔2016〕33号\" },\n"
        + "{ \"code\": \"fast-lane\", \"name\": \"容缺受理\", \"kind\": \"Benefit\", \"effect\": \"FastTrack\", \"lists\": [], \"appliesInGoodStanding\": true, \"scenarios\": [\"licensing\"], \"legalBasis\": \"测试依据\" },",
        StringComparison.Ordinal));

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
    [Fact]
    public async Task ReviewPolicy_CleanSubjectWithAListNotHeld_IsAnsweredReview_Degraded_NamingTheList()
    {
        var held = new[] { "debtors" }.ToFrozenSet();
        var checker = Checker(() => Clean(held), ListsNotHeldPolicy.Review);

        var batch = await checker.CheckManyAsync([new CheckRequest(Subjects.Tencent, "procurement"), new CheckRequest(Subjects.Tencent, "procurement")]);
        var decision = batch[0];

        Assert.Equal(DecisionOutcome.Review, decision.Outcome);
        Assert.True(decision.IsDegraded);
        Assert.Equal(DecisionPath.Store, decision.Path); // decided on current data: not the unavailability policy's path
        Assert.Contains("holds no data of abnormal", decision.DegradedReason, StringComparison.Ordinal);
        Assert.Contains("Policy ListsNotHeld=Review applied", decision.DegradedReason, StringComparison.Ordinal);
        Assert.Equal(["abnormal"], decision.ListsNotHeld.Select(l => l.Code));
        Assert.StartsWith("需审慎核查（本系统未载入部分适用名单，无法确认是否名列其中，按设定规则从严审核）。本次核查未覆盖“经营异常名录”", decision.Explanation, StringComparison.Ordinal);
        Assert.DoesNotContain("信用数据不可用", decision.Explanation, StringComparison.Ordinal);
        Assert.StartsWith("Review closely before proceeding. Degraded: The store holds no data of abnormal", decision.ExplanationEnglish, StringComparison.Ordinal);
        Assert.Equal(batch[0].Outcome, batch[1].Outcome);
        Assert.Same(batch[0].DegradedReason, batch[1].DegradedReason); // one set of facts for the batch's clean decisions

        held = Catalog.Lists.Select(l => l.Code).ToFrozenSet(); // the missing list loaded
        var after = await checker.CheckAsync(new CheckRequest(Subjects.Tencent, "procurement"));
        Assert.Equal(DecisionOutcome.Clear, after.Outcome);
        Assert.False(after.IsDegraded);
    }

    [Fact]
    public async Task ReviewPolicy_WithholdsGoodStandingBenefits_AndLeavesAStoreThatDoesNotSayAlone()
    {
        var catalog = WithGoodStandingBenefit();
        FrozenSet<string>? held = new[] { "debtors" }.ToFrozenSet();
        var checker = Checker(() => new SubjectLookup(catalog, [], [], LookupSource.Store, new StoreFreshness(7, Now)) { ListsHeld = held }, ListsNotHeldPolicy.Review);

        var decision = await checker.CheckAsync(new CheckRequest(Subjects.Tencent, "licensing"));

        Assert.Equal(DecisionOutcome.Review, decision.Outcome);
        Assert.Empty(decision.AppliedMeasures);
        var withheld = Assert.Single(decision.VoidedMeasures);
        Assert.Equal("fast-lane", withheld.Measure.Code);
        Assert.StartsWith("本系统未载入“经营异常名录”", withheld.VoidReason, StringComparison.Ordinal);
        Assert.Contains("不适用：容缺受理（本系统未载入", decision.Explanation, StringComparison.Ordinal);

        held = null; // a store that does not say which lists it holds (the embedded store)
        var notSaying = await checker.CheckAsync(new CheckRequest(Subjects.Tencent, "licensing"));
        Assert.Equal(DecisionOutcome.Benefit, notSaying.Outcome);
        Assert.False(notSaying.IsDegraded);
    }

    [Fact]
    public async Task ReviewPolicy_ListedSubject_RedListBenefitWithheld_PunishmentUnchanged()
    {
        var held = new[] { "debtors", "grade-a" }.ToFrozenSet();
        var red = new ListEntry { EntryId = "a-1", ListCode = "grade-a", SubjectKind = SubjectKind.LegalEntity, ValidFrom = Now.AddYears(-1) };
        var debt = new ListEntry { EntryId = "d-1", ListCode = "debtors", SubjectKind = SubjectKind.LegalEntity, ValidFrom = Now.AddYears(-1) };
        SubjectLookup Listed(ListEntry entry) => new(Catalog, [new FoundEntry(entry, IdentifierScheme.UnifiedSocialCreditCode)], [], LookupSource.Store, new StoreFreshness(7, Now)) { ListsHeld = held };

        var rewarded = await Checker(() => Listed(red)).CheckAsync(new CheckRequest(Subjects.Tencent, "licensing"));
        var rewardedUnderPolicy = await Checker(() => Listed(red), ListsNotHeldPolicy.Review).CheckAsync(new CheckRequest(Subjects.Tencent, "licensing"));
        var denied = await Checker(() => Listed(debt), ListsNotHeldPolicy.Review).CheckAsync(new CheckRequest(Subjects.Tencent, "procurement"));

        Assert.Equal(DecisionOutcome.Benefit, rewarded.Outcome);
        Assert.NotEmpty(rewarded.AppliedMeasures);
        Assert.Equal(DecisionOutcome.Review, rewardedUnderPolicy.Outcome);
        Assert.True(rewardedUnderPolicy.IsDegraded);
        Assert.Empty(rewardedUnderPolicy.AppliedMeasures);
        Assert.Equal(rewarded.AppliedMeasures.Select(m => m.Measure.Code), rewardedUnderPolicy.VoidedMeasures.Select(m => m.Measure.Code));
        Assert.Contains("【本系统未载入部分适用名单，按设定规则从严审核】", rewardedUnderPolicy.Explanation, StringComparison.Ordinal);
        Assert.Equal(DecisionOutcome.Denied, denied.Outcome);
        Assert.False(denied.IsDegraded);
    }

    [Fact]
    public void ReviewPolicy_AnUndefinedValue_IsRefusedNamingTheOption()
    {
        var result = new CreditCheckOptionsValidator().Validate(null, new CreditCheckOptions { OnListsNotHeld = (ListsNotHeldPolicy)7 });

        Assert.True(result.Failed);
        Assert.Contains("CreditCheck:OnListsNotHeld is 7; use Name or Review.", result.FailureMessage, StringComparison.Ordinal);
    }
    [Fact]
    public async Task ReviewPolicy_OnlyRedListsMissing_ChangesNothing_ARatingThatRestrictsDoes_OnTheDefaultCatalog()
    {
        // Found by review: a missing red list (it can hide only a benefit) put every clean subject in Review.
        var catalog = CreditCatalog.Default;
        var held = catalog.Lists.Where(l => l.Category is not ListCategory.Reward).Select(l => l.Code).ToFrozenSet();
        var store = Substitute.For<ICreditStore>();
        store.LookupAsync(Arg.Any<SubjectId>(), Arg.Any<CancellationToken>()).Returns(_ => new ValueTask<SubjectLookup>(new SubjectLookup(catalog, [], [], LookupSource.Store, new StoreFreshness(7, Now)) { ListsHeld = held }));
        var checker = new CreditChecker(store, Options.Create(new CreditCheckOptions { OnListsNotHeld = ListsNotHeldPolicy.Review }), new FakeTimeProvider(Now));
        var named = 0;

        foreach (var scenario in catalog.Scenarios)
        {
            var decision = await checker.CheckAsync(new CheckRequest(Subjects.Tencent, scenario.Code));
            Assert.True(!decision.IsDegraded && decision.Outcome is DecisionOutcome.Clear or DecisionOutcome.Benefit, $"{scenario.Code}: {decision.Outcome} ({decision.DegradedReason})");
            named += decision.ListsNotHeld.Count > 0 ? 1 : 0;
        }

        Assert.True(named > 0, "the red lists missing are still named");

        // 纳税信用D级 restricts in tax administration: a missing tax credit rating may hide it there.
        held = catalog.Lists.Where(l => l.Category is not (ListCategory.Reward or ListCategory.Rating)).Select(l => l.Code).ToFrozenSet();
        var tax = await checker.CheckAsync(new CheckRequest(Subjects.Tencent, "tax-administration"));
        Assert.Equal(DecisionOutcome.Review, tax.Outcome);
        Assert.Contains("holds no data of tax-credit-rating,", tax.DegradedReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReviewPolicy_KeepsANotifyMeasureOfALinkedPerson_WithholdsOnlyBenefits()
    {
        // Found by review: every applied measure was withheld, a 通报 reaching a related person included.
        var catalog = CreditCatalog.Parse(TestCatalog.Json
            .Replace("\"lists\": [\"debtors\"], \"scenarios\": [\"*\"], \"legalBasis\": \"测试依据\" }",
                "\"lists\": [\"debtors\"], \"scenarios\": [\"*\"], \"legalBasis\": \"测试依据\", \"reachesRelatedPersons\": true }", StringComparison.Ordinal)
            .Replace("\"legalBasis\": \"A级纳税人联合激励备忘录\", \"subjectKinds\": [\"LegalEntity\"] }",
                "\"legalBasis\": \"A级纳税人联合激励备忘录\", \"subjectKinds\": [\"LegalEntity\"] },\n{ \"code\": \"person-watch\", \"name\": \"个人重点关注名单\", \"category\": \"Watch\", \"severity\": \"Focus\", \"authority\": \"测试\", \"legalBasis\": \"测试依据\", \"subjectKinds\": [\"NaturalPerson\"] }", StringComparison.Ordinal));
        Assert.NotNull(catalog.FindList("person-watch"));
        var held = new[] { "debtors", "abnormal", "grade-a" }.ToFrozenSet();
        var entry = new ListEntry
        {
            EntryId = "d-9", ListCode = "debtors", SubjectKind = SubjectKind.NaturalPerson, ValidFrom = Now.AddYears(-1),
            RelatedTo = new RelatedParty("示例企业", "9144030071526726XG", RelatedRole.LegalRepresentative),
        };
        SubjectLookup Linked() => new(catalog, [new FoundEntry(entry, IdentifierScheme.ResidentIdNumber)], [], LookupSource.Store, new StoreFreshness(7, Now)) { ListsHeld = held };

        var named = await Checker(Linked).CheckAsync(new CheckRequest(Subjects.Person, "awards"));
        var review = await Checker(Linked, ListsNotHeldPolicy.Review).CheckAsync(new CheckRequest(Subjects.Person, "awards"));

        Assert.Equal("everywhere-notice", Assert.Single(named.AppliedMeasures).Measure.Code);
        Assert.Equal(["person-watch"], review.ListsNotHeld.Select(l => l.Code));
        Assert.Equal(DecisionOutcome.Review, review.Outcome);
        Assert.Equal("everywhere-notice", Assert.Single(review.AppliedMeasures).Measure.Code);
        Assert.DoesNotContain(review.VoidedMeasures, m => m.Measure.Code == "everywhere-notice");
    }

    [Fact]
    public async Task ReviewPolicy_OnLastKnownData_SaysBothWhy()
    {
        var held = new[] { "debtors" }.ToFrozenSet();
        var store = Substitute.For<ICreditStore>();
        store.LookupAsync(Arg.Any<SubjectId>(), Arg.Any<CancellationToken>()).Returns(_ => new ValueTask<SubjectLookup>(
            new SubjectLookup(Catalog, [], [], LookupSource.LastKnown, new StoreFreshness(7, Now.AddMinutes(-5)), "Redis could not answer (test).") { ListsHeld = held }));
        var checker = new CreditChecker(store, Options.Create(new CreditCheckOptions { OnUnavailable = UnavailablePolicy.LastKnown, OnListsNotHeld = ListsNotHeldPolicy.Review }), new FakeTimeProvider(Now));

        var decision = await checker.CheckAsync(new CheckRequest(Subjects.Tencent, "procurement"));

        Assert.Equal(DecisionOutcome.Review, decision.Outcome);
        Assert.Equal(DecisionPath.LastKnown, decision.Path);
        Assert.StartsWith("Redis could not answer (test).", decision.DegradedReason, StringComparison.Ordinal);
        Assert.Contains("holds no data of abnormal", decision.DegradedReason, StringComparison.Ordinal);
        Assert.Contains("本次核查未覆盖“经营异常名录”", decision.Explanation, StringComparison.Ordinal);
    }
}
