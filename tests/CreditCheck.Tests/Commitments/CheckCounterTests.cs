using CreditCheck.Catalog;
using CreditCheck.Redis;
using CreditCheck.Stores;
using CreditCheck.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CreditCheck.Tests.Commitments;

/// <summary>Every check counted per department, scenario and day — reported on or not — on both stores.</summary>
public sealed class CheckCounterTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private static readonly ServiceProviderOptions Strict = new() { ValidateOnBuild = true, ValidateScopes = true };

    private static DateOnly Today => CreditCommitments.Today(TimeProvider.System.GetUtcNow());

    /// <summary>Five checks by 市场监管局 (one of them a hit), two by 财政局 and one with no department.</summary>
    private static async Task CheckADayAsync(IServiceProvider services, Func<long, Task>? applied = null)
    {
        var publisher = services.GetRequiredService<ICreditPublisher>();
        var listed = SyntheticIds.Company(901);
        var sequence = await publisher.UpsertAsync(new ListRecord(listed, new ListEntry { EntryId = "e901", ListCode = "court-dishonest-debtors", SubjectKind = SubjectKind.LegalEntity }));
        if (applied is not null)
        {
            await applied(sequence);
        }

        var checker = services.GetRequiredService<ICreditChecker>();
        for (var i = 0; i < 4; i++)
        {
            await checker.CheckAsync(new CheckRequest(SyntheticIds.Company(910 + i), "licensing") { Department = "市场监管局" });
        }

        var hit = await checker.CheckAsync(new CheckRequest(listed, "licensing") { Department = "市场监管局" });

        // Decided again under its id to report on it (found from outside: feedback report counted a check and a hit
        // each time, under the report's department): not counted again.
        await checker.CheckAsync(new CheckRequest(listed, "licensing") { Department = "乙局", PresetCheckId = hit.CheckId });
        await checker.CheckManyAsync([
            new CheckRequest(SyntheticIds.Company(920), "procurement.bid") { Department = " 财政局 " },
            new CheckRequest(SyntheticIds.Company(921), "procurement.bid") { Department = "财政局" }]);
        await checker.CheckAsync(new CheckRequest(SyntheticIds.Company(922), "licensing"));
    }

    private static void AssertTheDay(IReadOnlyList<CheckCount> counts)
    {
        Assert.Equal(
            [
                new CheckCount(Today, "", "licensing", 1, 0),
                new CheckCount(Today, "市场监管局", "licensing", 5, 1),
                new CheckCount(Today, "财政局", "procurement.bid", 2, 0),
            ],
            counts.OrderBy(c => c.Department, StringComparer.Ordinal));
    }

    [Fact]
    public async Task UseInMemory_WithADataFolder_CountsWrittenThereOnDisposeAndReadBack()
    {
        var folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "cc-counts-" + Guid.NewGuid().ToString("N"))).FullName;
        try
        {
            var services = new ServiceCollection();
            services.AddCreditCheck().UseInMemory(o => { o.DataDirectory = folder; o.Catalog = CreditCatalog.Default; });
            await using (var provider = services.BuildServiceProvider(Strict))
            {
                await CheckADayAsync(provider);
            }

            var path = Path.Combine(folder, ".creditcheck", InMemoryCheckCounter.FileName);
            AssertTheDay(InMemoryCheckCounter.Read(path, Today, Today.AddDays(1)));
            Assert.Empty(InMemoryCheckCounter.Read(path, Today.AddDays(1), Today.AddDays(2)));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task UseRedis_TwoHosts_TheirCountsAddUpInTheNamespace()
    {
        await using var harness = await RedisHarness.CreateAsync(redis.Server, CreditCatalog.Default);
        ServiceProvider Host()
        {
            var services = new ServiceCollection();
            services.AddCreditCheck().UseRedis(redis.Server.Configuration, o =>
            {
                o.Namespace = harness.Namespace;
                o.Secret = RedisHarness.Secret;
                o.PollInterval = TimeSpan.FromMilliseconds(200);
            });
            return services.BuildServiceProvider(Strict);
        }

        await using (var first = Host())
        {
            await first.GetRequiredService<RedisCreditStore>().StartAsync();
            await CheckADayAsync(first, sequence => RedisHarness.WaitForAsync(first.GetRequiredService<RedisCreditStore>(), sequence, 20_000));
            await first.GetRequiredService<CheckCounter>().FlushAsync();
            await using var second = Host();
            await second.GetRequiredService<RedisCreditStore>().StartAsync();
            await second.GetRequiredService<ICreditChecker>().CheckAsync(new CheckRequest(SyntheticIds.Company(930), "licensing") { Department = "市场监管局" });
        }

        // Both hosts disposed: what each counted was flushed.
        var reader = await harness.StartStoreAsync();
        await using var counter = new RedisCheckCounter(reader, RedisHarness.Options(redis.Server, harness.Namespace));
        var counts = await counter.ReadAsync(Today, Today.AddDays(1));
        Assert.Equal(6, counts.Single(c => c.Department == "市场监管局").Checks);
        Assert.Equal(1, counts.Single(c => c.Department == "市场监管局").Hits);
        Assert.Equal(2, counts.Single(c => c.Department == "财政局").Checks);
        Assert.Equal(1, counts.Single(c => c.Department == "").Checks);
    }

    [Fact]
    public async Task Count_ManyThreads_NothingLostOrCountedTwice()
    {
        await using var counter = new InMemoryCheckCounter(null, TimeProvider.System, TimeSpan.FromMilliseconds(5));
        var at = TimeProvider.System.GetUtcNow();

        await Task.WhenAll(Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 50_000; i++)
            {
                counter.Count(t % 2 == 0 ? "甲" : "乙", i % 3 == 0 ? "licensing" : "procurement", hit: i % 10 == 0, at);
            }
        })));
        await counter.FlushAsync();

        var counts = await counter.ReadAsync(Today.AddDays(-1), Today.AddDays(2));
        Assert.Equal(200_000, counts.Sum(c => c.Checks));
        Assert.Equal(20_000, counts.Sum(c => c.Hits));
        Assert.Equal(100_000, counts.Where(c => c.Department == "甲").Sum(c => c.Checks));
    }
}
