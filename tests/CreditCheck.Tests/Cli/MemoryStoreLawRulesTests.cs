using System.Text.Json.Nodes;
using CreditCheck.Tests.Support;

namespace CreditCheck.Tests.Cli;

/// <summary><c>check --store memory --data DIR --json</c> on a list file of the test's own, as an operator would
/// check the rules of issue 15: clean applicants, statutory bars, co-listed and related persons, sector lists.</summary>
[Collection(CliTestGroup.Name)]
public sealed class MemoryStoreLawRulesTests
{
    private static readonly string Debtor = SyntheticIds.Person(501).Value;
    private static readonly string CoListed = SyntheticIds.Person(502).Value;
    private static readonly string Related = SyntheticIds.Person(503).Value;
    private static readonly string Clean = SyntheticIds.Person(504).Value;
    private static readonly string Employer = SyntheticIds.Company(501).Value;
    private static readonly string GradeD = SyntheticIds.Company(502).Value;
    private static readonly string CleanCompany = SyntheticIds.Company(503).Value;

    private static readonly string Seed =
        "名单代码,主体类型,证件号码,名称,认定部门,文号,列入日期,有效期至,关联企业,关联身份,本人列入\n"
        + $"court-dishonest-debtors,自然人,{Debtor},张某,北京市朝阳区人民法院,(2025)京0105执1号,2025-01-01,2028-01-01,,,\n"
        + $"wage-arrears,自然人,{CoListed},李某,北京市人社局,京人社欠〔2025〕1号,2025-01-01,2028-01-01,示例欠薪建筑有限公司,直接负责的主管人员和其他直接责任人员,\n"
        + $"court-dishonest-debtors,自然人,{Related},王某,北京市朝阳区人民法院,(2025)京0105执2号,2025-01-01,2028-01-01,示例失信企业有限公司,法定代表人,否\n"
        + $"wage-arrears,企业,{Employer},示例欠薪建筑有限公司,北京市人社局,京人社欠〔2025〕1号,2025-01-01,2028-01-01,,,\n"
        + $"tax-grade-d,企业,{GradeD},示例D级企业有限公司,国家税务总局北京市税务局,D-2025-1,2025-01-01,2028-01-01,,,\n";

    private static async Task<JsonNode> CheckAsync(string subject, string scenario, string kind = "entity")
    {
        using var cli = new CliSession(server: null);
        var data = Directory.CreateDirectory(cli.PathOf("data")).FullName;
        File.WriteAllText(Path.Combine(data, "entries.csv"), Seed);
        return (await cli.RunOkAsync(["check", subject, "--scenario", scenario, "--kind", kind, "--json", "--store", "memory", "--data", data])).Json;
    }

    private static string Outcome(JsonNode decision) => decision["outcome"]!.GetValue<string>();

    private static IEnumerable<string> Measures(JsonNode decision) => decision["measures"]!.AsArray().Select(m => m!["code"]!.GetValue<string>());

    [Fact]
    public async Task Check_CleanApplicantOnALicence_BenefitWithCommitmentInGoodStanding()
    {
        var decision = await CheckAsync(CleanCompany, "licensing");

        Assert.Equal("Benefit", Outcome(decision));
        Assert.Contains("commitment-approval", Measures(decision));
        Assert.All(decision["measures"]!.AsArray(), m => Assert.True(m!["inGoodStanding"]!.GetValue<bool>()));
    }

    [Fact]
    public async Task Check_DebtorInCivilServantRecruitment_Denied()
    {
        var decision = await CheckAsync(Debtor, "recruitment.civil-servant", "person");

        Assert.Equal("Denied", Outcome(decision));
        Assert.Contains("civil-servant-recruitment-bar", Measures(decision));
    }

    [Fact]
    public async Task Check_DebtorAppointedDirector_NotDenied()
    {
        var decision = await CheckAsync(Debtor, "market-access.registration.officers", "person");

        Assert.Equal("Restricted", Outcome(decision)); // no-commitment; the bar (公司法 第一百七十八条) asks for review
        Assert.Contains("officer-appointment-bar", Measures(decision));
    }

    [Fact]
    public async Task Check_WageArrearsEmployerInProcurement_RestrictedAsArticle48Says()
    {
        // 第四十八条 says 予以限制; 财库〔2016〕125号's refusal does not cover this list (catalog 2026.12.6).
        var decision = await CheckAsync(Employer, "procurement.bid");

        Assert.Equal("Restricted", Outcome(decision));
        Assert.Equal(["wage-arrears-procurement-restriction"], Measures(decision));
    }

    [Fact]
    public async Task Check_CoListedPersonInBidding_RestrictedAsListedInOwnRight()
    {
        // Restricted, as the employer is (第四十八条 予以限制; catalog 2026.12.7): the person is listed in their own right.
        var decision = await CheckAsync(CoListed, "bidding", "person");

        Assert.Equal("Restricted", Outcome(decision));
        Assert.True(decision["entries"]!.AsArray().Single()!["listedInOwnRight"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Check_RelatedPersonInCivilServantRecruitment_ClearAndMarkedAsAffectedThroughTheEnterprise()
    {
        var decision = await CheckAsync(Related, "recruitment.civil-servant", "person");

        Assert.Equal("Clear", Outcome(decision));
        Assert.False(decision["entries"]!.AsArray().Single()!["listedInOwnRight"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Check_RelatedPersonInHighConsumption_RestrictedByTheMeasureThatReachesThem()
    {
        var decision = await CheckAsync(Related, "public-service.consumption", "person");

        Assert.Equal("Restricted", Outcome(decision));
        Assert.Contains("high-consumption-restriction", Measures(decision));
    }

    [Fact]
    public async Task Check_TaxGradeDInAndOutsideItsSector_ReviewThereBenefitElsewhere()
    {
        var inSector = await CheckAsync(GradeD, "tax-administration.invoice");
        var outside = await CheckAsync(GradeD, "licensing");

        Assert.Equal("Review", Outcome(inSector));
        Assert.Equal("Benefit", Outcome(outside));
        Assert.Equal("OutsideSector", outside["entries"]!.AsArray().Single()!["state"]!.GetValue<string>());
    }
}
