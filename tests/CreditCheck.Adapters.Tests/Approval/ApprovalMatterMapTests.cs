using CreditCheck.Adapters.Approval;
using CreditCheck.Adapters.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using NSubstitute;

namespace CreditCheck.Adapters.Tests.Approval;

public sealed class ApprovalMatterMapTests
{
    private static ApprovalApplication Application(string matter, MatterKind kind = MatterKind.AdministrativeLicensing) => new()
    {
        ApplicationId = "MAP-1",
        MatterCode = matter,
        MatterKind = kind,
        Enterprise = Ids.Company(1),
    };

    private static IMatterScenarioMap MapOf(string code, MatterSettings settings)
    {
        var map = Substitute.For<IMatterScenarioMap>();
        map.Map(Arg.Any<string>(), Arg.Any<MatterKind>()).Returns((MatterSettings?)null);
        map.Map(code, Arg.Any<MatterKind>()).Returns(settings);
        return map;
    }

    [Fact]
    public async Task RouteAsync_HostMapKnowsTheMatter_ItsScenarioIsChecked()
    {
        var map = MapOf("HOST-1", new MatterSettings { Scenario = "public-service", Name = "社保卡补办" });
        await using var harness = AdapterHarness.Create(b => b.AddApprovalAdapter(), services: s => s.AddSingleton(map));

        var result = await harness.Get<ApprovalAdapter>().RouteAsync(Application("HOST-1"));

        Assert.Equal("public-service", result.Scenario);
        Assert.Equal("社保卡补办", result.MatterName);
        map.Received(1).Map("HOST-1", MatterKind.AdministrativeLicensing);
    }

    [Fact]
    public async Task RouteAsync_ConfigurationAndAMapKnowTheMatter_ConfigurationWinsAndTheMapIsNotAsked()
    {
        var map = MapOf("HOST-1", new MatterSettings { Scenario = "public-service" });
        await using var harness = AdapterHarness.Create(
            b => b.AddApprovalAdapter(o => o.Matters["HOST-1"] = new MatterSettings { Scenario = "awards" }),
            services: s => s.AddSingleton(map));

        var result = await harness.Get<ApprovalAdapter>().RouteAsync(Application("HOST-1"));

        Assert.Equal("awards", result.Scenario);
        map.DidNotReceive().Map(Arg.Any<string>(), Arg.Any<MatterKind>());
    }

    [Fact]
    public async Task RouteAsync_MapLeavesScenarioUnset_KindScenarioWithTheMapsFacilitations()
    {
        var map = MapOf("HOST-2", new MatterSettings { Commitment = FacilitationEligibility.NoAdverseRecord });
        await using var harness = AdapterHarness.Create(b => b.AddApprovalAdapter(), services: s => s.AddSingleton(map));

        var result = await harness.Get<ApprovalAdapter>().RouteAsync(Application("HOST-2") with { OffersCommitment = true });

        Assert.Equal("licensing", result.Scenario);
        Assert.Equal(ApprovalRoute.Commitment, result.Route);
    }

    [Fact]
    public async Task RouteAsync_NoMappingAtAll_TheKindsScenario()
    {
        await using var harness = AdapterHarness.Create(b => b.AddApprovalAdapter(o => o.KindScenarios[MatterKind.Filing] = "public-service"));
        var adapter = harness.Get<ApprovalAdapter>();

        Assert.Equal("licensing", (await adapter.RouteAsync(Application("X-1"))).Scenario);
        Assert.Equal("public-service", (await adapter.RouteAsync(Application("X-2", MatterKind.Filing))).Scenario);
        Assert.Equal("public-service", (await adapter.RouteAsync(Application("X-3", MatterKind.PublicService))).Scenario);
    }

    [Fact]
    public async Task RouteAsync_OtherKindUnmapped_ArgumentExceptionSaysHowToMapIt()
    {
        await using var harness = AdapterHarness.Create(b => b.AddApprovalAdapter());

        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await harness.Get<ApprovalAdapter>().RouteAsync(Application("QR-9", MatterKind.Other)));

        Assert.Contains("matter 'QR-9' (Other) has no scenario", error.Message, StringComparison.Ordinal);
        Assert.Contains("ApprovalOptions.Matters[\"QR-9\"]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RouteAsync_TwoMapsAnswerForOneMatter_InvalidOperationNamingBoth()
    {
        var first = MapOf("HOST-3", new MatterSettings { Scenario = "licensing" });
        var second = MapOf("HOST-3", new MatterSettings { Scenario = "public-service" });
        await using var harness = AdapterHarness.Create(b => b.AddApprovalAdapter(), services: s => s.AddSingleton(first).AddSingleton(second));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await harness.Get<ApprovalAdapter>().RouteAsync(Application("HOST-3")));

        Assert.Contains("Matter 'HOST-3' is mapped by both", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RouteAsync_MapGivesInvalidSettings_InvalidOperationNamingTheProblem()
    {
        var map = MapOf("HOST-4", new MatterSettings { TolerantAcceptanceDays = 0 });
        await using var harness = AdapterHarness.Create(b => b.AddApprovalAdapter(), services: s => s.AddSingleton(map));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await harness.Get<ApprovalAdapter>().RouteAsync(Application("HOST-4")));

        Assert.Contains("maps matter 'HOST-4' to invalid settings: TolerantAcceptanceDays is 0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RouteAsync_MatterMappedToAScenarioTheCatalogLacks_ArgumentExceptionNamesTheMapping()
    {
        await using var harness = AdapterHarness.Create(b => b.AddApprovalAdapter(o => o.Matters["XK-BAD"] = new MatterSettings { Scenario = "no-such-scenario" }));

        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await harness.Get<ApprovalAdapter>().RouteAsync(Application("XK-BAD")));

        Assert.Contains("Scenario 'no-such-scenario' is not in catalog adapters-1", error.Message, StringComparison.Ordinal);
        Assert.Contains("XK-BAD → no-such-scenario", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScanMatterMaps_FindsPublicAndInternalMapsOfTheAssembly()
    {
        await using var harness = AdapterHarness.Create(b => b.AddApprovalAdapter().ScanMatterMaps(typeof(ApprovalMatterMapTests).Assembly));
        var adapter = harness.Get<ApprovalAdapter>();
        var representative = Ids.Person(5);
        await harness.ListAsync(representative, "market-violations", related: new RelatedParty("示例违法企业有限公司", null, RelatedRole.LegalRepresentative));

        var registration = await adapter.RouteAsync(Application("SCAN-DJ-01") with { LegalRepresentative = representative });
        var service = await adapter.RouteAsync(Application("SCAN-GG-01") with { MissingMaterials = ["照片"] });

        Assert.Equal(ApprovalRoute.Refused, registration.Route);
        Assert.Equal("企业设立登记", registration.MatterName);
        Assert.Equal(ApprovalRoute.TolerantAcceptance, service.Route);
        Assert.Equal("public-service", service.Scenario);
    }

    [Fact]
    public void ScanMatterMaps_CalledTwiceAndAlongsideAddMatterMap_EachMapRegisteredOnce()
    {
        var services = new ServiceCollection();
        services.AddCreditCheck().UseInMemory().AddApprovalAdapter()
            .AddMatterMap<RegistrationMatterMap>()
            .ScanMatterMaps(typeof(ApprovalMatterMapTests).Assembly)
            .ScanMatterMaps(typeof(ApprovalMatterMapTests).Assembly);

        var maps = services.Where(d => d.ServiceType == typeof(IMatterScenarioMap)).Select(d => d.ImplementationType).ToList();

        Assert.Equal(2, maps.Count);
        Assert.Contains(typeof(RegistrationMatterMap), maps);
        Assert.Contains(typeof(PublicServiceMatterMap), maps);
        Assert.All(services.Where(d => d.ServiceType == typeof(IMatterScenarioMap)), d => Assert.Equal(ServiceLifetime.Singleton, d.Lifetime));
    }

    [Fact]
    public void AddApprovalAdapter_WithoutScanning_RegistersNoMap()
    {
        var services = new ServiceCollection();
        services.AddCreditCheck().UseInMemory().AddApprovalAdapter();

        Assert.DoesNotContain(services, d => d.ServiceType == typeof(IMatterScenarioMap));
    }

    [Fact]
    public void ScanMatterMaps_NoAssembly_ArgumentException()
    {
        var services = new ServiceCollection();
        var builder = services.AddCreditCheck().UseInMemory().AddApprovalAdapter();

        Assert.Throws<ArgumentException>(() => builder.ScanMatterMaps());
    }
}
