using CreditCheck.Stores;
using CreditCheck.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CreditCheck.Tests.Feedback;

/// <summary>Feedback in the host: registered by AddCreditCheck, options validated, started and flushed
/// with the host, delivered to the embedded store and read back.</summary>
public sealed class FeedbackRegistrationTests
{
    private static readonly ServiceProviderOptions Strict = new() { ValidateOnBuild = true, ValidateScopes = true };

    [Fact]
    public async Task UseInMemory_HostStopped_BacklogFlushedAndReadableByPeriod()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddCreditCheck().UseInMemory(o => o.Catalog = TestCatalog.Create());
        using var host = builder.Build();
        await host.StartAsync();
        await host.Services.GetRequiredService<ICreditPublisher>().UpsertAsync(TestRecords.Debt(Subjects.Tencent, "d-1"));
        var checker = host.Services.GetRequiredService<ICreditChecker>();
        var feedback = host.Services.GetRequiredService<ICreditFeedback>();
        var decision = await checker.CheckAsync(new CheckRequest(Subjects.Tencent, "procurement.bid"));
        var executedAt = decision.EvaluatedAt.AddMinutes(-1);

        var records = await feedback.ReportAsync(FeedbackReport.For(decision).AllExecuted() with { ExecutedAt = executedAt });
        await host.StopAsync();

        var reader = host.Services.GetRequiredService<IFeedbackReader>();
        var read = await reader.ReadAsync(executedAt, executedAt.AddTicks(1)).ToListAsync();
        var none = await reader.ReadAsync(executedAt.AddTicks(1), executedAt.AddDays(1)).ToListAsync();
        Assert.NotEmpty(records);
        Assert.Equal(records.Select(r => r.Key), read.Select(r => r.Key));
        Assert.Empty(none);
        Assert.Same(feedback, host.Services.GetRequiredService<CreditFeedback>());
        Assert.Same(reader, host.Services.GetRequiredService<InMemoryFeedbackStore>());
    }

    [Fact]
    public async Task UseInMemoryWithAFolder_FeedbackKeptOnDiskAcrossARestart_AndRepeatsKeptOnce()
    {
        // Found from outside: the service on the embedded store lost every report when it stopped (the journal had
        // marked them delivered, to memory), and creditcheck --store memory saw none of them.
        using var folder = new TempFolder();
        var data = Directory.CreateDirectory(System.IO.Path.Combine(folder.Path, "data")).FullName;
        async Task<(IHost Host, ICreditChecker Checker, ICreditFeedback Feedback)> StartAsync()
        {
            var builder = Host.CreateApplicationBuilder();
            builder.Services.AddCreditCheck().UseInMemory(o => { o.Catalog = TestCatalog.Create(); o.DataDirectory = data; });
            var host = builder.Build();
            await host.StartAsync();
            await host.Services.GetRequiredService<ICreditPublisher>().UpsertAsync(TestRecords.Debt(Subjects.Tencent, "d-1"));
            return (host, host.Services.GetRequiredService<ICreditChecker>(), host.Services.GetRequiredService<ICreditFeedback>());
        }

        var (first, checker, feedback) = await StartAsync();
        var decision = await checker.CheckAsync(new CheckRequest(Subjects.Tencent, "procurement.bid"));
        var report = FeedbackReport.For(decision).AllExecuted() with { ExecutedAt = decision.EvaluatedAt };
        var records = await feedback.ReportAsync(report);
        await first.StopAsync();
        first.Dispose();

        var (second, _, again) = await StartAsync();
        var repeated = await again.ReportAsync(report.Decision.AppliedMeasures.Aggregate(FeedbackReport.For(decision) with { ExecutedAt = decision.EvaluatedAt },
            (r, m) => r.NotExecuted(m.Measure.Code, "重复反馈"))); // after the restart, with another result: the stored records answer
        await second.StopAsync();
        var read = await second.Services.GetRequiredService<IFeedbackReader>().ReadAsync(DateTimeOffset.MinValue, DateTimeOffset.MaxValue).ToListAsync();
        second.Dispose();

        var file = System.IO.Path.Combine(data, ".creditcheck", "feedback.jsonl");
        Assert.Equal(records.Select(r => r.Key), read.Select(r => r.Key));
        Assert.Equal(records.Select(r => r.Key), File.ReadLines(file).Select(l => FeedbackJson.Deserialize(l, out _)!.Key));
        Assert.All(repeated, r => Assert.True(r.IsRepeat));
        Assert.All(repeated, r => Assert.Equal(ExecutionResult.Executed, r.Result));
        Assert.All(read, r => Assert.Equal(ExecutionResult.Executed, r.Result));
    }

    [Fact]
    public async Task FeedbackFile_ATornLastLineIsCutOff_ADamagedLineIsPassedOver_AndTheNextAppendIsWhole()
    {
        // Found from outside: a last line cut short by a crash mid-append (or one damaged line) kept the service on
        // --data from starting at all.
        using var folder = new TempFolder();
        var path = System.IO.Path.Combine(folder.Path, InMemoryFeedbackStore.FileName);
        var harness = await FeedbackData.HarnessAsync();
        var feedback = FeedbackData.Create(new InMemoryFeedbackStore(path), FeedbackData.Fast(), time: harness.Time);
        var records = await FeedbackData.ReportManyAsync(feedback, harness, 3);
        Assert.True(await feedback.FlushAsync(TimeSpan.FromSeconds(10)));
        await feedback.DisposeAsync();
        var lines = File.ReadAllLines(path);
        Assert.Equal(records.Count, lines.Length);
        File.WriteAllText(path, lines[0] + "\n" + "{\"damaged\": tru\n" + string.Join("\n", lines[1..]) + "\n" + lines[0][..40]);

        var store = new InMemoryFeedbackStore(path);

        Assert.Equal(records.Select(r => r.Key), store.Snapshot().Select(r => r.Key));
        Assert.Collection(store.LoadProblems,
            torn => Assert.Contains("cut short", torn, StringComparison.Ordinal),
            damaged => Assert.Contains(":2: not a feedback record", damaged, StringComparison.Ordinal));
        Assert.EndsWith("\n", File.ReadAllText(path), StringComparison.Ordinal);
        await ((IFeedbackSink)store).WriteAsync([records[0] with { Key = "another-key" }], CancellationToken.None);
        var reloaded = new InMemoryFeedbackStore(path);
        Assert.Equal([.. records.Select(r => r.Key), "another-key"], reloaded.Snapshot().Select(r => r.Key));
        Assert.Single(reloaded.LoadProblems); // the damaged line stays in the file, named again
    }

    [Fact]
    public async Task AddCreditCheck_Configuration_BindsFeedbackOptionsAndTheJournalIsReplayedAtStart()
    {
        using var folder = new TempFolder();
        var harness = await FeedbackData.HarnessAsync();
        var down = FeedbackData.Create(new FaultySink { Failing = true }, FeedbackData.Fast(folder.Journal), time: harness.Time);
        var records = await FeedbackData.ReportManyAsync(down, harness, 3);
        await down.DisposeAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CreditCheck:Feedback:JournalPath"] = folder.Journal,
            ["CreditCheck:Feedback:BufferCapacity"] = "50",
        }).Build();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddCreditCheck(configuration.GetSection("CreditCheck")).UseInMemory();
        using var host = builder.Build();

        await host.StartAsync();
        var feedback = host.Services.GetRequiredService<CreditFeedback>();
        Assert.True(await feedback.FlushAsync(TimeSpan.FromSeconds(10)));
        await host.StopAsync();

        Assert.Equal(50, host.Services.GetRequiredService<IOptions<FeedbackOptions>>().Value.BufferCapacity);
        Assert.Equal(records.Select(r => r.Key), host.Services.GetRequiredService<InMemoryFeedbackStore>().Snapshot().Select(r => r.Key));
        Assert.True(feedback.Status.IsJournaled);
    }

    [Fact]
    public async Task ConfigureFeedback_InvalidOptions_HostStartFailsNamingEachOne()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddCreditCheck().UseInMemory().ConfigureFeedback(o =>
        {
            o.JournalPath = "/no/such/folder/feedback.journal";
            o.BufferCapacity = 0;
            o.BatchSize = 20_000;
            o.RetryDelay = TimeSpan.FromSeconds(10);
            o.MaxRetryDelay = TimeSpan.FromSeconds(1);
            o.JournalCompactBytes = 10;
        });
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("CreditCheck:Feedback:JournalPath '/no/such/folder/feedback.journal': the folder '/no/such/folder' does not exist.", error.Failures);
        Assert.Contains("CreditCheck:Feedback:BufferCapacity is 0; it must be between 1 and 10000000.", error.Failures);
        Assert.Contains("CreditCheck:Feedback:BatchSize is 20000; it must be between 1 and 10000.", error.Failures);
        Assert.Contains("CreditCheck:Feedback:MaxRetryDelay is 00:00:01; it must be between 00:00:10 and 01:00:00.", error.Failures);
        Assert.Contains("CreditCheck:Feedback:JournalCompactBytes is 10; it must be between 4096 and 1073741824.", error.Failures);
    }

    [Fact]
    public async Task AddCreditCheck_WithoutStore_FeedbackIsRefusedNotAcknowledgedAndTheErrorSaysWhatIsMissing()
    {
        var services = new ServiceCollection();
        services.AddCreditCheck().ConfigureFeedback(o =>
        {
            o.RetryDelay = TimeSpan.FromMilliseconds(10);
            o.MaxRetryDelay = TimeSpan.FromMilliseconds(50);
        });
        await using var provider = services.BuildServiceProvider(Strict);
        var feedback = provider.GetRequiredService<CreditFeedback>();
        var decision = await FeedbackData.DeniedAsync(await FeedbackData.HarnessAsync());

        // Found from outside: acknowledged, then retried with warning 3004 and lost at exit. Refused instead.
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await feedback.ReportAsync(FeedbackReport.For(decision).Executed("procurement-refusal")));

        Assert.Equal(0, feedback.Status.Backlog);
        Assert.Contains(".UseInMemory(...) or .UseRedis(...)", refused.Message, StringComparison.Ordinal);
        Assert.Contains("nothing was acknowledged", refused.Message, StringComparison.Ordinal);
    }
}
