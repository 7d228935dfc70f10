using System.Diagnostics;
using System.Diagnostics.Metrics;
using CreditCheck.Catalog;
using CreditCheck.Stores;

namespace CreditCheck;

/// <summary>
/// The <c>CreditCheck</c> meter's instruments (names in README, "Observability"). Recording costs a
/// flag test when nobody listens, so the clean local path stays allocation-free.
/// </summary>
internal sealed class CreditCheckMetrics : IDisposable
{
    private static readonly string[] Outcomes = Names<DecisionOutcome>();
    private static readonly string[] Paths = Names<DecisionPath>();
    private static readonly string[] Kinds = Names<MeasureKind>();

    private readonly Meter _meter;
    private readonly Counter<long> _checks;
    private readonly Counter<long> _degraded;
    private readonly Counter<long> _hits;
    private readonly Counter<long> _measures;
    private readonly Histogram<double> _checkDuration;
    private readonly Histogram<double> _batchDuration;

    public CreditCheckMetrics(IMeterFactory meterFactory, ICreditStore store, TimeProvider time, IFeedbackHealth? feedback = null)
    {
        _meter = meterFactory.Create(CreditCheckDiagnostics.MeterName);
        _checks = _meter.CreateCounter<long>("creditcheck.checks", "{check}", "Decisions made, by outcome, scenario and path.");
        _degraded = _meter.CreateCounter<long>("creditcheck.checks.degraded", "{check}", "Decisions made while the store could not answer currently, by path.");
        _hits = _meter.CreateCounter<long>("creditcheck.list.hits", "{entry}", "Entries in force found for a checked subject, by list.");
        _measures = _meter.CreateCounter<long>("creditcheck.measures.applied", "{measure}", "Measures applied by decisions, by measure and kind.");
        _checkDuration = _meter.CreateHistogram<double>("creditcheck.check.duration", "s", "Time to decide one CheckAsync call.");
        _batchDuration = _meter.CreateHistogram<double>("creditcheck.batch.duration", "s", "Time to decide one CheckManyAsync call.");
        if (store is IStoreHealth health)
        {
            _meter.CreateObservableGauge("creditcheck.feed.lag", () => FeedLag(health, time), "s",
                "Time since the store's state was last confirmed current (0 for the embedded store).");
            _meter.CreateObservableGauge("creditcheck.feed.sequence", () => health.Health.Sequence, "{change}",
                "The change sequence the store has applied.");
        }

        if (feedback is not null)
        {
            _meter.CreateObservableGauge("creditcheck.feedback.backlog", () => feedback.Backlog, "{record}",
                "Feedback records acknowledged and not yet delivered.");
            _meter.CreateObservableCounter("creditcheck.feedback.overflow", () => feedback.Overflowed, "{record}",
                "Feedback records that did not fit the memory buffer (with a journal, delivered later from it).");
            _meter.CreateObservableCounter("creditcheck.feedback.dropped", () => feedback.Dropped, "{record}",
                "Feedback records lost to overflow (only without a journal).");
        }
    }

    /// <summary>Whether durations are wanted: a timestamp is only taken when they are.</summary>
    public bool Timing => _checkDuration.Enabled || _batchDuration.Enabled;

    public void Record(CreditDecision decision)
    {
        if (_checks.Enabled)
        {
            _checks.Add(1,
                new("outcome", Outcomes[(int)decision.Outcome]),
                new("scenario", decision.Scenario),
                new("path", Paths[(int)decision.Path]));
        }

        if (decision.IsDegraded && _degraded.Enabled)
        {
            _degraded.Add(1, new KeyValuePair<string, object?>("path", Paths[(int)decision.Path]));
        }

        if (decision.MatchedEntries.Count > 0 && _hits.Enabled)
        {
            foreach (var matched in decision.MatchedEntries)
            {
                if (matched.IsInForce)
                {
                    _hits.Add(1, new KeyValuePair<string, object?>("list", matched.Entry.ListCode));
                }
            }
        }

        if (decision.AppliedMeasures.Count > 0 && _measures.Enabled)
        {
            foreach (var applied in decision.AppliedMeasures)
            {
                _measures.Add(1, new("measure", applied.Measure.Code), new("kind", Kinds[(int)applied.Measure.Kind]));
            }
        }
    }

    public void RecordCheckDuration(long startedTimestamp) =>
        _checkDuration.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds);

    public void RecordBatchDuration(long startedTimestamp, int size) =>
        _batchDuration.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds, new KeyValuePair<string, object?>("size", SizeBucket(size)));

    public void Dispose() => _meter.Dispose();

    private static double FeedLag(IStoreHealth health, TimeProvider time) =>
        health.Health.ConfirmedAt is { } confirmed ? Math.Max(0, (time.GetUtcNow() - confirmed).TotalSeconds) : 0;

    // Bounded cardinality: the batch size as a bucket, not a number.
    private static string SizeBucket(int size) => size switch
    {
        <= 10 => "1-10",
        <= 100 => "11-100",
        <= 1000 => "101-1000",
        _ => "1001+",
    };

    // Tag values indexed by the enum's value: no ToString() (an allocation) per decision.
    private static string[] Names<T>()
        where T : struct, Enum
    {
        var values = Enum.GetValues<T>();
        var names = new string[values.Max(v => Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture)) + 1];
        foreach (var value in values)
        {
            names[Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture)] = value.ToString();
        }

        return names;
    }
}
