using CreditCheck.Stores;
using CreditCheck.Tests.Support;
using Microsoft.Extensions.Options;

namespace CreditCheck.Tests.Checking;

/// <summary>A checker built without a container, as tools and scripts do.</summary>
public sealed class CreditCheckerConstructionTests
{
    [Fact]
    public async Task New_OverAStoreWithoutAContainer_ChecksAsTheRegisteredOneDoes()
    {
        var store = new InMemoryCreditStore(TestCatalog.Create());
        await store.UpsertAsync(TestRecords.Debt(Subjects.Tencent, "d-1"));
        var checker = new CreditChecker(store, new CreditCheckOptions { OnUnavailable = UnavailablePolicy.FailClosed });

        var listed = await checker.CheckAsync(new CheckRequest(Subjects.Tencent, "procurement"));
        var clean = await checker.CheckAsync(new CheckRequest(Subjects.Huawei, "procurement"));

        Assert.Equal(DecisionOutcome.Denied, listed.Outcome);
        Assert.Equal(DecisionOutcome.Clear, clean.Outcome);
    }

    [Fact]
    public void New_InvalidOptions_ThrowsNamingTheOption()
    {
        var store = new InMemoryCreditStore(TestCatalog.Create());

        var error = Assert.Throws<OptionsValidationException>(() => new CreditChecker(store, new CreditCheckOptions { MaxStaleness = TimeSpan.FromHours(2) }));

        Assert.Contains("MaxStaleness", error.Message, StringComparison.Ordinal);
    }
}
