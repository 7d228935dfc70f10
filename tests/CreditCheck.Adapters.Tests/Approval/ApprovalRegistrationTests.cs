using CreditCheck.Adapters.Approval;
using CreditCheck.Adapters.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CreditCheck.Adapters.Tests.Approval;

public sealed class ApprovalRegistrationTests
{
    [Fact]
    public async Task AddApprovalAdapter_CalledTwice_OneSingletonAndBothConfigurationsApply()
    {
        await using var harness = AdapterHarness.Create(b =>
        {
            b.AddApprovalAdapter(o => o.TolerantAcceptanceDays = 7);
            b.AddApprovalAdapter(o => o.CheckLegalRepresentative = false);
        });

        Assert.Same(harness.Get<ApprovalAdapter>(), harness.Get<ApprovalAdapter>());
        var options = harness.Get<IOptions<ApprovalOptions>>().Value;
        Assert.Equal(7, options.TolerantAcceptanceDays);
        Assert.False(options.CheckLegalRepresentative);
        Assert.Single(harness.Provider.GetServices<IValidateOptions<ApprovalOptions>>());
    }

    [Fact]
    public async Task AddApprovalAdapter_FromConfiguration_BindsMattersKindsAndDays()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CreditCheck:Approval:TolerantAcceptanceDays"] = "10",
            ["CreditCheck:Approval:Commitment"] = "NoAdverseRecord",
            ["CreditCheck:Approval:KindScenarios:Other"] = "public-service",
            ["CreditCheck:Approval:Matters:330100-XK-017:Scenario"] = "licensing",
            ["CreditCheck:Approval:Matters:330100-XK-017:Name"] = "食品经营许可",
            ["CreditCheck:Approval:Matters:330100-XK-017:TolerantAcceptance"] = "NoAdverseRecord",
            ["CreditCheck:Approval:Matters:330100-XK-017:TolerableMaterials:0"] = "健康证明",
        }).Build();
        await using var harness = AdapterHarness.Create(b => b.AddApprovalAdapter(configuration.GetSection(ApprovalOptions.SectionName)));
        var adapter = harness.Get<ApprovalAdapter>();

        var food = await adapter.RouteAsync(new ApprovalApplication
        {
            ApplicationId = "CFG-1", MatterCode = "330100-XK-017", Enterprise = Ids.Company(1), MissingMaterials = ["健康证明"],
        });
        var other = await adapter.RouteAsync(new ApprovalApplication
        {
            ApplicationId = "CFG-2", MatterCode = "QR-1", MatterKind = MatterKind.Other, Enterprise = Ids.Company(2), OffersCommitment = true,
        });

        Assert.Equal(ApprovalRoute.TolerantAcceptance, food.Route);
        Assert.Equal("食品经营许可", food.MatterName);
        Assert.Equal(new DateOnly(2026, 12, 2), food.FollowUpDeadline);
        Assert.Equal("public-service", other.Scenario);
        Assert.Equal(ApprovalRoute.Commitment, other.Route);
        Assert.Equal("licensing", harness.Get<IOptions<ApprovalOptions>>().Value.KindScenarios[MatterKind.AdministrativeLicensing]);
    }

    [Fact]
    public async Task AddApprovalAdapter_InvalidOptions_EveryProblemNamedWhenTheAdapterIsResolved()
    {
        await using var harness = AdapterHarness.Create(b => b.AddApprovalAdapter(o =>
        {
            o.TolerantAcceptanceDays = 0;
            o.Commitment = (FacilitationEligibility)9;
            o.CommitmentLegalBasis = " ";
            o.KindScenarios[MatterKind.Other] = "bad scenario";
            o.Matters["XK-1"] = new MatterSettings { Scenario = "", TolerableMaterials = { "" } };
            o.Matters["XK-2"] = new MatterSettings { TolerableMaterials = { "" } };
        }));

        var error = Assert.Throws<OptionsValidationException>(() => harness.Get<ApprovalAdapter>());

        Assert.Contains("CreditCheck:Approval:TolerantAcceptanceDays is 0; it must be between 1 and 365.", error.Failures);
        Assert.Contains("CreditCheck:Approval:Commitment is 9; use None, Catalog or NoAdverseRecord.", error.Failures);
        Assert.Contains("CreditCheck:Approval:CommitmentLegalBasis is empty; cite the rule 告知承诺 rests on.", error.Failures);
        Assert.Contains("CreditCheck:Approval:KindScenarios:Other is 'bad scenario'; give a scenario code such as licensing or public-service.", error.Failures);
        Assert.Contains(error.Failures, f => f.StartsWith("CreditCheck:Approval:Matters:XK-1: Scenario is ''", StringComparison.Ordinal));
        Assert.Contains("CreditCheck:Approval:Matters:XK-2: TolerableMaterials[0] is empty.", error.Failures);
    }

    [Fact]
    public async Task AddApprovalAdapter_ProviderValidatedOnBuild_ResolvesWithFeedback()
    {
        var services = new ServiceCollection();
        services.AddCreditCheck().UseInMemory().AddApprovalAdapter();

        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        Assert.NotNull(provider.GetRequiredService<ApprovalAdapter>());
        Assert.NotNull(provider.GetRequiredService<ICreditFeedback>());
    }
}
