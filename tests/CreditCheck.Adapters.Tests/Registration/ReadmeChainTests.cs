using CreditCheck.Adapters.Approval;
using CreditCheck.Adapters.Bidding;
using CreditCheck.Adapters.Procurement;
using CreditCheck.Adapters.Supervision;
using CreditCheck.Redis;
using Microsoft.Extensions.DependencyInjection;

// The README's host map: one of the maps this assembly already holds (so that scanning it finds no new map).
using MyMatterCatalog = CreditCheck.Adapters.Tests.Approval.PublicServiceMatterMap;

namespace CreditCheck.Adapters.Tests.Registration;

/// <summary>The README's registration chains, as written there: every <c>Add…Adapter</c> (and the approval
/// adapter's matter maps) returns the <see cref="CreditCheckBuilder"/>, so one <c>AddCreditCheck()</c> chain
/// takes the store, every adapter and the evidence receipts (found by review: <c>AddApprovalAdapter</c> returned
/// its own builder, and a user needed a second <c>AddCreditCheck()</c>).</summary>
public sealed class ReadmeChainTests
{
    private static readonly string Secret = "creditcheck-test-secret";
    private static readonly string ReceiptKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    [Fact]
    public void AdaptersSection_ChainsAsWritten_CompileAndRegisterEveryAdapterOnce()
    {
        var services = new ServiceCollection();
        var secret = Secret;
        var receiptKey = ReceiptKey;

        // README "Adapters", one chain for a host that uses several adapters (as written there).
        services.AddCreditCheck().UseRedis("10.0.0.5:6379", o => { o.Namespace = "zhejiang"; o.Secret = secret; })
            .AddApprovalAdapter(o => o.TolerantAcceptanceDays = 20).ScanMatterMaps(typeof(MyMatterCatalog).Assembly)
            .AddProcurementAdapter().AddEvidenceReceipts(o => { o.KeyId = "2026-q4"; o.Key = receiptKey; })
            .AddBiddingAdapter()
            .AddSupervisionAdapter();

        Assert.Single(services, d => d.ServiceType == typeof(ApprovalAdapter));
        Assert.Single(services, d => d.ServiceType == typeof(ProcurementAdapter));
        Assert.Single(services, d => d.ServiceType == typeof(BiddingAdapter));
        Assert.Single(services, d => d.ServiceType == typeof(SupervisionPlanner));
        Assert.Contains(services, d => d.ServiceType == typeof(IMatterScenarioMap) && d.ImplementationType == typeof(MyMatterCatalog));
    }

    [Fact]
    public void ApprovalSnippet_AsWritten_Compiles()
    {
        var services = new ServiceCollection();

        // README "Adapters", approval (as written there).
        services.AddCreditCheck().UseInMemory(o => o.DataDirectory = "samples/data")
            .AddApprovalAdapter(o =>
            {
                o.TolerantAcceptanceDays = 20;
                o.Matters["330100-XK-017"] = new MatterSettings { Name = "食品经营许可", TolerableMaterials = { "场地租赁合同" } };
                o.Matters["330100-XK-102"] = new MatterSettings { Commitment = FacilitationEligibility.NoAdverseRecord }; // 告知承诺事项
            })
            .ScanMatterMaps(typeof(MyMatterCatalog).Assembly);   // opt-in: the host's IMatterScenarioMap classes (Scrutor)

        Assert.Single(services, d => d.ServiceType == typeof(ApprovalAdapter));
    }

    [Fact]
    public async Task OneChain_ApprovalFollowedByTheOthers_ResolvesEveryAdapterFromOneProvider()
    {
        var services = new ServiceCollection();
        services.AddCreditCheck().UseInMemory()
            .AddApprovalAdapter().AddMatterMap<MyMatterCatalog>()
            .AddProcurementAdapter().AddEvidenceReceipts(o => { o.KeyId = "2026-q4"; o.Key = ReceiptKey; })
            .AddBiddingAdapter()
            .AddSupervisionAdapter();

        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var approval = provider.GetRequiredService<ApprovalAdapter>();
        Assert.NotNull(provider.GetRequiredService<ProcurementAdapter>());
        Assert.NotNull(provider.GetRequiredService<BiddingAdapter>());
        Assert.NotNull(provider.GetRequiredService<SupervisionPlanner>());
        var result = await approval.RouteAsync(new ApprovalApplication { ApplicationId = "R-1", MatterCode = "SCAN-GG-01", Enterprise = Support.Ids.Company(71) });
        Assert.Equal("public-service", result.Scenario); // the host's map answered
    }
}
