using System.Text.Json.Nodes;
using CreditCheck.Catalog;
using CreditCheck.Tests.Support;

namespace CreditCheck.Tests.Catalog;

/// <summary>What the validator refuses so that a catalog stays within the law: lists without a basis, joint
/// punishments outside the basic list, sectors on serious lists, good-standing measures that are not benefits.</summary>
public sealed class CatalogRulesOfTheLawTests
{
    private static JsonNode TestJson() => JsonNode.Parse(TestCatalog.Json)!;

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Parse_ListWithoutLegalBasis_RefusedBecauseOnlyListsTheLawAllowsMayHoldRecords(string? basis)
    {
        var json = TestJson();
        if (basis is null)
        {
            json["lists"]![1]!.AsObject().Remove("legalBasis");
        }
        else
        {
            json["lists"]![1]!["legalBasis"] = basis;
        }

        var problems = CreditCatalog.Validate(json.ToJsonString());

        // The list is refused, so the measure that names it is reported too.
        var problem = Assert.Single(problems, p => p.Path == "$.lists[1].legalBasis");
        Assert.Contains("may not hold credit records", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_JointMeasureWithoutBasicListItem_Refused()
    {
        var json = TestJson();
        json["measures"]![5]!.AsObject().Remove("basicListItem"); // rep-restriction, a joint punishment

        var problem = Assert.Single(CreditCatalog.Validate(json.ToJsonString()));

        Assert.Equal("$.measures[5].basicListItem", problem.Path);
        Assert.Contains("全国失信惩戒措施基础清单", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_GoodStandingRestriction_Refused()
    {
        var json = TestJson();
        json["measures"]![0]!["appliesInGoodStanding"] = true;

        var problem = Assert.Single(CreditCatalog.Validate(json.ToJsonString()));

        Assert.Equal("$.measures[0].appliesInGoodStanding", problem.Path);
    }

    [Fact]
    public void Parse_GoodStandingBenefitThatSurvivesPunishment_Refused()
    {
        var json = TestJson();
        json["measures"]![4]!["appliesInGoodStanding"] = true;
        json["measures"]![4]!["survivesPunishment"] = true;

        var problem = Assert.Single(CreditCatalog.Validate(json.ToJsonString()));

        Assert.Equal("$.measures[4].survivesPunishment", problem.Path);
    }

    [Fact]
    public void Parse_GoodStandingBenefitWithoutLists_Accepted()
    {
        var json = TestJson();
        json["measures"]![4]!["lists"] = new JsonArray();
        json["measures"]![4]!["appliesInGoodStanding"] = true;

        var catalog = CreditCatalog.Parse(json.ToJsonString());

        Assert.True(catalog.Measures[4].AppliesInGoodStanding);
        Assert.Empty(catalog.Measures[4].Lists);
    }

    [Fact]
    public void Parse_RestrictionWithoutLists_Refused()
    {
        var json = TestJson();
        json["measures"]![0]!["lists"] = new JsonArray();

        var problem = Assert.Single(CreditCatalog.Validate(json.ToJsonString()));

        Assert.Equal("$.measures[0].lists", problem.Path);
    }

    [Fact]
    public void Parse_SectorOnAJointPunishmentList_Refused()
    {
        var json = TestJson();
        json["lists"]![0]!["sectors"] = new JsonArray("licensing");

        var problem = Assert.Single(CreditCatalog.Validate(json.ToJsonString()));

        Assert.Equal("$.lists[0].sectors", problem.Path);
        Assert.Contains("国办发〔2020〕49号", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SectorNamingAnUndeclaredScenario_Refused()
    {
        var json = TestJson();
        json["lists"]![1]!["sectors"] = new JsonArray("customs.*");

        var problem = Assert.Single(CreditCatalog.Validate(json.ToJsonString()));

        Assert.Equal("$.lists[1].sectors[0]", problem.Path);
    }

    [Fact]
    public void Parse_MeasureSubjectKindUnknown_Refused()
    {
        var json = TestJson();
        json["measures"]![0]!["subjectKinds"] = new JsonArray("Robot");

        var problem = Assert.Single(CreditCatalog.Validate(json.ToJsonString()));

        Assert.Equal("$.measures[0].subjectKinds[0]", problem.Path);
    }

    [Fact]
    public void Parse_ChangeWithoutNotes_Refused()
    {
        var json = TestJson();
        json["changes"] = new JsonArray(new JsonObject { ["version"] = "test-1" });

        var problem = Assert.Single(CreditCatalog.Validate(json.ToJsonString()));

        Assert.Equal("$.changes[0].notes", problem.Path);
    }

    [Fact]
    public void ToJson_DefaultCatalog_RoundTripsTheNewFields()
    {
        var catalog = CreditCatalog.Parse(CreditCatalog.Default.ToJson());

        Assert.Equal(CreditCatalog.Default.ToJson(), catalog.ToJson());
        Assert.Equal(["tax-administration.*", "supervision.*"], catalog.FindList("tax-grade-d")!.Sectors);
        Assert.True(catalog.FindList("wage-arrears")!.CoListsRelatedPersons);
        var bar = catalog.Measures.Single(m => m.Code == "civil-servant-recruitment-bar");
        Assert.Equal([SubjectKind.NaturalPerson], bar.SubjectKinds);
        Assert.NotNull(bar.BasicListItem);
        Assert.True(catalog.Measures.Single(m => m.Code == "commitment-approval").AppliesInGoodStanding);
        Assert.NotEmpty(catalog.Changes);
    }
}
