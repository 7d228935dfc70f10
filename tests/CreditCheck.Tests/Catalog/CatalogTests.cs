using System.Text.Json.Nodes;
using CreditCheck.Catalog;
using CreditCheck.Tests.Support;

namespace CreditCheck.Tests.Catalog;

public sealed class CatalogTests
{
    private static readonly string[] ListCodes =
    [
        "court-dishonest-debtors", "major-tax-violators", "wage-arrears", "safety-production-serious",
        "market-serious-violations", "procurement-serious-violations", "customs-serious",
        "abnormal-operations", "customs-dishonest", "tax-grade-d", "tax-grade-a", "customs-aeo", "contract-honoring",
        "broken-commitments",
    ];

    private static readonly string[] TopLevelScenarios =
    [
        "licensing", "procurement", "bidding", "fiscal-funds", "awards", "qualification", "market-access",
        "project-approval", "public-service", "sme-support", "recruitment", "professional-title", "exam-eligibility", "supervision",
    ];

    [Fact]
    public void Default_Loads_WithTheStableListCodes()
    {
        var catalog = CreditCatalog.Default;

        Assert.Equal(ListCodes.Order(), catalog.Lists.Where(l => l.Category != ListCategory.Rating).Select(l => l.Code).Order());
        Assert.Equal(catalog.Ratings.Select(r => r.Code), catalog.Lists.Where(l => l.Category == ListCategory.Rating).Select(l => l.Code));
        Assert.All(TopLevelScenarios, code => Assert.Contains(catalog.Scenarios, s => s.Code == code));
    }

    [Fact]
    public void Default_EveryItem_HasEditionAndLegalBasis()
    {
        var catalog = CreditCatalog.Default;

        Assert.All(catalog.Lists, l => Assert.False(string.IsNullOrWhiteSpace(l.LegalBasis + l.Edition)));
        Assert.All(catalog.Lists, l => Assert.False(string.IsNullOrWhiteSpace(l.Edition), l.Code));
        Assert.All(catalog.Measures, m => Assert.False(string.IsNullOrWhiteSpace(m.LegalBasis), m.Code));
        Assert.All(catalog.Measures, m => Assert.False(string.IsNullOrWhiteSpace(m.Edition), m.Code));
        Assert.All(catalog.Scenarios, s => Assert.False(string.IsNullOrWhiteSpace(s.LegalBasis), s.Code));
    }

    [Theory]
    [InlineData("court-dishonest-debtors", ListCategory.Punishment, true)]
    [InlineData("procurement-serious-violations", ListCategory.Punishment, true)]
    [InlineData("abnormal-operations", ListCategory.Watch, false)]
    [InlineData("customs-dishonest", ListCategory.Watch, false)]
    [InlineData("tax-grade-d", ListCategory.Watch, false)]
    [InlineData("tax-grade-a", ListCategory.Reward, false)]
    public void Default_Lists_HaveTheirCategoryAndOnlySeriousOnesJointPunishment(string code, ListCategory category, bool joint)
    {
        var list = CreditCatalog.Default.FindList(code);

        Assert.NotNull(list);
        Assert.Equal(category, list.Category);
        Assert.Equal(joint, list.JointPunishment);
    }

    [Fact]
    public void Default_MeasuresMarkedJoint_AreTriggeredOnlyBySeriousLists()
    {
        var catalog = CreditCatalog.Default;

        var joint = catalog.Measures.Where(m => m.JointPunishment).ToList();

        Assert.NotEmpty(joint);
        Assert.All(joint, m => Assert.All(m.Lists, l => Assert.True(catalog.FindList(l)!.JointPunishment, $"{m.Code} ← {l}")));
    }

    [Fact]
    public void Default_JointMeasures_AreNeverTriggeredByFocusOrSectorLists()
    {
        var catalog = CreditCatalog.Default;
        var lesser = catalog.Lists.Where(l => l.Category == ListCategory.Watch).Select(l => l.Code).ToHashSet();

        var punishing = catalog.Measures.Where(m => m.Kind == MeasureKind.Restriction && m.Lists.Any(lesser.Contains));

        Assert.Empty(punishing);
    }

    [Fact]
    public void ToJson_ThenParse_RoundTrips()
    {
        var original = CreditCatalog.Default;

        var again = CreditCatalog.Parse(original.ToJson());

        Assert.Equal(original.Version, again.Version);
        Assert.Equal(original.Measures.Select(m => (m.Code, m.Effect, m.LegalBasis, string.Join(",", m.Lists), string.Join(",", m.Scenarios))),
            again.Measures.Select(m => (m.Code, m.Effect, m.LegalBasis, string.Join(",", m.Lists), string.Join(",", m.Scenarios))));
        Assert.Contains("失信被执行人名单", original.ToJson(), StringComparison.Ordinal); // Chinese stays readable
    }

    [Fact]
    public void Parse_BrokenCatalog_ReportsEveryProblemWithItsPath()
    {
        var json = JsonNode.Parse(TestCatalog.Json)!;
        json["measures"]![0]!["lists"]![0] = "no-such-list";
        json["measures"]![1]!["code"] = "procurement-refusal";
        json["measures"]![2]!["scenarios"]![0] = "public*service";
        json["measures"]![4]!.AsObject().Remove("legalBasis");
        json["lists"]![1]!["category"] = "Blacklist";
        json["scenarios"]![1]!["code"] = "procurement.bid";
        json["scenarios"]!.AsArray().Add(new JsonObject { ["code"] = "orphan.child", ["name"] = "孤儿", ["legalBasis"] = "x" });
        json["lists"]![0]!["legalbasis"] = "misspelt";

        var error = Assert.Throws<CatalogValidationException>(() => CreditCatalog.Parse(json.ToJsonString()));
        var paths = error.Problems.Select(p => p.Path).ToList();

        Assert.Contains("$.measures[0].lists[0]", paths);
        Assert.Contains("$.measures[1].code", paths);
        Assert.Contains("$.measures[2].scenarios[0]", paths);
        Assert.Contains("$.measures[4].legalBasis", paths);
        Assert.Contains("$.lists[1].category", paths);
        Assert.Contains("$.scenarios[5].code", paths);
        Assert.Contains("$.lists[0].legalbasis", paths);
        Assert.Contains(error.Problems, p => p.Message.Contains("A benefit needs its legal basis", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Message.Contains("Duplicate measure code 'procurement-refusal'", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Message.Contains("Unknown list 'no-such-list'", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Message.Contains("no parent 'orphan'", StringComparison.Ordinal));
        Assert.Contains("$.measures[0].lists[0]", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("measures", 4, "lists", "[\"debtors\"]", "A benefit cannot be triggered by 'debtors'")]
    [InlineData("measures", 0, "lists", "[\"grade-a\"]", "cannot be triggered by 'grade-a', a red list")]
    [InlineData("measures", 0, "effect", "\"FastTrack\"", "does not fit a measure of kind 'Restriction'")]
    [InlineData("measures", 4, "reachesRelatedPersons", "true", "Only punishment and supervision measures reach related persons")]
    [InlineData("measures", 0, "survivesPunishment", "true", "Only a benefit can survive punishment")]
    [InlineData("lists", 1, "jointPunishment", "true", "Joint punishment applies only to serious punishment lists")]
    [InlineData("lists", 0, "subjectKinds", "[\"Company\"]", "'Company' is not one of LegalEntity, NaturalPerson")]
    [InlineData("measures", 0, "scenarios", "[\"bidding.*\"]", "names 'bidding', which is not declared")]
    [InlineData("measures", 4, "relatedPersonsOnly", "true", "Only punishment and supervision measures reach related persons")]
    public void Parse_RuleBroken_IsRefusedWithAPreciseMessage(string section, int index, string property, string value, string expected)
    {
        var json = JsonNode.Parse(TestCatalog.Json)!;
        json[section]![index]![property] = JsonNode.Parse(value);

        var problems = CreditCatalog.Validate(json.ToJsonString());

        var problem = Assert.Single(problems);
        Assert.StartsWith($"$.{section}[{index}].{property}", problem.Path, StringComparison.Ordinal);
        Assert.Contains(expected, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_JointMeasureOnAWatchList_NamesTheList()
    {
        var json = JsonNode.Parse(TestCatalog.Json)!;
        json["measures"]![3]!["jointPunishment"] = true; // strict-review, triggered by 'abnormal'
        json["measures"]![3]!["basicListItem"] = "全国失信惩戒措施基础清单（测试条目）";

        var problem = Assert.Single(CreditCatalog.Validate(json.ToJsonString()));

        Assert.Equal("$.measures[3].lists[0]", problem.Path);
        Assert.Contains("Joint measure cannot be triggered by 'abnormal'", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MalformedJson_SaysWhere()
    {
        var error = Assert.Throws<CatalogValidationException>(() => CreditCatalog.Parse("{\n  \"version\": \"1\",\n  \"lists\": [ oops ]\n}"));

        var problem = Assert.Single(error.Problems);
        Assert.Contains("Malformed JSON at line 3", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_EmptyDocument_ReportsEachMissingSection()
    {
        var problems = CreditCatalog.Validate("{}");

        Assert.Equal(["$.version", "$.edition", "$.lists", "$.scenarios", "$.measures"], problems.Select(p => p.Path));
    }

    [Fact]
    public void Validate_ValidCatalog_ReportsNothing()
    {
        Assert.Empty(CreditCatalog.Validate(TestCatalog.Json));
    }

    [Fact]
    public async Task LoadFileAsync_BrokenFile_NamesTheFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"catalog-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, "{}");
        try
        {
            var error = await Assert.ThrowsAsync<CatalogValidationException>(() => CreditCatalog.LoadFileAsync(path));

            Assert.Equal(path, error.CatalogSource);
            Assert.Contains(path, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void CompiledCatalog_Measures_AreLookedUpByListAndScenario()
    {
        var compiled = new CompiledCatalog(TestCatalog.Create());

        Assert.True(compiled.TryGetList("debtors", out var debtors));
        Assert.True(compiled.TryResolveScenario("procurement.bid", out var bid));
        Assert.True(compiled.TryResolveScenario("procurement.bid.x.y", out var deep));

        Assert.Equal(bid, deep);
        Assert.Equal(["procurement-refusal", "everywhere-notice"], compiled.Measures(debtors, bid, relatedPerson: false).Select(m => m.Code));
        Assert.Empty(compiled.Measures(debtors, bid, relatedPerson: true));
        Assert.Equal(["procurement-refusal", "everywhere-notice"], compiled.Measures(debtors, bid, relatedPerson: false, coListedPerson: true).Select(m => m.Code));
        Assert.False(compiled.TryResolveScenario("nothing", out _));
    }

    [Theory]
    [InlineData("*", "procurement.bid", true)]
    [InlineData("procurement.*", "procurement", true)]
    [InlineData("procurement.*", "procurement.bid", true)]
    [InlineData("procurement.*", "procurement-x", false)]
    [InlineData("procurement.*", "procurementx.bid", false)]
    [InlineData("procurement", "procurement.bid", false)]
    [InlineData("procurement.bid", "procurement.bid", true)]
    public void ScenarioMatcher_Patterns_MatchAsDocumented(string pattern, string scenario, bool expected)
    {
        Assert.Equal(expected, ScenarioMatcher.Matches(pattern, scenario));
    }
}
