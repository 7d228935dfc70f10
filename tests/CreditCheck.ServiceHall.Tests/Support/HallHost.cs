using CreditCheck.Adapters.Tests.Support;
using CreditCheck.Redis;
using CreditCheck.Stores;
using CreditCheck.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ServiceHall;

namespace CreditCheck.ServiceHall.Tests.Support;

/// <summary>The ServiceHall sample started in-process, as <c>dotnet run</c> builds it, on a free loopback port.</summary>
public sealed class HallHost : IAsyncDisposable
{
    private HallHost(WebApplication app, string baseUrl)
    {
        App = app;
        BaseUrl = baseUrl;
    }

    public WebApplication App { get; }

    public IServiceProvider Services => App.Services;

    /// <summary>e.g. http://127.0.0.1:41234</summary>
    public string BaseUrl { get; }

    public static async Task<HallHost> StartAsync(ServiceHallSettings settings)
    {
        var app = await ServiceHallApp.BuildAsync(settings with { Port = 0 }, builder => builder.Logging.ClearProviders());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await app.StartAsync(timeout.Token);
        var url = app.Urls.Single();
        if (!url.StartsWith("http://127.0.0.1:", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The sample listens on {url}, not on 127.0.0.1.");
        }

        return new HallHost(app, url);
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await App.StopAsync(timeout.Token);
        await App.DisposeAsync();
    }
}

/// <summary>Subjects made by the tests: valid identifiers that are not in samples/data (each fixture checks
/// that the store answers them Clear before listing them).</summary>
public static class Generated
{
    public static SubjectId RedCompany { get; } = Ids.Company(101, prefix: 7);        // 纳税信用A级
    public static SubjectId RedCompanyTwo { get; } = Ids.Company(102, prefix: 7);     // 守合同重信用企业
    public static SubjectId DebtorCompany { get; } = Ids.Company(103, prefix: 7);     // 失信被执行人
    public static SubjectId CleanCompany { get; } = Ids.Company(104, prefix: 7);      // not listed
    public static SubjectId WageArrearsPerson { get; } = Ids.Person(7_042);           // 拖欠农民工工资失信联合惩戒对象

    public static IReadOnlyList<ListRecord> Listings(TimeProvider time)
    {
        var now = time.GetUtcNow();
        return
        [
            Listing(RedCompany, "tax-grade-a", "测试守信科技有限公司", now, 1),
            Listing(RedCompanyTwo, "contract-honoring", "测试守合同重信用有限公司", now, 2),
            Listing(DebtorCompany, "court-dishonest-debtors", "测试失信工程有限公司", now, 3),
            Listing(WageArrearsPerson, "wage-arrears", "测试欠薪某", now, 4),
        ];
    }

    public static IEnumerable<SubjectId> All => [RedCompany, RedCompanyTwo, DebtorCompany, CleanCompany, WageArrearsPerson];

    /// <summary>Throws unless every generated subject is unknown to the store (so they are not sample data).</summary>
    public static async Task EnsureUnlistedAsync(IServiceProvider services)
    {
        var checker = services.GetRequiredService<ICreditChecker>();
        foreach (var subject in All)
        {
            var decision = await checker.CheckAsync(new CheckRequest(subject, "licensing"));
            // Unknown means no entry: a clean applicant may still earn the good-standing measures (告知承诺, 容缺受理).
            if (decision.MatchedEntries.Count > 0 || decision.Outcome is not (DecisionOutcome.Clear or DecisionOutcome.Benefit))
            {
                throw new InvalidOperationException($"Generated subject {subject.Value} is already in the store; pick another.");
            }
        }
    }

    private static ListRecord Listing(SubjectId subject, string list, string name, DateTimeOffset now, int n) =>
        new(subject, new ListEntry
        {
            EntryId = $"test-{list}-{n:D4}",
            ListCode = list,
            SubjectKind = subject.Kind,
            SubjectName = name,
            Authority = "测试认定部门",
            DecisionReference = $"测试〔2026〕{n}号",
            ListedOn = now.AddDays(-30),
            ValidFrom = now.AddDays(-30),
            ValidUntil = now.AddYears(2),
        });
}

/// <summary>The sample on its embedded default (samples/data), plus the generated subjects published through
/// the embedded store's <see cref="ICreditPublisher"/>, as the host's own code could.</summary>
public sealed class EmbeddedHall : IAsyncLifetime
{
    public HallHost Host { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Host = await HallHost.StartAsync(new ServiceHallSettings());
        await Generated.EnsureUnlistedAsync(Host.Services);
        var publisher = Host.Services.GetRequiredService<ICreditPublisher>();
        foreach (var listing in Generated.Listings(TimeProvider.System))
        {
            await publisher.UpsertAsync(listing);
        }
    }

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>The sample with <c>--redis</c> on the test's own redis-server: the sample seeds its namespace
/// from samples/data, and the test publishes the generated subjects with the publisher, as an operator would.</summary>
public sealed class RedisHall : IAsyncLifetime
{
    public const string Secret = "service-hall-tests-secret-0123456789";

    public RedisServer Server { get; private set; } = null!;

    public HallHost Host { get; private set; } = null!;

    public string Namespace { get; } = "hall" + Guid.NewGuid().ToString("N")[..10];

    public RedisStoreOptions StoreOptions => new() { Configuration = Server.Configuration, Namespace = Namespace, Secret = Secret };

    public async ValueTask InitializeAsync()
    {
        Server = await RedisServer.StartAsync();
        Host = await HallHost.StartAsync(new ServiceHallSettings { Redis = Server.Configuration, Namespace = Namespace, Secret = Secret });
        await Generated.EnsureUnlistedAsync(Host.Services);
        await using var publisher = await RedisCreditPublisher.ConnectAsync(StoreOptions);
        long sequence = 0;
        foreach (var listing in Generated.Listings(TimeProvider.System))
        {
            sequence = await publisher.UpsertAsync(listing);
        }

        // Bounded wait until the sample's store has heard the listings through the change feed.
        var store = Host.Services.GetRequiredService<RedisCreditStore>();
        var deadline = TimeProvider.System.GetUtcNow().AddSeconds(10);
        while (store.Status.Sequence < sequence)
        {
            if (TimeProvider.System.GetUtcNow() > deadline)
            {
                throw new TimeoutException($"The sample's Redis store reached sequence {store.Status.Sequence}, not {sequence}.");
            }

            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
    }
}
