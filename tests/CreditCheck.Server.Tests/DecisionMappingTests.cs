using Microsoft.Extensions.DependencyInjection;

namespace CreditCheck.Server.Tests;

/// <summary>What the two APIs carry of a decision (<see cref="DecisionMapping"/>): the same facts as the CLI's
/// <c>check --json</c>, over the SDK's own decisions.</summary>
public sealed class DecisionMappingTests : IAsyncLifetime
{
    private const string Rated = "91350100M000100Y43";
    private const string CoListed = "110105198001011238";
    private readonly string _data = Directory.CreateTempSubdirectory("creditcheck-mapping-").FullName;
    private ServiceProvider _provider = null!;

    public ValueTask InitializeAsync()
    {
        File.WriteAllText(Path.Combine(_data, "ratings.csv"), $"list,kind,subject,level,entryId\npublic-credit-rating,LegalEntity,{Rated},A,r-1\n");
        File.WriteAllText(Path.Combine(_data, "wages.csv"),
            "list,kind,subject,name,listedOn,relatedEnterprise,relatedRole,entryId\n"
            + $"wage-arrears,NaturalPerson,{CoListed},张某,2025-03-01,示例欠薪劳务有限公司,LegalRepresentative,wa-1\n");
        var services = new ServiceCollection();
        services.AddCreditCheck().UseInMemory(o => o.DataDirectory = _data);
        _provider = services.BuildServiceProvider();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _provider.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task AMeasureARatingTriggered_NamesTheRatingLevel_InBothApis()
    {
        // Found from outside: such a measure came back with triggeredBy [] and nothing saying why it applied.
        var decision = await _provider.GetRequiredService<ICreditChecker>().CheckAsync(new CheckRequest(SubjectId.Parse(Rated, SubjectKind.LegalEntity), "supervision"));
        var measure = Assert.Single(decision.AppliedMeasures, m => m.Rating is not null);

        Assert.Equal("public-credit-rating:A", Assert.Single(DecisionMapping.ToBody(decision).AppliedMeasures, m => m.Code == measure.Measure.Code).Rating);
        Assert.Equal("public-credit-rating:A", Assert.Single(DecisionMapping.ToProto(decision).AppliedMeasures, m => m.Code == measure.Measure.Code).Rating);
    }

    [Fact]
    public async Task APersonCoListedWithAnEnterprise_IsSaidToBeListedInTheirOwnRight_InBothApis()
    {
        var decision = await _provider.GetRequiredService<ICreditChecker>().CheckAsync(new CheckRequest(SubjectId.Parse(CoListed, SubjectKind.NaturalPerson), "procurement"));

        var body = Assert.Single(DecisionMapping.ToBody(decision).MatchedEntries);
        var proto = Assert.Single(DecisionMapping.ToProto(decision).MatchedEntries);
        Assert.True(body.ListedInOwnRight);
        Assert.True(proto.ListedInOwnRight);
        Assert.StartsWith("2025-03-01T00:00:00", proto.ListedOn, StringComparison.Ordinal);
        Assert.NotEqual(DecisionOutcome.Clear, decision.Outcome);
    }
}
