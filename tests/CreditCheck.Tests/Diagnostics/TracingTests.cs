using System.Diagnostics;
using CreditCheck.Stores;
using CreditCheck.Tests.Support;
using Microsoft.Extensions.Options;
using NSubstitute;

namespace CreditCheck.Tests.Diagnostics;

/// <summary>The CreditCheck activity source: one activity per call, masked subjects, the caller's
/// current activity left as it was.</summary>
[Collection(nameof(TracingTests))] // an ActivityListener hears every test's activities: run these alone
public sealed class TracingTests : IDisposable
{
    private readonly List<Activity> _stopped = [];
    private readonly ActivityListener _listener;

    public TracingTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == CreditCheckDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => { lock (_stopped) { _stopped.Add(activity); } },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose() => _listener.Dispose();

    private Activity[] Mine(Guid checkId)
    {
        lock (_stopped)
        {
            return [.. _stopped.Where(a => Equals(a.GetTagItem("creditcheck.check_id"), checkId))];
        }
    }

    [Fact]
    public async Task Check_RecordsOneActivity_WithMaskedSubjectOutcomeAndPath()
    {
        var harness = new CheckerHarness();
        await harness.ListAsync(Subjects.Person, "debtors");

        var decision = await harness.CheckAsync(Subjects.Person, "procurement");

        var activity = Assert.Single(Mine(decision.CheckId));
        Assert.Equal("creditcheck.check", activity.OperationName);
        Assert.Equal("Denied", activity.GetTagItem("creditcheck.outcome"));
        Assert.Equal("Embedded", activity.GetTagItem("creditcheck.path"));
        Assert.Equal("procurement", activity.GetTagItem("creditcheck.scenario"));
        var subject = Assert.IsType<string>(activity.GetTagItem("creditcheck.subject"));
        Assert.DoesNotContain(Subjects.Person.Value, subject, StringComparison.Ordinal);
        Assert.Contains('*', subject);
    }

    [Fact]
    public async Task AsyncLookup_LeavesTheCallersCurrentActivityAlone_AndParentsTheCheck()
    {
        var lookup = new TaskCompletionSource<SubjectLookup>(TaskCreationOptions.RunContinuationsAsynchronously);
        var store = Substitute.For<ICreditStore>();
        store.LookupAsync(Arg.Any<SubjectId>(), Arg.Any<CancellationToken>()).Returns(new ValueTask<SubjectLookup>(lookup.Task));
        var checker = new CreditChecker(store, Options.Create(new CreditCheckOptions()), TimeProvider.System);
        using var host = new ActivitySource(CreditCheckDiagnostics.ActivitySourceName).StartActivity("host.request")!;

        var pending = checker.CheckAsync(new CheckRequest(Subjects.Tencent, "procurement"));
        Assert.Same(host, Activity.Current); // not the check's activity, although the check is still running
        lookup.SetResult(new SubjectLookup(TestCatalog.Create(), [], [], LookupSource.Store, new StoreFreshness(1, DateTimeOffset.UnixEpoch)));
        var decision = await pending;

        var activity = Assert.Single(Mine(decision.CheckId));
        Assert.Equal(host.SpanId, activity.ParentSpanId);
        Assert.Same(host, Activity.Current);
    }

    [Fact]
    public async Task UnknownScenario_StillEndsTheActivity()
    {
        var harness = new CheckerHarness();
        var before = Activity.Current;

        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await harness.CheckAsync(Subjects.Tencent, "no-such-scenario"));

        Assert.Same(before, Activity.Current);
    }

    [Fact]
    public async Task Batch_RecordsOneActivity_WithSizeAndListedCount()
    {
        var harness = new CheckerHarness();
        await harness.ListAsync(Subjects.Tencent, "debtors");

        var decisions = await harness.Checker.CheckManyAsync([new CheckRequest(Subjects.Tencent, "procurement"), new CheckRequest(Subjects.Alibaba, "procurement")]);

        Activity batch;
        lock (_stopped)
        {
            batch = _stopped.Single(a => a.OperationName == "creditcheck.check_many" && Equals(a.GetTagItem("creditcheck.batch.size"), 2));
        }

        Assert.Equal(1, batch.GetTagItem("creditcheck.batch.listed"));
        Assert.Equal(2, decisions.Count);
    }
}
