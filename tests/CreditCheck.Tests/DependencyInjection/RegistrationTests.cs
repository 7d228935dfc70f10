using CreditCheck.Stores;
using CreditCheck.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CreditCheck.Tests.DependencyInjection;

public sealed class RegistrationTests
{
    private static readonly ServiceProviderOptions Strict = new() { ValidateOnBuild = true, ValidateScopes = true };

    private static string SampleData => Path.Combine(AppContext.BaseDirectory, "sample-data");

    [Fact]
    public async Task AddCreditCheck_UseInMemoryWithSampleData_ChecksFromTheSeededStore()
    {
        var services = new ServiceCollection();
        services.AddCreditCheck().UseInMemory(o => o.DataDirectory = SampleData);
        await using var provider = services.BuildServiceProvider(Strict);

        var checker = provider.GetRequiredService<ICreditChecker>();
        var store = provider.GetRequiredService<InMemoryCreditStore>();
        var decision = await checker.CheckAsync(new CheckRequest(SubjectId.Parse("91510104MAK50F914T", SubjectKind.LegalEntity), "procurement.bid"));

        Assert.Equal(278, store.EntryCount);
        Assert.Equal(DecisionOutcome.Denied, decision.Outcome);
        Assert.Same(store, provider.GetRequiredService<ICreditPublisher>());
        Assert.Same(checker, provider.GetRequiredService<ICreditChecker>());
    }

    [Fact]
    public void AddCreditCheck_CalledTwice_RegistersOneChecker()
    {
        var services = new ServiceCollection();
        services.AddCreditCheck().UseInMemory();
        services.AddCreditCheck().UseInMemory();

        Assert.Single(services, d => d.ServiceType == typeof(ICreditChecker));
        Assert.Single(services, d => d.ServiceType == typeof(ICreditStore));
        using var provider = services.BuildServiceProvider(Strict);
        Assert.NotNull(provider.GetRequiredService<ICreditChecker>());
    }

    [Fact]
    public void AddCreditCheck_WithoutStore_SaysWhichCallIsMissing()
    {
        var services = new ServiceCollection();
        services.AddCreditCheck();
        using var provider = services.BuildServiceProvider(Strict);

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<ICreditChecker>());

        Assert.Contains(".UseInMemory(...) or .UseRedis(...)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddCreditCheck_InvalidOptions_FailWithEveryReason()
    {
        var services = new ServiceCollection();
        services.AddCreditCheck(o =>
        {
            o.MaxBatchSize = 0;
            o.MaxStaleness = TimeSpan.Zero;
        }).UseInMemory();
        using var provider = services.BuildServiceProvider(Strict);

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<ICreditChecker>());

        Assert.Contains(error.Failures, f => f.Contains("MaxBatchSize is 0", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("MaxStaleness is 00:00:00", StringComparison.Ordinal));
    }

    [Fact]
    public void UseInMemory_MissingDataDirectory_FailsNamingTheFolder()
    {
        var services = new ServiceCollection();
        services.AddCreditCheck().UseInMemory(o => o.DataDirectory = "/nonexistent/creditcheck-data");
        using var provider = services.BuildServiceProvider(Strict);

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<ICreditChecker>());

        Assert.Contains("/nonexistent/creditcheck-data", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddCreditCheck_FromConfiguration_BindsTheSection()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["CreditCheck:OnUnavailable"] = "FailOpen",
                ["CreditCheck:MaxBatchSize"] = "500",
            })
            .Build();
        var services = new ServiceCollection();
        services.AddCreditCheck(configuration.GetSection(CreditCheckOptions.SectionName)).UseInMemory(o => o.Catalog = TestCatalog.Create());
        await using var provider = services.BuildServiceProvider(Strict);

        var options = provider.GetRequiredService<IOptions<CreditCheckOptions>>().Value;

        Assert.Equal(UnavailablePolicy.FailOpen, options.OnUnavailable);
        Assert.Equal(500, options.MaxBatchSize);
        var decision = await provider.GetRequiredService<ICreditChecker>().CheckAsync(new CheckRequest(Subjects.Tencent, "procurement"));
        Assert.Equal("test-1", decision.CatalogVersion);
    }

    [Fact]
    public async Task AddCreditCheck_HostTimeProvider_IsUsedForDecisions()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddCreditCheck().UseInMemory();
        await using var provider = services.BuildServiceProvider(Strict);

        var decision = await provider.GetRequiredService<ICreditChecker>().CheckAsync(new CheckRequest(Subjects.Tencent, "licensing"));

        Assert.Equal(time.GetUtcNow(), decision.EvaluatedAt);
    }
}
