using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using CreditCheck.Stores;
using CreditCheck.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using NSubstitute;

namespace CreditCheck.Tests.Diagnostics;

/// <summary>The CreditCheck meter, observed with a MeterListener on the host's own IMeterFactory (so
/// parallel tests do not see each other's measurements).</summary>
public sealed class MetricsTests
{
    private sealed class Recorder : IDisposable
    {
        private readonly MeterListener _listener = new();

        public Recorder(IMeterFactory scope)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == CreditCheckDiagnostics.MeterName && ReferenceEquals(instrument.Meter.Scope, scope))
                {
                    Instruments.Add(instrument.Name);
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
            _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
            _listener.Start();
        }

        public ConcurrentBag<string> Instruments { get; } = [];

        public ConcurrentQueue<(string Name, double Value, Dictionary<string, string?> Tags)> Measurements { get; } = new();

        public void Observe() => _listener.RecordObservableInstruments();

        public double Sum(string name, params (string Key, string Value)[] tags) =>
            Measurements.Where(m => m.Name == name && tags.All(t => m.Tags.GetValueOrDefault(t.Key) == t.Value)).Sum(m => m.Value);

        public int Count(string name) => Measurements.Count(m => m.Name == name);

        public void Dispose() => _listener.Dispose();

        private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var copy = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var tag in tags)
            {
                copy[tag.Key] = tag.Value?.ToString();
            }

            Measurements.Enqueue((instrument.Name, value, copy));
        }
    }

    private static ServiceProvider Provider()
    {
        var services = new ServiceCollection();
        services.AddCreditCheck().UseInMemory(o => o.Catalog = TestCatalog.Create());
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    [Fact]
    public async Task Checks_AreCountedByOutcomeScenarioAndPath_WithHitsMeasuresAndDurations()
    {
        await using var provider = Provider();
        using var recorder = new Recorder(provider.GetRequiredService<IMeterFactory>());
        var checker = provider.GetRequiredService<ICreditChecker>();
        await provider.GetRequiredService<ICreditPublisher>().UpsertAsync(TestRecords.Debt(Subjects.Tencent, "d-1"));

        await checker.CheckAsync(new CheckRequest(Subjects.Tencent, "procurement.bid"));
        await checker.CheckAsync(new CheckRequest(Subjects.Alibaba, "procurement.bid"));
        await checker.CheckManyAsync([new CheckRequest(Subjects.Tencent, "licensing"), new CheckRequest(Subjects.Huawei, "licensing")]);

        Assert.Equal(1, recorder.Sum("creditcheck.checks", ("outcome", "Denied"), ("scenario", "procurement.bid"), ("path", "Embedded")));
        Assert.Equal(1, recorder.Sum("creditcheck.checks", ("outcome", "Clear"), ("scenario", "procurement.bid")));
        Assert.Equal(2, recorder.Sum("creditcheck.checks", ("scenario", "licensing")));
        Assert.Equal(2, recorder.Sum("creditcheck.list.hits", ("list", "debtors")));
        Assert.Equal(1, recorder.Sum("creditcheck.measures.applied", ("measure", "procurement-refusal"), ("kind", "Restriction")));
        Assert.Equal(2, recorder.Count("creditcheck.check.duration"));
        Assert.Equal(1, recorder.Count("creditcheck.batch.duration"));
        Assert.All(recorder.Measurements.Where(m => m.Name.EndsWith(".duration", StringComparison.Ordinal)), m => Assert.InRange(m.Value, 0, 10));
        Assert.Equal(0, recorder.Sum("creditcheck.checks.degraded"));
    }

    [Fact]
    public async Task FeedGauges_AreObservable_AndEveryDocumentedInstrumentIsPublished()
    {
        await using var provider = Provider();
        using var recorder = new Recorder(provider.GetRequiredService<IMeterFactory>());
        var checker = provider.GetRequiredService<ICreditChecker>(); // creates the meter
        await provider.GetRequiredService<ICreditPublisher>().UpsertAsync(TestRecords.Debt(Subjects.Tencent, "d-1"));
        await checker.CheckAsync(new CheckRequest(Subjects.Tencent, "procurement"));

        recorder.Observe();

        Assert.Equal(0, recorder.Sum("creditcheck.feed.lag"));
        Assert.Equal(1, recorder.Sum("creditcheck.feed.sequence"));
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        Assert.All(recorder.Instruments, name => Assert.Contains($"`{name}`", readme, StringComparison.Ordinal));
    }

    [Fact]
    public async Task DegradedDecisions_AreCounted()
    {
        var services = new ServiceCollection();
        services.AddCreditCheck(o => o.OnUnavailable = UnavailablePolicy.FailOpen);
        var store = Substitute.For<ICreditStore>();
        store.LookupAsync(Arg.Any<SubjectId>(), Arg.Any<CancellationToken>()).Returns<ValueTask<SubjectLookup>>(_ => throw new InvalidOperationException("store down"));
        services.AddSingleton(store);
        await using var provider = services.BuildServiceProvider();
        using var recorder = new Recorder(provider.GetRequiredService<IMeterFactory>());

        var decision = await provider.GetRequiredService<ICreditChecker>().CheckAsync(new CheckRequest(Subjects.Tencent, "procurement"));

        Assert.True(decision.IsDegraded);
        Assert.Equal(1, recorder.Sum("creditcheck.checks.degraded", ("path", "Policy")));
    }

    internal static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "CreditCheck.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("CreditCheck.sln not found above the test binaries.");
    }
}
