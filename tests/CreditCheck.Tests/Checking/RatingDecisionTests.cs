using CreditCheck.Catalog;
using CreditCheck.Stores;
using CreditCheck.Tests.Support;

namespace CreditCheck.Tests.Checking;

public sealed class RatingDecisionTests
{
    private readonly CheckerHarness _harness = new(CreditCatalog.Default);

    private Task RateAsync(SubjectId subject, string rating, string level, EntryStatus status = EntryStatus.Active) =>
        _harness.Store.UpsertAsync(new ListRecord(subject, new ListEntry
        {
            EntryId = $"{rating}-{subject.Value}",
            ListCode = rating,
            SubjectKind = subject.Kind,
            ValidFrom = CheckerHarness.Now.AddMonths(-3),
            Status = status,
            Level = level,
        }));

    [Fact]
    public async Task TaxGradeD_InTaxAdministration_CostsWhatTheTaxGradeDListCosts()
    {
        await RateAsync(Subjects.Tencent, "tax-credit-rating", "D");
        await _harness.ListAsync(Subjects.Alibaba, "tax-grade-d");

        var byRating = await _harness.CheckAsync(Subjects.Tencent, "tax-administration.invoice");
        var byList = await _harness.CheckAsync(Subjects.Alibaba, "tax-administration.invoice");

        Assert.Equal(byList.Outcome, byRating.Outcome);
        Assert.Equal(byList.AppliedMeasures.Select(m => m.Measure.Code), byRating.AppliedMeasures.Select(m => m.Measure.Code));
        Assert.Equal("D级", Assert.Single(byRating.Ratings).Level.Name);
    }

    [Fact]
    public async Task TopPublicCreditLevel_UnderASeriousListing_LosesReducedInspectionWithTheReason()
    {
        await RateAsync(Subjects.Tencent, "public-credit-rating", "A");
        await _harness.ListAsync(Subjects.Tencent, "court-dishonest-debtors");

        var decision = await _harness.CheckAsync(Subjects.Tencent, "supervision.inspection");

        var voided = Assert.Single(decision.VoidedMeasures, m => m.Measure.Code == "reduced-inspection");
        Assert.Equal("public-credit-rating:A", voided.Rating?.ToString());
        Assert.Contains("失信", voided.VoidReason, StringComparison.Ordinal);
        Assert.DoesNotContain(decision.AppliedMeasures, m => m.Measure.IsBenefit);
    }

    [Fact]
    public async Task RegularLevel_OutsideItsMeasures_LeavesTheSubjectInGoodStanding()
    {
        await RateAsync(Subjects.Tencent, "public-credit-rating", "B");

        var rated = await _harness.CheckAsync(Subjects.Tencent, "licensing.business-permit");
        var unrated = await _harness.CheckAsync(Subjects.Huawei, "licensing.business-permit");

        Assert.Equal(unrated.Outcome, rated.Outcome);
        Assert.Equal(unrated.AppliedMeasures.Select(m => m.Measure.Code), rated.AppliedMeasures.Select(m => m.Measure.Code));
        Assert.Equal("public-credit-rating:B", Assert.Single(rated.Ratings).ToString());
        Assert.Contains("公共信用综合评价为B级", rated.Explanation, StringComparison.Ordinal);
        Assert.Contains("Rated B in public-credit-rating.", rated.ExplanationEnglish, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LaterResultOfTheSameRating_SupersedesTheEarlierOne()
    {
        // Found from outside: a subject rated D in 2025 and A in 2026 (two results, each with its id) was answered Review
        // with 提高抽查比例和频次 on last year's D, and this year's A voided by it; both were shown as its current levels.
        await RateOnAsync(Subjects.Tencent, "public-credit-rating", "D", "2025", CheckerHarness.Now.AddYears(-1));
        await RateOnAsync(Subjects.Tencent, "public-credit-rating", "A", "2026", CheckerHarness.Now.AddMonths(-2));
        await RateOnAsync(Subjects.Alibaba, "public-credit-rating", "A", "2025", CheckerHarness.Now.AddYears(-1));
        await RateOnAsync(Subjects.Alibaba, "public-credit-rating", "D", "2026", CheckerHarness.Now.AddMonths(-2));
        await RateOnAsync(Subjects.Alibaba, "public-credit-rating", "A", "2027", CheckerHarness.Now.AddMonths(2)); // not yet in force

        var improved = await _harness.CheckAsync(Subjects.Tencent, "supervision.inspection");
        var worsened = await _harness.CheckAsync(Subjects.Alibaba, "supervision.inspection");

        Assert.Equal("public-credit-rating:A", Assert.Single(improved.Ratings).ToString());
        Assert.Equal(DecisionOutcome.Benefit, improved.Outcome);
        Assert.Equal(["reduced-inspection"], improved.AppliedMeasures.Select(m => m.Measure.Code));
        Assert.Empty(improved.VoidedMeasures);
        Assert.Equal("public-credit-rating:D", Assert.Single(worsened.Ratings).ToString());
        Assert.Equal(DecisionOutcome.Review, worsened.Outcome);
        Assert.Equal(["increased-inspection"], worsened.AppliedMeasures.Select(m => m.Measure.Code));
    }

    private Task RateOnAsync(SubjectId subject, string rating, string level, string entryId, DateTimeOffset validFrom) =>
        _harness.Store.UpsertAsync(new ListRecord(subject, new ListEntry
        {
            EntryId = entryId,
            ListCode = rating,
            SubjectKind = subject.Kind,
            ValidFrom = validFrom,
            Level = level,
        }));

    [Fact]
    public async Task RepairedResult_IsNotACurrentLevel()
    {
        await RateAsync(Subjects.Tencent, "public-credit-rating", "D", EntryStatus.Revoked);

        var decision = await _harness.CheckAsync(Subjects.Tencent, "supervision.inspection");

        Assert.Empty(decision.Ratings);
        Assert.Equal(DecisionOutcome.Clear, decision.Outcome);
    }
}
