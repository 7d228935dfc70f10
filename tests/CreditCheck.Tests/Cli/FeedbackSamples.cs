using CreditCheck.Cli;
using CreditCheck.Cli.Reporting;
using CreditCheck.Redis;
using CreditCheck.Stores;
using CreditCheck.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CreditCheck.Tests.Cli;

/// <summary>One report of the known feedback set, with the decision it is about.</summary>
internal sealed record Sample(string Name, CreditDecision Decision, FeedbackReport Report);

/// <summary>
/// A known feedback set for the third quarter of 2026 (China Standard Time), made of real decisions of the
/// test catalog: Tencent is on <c>debtors</c>, Alibaba on <c>grade-a</c>, <see cref="SyntheticIds.Company"/>(1)
/// on <c>abnormal</c>, Huawei on nothing. Nine checks inside the quarter (the first exactly at its start,
/// the last a millisecond before its end) and two just outside it. The numbers the tests expect from it
/// are worked out by hand in <see cref="FeedbackStatisticsTests"/>.
/// </summary>
internal static class FeedbackSamples
{
    public static readonly TimeSpan Cst = TimeSpan.FromHours(8);
    public static readonly DateTimeOffset QuarterStart = new(2026, 7, 1, 0, 0, 0, Cst);
    public static readonly DateTimeOffset QuarterEnd = new(2026, 10, 1, 0, 0, 0, Cst);

    /// <summary>The 11 reports: C1…C9 in the quarter, O1 a second before it, O2 at its end in China
    /// (2026-09-30T16:00Z, so inside a quarter ending at 2026-10-01T00:00Z).</summary>
    public static async Task<IReadOnlyList<Sample>> CreateAsync()
    {
        var harness = new CheckerHarness();
        await harness.ListAsync(Subjects.Tencent, "debtors");
        await harness.ListAsync(Subjects.Alibaba, "grade-a");
        await harness.ListAsync(SyntheticIds.Company(1), "abnormal");
        var samples = new List<Sample>();

        async Task<CreditDecision> Check(SubjectId subject, string scenario, DateTimeOffset at, string? department, string? op, string? reference)
        {
            // Each check on a clock of its own: the samples are made out of time order on purpose.
            var checker = new CreditChecker(harness.Store, Microsoft.Extensions.Options.Options.Create(new CreditCheckOptions()), new FakeTimeProvider(at));
            return await checker.CheckAsync(new CheckRequest(subject, scenario) { Department = department, Operator = op, TransactionReference = reference });
        }

        void Add(string name, CreditDecision decision, Func<FeedbackReport, FeedbackReport> build, DateTimeOffset at, string? district = null) =>
            samples.Add(new Sample(name, decision, build(FeedbackReport.For(decision)) with { ExecutedAt = at, District = district }));

        var at = QuarterStart;
        Add("C1", await Check(Subjects.Tencent, "procurement", at, "市财政局", "张三", "CG-2026-001"),
            r => r.Executed("procurement-refusal", "不予受理, 已告知").NotExecuted("everywhere-notice", "系统未对接"), at, "440300");

        at = new DateTimeOffset(2026, 7, 15, 10, 30, 0, Cst);
        Add("C2", await Check(Subjects.Tencent, "procurement.bid", at, "市财政局", "李四", "CG-2026-002"),
            r => r.Overridden("procurement-refusal", "李局长", "法院已裁定解除").Executed("everywhere-notice"), at, "440300");

        at = new DateTimeOffset(2026, 8, 1, 8, 0, 0, Cst);
        Add("C3", await Check(Subjects.Huawei, "procurement", at, "市财政局", "张三", "CG-2026-003"), r => r, at, "440300");

        at = new DateTimeOffset(2026, 8, 10, 14, 0, 0, Cst);
        Add("C4", await Check(Subjects.Alibaba, "licensing", at, "市市场监管局", "王五", "XK-2026-004"),
            r => r.Add(new MeasureFeedback("green-channel", ExecutionResult.Executed)
            {
                Outcome = "已走绿色通道",
                Amount = 5000.50m,
                EffectiveFrom = new DateTimeOffset(2026, 8, 10, 0, 0, 0, Cst),
                EffectiveUntil = new DateTimeOffset(2026, 12, 31, 0, 0, 0, Cst),
            }) with { ItemCode = "330100-XK-01", ItemName = "企业投资项目核准（\"绿色通道\"）" }, at);

        at = new DateTimeOffset(2026, 8, 20, 16, 45, 0, Cst);
        Add("C5", await Check(Subjects.Tencent, "licensing", at, "市市场监管局", "王五", "XK-2026-005"),
            r => r.Executed("no-commitment").NotExecuted("everywhere-notice", "系统未对接"), at);

        at = new DateTimeOffset(2026, 9, 1, 9, 15, 0, Cst);
        Add("C6", await Check(Subjects.Huawei, "licensing", at, "市市场监管局", "王五", "XK-2026-006"), r => r, at);

        at = new DateTimeOffset(2026, 9, 15, 11, 0, 0, Cst);
        Add("C7", await Check(Subjects.Alibaba, "public-service", at, "市政务服务中心", "赵六", "FW-2026-007"),
            r => r.NotExecuted("green-channel", "申请人未申请"), at);

        at = QuarterEnd.AddMilliseconds(-1);
        Add("C8", await Check(SyntheticIds.Company(1), "licensing", at, "市市场监管局", "王五", "XK-2026-008"),
            r => r.Executed("strict-review"), at);

        at = new DateTimeOffset(2026, 9, 20, 10, 0, 0, Cst);
        Add("C9", await Check(Subjects.Huawei, "public-service", at, null, "@自助终端", null), r => r, at);

        at = QuarterStart.AddSeconds(-1);
        Add("O1", await Check(Subjects.Huawei, "procurement", at, "区税务局", "钱七", "SW-2026-101"), r => r, at);

        at = new DateTimeOffset(2026, 9, 30, 16, 0, 0, TimeSpan.Zero);
        Add("O2", await Check(Subjects.Tencent, "procurement", at, "区税务局", "钱七", "SW-2026-102"), r => r.AllExecuted(), at);
        return samples;
    }

    /// <summary>The records of the samples as the contract makes them.</summary>
    public static List<FeedbackRecord> Records(IEnumerable<Sample> samples, DateTimeOffset reportedAt) =>
        [.. samples.SelectMany(s => FeedbackRecord.FromReport(s.Report, reportedAt))];

    /// <summary>Reports every sample through a real host's <see cref="ICreditFeedback"/> on Redis
    /// (<c>UseRedis</c>, namespace of the session) and waits for delivery (stopping the host flushes).</summary>
    public static async Task<List<FeedbackRecord>> ReportToRedisAsync(RedisServer server, string ns, IEnumerable<Sample> samples)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddCreditCheck().UseRedis(server.Configuration, o =>
        {
            o.Namespace = ns;
            o.Secret = CliSession.Secret;
        });
        return await ReportThroughHostAsync(builder, samples, _ => Task.CompletedTask);
    }

    /// <summary>Reports every sample through a real host's <see cref="ICreditFeedback"/> on the embedded
    /// store (<c>UseInMemory</c>), then writes what its <see cref="InMemoryFeedbackStore"/> holds to
    /// the memory store's feedback file, one record per line, as the README tells a trial host to.</summary>
    public static async Task<List<FeedbackRecord>> ReportToMemoryAsync(string data, IEnumerable<Sample> samples)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddCreditCheck().UseInMemory(o => o.Catalog = TestCatalog.Create());
        return await ReportThroughHostAsync(builder, samples, services =>
        {
            var path = MemoryFeedbackFile.PathInState(new DirectoryInfo(Path.Combine(data, MemoryOperatorStore.StateFolder)));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var lines = services.GetRequiredService<InMemoryFeedbackStore>().Snapshot().Select(FeedbackJson.Serialize);
            return File.AppendAllLinesAsync(path, lines);
        });
    }

    private static async Task<List<FeedbackRecord>> ReportThroughHostAsync(HostApplicationBuilder builder, IEnumerable<Sample> samples, Func<IServiceProvider, Task> afterStop)
    {
        using var host = builder.Build();
        await host.StartAsync();
        var feedback = host.Services.GetRequiredService<ICreditFeedback>();
        var records = new List<FeedbackRecord>();
        foreach (var sample in samples)
        {
            records.AddRange(await feedback.ReportAsync(sample.Report));
        }

        await host.StopAsync(); // delivers the backlog
        Assert.Equal(0, host.Services.GetRequiredService<CreditFeedback>().Status.Backlog);
        await afterStop(host.Services);
        return records;
    }

    public static IEnumerable<Sample> Named(this IEnumerable<Sample> samples, params string[] names) =>
        samples.Where(s => names.Contains(s.Name, StringComparer.Ordinal));

    public static IEnumerable<Sample> InQuarter(this IEnumerable<Sample> samples) => samples.Where(s => s.Name.StartsWith('C'));
}
