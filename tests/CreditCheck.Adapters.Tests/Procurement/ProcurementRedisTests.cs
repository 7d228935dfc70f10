using CreditCheck.Adapters.Procurement;
using CreditCheck.Adapters.Tests.Support;
using CreditCheck.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CreditCheck.Adapters.Tests.Procurement;

public sealed class ProcurementRedisTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Fact]
    public async Task ScreenAsync_OnRedis_TwoHundredSuppliersScreenedWithEvidenceOfTheStoresSequence()
    {
        await using var harness = await RedisAdapterHarness.CreateAsync(redis.Server);
        var suppliers = Enumerable.Range(0, 197).Select(i => Supplier.Of($"供应商{i:D3}", Ids.Company(i, prefix: 7))).ToList();
        suppliers.Add(Supplier.Consortium("联合体", [new SupplierMember("甲", Ids.Company(500, prefix: 7)), new SupplierMember("乙", Ids.Company(501, prefix: 7))]));
        suppliers.Add(Supplier.Of("违规供应商", Ids.Company(502, prefix: 7)));
        suppliers.Add(Supplier.Of("异常供应商", Ids.Company(503, prefix: 7)));
        await harness.ListAsync(Ids.Company(501, prefix: 7), "debtors");
        await harness.ListAsync(Ids.Company(502, prefix: 7), "procurement-violations");
        var last = await harness.ListAsync(Ids.Company(503, prefix: 7), "abnormal");
        var provider = await harness.StartAsync(b => b.AddProcurementAdapter());

        var screening = await provider.GetRequiredService<ProcurementAdapter>().ScreenAsync(new ProcurementProject
        {
            ProjectId = "CG-R-1",
            Stage = ProcurementStage.BidOpening,
            Suppliers = suppliers,
        });

        Assert.Equal(200, screening.Suppliers.Count);
        Assert.Equal(["联合体", "违规供应商"], screening.Excluded.Select(s => s.Supplier.Name));
        Assert.Equal(["异常供应商"], screening.Eligible.Where(s => s.RequiresReview).Select(s => s.Supplier.Name));
        var checks = screening.Suppliers.SelectMany(s => s.Checks).ToList();
        Assert.All(checks, c => Assert.Equal(last, c.Decision.Sequence));
        Assert.All(checks, c => Assert.False(c.Decision.IsDegraded));
        Assert.Contains(checks, c => c.Decision.Path == DecisionPath.LocalFilter);
        Assert.Contains($"\"sequence\": {last}", screening.Excluded.First().Evidence.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScreenAsync_RedisGoneAndDataStale_EligibleOnlyAfterReviewAndTheRecordSaysWhy()
    {
        await using var server = await RedisServer.StartAsync();
        await using var harness = await RedisAdapterHarness.CreateAsync(server);
        var provider = await harness.StartAsync(b => b.AddProcurementAdapter(), o => o.MaxStaleness = TimeSpan.FromMilliseconds(200));
        var adapter = provider.GetRequiredService<ProcurementAdapter>();
        var project = new ProcurementProject { ProjectId = "CG-R-2", Stage = ProcurementStage.BidOpening, Suppliers = [Supplier.Of("供应商", Ids.Company(1, prefix: 8))] };

        await server.KillAsync();
        await Task.Delay(400);
        var supplier = (await adapter.ScreenAsync(project)).Suppliers[0];

        Assert.Equal(SupplierStatus.Eligible, supplier.Status);
        Assert.True(supplier.RequiresReview);
        Assert.StartsWith("供应商的信用记录未能按最新数据查询", supplier.Reasons[0].Text, StringComparison.Ordinal);
        Assert.Contains("  注意：未能按最新数据查询", supplier.Evidence.ToText(), StringComparison.Ordinal);
    }
}
