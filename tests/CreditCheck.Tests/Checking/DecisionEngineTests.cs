using CreditCheck.Catalog;
using CreditCheck.Stores;
using CreditCheck.Tests.Support;

namespace CreditCheck.Tests.Checking;

public sealed class DecisionEngineTests
{
    [Fact]
    public async Task CheckAsync_CleanSubject_IsClearWithNothingApplied()
    {
        var harness = new CheckerHarness();

        var decision = await harness.CheckAsync(Subjects.Tencent, "procurement");

        Assert.Equal(DecisionOutcome.Clear, decision.Outcome);
        Assert.Empty(decision.MatchedEntries);
        Assert.Empty(decision.AppliedMeasures);
        Assert.Equal(DecisionPath.Embedded, decision.Path);
        Assert.False(decision.IsDegraded);
        Assert.Equal("test-1", decision.CatalogVersion);
        Assert.Equal(CheckerHarness.Now, decision.EvaluatedAt);
        Assert.Equal(TimeSpan.Zero, decision.DataAge);
    }

    [Fact]
    public async Task CheckAsync_BlacklistedBidderUnderWildcard_IsDeniedWithLegalBasis()
    {
        var harness = new CheckerHarness();
        var entry = await harness.ListAsync(Subjects.Tencent, "debtors");

        var decision = await harness.CheckAsync(Subjects.Tencent, "procurement.bid");

        Assert.Equal(DecisionOutcome.Denied, decision.Outcome);
        var refusal = Assert.Single(decision.AppliedMeasures, m => m.Measure.Code == "procurement-refusal");
        Assert.Equal("财库〔2016〕125号", refusal.LegalBasis);
        Assert.Same(entry, Assert.Single(refusal.TriggeredBy).Entry);
        Assert.Contains("拒绝参与政府采购活动", decision.Explanation, StringComparison.Ordinal);
        Assert.Contains("财库〔2016〕125号", decision.Explanation, StringComparison.Ordinal);
        Assert.Contains("procurement-refusal", decision.ExplanationEnglish, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckAsync_UndeclaredSubScenario_FallsBackToNearestAncestor()
    {
        var harness = new CheckerHarness();
        await harness.ListAsync(Subjects.Tencent, "debtors");

        var decision = await harness.CheckAsync(Subjects.Tencent, "procurement.bid.opening");

        Assert.Equal("procurement.bid", decision.ResolvedScenario.Code);
        Assert.Equal("procurement.bid.opening", decision.Scenario);
        Assert.Equal(DecisionOutcome.Denied, decision.Outcome);
    }

    [Theory]
    [InlineData("procurement.bdi", "procurement.bid")]
    [InlineData("procurement.bdi.opening", "procurement.bid.opening")]
    [InlineData("procurment", "procurement")]
    public async Task CheckAsync_ASlipOfADeclaredScenario_IsRefusedNamingIt_NotReadAsItsAncestor(string code, string meant)
    {
        // Found from outside: 'market-access.registraton' resolved to 'market-access', which applies none of the leaf's
        // measures, and a listed person barred from being a 法定代表人 was answered Clear.
        var harness = new CheckerHarness();
        await harness.ListAsync(Subjects.Tencent, "debtors");

        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await harness.CheckAsync(Subjects.Tencent, code));

        Assert.Contains($"did you mean '{meant}'?", error.Message, StringComparison.Ordinal);
        Assert.Contains("procurement, licensing, public-service", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("market-access.registraton", "market-access.registration")]
    [InlineData("public-service.consumptoin", "public-service.consumption")]
    [InlineData("recruitment.civil-servnt", "recruitment.civil-servant")]
    public void SuggestScenario_OnTheDefaultCatalog_NamesTheDeclaredCodeASlipWasMeantFor(string code, string meant)
    {
        Assert.Equal(meant, CreditCheck.Catalog.CreditCatalog.Default.SuggestScenario(code));
    }

    [Theory]
    [InlineData("market-access.registration")] // declared
    [InlineData("procurement.bid.opening")] // finer than a declared code
    [InlineData("licensing.food-permit")] // an undeclared matter under a declared parent, like none of its siblings
    [InlineData("procurement..bid")] // not a code at all: refused as such
    public void SuggestScenario_NoSuggestionForDeclaredOrFinerCodes(string code)
    {
        Assert.Null(CreditCheck.Catalog.CreditCatalog.Default.SuggestScenario(code));
    }

    [Theory]
    [InlineData("procurement..bid", "its level 2 is empty", "第 2 级为空")]
    [InlineData("procurement.", "its level 2 is empty", "第 2 级为空")]
    [InlineData("procurement.*", "the character U+002A at position 13 cannot be part of a code", "第 13 个字符（U+002A）不能用于场景代码")]
    [InlineData("procurement.Bid", "the letter 'B' at position 13 is upper case", "第 13 个字符“B”是大写字母")]
    [InlineData("procurement.bid_open", "the character U+005F at position 16 cannot be part of a code", "第 16 个字符（U+005F）不能用于场景代码")]
    [InlineData("procurement.-bid", "a word of it starts or ends with '-', or holds '--'", "有词以“-”开头或结尾，或含“--”")]
    public async Task CheckAsync_MalformedSubScenario_IsRefusedSayingWhatIsWrong_NotReadAsItsAncestor(string code, string why, string whyZh)
    {
        // Found from outside: 'recruitment..civil-servant' resolved to 'recruitment' and lost the statutory bar.
        var harness = new CheckerHarness();
        await harness.ListAsync(Subjects.Tencent, "debtors");

        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await harness.CheckAsync(Subjects.Tencent, code));

        // What is wrong with it, as the service says it (found from outside: the SDK's message was only the rule).
        Assert.Contains($"'{code}' is not a scenario code: {why}. A code is lower-case words", error.Message, StringComparison.Ordinal);
        Assert.Equal(new CreditCheck.Catalog.ScenarioCodeProblem(why, whyZh), CreditCheck.Catalog.Scenario.FindCodeProblem(code));
        Assert.Null(CreditCheck.Catalog.Scenario.FindCodeProblem("procurement.bid-opening.day-2"));
        Assert.False(CreditCheck.Catalog.Scenario.IsWellFormedCode(code));
        Assert.True(CreditCheck.Catalog.Scenario.IsWellFormedCode("procurement.bid-opening.day-2"));
    }

    [Fact]
    public async Task CheckAsync_UnknownScenario_ThrowsNamingItAndTheKnownOnes()
    {
        var harness = new CheckerHarness();

        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await harness.CheckAsync(Subjects.Tencent, "procurment"));

        Assert.Contains("'procurment'", error.Message, StringComparison.Ordinal);
        Assert.Contains("procurement, licensing, public-service", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckAsync_ExactScenarioPattern_DoesNotReachOtherScenarios()
    {
        var harness = new CheckerHarness();
        await harness.ListAsync(Subjects.Tencent, "debtors");

        var licensing = await harness.CheckAsync(Subjects.Tencent, "licensing");
        var procurement = await harness.CheckAsync(Subjects.Tencent, "procurement");

        Assert.Contains(licensing.AppliedMeasures, m => m.Measure.Code == "no-commitment");
        Assert.DoesNotContain(licensing.AppliedMeasures, m => m.Measure.Code == "procurement-refusal");
        Assert.DoesNotContain(procurement.AppliedMeasures, m => m.Measure.Code == "no-commitment");
        Assert.Equal(DecisionOutcome.Restricted, licensing.Outcome);
    }

    [Theory]
    [InlineData(EntryStatus.Repaired, EntryState.Repaired)]
    [InlineData(EntryStatus.Revoked, EntryState.Revoked)]
    public async Task CheckAsync_EntryNotActive_TriggersNothingButIsShown(EntryStatus status, EntryState expected)
    {
        var harness = new CheckerHarness();
        await harness.ListAsync(Subjects.Tencent, "debtors", status);

        var decision = await harness.CheckAsync(Subjects.Tencent, "procurement");

        Assert.Equal(DecisionOutcome.Clear, decision.Outcome);
        Assert.Empty(decision.AppliedMeasures);
        Assert.Equal(expected, Assert.Single(decision.MatchedEntries).State);
    }

    [Fact]
    public async Task CheckAsync_EntryPastValidUntil_TriggersNothing()
    {
        var harness = new CheckerHarness();
        await harness.ListAsync(Subjects.Tencent, "debtors", until: CheckerHarness.Now.AddDays(1));
        harness.Time.Advance(TimeSpan.FromDays(1));

        var decision = await harness.CheckAsync(Subjects.Tencent, "procurement");

        Assert.Equal(DecisionOutcome.Clear, decision.Outcome);
        Assert.Equal(EntryState.Expired, Assert.Single(decision.MatchedEntries).State);
    }

    [Fact]
    public async Task CheckAsync_EntryBeforeValidFrom_TriggersNothingUntilItStarts()
    {
        var harness = new CheckerHarness();
        await harness.ListAsync(Subjects.Tencent, "debtors", from: CheckerHarness.Now.AddHours(1));

        var before = await harness.CheckAsync(Subjects.Tencent, "procurement");
        harness.Time.Advance(TimeSpan.FromHours(1));
        var after = await harness.CheckAsync(Subjects.Tencent, "procurement");

        Assert.Equal(DecisionOutcome.Clear, before.Outcome);
        Assert.Equal(EntryState.NotYetValid, Assert.Single(before.MatchedEntries).State);
        Assert.Equal(DecisionOutcome.Denied, after.Outcome);
    }

    [Fact]
    public async Task CheckAsync_UnderObjectionByDefault_StillAppliesAndIsFlagged()
    {
        var harness = new CheckerHarness();
        await harness.ListAsync(Subjects.Tencent, "debtors", EntryStatus.UnderObjection);

        var decision = await harness.CheckAsync(Subjects.Tencent, "procurement");

        Assert.Equal(DecisionOutcome.Denied, decision.Outcome);
        Assert.True(decision.HasObjection);
        Assert.Equal(EntryState.UnderObjection, Assert.Single(decision.MatchedEntries).State);
        Assert.Contains("异议中", decision.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckAsync_UnderObjectionWhenCatalogSuspends_VoidsMeasuresAndAsksForReview()
    {
        var harness = new CheckerHarness(TestCatalog.WithPolicy(objectionSuspends: true));
        await harness.ListAsync(Subjects.Tencent, "debtors", EntryStatus.UnderObjection);

        var decision = await harness.CheckAsync(Subjects.Tencent, "procurement");

        Assert.Equal(DecisionOutcome.Review, decision.Outcome);
        Assert.Empty(decision.AppliedMeasures);
        var voided = Assert.Single(decision.VoidedMeasures, m => m.Measure.Code == "procurement-refusal");
        Assert.Equal("suspended while the objection to the entries on debtors is verified", voided.VoidReasonEnglish);
        Assert.Equal("“失信被执行人名单”记录异议核查期间暂停适用", voided.VoidReason); // the list is named (found by review: none was)
    }

    [Fact]
    public async Task CheckAsync_RedListedApplicant_GetsTheGreenChannel()
    {
        var harness = new CheckerHarness();
        await harness.ListAsync(Subjects.Tencent, "grade-a");

        var decision = await harness.CheckAsync(Subjects.Tencent, "licensing");

        Assert.Equal(DecisionOutcome.Benefit, decision.Outcome);
        Assert.Equal("green-channel", Assert.Single(decision.AppliedMeasures).Measure.Code);
        Assert.Empty(decision.VoidedMeasures);
    }

    [Fact]
    public async Task CheckAsync_RedListedAndBlacklisted_PunishmentVoidsTheBenefit()
    {
        var harness = new CheckerHarness();
        await harness.ListAsync(Subjects.Tencent, "grade-a");
        var punishment = await harness.ListAsync(Subjects.Tencent, "debtors");

        var decision = await harness.CheckAsync(Subjects.Tencent, "licensing");

        Assert.Equal(DecisionOutcome.Restricted, decision.Outcome);
        Assert.DoesNotContain(decision.AppliedMeasures, m => m.Measure.IsBenefit);
        var voided = Assert.Single(decision.VoidedMeasures);
        Assert.Equal("green-channel", voided.Measure.Code);
        Assert.Contains(punishment.EntryId, voided.VoidReasonEnglish, StringComparison.Ordinal);
        Assert.Contains("信用修复前不适用", voided.VoidReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckAsync_CatalogLetsBenefitsStand_PunishmentDoesNotVoidThem()
    {
        var harness = new CheckerHarness(TestCatalog.WithPolicy(punishmentVoidsBenefits: false));
        await harness.ListAsync(Subjects.Tencent, "grade-a");
        await harness.ListAsync(Subjects.Tencent, "debtors");

        var decision = await harness.CheckAsync(Subjects.Tencent, "licensing");

        Assert.Contains(decision.AppliedMeasures, m => m.Measure.Code == "green-channel");
        Assert.Empty(decision.VoidedMeasures);
    }

    [Fact]
    public async Task CheckAsync_RepairedPunishment_NoLongerVoidsBenefits()
    {
        var harness = new CheckerHarness();
        await harness.ListAsync(Subjects.Tencent, "grade-a");
        await harness.ListAsync(Subjects.Tencent, "debtors", EntryStatus.Repaired);

        var decision = await harness.CheckAsync(Subjects.Tencent, "licensing");

        Assert.Equal(DecisionOutcome.Benefit, decision.Outcome);
    }

    [Fact]
    public async Task CheckAsync_RedListedAndOnAWatchList_TheWatchEntryVoidsTheBenefit()
    {
        var harness = new CheckerHarness();
        await harness.ListAsync(Subjects.Tencent, "grade-a");
        var watch = await harness.ListAsync(Subjects.Tencent, "abnormal");

        var decision = await harness.CheckAsync(Subjects.Tencent, "licensing");

        Assert.Equal(DecisionOutcome.Review, decision.Outcome);
        Assert.DoesNotContain(decision.AppliedMeasures, m => m.Measure.IsBenefit);
        Assert.Contains(watch.EntryId, Assert.Single(decision.VoidedMeasures).VoidReasonEnglish, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckAsync_RelatedPersonsOnlyMeasure_ReachesTheRepresentativeNotTheEnterprise()
    {
        var harness = new CheckerHarness();
        await harness.ListAsync(Subjects.Tencent, "debtors");
        await harness.ListAsync(Subjects.Person, "debtors", related: new RelatedParty("示例企业", "9144030071526726XG", RelatedRole.LegalRepresentative));

        var enterprise = await harness.CheckAsync(Subjects.Tencent, "licensing");
        var person = await harness.CheckAsync(Subjects.Person, "licensing");

        Assert.DoesNotContain(enterprise.AppliedMeasures, m => m.Measure.Code == "rep-restriction");
        Assert.Equal("rep-restriction", Assert.Single(person.AppliedMeasures).Measure.Code);
        Assert.Equal(DecisionOutcome.Denied, person.Outcome);
    }

    [Fact]
    public async Task CheckAsync_WatchListEntry_LeadsToReview()
    {
        var harness = new CheckerHarness();
        await harness.ListAsync(Subjects.Tencent, "abnormal");

        var licensing = await harness.CheckAsync(Subjects.Tencent, "licensing");
        var procurement = await harness.CheckAsync(Subjects.Tencent, "procurement");

        Assert.Equal(DecisionOutcome.Review, licensing.Outcome);
        Assert.Equal("strict-review", Assert.Single(licensing.AppliedMeasures).Measure.Code);

        // No watch measure in procurement, yet a watch-listed subject is never answered Clear.
        Assert.Equal(DecisionOutcome.Review, procurement.Outcome);
        Assert.Empty(procurement.AppliedMeasures);
    }

    [Fact]
    public async Task CheckAsync_OnlyANotifyMeasureApplies_ListedSubjectStillNeedsReview()
    {
        var harness = new CheckerHarness();
        await harness.ListAsync(Subjects.Tencent, "debtors");

        var decision = await harness.CheckAsync(Subjects.Tencent, "awards");

        Assert.Equal("everywhere-notice", Assert.Single(decision.AppliedMeasures).Measure.Code);
        Assert.Equal(DecisionOutcome.Review, decision.Outcome);
    }

    [Fact]
    public async Task CheckAsync_LegalRepresentativeOfListedEnterprise_GetsOnlyMeasuresReachingRelatedPersons()
    {
        var harness = new CheckerHarness();
        var related = new RelatedParty("示例失信建设工程有限公司", "9144030071526726XG", RelatedRole.LegalRepresentative);
        await harness.ListAsync(Subjects.Person, "debtors", related: related);

        var publicService = await harness.CheckAsync(Subjects.Person, "public-service");
        var procurement = await harness.CheckAsync(Subjects.Person, "procurement");

        Assert.Equal(DecisionOutcome.Restricted, publicService.Outcome);
        Assert.Equal("high-consumption", Assert.Single(publicService.AppliedMeasures).Measure.Code);
        Assert.True(Assert.Single(publicService.MatchedEntries).IsRelatedPerson);
        Assert.Contains("法定代表人", publicService.Explanation, StringComparison.Ordinal);

        // procurement-refusal does not reach related persons; no floor for them either.
        Assert.Equal(DecisionOutcome.Clear, procurement.Outcome);
        Assert.Empty(procurement.AppliedMeasures);
    }

    [Fact]
    public async Task CheckAsync_RedListedPersonLinkedToAListedEnterprise_IsNotCalledADishonestSubject()
    {
        // Found on re-read: a red list entry of their own made the linked-only wording give way to "失信主体", and the
        // hall and the approval adapter each had their own, different rule for "only linked".
        var catalog = CreditCatalog.Parse(TestCatalog.Json.Replace(
            "\"legalBasis\": \"A级纳税人联合激励备忘录\", \"subjectKinds\": [\"LegalEntity\"]",
            "\"legalBasis\": \"A级纳税人联合激励备忘录\", \"subjectKinds\": [\"LegalEntity\", \"NaturalPerson\"]",
            StringComparison.Ordinal));
        var harness = new CheckerHarness(catalog);
        await harness.ListAsync(Subjects.Person, "debtors", related: new RelatedParty("示例失信建设工程有限公司", "9144030071526726XG", RelatedRole.LegalRepresentative));
        await harness.ListAsync(Subjects.Person, "grade-a");

        var decision = await harness.CheckAsync(Subjects.Person, "public-service");

        Assert.Equal(DecisionOutcome.Restricted, decision.Outcome);
        Assert.True(decision.IsAdverseOnlyThroughLink);
        Assert.StartsWith("本人未列入名单，所关联企业列入名单，相关措施及于本人，限制办理。", decision.Explanation, StringComparison.Ordinal);
        Assert.DoesNotContain("失信主体", decision.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckAsync_OlderEntryUnderOrganizationCode_IsFoundThroughTheUscc()
    {
        var harness = new CheckerHarness();
        await harness.ListAsync(Subjects.TencentOrganizationCode, "debtors");

        var decision = await harness.CheckAsync(Subjects.Tencent, "procurement");

        Assert.Equal(DecisionOutcome.Denied, decision.Outcome);
        Assert.Equal(IdentifierScheme.OrganizationCode, Assert.Single(decision.MatchedEntries).MatchedBy);
    }

    [Fact]
    public async Task CheckAsync_ByTheOrganizationCodeOfAnEnterpriseListedUnderItsUscc_NotClearButDegradedSayingWhy()
    {
        // Found from outside: the 组织机构代码 embedded in a listed 统一社会信用代码 was answered Clear.
        var harness = new CheckerHarness();
        await harness.ListAsync(Subjects.Tencent, "debtors");

        var decision = await harness.CheckAsync(Subjects.TencentOrganizationCode, "procurement");

        Assert.Equal(DecisionOutcome.Review, decision.Outcome);
        Assert.Equal(DecisionPath.Policy, decision.Path);
        Assert.Contains("check by the 统一社会信用代码", decision.DegradedReason, StringComparison.Ordinal);
        Assert.Contains("请以统一社会信用代码核查", decision.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckAsync_ByAnOrganizationCodeUnderWhichAnEntryIsListed_DecidedOnThatEntry()
    {
        var harness = new CheckerHarness();
        await harness.ListAsync(Subjects.TencentOrganizationCode, "debtors");

        var decision = await harness.CheckAsync(Subjects.TencentOrganizationCode, "procurement");

        Assert.Equal(DecisionOutcome.Denied, decision.Outcome);
        Assert.Null(decision.DegradedReason);
    }

    [Fact]
    public async Task CheckAsync_LenientlyAcceptedCode_IsReportedInTheDecision()
    {
        var harness = new CheckerHarness();
        var lenient = SubjectId.Parse("9144030071526726XA", SubjectKind.LegalEntity, SubjectIdParseMode.LenientCheckCharacter);

        var decision = await harness.CheckAsync(lenient, "procurement");

        Assert.False(decision.SubjectCheckCharacterConforms);
        Assert.Contains("check character does not conform", decision.ExplanationEnglish, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckAsync_LenientlyAcceptedCodeListedNowhere_IsNotClearButDegradedAskingToCheckTheCode()
    {
        // A listed code with one character mistyped usually fails its check character: taken leniently, finding
        // nothing under it is no proof that the subject meant is not listed (found from outside).
        var closed = new CheckerHarness();
        var open = new CheckerHarness(policy: UnavailablePolicy.FailOpen);
        var lenient = SubjectId.Parse("9144030071526726XA", SubjectKind.LegalEntity, SubjectIdParseMode.LenientCheckCharacter);

        var review = await closed.CheckAsync(lenient, "procurement");
        var clear = await open.CheckAsync(lenient, "procurement");

        Assert.Equal((DecisionOutcome.Review, DecisionPath.Policy), (review.Outcome, review.Path));
        Assert.Contains("may be a listed code mistyped", review.DegradedReason, StringComparison.Ordinal);
        Assert.Contains("请核对号码", review.Explanation, StringComparison.Ordinal);
        Assert.Equal((DecisionOutcome.Clear, DecisionPath.Policy), (clear.Outcome, clear.Path));
        Assert.True(clear.IsDegraded);
    }

    [Fact]
    public async Task CheckAsync_LenientlyAcceptedCodeThatIsListed_IsDecidedFromItsEntry()
    {
        var harness = new CheckerHarness();
        var lenient = SubjectId.Parse("9144030071526726XA", SubjectKind.LegalEntity, SubjectIdParseMode.LenientCheckCharacter);
        await harness.ListAsync(lenient, "debtors");

        var decision = await harness.CheckAsync(lenient, "procurement");

        Assert.Equal(DecisionOutcome.Denied, decision.Outcome);
        Assert.Null(decision.DegradedReason);
        Assert.False(decision.SubjectCheckCharacterConforms);
    }

    [Fact]
    public async Task CheckAsync_Twice_GivesDistinctTimeOrderedCheckIds()
    {
        var harness = new CheckerHarness();

        var first = await harness.CheckAsync(Subjects.Tencent, "procurement");
        harness.Time.Advance(TimeSpan.FromMilliseconds(5));
        var second = await harness.CheckAsync(Subjects.Tencent, "procurement");

        Assert.NotEqual(first.CheckId, second.CheckId);
        Assert.Equal(7, first.CheckId.Version);
        Assert.True(string.CompareOrdinal(first.CheckId.ToString(), second.CheckId.ToString()) < 0);
    }

    [Fact]
    public async Task CheckAsync_Decision_ShowsTheSubjectOnlyMasked()
    {
        var harness = new CheckerHarness();
        await harness.ListAsync(Subjects.Person, "debtors");

        var decision = await harness.CheckAsync(Subjects.Person, "procurement");

        Assert.Equal("1101**********002X", decision.Subject);
        Assert.DoesNotContain(Subjects.Person.Value, decision.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Subjects.Person.Value, decision.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckAsync_RequestReferences_AreCarriedIntoTheDecision()
    {
        var harness = new CheckerHarness();

        var decision = await harness.Checker.CheckAsync(new CheckRequest(Subjects.Tencent, "procurement")
        {
            TransactionReference = "CG-2026-001",
            Department = "市财政局",
            Operator = "clerk-7",
        });

        Assert.Equal("CG-2026-001", decision.TransactionReference);
        Assert.Equal("市财政局", decision.Department);
        Assert.Equal("clerk-7", decision.Operator);
    }

    [Fact]
    public async Task CheckManyAsync_MixedBatch_AnswersEachInOrder()
    {
        var harness = new CheckerHarness();
        await harness.ListAsync(Subjects.Tencent, "debtors");
        await harness.ListAsync(Subjects.Alibaba, "abnormal");
        var requests = new[] { Subjects.Huawei, Subjects.Tencent, Subjects.Alibaba }
            .Select(s => new CheckRequest(s, "procurement.bid"))
            .ToArray();

        var decisions = await harness.Checker.CheckManyAsync(requests);

        Assert.Equal(
            [DecisionOutcome.Clear, DecisionOutcome.Denied, DecisionOutcome.Review],
            decisions.Select(d => d.Outcome));
        Assert.Equal(3, decisions.Select(d => d.CheckId).Distinct().Count());
    }

    [Fact]
    public async Task CheckManyAsync_BeyondMaxBatchSize_ThrowsNamingTheLimit()
    {
        var store = new InMemoryCreditStore(TestCatalog.Create());
        var checker = new CreditChecker(store, Microsoft.Extensions.Options.Options.Create(new CreditCheckOptions { MaxBatchSize = 2 }), TimeProvider.System);
        var requests = Enumerable.Repeat(new CheckRequest(Subjects.Tencent, "procurement"), 3).ToArray();

        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await checker.CheckManyAsync(requests));

        Assert.Contains("at most 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckRequest_DefaultSubject_IsRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => new CheckRequest(default, "procurement"));

        Assert.Contains("SubjectId.Parse", error.Message, StringComparison.Ordinal);
    }
}
