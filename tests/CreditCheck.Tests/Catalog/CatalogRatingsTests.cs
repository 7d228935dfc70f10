using CreditCheck.Catalog;
using CreditCheck.Tests.Support;

namespace CreditCheck.Tests.Catalog;

public sealed class CatalogRatingsTests
{
    private const string Rating = """
        "ratings": [
          { "code": "grade", "name": "公共信用综合评价", "authority": "信用中心", "legalBasis": "国办发〔2019〕35号", "subjectKinds": ["LegalEntity"],
            "levels": [ { "code": "A", "name": "A级", "rank": 1 }, { "code": "D", "name": "D级", "rank": 2 } ] }
        ],
        """;

    private const string LevelMeasure = """
        "measures": [
            { "code": "reduced", "name": "降低抽查比例和频次", "kind": "Benefit", "effect": "ReducedInspection",
              "ratingLevels": ["grade:A"], "scenarios": ["licensing"], "legalBasis": "国办发〔2019〕35号" },
        """;

    private static string With(string rating, string measure = LevelMeasure) => TestCatalog.Json
        .Replace("\"edition\": \"test edition\",", "\"edition\": \"test edition\"," + rating, StringComparison.Ordinal)
        .Replace("\"measures\": [", measure, StringComparison.Ordinal);

    [Fact]
    public void Parse_RatingWithLevelMeasure_ExposesTheRatingAndItsResultList()
    {
        var catalog = CreditCatalog.Parse(With(Rating));

        var rating = Assert.Single(catalog.Ratings);
        Assert.Equal(["A", "D"], rating.Levels.Select(l => l.Code));
        Assert.Equal(ListCategory.Rating, catalog.FindList("grade")!.Category);
        Assert.Equal(["grade:A"], catalog.Measures.Single(m => m.Code == "reduced").RatingLevels);
        Assert.Same(rating, catalog.FindRating("grade"));
    }

    [Fact]
    public void ToJson_RoundTrips_RatingsLevelsAndInspection()
    {
        var catalog = CreditCatalog.Default;

        var again = CreditCatalog.Parse(catalog.ToJson());

        Assert.Equal(catalog.Ratings.Select(r => (r.Code, string.Join(",", r.Levels.Select(l => $"{l.Code}{l.Rank}")))), again.Ratings.Select(r => (r.Code, string.Join(",", r.Levels.Select(l => $"{l.Code}{l.Rank}")))));
        Assert.Equal(catalog.Lists.Select(l => l.Code), again.Lists.Select(l => l.Code));
        Assert.Equal((0.5, 2.0, true), (again.Inspection!.ReducedMultiplier, again.Inspection.IncreasedMultiplier, again.Inspection.SeriousListsAlwaysInspected));
        Assert.Equal(catalog.ToJson(), again.ToJson());
    }

    [Fact]
    public void Parse_RatingWithoutLegalBasis_IsRefusedAtItsPath()
    {
        var error = Assert.Throws<CatalogValidationException>(() => CreditCatalog.Parse(With(Rating.Replace("\"legalBasis\": \"国办发〔2019〕35号\", ", "", StringComparison.Ordinal))));

        var problem = error.Problems[0]; // then every measure naming the refused rating
        Assert.Equal("$.ratings[0].legalBasis", problem.Path);
        Assert.Contains("legal basis", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DuplicateLevelCode_IsRefusedNamingTheFirst()
    {
        var error = Assert.Throws<CatalogValidationException>(() => CreditCatalog.Parse(With(Rating.Replace("\"code\": \"D\"", "\"code\": \"A\"", StringComparison.Ordinal))));

        var problem = Assert.Single(error.Problems);
        Assert.Equal("$.ratings[0].levels[1].code", problem.Path);
        Assert.Equal("Duplicate level code 'A' (first at $.ratings[0].levels[0]).", problem.Message);
    }

    [Theory]
    [InlineData("grade:B", "Rating 'grade' has no level 'B'; its levels are A, D.")]
    [InlineData("credit:A", "Unknown rating 'credit'; declare it under $.ratings.")]
    [InlineData("grade", "'grade' is not 'rating:level', e.g. 'public-credit-rating:A'.")]
    public void Parse_MeasureOnAnUnknownRatingOrLevel_IsRefusedAtItsPath(string level, string message)
    {
        var error = Assert.Throws<CatalogValidationException>(() => CreditCatalog.Parse(With(Rating, LevelMeasure.Replace("grade:A", level, StringComparison.Ordinal))));

        var problem = Assert.Single(error.Problems);
        Assert.Equal(("$.measures[0].ratingLevels[0]", message), (problem.Path, problem.Message));
    }

    [Fact]
    public void Parse_RatingTriggeringAMeasureAsAList_IsRefusedPointingToRatingLevels()
    {
        var error = Assert.Throws<CatalogValidationException>(() => CreditCatalog.Parse(With(Rating, LevelMeasure.Replace("\"ratingLevels\": [\"grade:A\"]", "\"lists\": [\"grade\"]", StringComparison.Ordinal))));

        var problem = Assert.Single(error.Problems);
        Assert.Equal("$.measures[0].lists[0]", problem.Path);
        Assert.Contains("is a rating", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Default_TaxAndPublicCreditRatings_CarryTheSameMeasuresAsTheTaxGradeLists()
    {
        var catalog = CreditCatalog.Default;

        Assert.Equal(["A", "B", "M", "C", "D"], catalog.FindRating("tax-credit-rating")!.Levels.Select(l => l.Code));
        Assert.Equal(["A", "B", "C", "D"], catalog.FindRating("public-credit-rating")!.Levels.Select(l => l.Code));
        Assert.Equal(
            catalog.Measures.Where(m => m.Lists.Contains("tax-grade-d")).Select(m => m.Code),
            catalog.Measures.Where(m => m.RatingLevels.Contains("tax-credit-rating:D")).Select(m => m.Code));
        Assert.Equal(
            catalog.Measures.Where(m => m.Lists.Contains("tax-grade-a")).Select(m => m.Code),
            catalog.Measures.Where(m => m.RatingLevels.Contains("tax-credit-rating:A")).Select(m => m.Code));
        Assert.Contains("public-credit-rating:A", catalog.Measures.Single(m => m.Code == "reduced-inspection").RatingLevels);
        Assert.Contains("public-credit-rating:D", catalog.Measures.Single(m => m.Code == "increased-inspection").RatingLevels);
    }
}
