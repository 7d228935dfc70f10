using CreditCheck.Catalog;
using CreditCheck.Tests.Support;

namespace CreditCheck.Tests.Checking;

/// <summary>The rules of issue 15 on the shipped catalog: one test per rule, each against what the law says.</summary>
public sealed class DefaultCatalogRulesTests
{
    private const string Enterprise = "示例欠薪建筑有限公司";

    private readonly CheckerHarness _harness = new(CreditCatalog.Default);

    // 1. Facilitation for every applicant without a 失信 record.

    [Fact]
    public async Task CheckAsync_CleanApplicantOnALicence_GetsCommitmentAndTolerantAcceptance()
    {
        var decision = await _harness.CheckAsync(SyntheticIds.Company(1), "licensing");

        Assert.Equal(DecisionOutcome.Benefit, decision.Outcome);
        Assert.Equal(["tolerant-acceptance", "commitment-approval"], decision.AppliedMeasures.Select(m => m.Measure.Code));
        Assert.All(decision.AppliedMeasures, m => Assert.Empty(m.TriggeredBy));
    }

    [Fact]
    public async Task CheckAsync_CleanApplicantOnABusinessPermit_CommitmentCitesGuoFa2021No7()
    {
        var decision = await _harness.CheckAsync(SyntheticIds.Company(2), "licensing.business-permit");

        var commitment = Assert.Single(decision.AppliedMeasures, m => m.Measure.Effect == MeasureEffect.Commitment);
        Assert.Equal("business-permit-commitment", commitment.Measure.Code);
        Assert.Contains("国发〔2021〕7号", commitment.LegalBasis, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckAsync_CleanBidder_StaysClearBecauseBiddingHasNoGoodStandingMeasure()
    {
        var decision = await _harness.CheckAsync(SyntheticIds.Company(3), "procurement.bid");

        Assert.Equal(DecisionOutcome.Clear, decision.Outcome);
        Assert.Empty(decision.AppliedMeasures);
    }

    [Fact]
    public async Task CheckAsync_DebtorOnALicence_CommitmentVoidedUntilRepair()
    {
        var debtor = SyntheticIds.Company(4);
        await _harness.ListAsync(debtor, "court-dishonest-debtors");

        var decision = await _harness.CheckAsync(debtor, "licensing");

        Assert.Equal(DecisionOutcome.Restricted, decision.Outcome);
        Assert.DoesNotContain(decision.AppliedMeasures, m => m.Measure.IsBenefit);
        Assert.Contains(decision.VoidedMeasures, m => m.Measure.Code == "commitment-approval");
    }

    [Fact]
    public async Task CheckAsync_RepairedDebtorOnALicence_GetsCommitmentAgain()
    {
        var repaired = SyntheticIds.Company(5);
        await _harness.ListAsync(repaired, "court-dishonest-debtors", EntryStatus.Repaired);

        var decision = await _harness.CheckAsync(repaired, "licensing");

        Assert.Equal(DecisionOutcome.Benefit, decision.Outcome);
        Assert.Contains(decision.AppliedMeasures, m => m.Measure.Code == "commitment-approval");
    }

    [Fact]
    public async Task CheckAsync_RedListedApplicant_KeepsTheGreenChannelBesideCommitment()
    {
        var gradeA = SyntheticIds.Company(6);
        await _harness.ListAsync(gradeA, "tax-grade-a");

        var decision = await _harness.CheckAsync(gradeA, "licensing");

        Assert.Contains(decision.AppliedMeasures, m => m.Measure.Code == "green-channel");
        Assert.Contains(decision.AppliedMeasures, m => m.Measure.Code == "commitment-approval");
    }

    // 2. Statutory bars are Deny.

    [Fact]
    public async Task CheckAsync_DebtorPersonInCivilServantRecruitment_DeniedUnderCivilServantLawArticle26()
    {
        var person = SyntheticIds.Person(10);
        await _harness.ListAsync(person, "court-dishonest-debtors");

        var decision = await _harness.CheckAsync(person, "recruitment.civil-servant");

        Assert.Equal(DecisionOutcome.Denied, decision.Outcome);
        var bar = Assert.Single(decision.AppliedMeasures, m => m.Measure.Effect == MeasureEffect.Deny);
        Assert.Equal("civil-servant-recruitment-bar", bar.Measure.Code);
        Assert.Contains("公务员法》第二十六条", bar.LegalBasis, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckAsync_CleanPersonInCivilServantRecruitment_Clear()
    {
        var decision = await _harness.CheckAsync(SyntheticIds.Person(11), "recruitment.civil-servant");

        Assert.Equal(DecisionOutcome.Clear, decision.Outcome);
    }

    [Fact]
    public async Task CheckAsync_DebtorPersonInCadreSelection_ReviewWithoutAStatutoryBar()
    {
        var person = SyntheticIds.Person(12);
        await _harness.ListAsync(person, "court-dishonest-debtors");

        var decision = await _harness.CheckAsync(person, "cadre-selection");

        Assert.Equal(DecisionOutcome.Review, decision.Outcome);
        Assert.Equal("personal-credit-review", Assert.Single(decision.AppliedMeasures).Measure.Code);
    }

    [Fact]
    public async Task CheckAsync_DebtorPersonAppointedDirector_NotDeniedTheBarAsksForReviewUnderCompanyLawArticle178()
    {
        // Found by review: 公司法 第一百七十八条 bars only a person listed "因所负数额较大债务到期未清偿"; an entry does not
        // say whether the debt was 数额较大, so the clerk verifies that condition (Review), not the catalog (Deny).
        var person = SyntheticIds.Person(13);
        await _harness.ListAsync(person, "court-dishonest-debtors");

        var decision = await _harness.CheckAsync(person, "market-access.registration.officers");

        // Restricted by no-commitment (market-access.*, any 失信 record); the bar itself asks the clerk to verify.
        Assert.Equal(DecisionOutcome.Restricted, decision.Outcome);
        Assert.DoesNotContain(decision.AppliedMeasures, m => m.Measure.Effect == MeasureEffect.Deny);
        var bar = Assert.Single(decision.AppliedMeasures, m => m.Measure.Code == "officer-appointment-bar");
        Assert.Equal(MeasureEffect.Review, bar.Measure.Effect);
        Assert.Contains("第一百七十八条", bar.LegalBasis, StringComparison.Ordinal);
        Assert.Contains("数额较大", bar.Measure.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckAsync_DebtorEnterpriseInOfficerRegistration_NoOfficerBarBecauseItAppliesToPersons()
    {
        var company = SyntheticIds.Company(14);
        await _harness.ListAsync(company, "court-dishonest-debtors");

        var decision = await _harness.CheckAsync(company, "market-access.registration.officers");

        Assert.DoesNotContain(decision.AppliedMeasures, m => m.Measure.Code == "officer-appointment-bar");
    }

    [Fact]
    public async Task CheckAsync_WageArrearsEmployerInProcurement_RestrictedUnderArticle48()
    {
        // Found by review: it was Denied, though 第四十八条 says 予以限制 and 财库〔2016〕125号's refusal names three
        // other lists; how it is restricted is for the procurement documents (catalog 2026.12.6).
        var employer = SyntheticIds.Company(15);
        await _harness.ListAsync(employer, "wage-arrears");

        var decision = await _harness.CheckAsync(employer, "procurement.bid");

        Assert.Equal(DecisionOutcome.Restricted, decision.Outcome);
        Assert.Equal(MeasureEffect.Restrict, Assert.Single(decision.AppliedMeasures).Measure.Effect);
        var bar = Assert.Single(decision.AppliedMeasures);
        Assert.Equal("wage-arrears-procurement-restriction", bar.Measure.Code);
        Assert.Contains("第四十八条", bar.LegalBasis, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckAsync_WageArrearsEmployerInBidding_RestrictedUnderArticle48()
    {
        // Found from outside: it was Denied, citing 招标投标法's 取消投标资格, whose condition (collusion, fraud) a
        // wage-arrears entry does not prove; 第四十八条 says 予以限制, as for procurement (catalog 2026.12.7).
        var employer = SyntheticIds.Company(16);
        await _harness.ListAsync(employer, "wage-arrears");

        var decision = await _harness.CheckAsync(employer, "bidding.qualification");

        Assert.Equal(DecisionOutcome.Restricted, decision.Outcome);
        var bar = Assert.Single(decision.AppliedMeasures);
        Assert.Equal(MeasureEffect.Restrict, bar.Measure.Effect);
        Assert.StartsWith("《保障农民工工资支付条例》第四十八条", bar.LegalBasis, StringComparison.Ordinal);
        Assert.DoesNotContain("招标投标法", bar.LegalBasis, StringComparison.Ordinal);
    }

    [Fact]
    public void DefaultCatalog_InspectionRatios_Quote35WithItsMayAndAsAppropriate()
    {
        // Found from outside: the paraphrase dropped 可合理 and 适当 (DOMAIN §8), turning "may" into "must".
        var basis = CreditCheck.Catalog.CreditCatalog.Default.Inspection!.LegalBasis;

        Assert.Contains("对信用较好、风险较低的市场主体，可合理降低抽查比例和频次…；对信用风险一般的市场主体，按常规比例和频次抽查；对违法失信、风险较高的市场主体，适当提高抽查比例和频次", basis, StringComparison.Ordinal);
        Assert.Contains("对监管对象进行分级分类，根据信用等级高低采取差异化的监管措施",
            CreditCheck.Catalog.CreditCatalog.Default.Ratings.Single(r => r.Code == "public-credit-rating").LegalBasis, StringComparison.Ordinal);
    }

    [Fact]
    public void DefaultCatalog_CommitmentApproval_Quotes326WithItsScope()
    {
        // Found from outside: the quotation dropped 在证明事项和涉企经营许可事项中 without an ellipsis (DOMAIN §7).
        var measure = CreditCheck.Catalog.CreditCatalog.Default.Measures.Single(m => m.Code == "commitment-approval");

        Assert.Contains("粤办函〔2021〕326号（除国家规定不适用信用告知承诺制的以外，在证明事项和涉企经营许可事项中全面推行信用告知承诺制度）", measure.LegalBasis, StringComparison.Ordinal);
    }

    // 3. Co-listed persons are listed in their own right.

    [Fact]
    public async Task CheckAsync_PersonCoListedOnWageArrearsByDefault_GetsTheFullMeasures()
    {
        var person = SyntheticIds.Person(20);
        await _harness.ListAsync(person, "wage-arrears", related: new RelatedParty(Enterprise, null, RelatedRole.DirectlyResponsiblePerson));

        var decision = await _harness.CheckAsync(person, "recruitment.civil-servant");

        Assert.Equal(DecisionOutcome.Denied, decision.Outcome);
        Assert.True(Assert.Single(decision.MatchedEntries).IsCoListedPerson);
    }

    [Fact]
    public async Task CheckAsync_CoListedPersonWhereNoMeasureApplies_NeverClear()
    {
        var person = SyntheticIds.Person(21);
        await _harness.ListAsync(person, "wage-arrears", related: new RelatedParty(Enterprise, null, RelatedRole.LegalRepresentative));

        var decision = await _harness.CheckAsync(person, "customs");

        Assert.Equal(DecisionOutcome.Review, decision.Outcome);
    }

    [Fact]
    public async Task CheckAsync_PersonAffectedOnlyThroughTheEnterprise_OnlyRelatedPersonMeasures()
    {
        var person = SyntheticIds.Person(22);
        await _harness.ListAsync(person, "wage-arrears", related: new RelatedParty(Enterprise, null, RelatedRole.LegalRepresentative) { ListedInOwnRight = false });

        var civilService = await _harness.CheckAsync(person, "recruitment.civil-servant");

        Assert.Equal(DecisionOutcome.Clear, civilService.Outcome);
        Assert.True(Assert.Single(civilService.MatchedEntries).IsRelatedPerson);
        Assert.StartsWith("本事项不适用联合奖惩措施，按正常程序办理。为列入", civilService.Explanation, StringComparison.Ordinal); // not "nothing found"
    }

    [Fact]
    public async Task CheckAsync_PersonListedInOwnRightOnADebtorEnterprise_DirectorBarIsAReviewNotADenial()
    {
        var person = SyntheticIds.Person(23);
        await _harness.ListAsync(person, "court-dishonest-debtors", related: new RelatedParty("示例失信企业有限公司", null, RelatedRole.PrincipalPerson) { ListedInOwnRight = true });

        var decision = await _harness.CheckAsync(person, "market-access.registration.officers");

        Assert.Equal(DecisionOutcome.Restricted, decision.Outcome); // no-commitment; no Deny
        Assert.Equal(MeasureEffect.Review, Assert.Single(decision.AppliedMeasures, m => m.Measure.Code == "officer-appointment-bar").Measure.Effect);
    }

    [Fact]
    public async Task CheckAsync_PersonOnlyLinkedToADebtorEnterprise_KeepsCommitmentWhereNoMeasureReachesThem()
    {
        // Found by review: such a person has no 失信 record of their own, yet lost 告知承诺 and 容缺受理 in every scenario,
        // told "存在失信记录（失信被执行人名单）"; the basic list bars widening a measure's targets.
        var person = SyntheticIds.Person(25);
        await _harness.ListAsync(person, "court-dishonest-debtors", related: new RelatedParty("示例失信企业有限公司", null, RelatedRole.LegalRepresentative));

        var decision = await _harness.CheckAsync(person, "licensing");

        Assert.True(Assert.Single(decision.MatchedEntries).IsRelatedPerson);
        Assert.Equal(DecisionOutcome.Benefit, decision.Outcome);
        Assert.Equal(["tolerant-acceptance", "commitment-approval"], decision.AppliedMeasures.Select(m => m.Measure.Code));
        Assert.Empty(decision.VoidedMeasures);
    }

    [Fact]
    public async Task CheckAsync_PersonOnlyLinkedToADebtorEnterprise_LosesFacilitationWhereTheEnterprisesMeasureReachesThem()
    {
        var person = SyntheticIds.Person(26);
        await _harness.ListAsync(person, "court-dishonest-debtors", related: new RelatedParty("示例失信企业有限公司", null, RelatedRole.LegalRepresentative));

        var decision = await _harness.CheckAsync(person, "public-service.consumption");

        Assert.Contains(decision.AppliedMeasures, m => m.Measure.Code == "high-consumption-restriction");
        var voided = Assert.Single(decision.VoidedMeasures, m => m.Measure.Code == "tolerant-acceptance");
        Assert.StartsWith("所关联企业存在失信记录（", voided.VoidReason, StringComparison.Ordinal);
        Assert.DoesNotContain(decision.AppliedMeasures, m => m.Measure.IsBenefit);
    }

    [Fact]
    public async Task CheckAsync_LegalRepresentativeOfADebtorEnterprise_NotBarredAsDirector()
    {
        var person = SyntheticIds.Person(24);
        await _harness.ListAsync(person, "court-dishonest-debtors", related: new RelatedParty("示例失信企业有限公司", null, RelatedRole.LegalRepresentative));

        var decision = await _harness.CheckAsync(person, "market-access.registration.officers");

        Assert.DoesNotContain(decision.AppliedMeasures, m => m.Measure.Effect == MeasureEffect.Deny);
    }

    [Fact]
    public async Task CheckAsync_DebtorPersonRegisteredAsLegalRepresentative_NotDeniedTheBarAsksForReviewUnderCompanyLawArticle178()
    {
        // Found from outside: the bar covered only the officers' scenario, though a company's 法定代表人 is a 董事 or
        // 经理 (公司法 第十条). Review, not Deny: whether the debt was 数额较大 is for the clerk to verify.
        var person = SyntheticIds.Person(25);
        await _harness.ListAsync(person, "court-dishonest-debtors");

        var decision = await _harness.CheckAsync(person, "market-access.registration");

        Assert.Equal(DecisionOutcome.Restricted, decision.Outcome); // no-commitment; no Deny
        Assert.Equal(MeasureEffect.Review, Assert.Single(decision.AppliedMeasures, m => m.Measure.Code == "officer-appointment-bar").Measure.Effect);
    }

    [Fact]
    public async Task CheckAsync_PersonCoListedWithASeriouslyListedEnterprise_KeepsTheBarOnBeingALegalRepresentative()
    {
        // Found from outside: listed in their own right, the person lost the measure meant only for related persons
        // (限制担任企业法定代表人) and was Restricted where the merely related person is Denied.
        var related = SyntheticIds.Person(26);
        var coListed = SyntheticIds.Person(27);
        await _harness.ListAsync(related, "market-serious-violations", related: new RelatedParty("示例严重违法企业有限公司", null, RelatedRole.LegalRepresentative) { ListedInOwnRight = false });
        await _harness.ListAsync(coListed, "market-serious-violations", related: new RelatedParty("示例严重违法企业有限公司", null, RelatedRole.LegalRepresentative) { ListedInOwnRight = true });

        var relatedDecision = await _harness.CheckAsync(related, "market-access.registration");
        var coListedDecision = await _harness.CheckAsync(coListed, "market-access.registration");

        Assert.Equal(DecisionOutcome.Denied, relatedDecision.Outcome);
        Assert.Equal(DecisionOutcome.Denied, coListedDecision.Outcome);
        Assert.Contains(coListedDecision.AppliedMeasures, m => m.Measure.Code == "legal-representative-restriction");
        Assert.True(coListedDecision.AppliedMeasures.Count > relatedDecision.AppliedMeasures.Count, "the co-listed person also gets the list's own measures");
    }

    [Fact]
    public async Task CheckAsync_BrokenCommitmentInSupervision_IncreasedInspectionAndNoReducedOne()
    {
        // Found from outside: a subject that broke a promise kept 降低抽查比例和频次 from its A grade (国办发〔2019〕35号:
        // 违法失信 → 提高抽查比例和频次).
        var company = SyntheticIds.Company(39);
        await _harness.ListAsync(company, "tax-grade-a");
        await _harness.ListAsync(company, "broken-commitments");

        var decision = await _harness.CheckAsync(company, "supervision.inspection");

        Assert.Contains(decision.AppliedMeasures, m => m.Measure.Code == "increased-inspection");
        Assert.DoesNotContain(decision.AppliedMeasures, m => m.Measure.Code == "reduced-inspection");
        Assert.Contains(decision.VoidedMeasures, m => m.Measure.Code == "reduced-inspection");
    }

    [Theory]
    [InlineData(EntryStatus.Repaired, EntryState.Repaired)]
    [InlineData(EntryStatus.Revoked, EntryState.Revoked)]
    public async Task CheckAsync_LegalRepresentativeAfterTheEnterprisesEntryEnded_NoLongerRestricted(EntryStatus ended, EntryState expected)
    {
        // Found from outside: after the enterprise's credit repair, its 法定代表人 (named only because of it) stayed
        // restricted in 限制高消费 and lost 容缺受理.
        var enterprise = SyntheticIds.Company(70 + (int)ended);
        var person = SyntheticIds.Person(70 + (int)ended);
        var entry = await _harness.ListAsync(enterprise, "court-dishonest-debtors");
        await _harness.ListAsync(person, "court-dishonest-debtors", related: new RelatedParty("示例失信企业有限公司", enterprise.Value, RelatedRole.LegalRepresentative));
        var before = await _harness.CheckAsync(person, "public-service.consumption");

        await _harness.Store.UpsertAsync(new CreditCheck.Stores.ListRecord(enterprise, entry with { Status = ended, StatusReason = "履行完毕" }));
        var after = await _harness.CheckAsync(person, "public-service.consumption");
        var batch = await _harness.Checker.CheckManyAsync([new CheckRequest(person, "public-service.consumption")]);

        Assert.Contains(before.AppliedMeasures, m => m.Measure.Code == "high-consumption-restriction");
        Assert.Equal(expected, Assert.Single(after.MatchedEntries).State);
        Assert.DoesNotContain(after.AppliedMeasures, m => m.Measure.Kind == MeasureKind.Restriction);
        Assert.Contains("关联企业“示例失信企业有限公司”", after.MatchedEntries[0].Entry.StatusReason, StringComparison.Ordinal);
        Assert.Equal(expected, Assert.Single(batch[0].MatchedEntries).State);
    }

    [Fact]
    public async Task CheckAsync_LegalRepresentative_StaysRestrictedWhileAnyEntryOfTheEnterpriseActsOrTheEnterpriseIsUnknown()
    {
        var enterprise = SyntheticIds.Company(80);
        var unknown = SyntheticIds.Company(81);
        var person = SyntheticIds.Person(80);
        var other = SyntheticIds.Person(81);
        var first = await _harness.ListAsync(enterprise, "court-dishonest-debtors");
        await _harness.ListAsync(enterprise, "court-dishonest-debtors"); // a second case, still in force
        await _harness.Store.UpsertAsync(new CreditCheck.Stores.ListRecord(enterprise, first with { Status = EntryStatus.Repaired }));
        await _harness.ListAsync(person, "court-dishonest-debtors", related: new RelatedParty("示例失信企业有限公司", enterprise.Value, RelatedRole.LegalRepresentative));
        await _harness.ListAsync(other, "court-dishonest-debtors", related: new RelatedParty("未导入的企业有限公司", unknown.Value, RelatedRole.LegalRepresentative));

        var decision = await _harness.CheckAsync(person, "public-service.consumption");
        var notFound = await _harness.CheckAsync(other, "public-service.consumption");

        Assert.Contains(decision.AppliedMeasures, m => m.Measure.Code == "high-consumption-restriction");
        Assert.Contains(notFound.AppliedMeasures, m => m.Measure.Code == "high-consumption-restriction"); // no lapse on doubt
    }

    // 4. Sector lists act in their sector.

    [Fact]
    public async Task CheckAsync_TaxGradeDInTaxAdministration_Review()
    {
        var company = SyntheticIds.Company(30);
        await _harness.ListAsync(company, "tax-grade-d");

        var decision = await _harness.CheckAsync(company, "tax-administration.invoice");

        Assert.Equal(DecisionOutcome.Review, decision.Outcome);
        Assert.Equal(EntryState.InForce, Assert.Single(decision.MatchedEntries).State);
    }

    [Fact]
    public async Task CheckAsync_TaxGradeDOnALicence_OutsideItsSectorAndInGoodStanding()
    {
        var company = SyntheticIds.Company(31);
        await _harness.ListAsync(company, "tax-grade-d");

        var decision = await _harness.CheckAsync(company, "licensing");

        Assert.Equal(DecisionOutcome.Benefit, decision.Outcome);
        Assert.Equal(EntryState.OutsideSector, Assert.Single(decision.MatchedEntries).State);
        Assert.Empty(decision.VoidedMeasures);
    }

    [Fact]
    public async Task CheckAsync_AbnormalOperationsOnALicence_ExplanationDoesNotSayNoRecordBesideTheRecord()
    {
        // Found by review: "无失信记录，可适用便利措施。名列“经营异常名录”…" contradicted itself.
        var company = SyntheticIds.Company(40);
        await _harness.ListAsync(company, "abnormal-operations");

        var decision = await _harness.CheckAsync(company, "licensing");

        Assert.Equal(DecisionOutcome.Benefit, decision.Outcome);
        Assert.StartsWith("本事项不适用联合奖惩措施，可适用便利措施。名列“经营异常名录”", decision.Explanation, StringComparison.Ordinal);
        Assert.DoesNotContain("无失信记录", decision.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckAsync_PersonOnlyLinkedToASeriouslyListedEnterprise_ExplanationSaysNotListedNorADishonestSubject()
    {
        // Found by review: such a person was told "失信主体，依法不予办理。名列“市场监督管理严重违法失信名单”…".
        var person = SyntheticIds.Person(41);
        await _harness.ListAsync(person, "market-serious-violations", related: new RelatedParty("示例严重违法企业有限公司", null, RelatedRole.LegalRepresentative) { ListedInOwnRight = false });

        var decision = await _harness.CheckAsync(person, "market-access.registration");

        Assert.Equal(DecisionOutcome.Denied, decision.Outcome);
        Assert.StartsWith("本人未列入名单，所关联企业列入名单，相关措施及于本人，依法不予办理。为列入“市场监督管理严重违法失信名单”的“示例严重违法企业有限公司”的法定代表人（本人未列入）", decision.Explanation, StringComparison.Ordinal);
        Assert.DoesNotContain("失信主体", decision.Explanation, StringComparison.Ordinal);
        Assert.DoesNotContain("名列", decision.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IsAdverseOnlyThroughLink_AnOwnPunishmentEntryBesideTheLink_IsFalse()
    {
        var person = SyntheticIds.Person(43);
        await _harness.ListAsync(person, "market-serious-violations", related: new RelatedParty("示例严重违法企业有限公司", null, RelatedRole.LegalRepresentative) { ListedInOwnRight = false });
        await _harness.ListAsync(person, "court-dishonest-debtors");

        var decision = await _harness.CheckAsync(person, "market-access.registration");

        Assert.False(decision.IsAdverseOnlyThroughLink);
        Assert.StartsWith("失信主体", decision.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckAsync_AbnormalOperationsInMarketAccess_Review()
    {
        var company = SyntheticIds.Company(32);
        await _harness.ListAsync(company, "abnormal-operations");

        var decision = await _harness.CheckAsync(company, "market-access");

        Assert.Equal(DecisionOutcome.Review, decision.Outcome);
    }

    [Fact]
    public async Task CheckAsync_AbnormalOperationsInProcurement_ClearOutsideItsSector()
    {
        var company = SyntheticIds.Company(33);
        await _harness.ListAsync(company, "abnormal-operations");

        var decision = await _harness.CheckAsync(company, "procurement.bid");

        Assert.Equal(DecisionOutcome.Clear, decision.Outcome);
        Assert.Equal(EntryState.OutsideSector, Assert.Single(decision.MatchedEntries).State);
    }

    [Fact]
    public async Task CheckAsync_CustomsDishonestInCustoms_Review()
    {
        var company = SyntheticIds.Company(34);
        await _harness.ListAsync(company, "customs-dishonest");

        var decision = await _harness.CheckAsync(company, "customs");

        Assert.Equal(DecisionOutcome.Review, decision.Outcome);
        Assert.Equal("customs-dishonest-management", Assert.Single(decision.AppliedMeasures).Measure.Code);
    }

    [Fact]
    public async Task CheckAsync_RedListedAndTaxGradeDOnALicence_TheSectorEntryVoidsNoBenefit()
    {
        var company = SyntheticIds.Company(37);
        await _harness.ListAsync(company, "customs-aeo");
        await _harness.ListAsync(company, "tax-grade-d");

        var decision = await _harness.CheckAsync(company, "licensing");

        Assert.Contains(decision.AppliedMeasures, m => m.Measure.Code == "green-channel");
        Assert.Empty(decision.VoidedMeasures);
    }

    [Fact]
    public async Task CheckAsync_RedListedAndTaxGradeDInTaxAdministration_TheSectorEntryVoidsTheBenefit()
    {
        var company = SyntheticIds.Company(38);
        await _harness.ListAsync(company, "tax-grade-a");
        await _harness.ListAsync(company, "tax-grade-d");

        var decision = await _harness.CheckAsync(company, "supervision.inspection");

        Assert.Equal(DecisionOutcome.Review, decision.Outcome);
        Assert.Contains(decision.VoidedMeasures, m => m.Measure.Code == "reduced-inspection");
    }

    [Fact]
    public async Task CheckAsync_SeriousListOutsideAnySector_StillActsWhereItsMeasuresSay()
    {
        var company = SyntheticIds.Company(35);
        await _harness.ListAsync(company, "major-tax-violators");

        var decision = await _harness.CheckAsync(company, "procurement.bid");

        Assert.Equal(DecisionOutcome.Denied, decision.Outcome);
    }

    [Fact]
    public async Task CheckAsync_SectorListInSupervision_IncreasedInspection()
    {
        var company = SyntheticIds.Company(36);
        await _harness.ListAsync(company, "customs-dishonest");

        var decision = await _harness.CheckAsync(company, "supervision.inspection");

        Assert.Contains(decision.AppliedMeasures, m => m.Measure.Code == "increased-inspection");
    }

    [Fact]
    public async Task CheckAsync_GoodStandingMeasureWithPunishmentNotVoidingBenefits_StillVoidedByA失信Record()
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(TestCatalog.Json)!;
        json["policy"] = new System.Text.Json.Nodes.JsonObject { ["punishmentVoidsBenefits"] = false };
        json["measures"]![4]!["lists"] = new System.Text.Json.Nodes.JsonArray(); // green-channel, for everyone in good standing
        json["measures"]![4]!["appliesInGoodStanding"] = true;
        var harness = new CheckerHarness(CreditCatalog.Parse(json.ToJsonString()));
        var debtor = SyntheticIds.Company(39);
        await harness.ListAsync(debtor, "debtors");

        var decision = await harness.CheckAsync(debtor, "licensing");

        Assert.Contains(decision.VoidedMeasures, m => m.Measure.Code == "green-channel");
        Assert.DoesNotContain(decision.AppliedMeasures, m => m.Measure.IsBenefit);
    }

    // 5. Citations checked.

    [Fact]
    public void Default_EveryJointMeasure_NamesItsBasicListItem()
    {
        var joint = CreditCatalog.Default.Measures.Where(m => m.JointPunishment).ToList();

        Assert.NotEmpty(joint);
        Assert.All(joint, m => Assert.StartsWith("全国失信惩戒措施基础清单（2024年版）", m.BasicListItem, StringComparison.Ordinal));
    }

    [Fact]
    public void Default_FanBanBiCha_CitedToTheSeedThatStatesIt()
    {
        var cited = CreditCatalog.Default.Scenarios.Where(s => s.LegalBasis.Contains("凡办必查", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(cited);
        Assert.All(cited, s => Assert.Contains("青政办〔2020〕22号", s.LegalBasis, StringComparison.Ordinal));
    }

    [Fact]
    public void Default_Edition_RaisedWithAChangeLogForIt()
    {
        var catalog = CreditCatalog.Default;

        Assert.Single(catalog.Changes, c => c.Version == catalog.Version);
        Assert.NotEqual("2026.11.1", catalog.Version);
        Assert.Contains(catalog.Changes, c => c.Notes.Any(n => n.Contains("国办发〔2020〕49号", StringComparison.Ordinal))); // the 2026.12.1 review
    }
}
