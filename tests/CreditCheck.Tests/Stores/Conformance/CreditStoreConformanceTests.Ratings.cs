using CreditCheck.Catalog;
using CreditCheck.Stores;
using CreditCheck.Tests.Support;
using Microsoft.Extensions.Options;

namespace CreditCheck.Tests.Stores.Conformance;

/// <summary>Rating results (信用评价结果) load like lists on every store: entries of the rating's list, each with its level.</summary>
public abstract partial class CreditStoreConformanceTests
{
    private static readonly DateTimeOffset RatedOn = new(2026, 4, 1, 0, 0, 0, TimeSpan.FromHours(8));

    private static ListRecord Rated(SubjectId subject, string level, string rating = "public-credit-rating") => new(subject, new ListEntry
    {
        EntryId = $"{rating}-{subject.Value[^6..]}",
        ListCode = rating,
        SubjectKind = subject.Kind,
        Authority = "公共信用信息中心",
        ValidFrom = RatedOn,
        Level = level,
    });

    [Fact]
    public async Task ImportRatingResults_KeepTheLevel_ReplaceIsIdempotentAndAChangedLevelTravelsTheFeed()
    {
        await using var sut = await CreateAsync(CreditCatalog.Default);
        ListRecord[] results = [Rated(Subjects.Tencent, "A"), Rated(Subjects.Alibaba, "D")];

        var first = await sut.Publisher.ImportListAsync("public-credit-rating", results, ImportMode.Replace);
        var again = await sut.Publisher.ImportListAsync("public-credit-rating", results, ImportMode.Replace);
        await sut.Settle(first.Sequence);
        var level = Assert.Single((await sut.Store.LookupAsync(Subjects.Tencent)).Entries).Entry.Level;
        var changed = await sut.Publisher.ImportListAsync("public-credit-rating", [Rated(Subjects.Tencent, "B")], ImportMode.Replace);
        await sut.Settle(changed.Sequence);

        Assert.Equal("A", level);
        Assert.Equal((0, 0, 2, 0), (again.Added, again.Updated, again.Unchanged, again.Removed));
        Assert.Equal(first.Sequence, again.Sequence);
        Assert.Equal((0, 1, 0, 1), (changed.Added, changed.Updated, changed.Unchanged, changed.Removed));
        Assert.Equal("B", Assert.Single((await sut.Store.LookupAsync(Subjects.Tencent)).Entries).Entry.Level);
        Assert.Empty((await sut.Store.LookupAsync(Subjects.Alibaba)).Entries);
    }

    [Fact]
    public async Task ImportRatingResults_WithALevelTheRatingLacks_IsRefusedNamingItAndKeepsThePreviousResults()
    {
        await using var sut = await CreateAsync(CreditCatalog.Default);
        var before = await sut.Publisher.ImportListAsync("public-credit-rating", [Rated(Subjects.Tencent, "A")], ImportMode.Replace);
        await sut.Settle(before.Sequence);

        var error = await Assert.ThrowsAsync<ListEntryException>(() => sut.Publisher.ImportListAsync(
            "public-credit-rating", [Rated(Subjects.Tencent, "B"), Rated(Subjects.Alibaba, "E")], ImportMode.Replace));

        Assert.Contains("'E' is not a level of 公共信用综合评价", error.Message, StringComparison.Ordinal);
        Assert.Equal("A", Assert.Single((await sut.Store.LookupAsync(Subjects.Tencent)).Entries).Entry.Level);
        Assert.Empty((await sut.Store.LookupAsync(Subjects.Alibaba)).Entries);
    }

    [Fact]
    public async Task Checker_OnThisStore_CarriesTheLevelsAndWhatTheyEarnOrCost()
    {
        await using var sut = await CreateAsync(CreditCatalog.Default);
        await sut.Publisher.ImportListAsync("public-credit-rating", [Rated(Subjects.Tencent, "A"), Rated(Subjects.Alibaba, "D")], ImportMode.Replace);
        var summary = await sut.Publisher.ImportListAsync("tax-credit-rating", [Rated(Subjects.Tencent, "B", "tax-credit-rating")], ImportMode.Replace);
        await sut.Settle(summary.Sequence);
        var checker = new CreditChecker(sut.Store, Options.Create(new CreditCheckOptions()), TimeProvider.System);

        var decisions = await checker.CheckManyAsync([new CheckRequest(Subjects.Tencent, "supervision.inspection"), new CheckRequest(Subjects.Alibaba, "supervision.inspection")]);

        Assert.Equal(["public-credit-rating:A", "tax-credit-rating:B"], decisions[0].Ratings.Select(r => r.ToString()).Order());
        Assert.Equal(RatedOn, decisions[0].Ratings[0].AsOf);
        var reduced = Assert.Single(decisions[0].AppliedMeasures);
        Assert.Equal(("reduced-inspection", "public-credit-rating:A"), (reduced.Measure.Code, reduced.Rating?.ToString()));
        Assert.Equal(DecisionOutcome.Benefit, decisions[0].Outcome);
        Assert.Equal("increased-inspection", Assert.Single(decisions[1].AppliedMeasures).Measure.Code);
        Assert.Equal(DecisionOutcome.Review, decisions[1].Outcome);
        Assert.Empty(decisions[0].MatchedEntries);
    }
}
