using System.Buffers;
using System.Diagnostics;
using CreditCheck.Catalog;
using CreditCheck.Stores;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CreditCheck;

/// <summary>The checker: asks the store, applies the catalog's rules, never crashes the host over a
/// store failure.</summary>
/// <remarks>
/// <para>Hosts get it from the container (<c>AddCreditCheck</c>). Tools and scripts without one build it
/// directly over a store: <c>new CreditChecker(store, new CreditCheckOptions { … })</c>. Thread-safe;
/// create one per store and keep it.</para>
/// </remarks>
public sealed class CreditChecker : ICreditChecker
{
    private readonly ICreditStore _store;
    private readonly CreditCheckOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<CreditChecker> _logger;
    private readonly CreditCheckMetrics? _metrics;
    private readonly CheckCounter? _counter;
    private volatile CompiledCatalog? _compiled;
    private volatile SharedDecisionFacts? _sharedFacts;

    /// <summary>A checker over <paramref name="store"/>, without a container.</summary>
    /// <param name="store">The store to answer from (started, for a shared store).</param>
    /// <param name="options">The options; null for the defaults.</param>
    /// <param name="timeProvider">The clock that decides validity windows; null for the system clock.</param>
    /// <param name="loggerFactory">Optional logging.</param>
    /// <exception cref="OptionsValidationException">The options are invalid; the message names each one.</exception>
    public CreditChecker(ICreditStore store, CreditCheckOptions? options = null, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
        : this(store, Options.Create(Validated(options ?? new CreditCheckOptions())), timeProvider ?? TimeProvider.System, loggerFactory)
    {
    }

    // Logging and metrics are optional: a host without them gets a silent checker, not a failure.
    internal CreditChecker(
        ICreditStore store, IOptions<CreditCheckOptions> options, TimeProvider time, ILoggerFactory? loggerFactory = null, CreditCheckMetrics? metrics = null, CheckCounter? counter = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _options = options.Value;
        _time = time;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<CreditChecker>();
        _metrics = metrics;
        _counter = counter;
    }

    private static CreditCheckOptions Validated(CreditCheckOptions options)
    {
        var result = new CreditCheckOptionsValidator().Validate(null, options);
        return result.Failed ? throw new OptionsValidationException(nameof(CreditCheckOptions), typeof(CreditCheckOptions), result.Failures) : options;
    }

    /// <inheritdoc/>
    public ValueTask<CreditDecision> CheckAsync(CheckRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var previous = Activity.Current;
        var activity = CreditCheckActivities.StartCheck(request);
        var started = _metrics is { Timing: true } ? Stopwatch.GetTimestamp() : 0;
        try
        {
            ValueTask<SubjectLookup> pending;
            try
            {
                pending = _store.LookupAsync(request.Subject, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return new ValueTask<CreditDecision>(Completed(DecideWithoutStore(request, e), activity, started));
            }

            // The local paths complete synchronously: no state machine, no allocation beyond the decision.
            ValueTask<CreditDecision> awaiting;
            if (pending.IsCompletedSuccessfully)
            {
                var local = pending.Result;
                if (!RelatedEntryLapse.Needed(local))
                {
                    return new ValueTask<CreditDecision>(Completed(Decide(request, local), activity, started));
                }

                // A person's entry that depends on an enterprise's: that one is read too.
                awaiting = AwaitLookupAsync(request, new ValueTask<SubjectLookup>(local), activity, started, cancellationToken);
            }
            else
            {
                awaiting = AwaitLookupAsync(request, pending, activity, started, cancellationToken);
            }

            if (activity is not null)
            {
                // The activity goes on in the awaiting flow; the caller's current activity is its own again.
                Activity.Current = previous;
            }

            return awaiting;
        }
        catch
        {
            activity?.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<CreditDecision>> CheckManyAsync(IReadOnlyList<CheckRequest> requests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        if (requests.Count > _options.MaxBatchSize)
        {
            throw new ArgumentException(
                $"A batch holds at most {_options.MaxBatchSize} requests (CreditCheckOptions.MaxBatchSize); got {requests.Count}.",
                nameof(requests));
        }

        for (var i = 0; i < requests.Count; i++)
        {
            if (requests[i] is null)
            {
                throw new ArgumentException($"Request {i} of the batch is null.", nameof(requests));
            }
        }

        // The store reads the subjects through the requests: no copy (10,000 subjects are 240 KB, a
        // large-object allocation per batch).
        var subjects = new RequestSubjects(requests);

        var activity = CreditCheckActivities.StartBatch(requests.Count);
        var started = _metrics is { Timing: true } ? Stopwatch.GetTimestamp() : 0;
        IReadOnlyList<CreditDecision> decisions;
        try
        {
            decisions = _store is IStagedBatchLookup staged
                ? await CheckStagedAsync(staged, requests, subjects, cancellationToken).ConfigureAwait(false)
                : await CheckAllAsync(requests, subjects, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            activity?.Dispose();
            throw;
        }

        if (started != 0)
        {
            _metrics!.RecordBatchDuration(started, requests.Count);
        }

        CreditCheckActivities.Complete(activity, decisions);
        return decisions;
    }

    private async ValueTask<IReadOnlyList<CreditDecision>> CheckAllAsync(IReadOnlyList<CheckRequest> requests, RequestSubjects subjects, CancellationToken cancellationToken)
    {
        IReadOnlyList<SubjectLookup> lookups;
        try
        {
            lookups = await _store.LookupManyAsync(subjects, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return [.. requests.Select(r => DecideWithoutStore(r, e))];
        }

        var decisions = new CreditDecision[requests.Count];
        for (var i = 0; i < decisions.Length; i++)
        {
            var lookup = lookups[i];
            if (RelatedEntryLapse.Needed(lookup))
            {
                lookup = await RelatedEntryLapse.ApplyAsync(_store, lookup, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            }

            decisions[i] = Decide(requests[i], lookup);
        }

        return decisions;
    }

    // The local answers are decided while the store's remote read is in flight. The lookup slots and flags
    // are pooled: 10,000 lookups are 800 KB, a large-object allocation per batch otherwise.
    private async ValueTask<IReadOnlyList<CreditDecision>> CheckStagedAsync(
        IStagedBatchLookup staged, IReadOnlyList<CheckRequest> requests, RequestSubjects subjects, CancellationToken cancellationToken)
    {
        var count = subjects.Count;
        var lookups = ArrayPool<SubjectLookup>.Shared.Rent(count);
        var answered = ArrayPool<bool>.Shared.Rent(count);
        Array.Clear(answered, 0, count);
        try
        {
            return await CheckStagedAsync(staged, requests, subjects, lookups, answered, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // The store is done with the slots once its task completed (or it threw before starting one).
            Array.Clear(lookups, 0, count);
            ArrayPool<SubjectLookup>.Shared.Return(lookups);
            ArrayPool<bool>.Shared.Return(answered);
        }
    }

    private async ValueTask<IReadOnlyList<CreditDecision>> CheckStagedAsync(
        IStagedBatchLookup staged, IReadOnlyList<CheckRequest> requests, RequestSubjects subjects, SubjectLookup[] lookups, bool[] answered, CancellationToken cancellationToken)
    {
        var decisions = new CreditDecision[subjects.Count];
        ValueTask reading;
        try
        {
            reading = staged.LookupManyAsync(subjects, lookups, answered, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return [.. requests.Select(r => DecideWithoutStore(r, e))];
        }

        // One clock read for the local stage: a subject found in no entry is decided alike at any instant, and
        // the read costs as much as such a decision (its time stamp is the stage's start, under a millisecond off).
        var stageNow = _time.GetUtcNow();
        try
        {
            for (var i = 0; i < decisions.Length; i++)
            {
                if (answered[i] && !RelatedEntryLapse.Needed(lookups[i]))
                {
                    decisions[i] = Decide(requests[i], lookups[i], stageNow);
                }
            }
        }
        catch
        {
            // An unknown scenario, say: the caller gets the error, but only once the store's read no longer
            // writes into the slots, which go back to the pool for other batches.
            try
            {
                await reading.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The caller's error is the one to report; the read's own failure no longer matters.
            }

            throw;
        }

        Exception? failure = null;
        try
        {
            await reading.ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            failure = e;
        }

        for (var i = 0; i < decisions.Length; i++)
        {
            if (decisions[i] is not null)
            {
                continue;
            }

            if (answered[i] || failure is null)
            {
                var lookup = lookups[i];
                if (RelatedEntryLapse.Needed(lookup))
                {
                    lookup = await RelatedEntryLapse.ApplyAsync(_store, lookup, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                }

                decisions[i] = Decide(requests[i], lookup);
            }
            else
            {
                decisions[i] = DecideWithoutStore(requests[i], failure);
            }
        }

        return decisions;
    }

    private async ValueTask<CreditDecision> AwaitLookupAsync(CheckRequest request, ValueTask<SubjectLookup> pending, Activity? activity, long started, CancellationToken cancellationToken)
    {
        SubjectLookup lookup;
        try
        {
            lookup = await pending.ConfigureAwait(false);
            if (RelatedEntryLapse.Needed(lookup))
            {
                lookup = await RelatedEntryLapse.ApplyAsync(_store, lookup, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return Completed(DecideWithoutStore(request, e), activity, started);
        }
        catch
        {
            activity?.Dispose();
            throw;
        }

        // Outside the catch: an unknown scenario is the caller's mistake, not a store failure.
        try
        {
            return Completed(Decide(request, lookup), activity, started);
        }
        catch
        {
            activity?.Dispose();
            throw;
        }
    }

    private CreditDecision Completed(CreditDecision decision, Activity? activity, long started)
    {
        if (started != 0)
        {
            _metrics!.RecordCheckDuration(started);
        }

        CreditCheckActivities.Complete(activity, decision);
        return decision;
    }

    /// <param name="request">The request.</param>
    /// <param name="lookup">The store's answer.</param>
    /// <param name="stageNow">A batch stage's instant, used when the lookup holds no entry (validity windows
    /// do not matter then); null, or a lookup with entries, reads the clock.</param>
    private CreditDecision Decide(CheckRequest request, in SubjectLookup lookup, DateTimeOffset? stageNow = null)
    {
        if (lookup.Entries is null || lookup.Unreadable is null)
        {
            return DecideWithoutStore(request, new InvalidOperationException($"The store {_store.GetType().Name} returned an empty lookup."));
        }

        var now = stageNow is { } shared && lookup.Entries.Count == 0 && lookup.Unreadable.Count == 0 ? shared : _time.GetUtcNow();
        var catalog = lookup.Catalog ?? _compiled?.Source;
        var checkId = request.PresetCheckId ?? CheckIds.Next(now);
        var decision = catalog is null
            ? DecisionEngine.DecideWithoutCatalog(request, lookup, _options.OnUnavailable, now, checkId)
            : Decide(Compile(catalog), request, lookup, now, checkId);
        _metrics?.Record(decision);
        if (request.PresetCheckId is null)
        {
            // A check decided again under its id (feedback reported by a tool) was counted where it was made.
            _counter?.Count(request.Department, request.Scenario, decision.MatchedEntries.Count > 0, now);
        }
        // Guarded: the masked subject is a new string, and a batch of good-standing or degraded answers makes one each.
        if ((decision.Outcome != DecisionOutcome.Clear || decision.IsDegraded) && _logger.IsEnabled(LogLevel.Debug))
        {
            Log.Decided(_logger, decision.CheckId, decision.Subject, decision.Scenario, decision.Outcome, decision.Path, decision.DegradedReason);
        }

        return decision;
    }

    // A store must not throw, but if one does the host still gets a decision under its policy.
    private CreditDecision DecideWithoutStore(CheckRequest request, Exception error)
    {
        Log.StoreFailed(_logger, error, request.Subject.Masked);
        var lookup = new SubjectLookup(_compiled?.Source, [], [], LookupSource.Unavailable, default, $"The store failed: {error.Message}");
        return Decide(request, lookup);
    }

    // Clean and policy decisions share facts made from the same compiled catalog (its scenario indexes are the slots').
    private CreditDecision Decide(CompiledCatalog compiled, CheckRequest request, in SubjectLookup lookup, DateTimeOffset now, Guid checkId)
    {
        var shared = _sharedFacts;
        if (!ReferenceEquals(shared?.Catalog, compiled))
        {
            shared = new SharedDecisionFacts(compiled);
            _sharedFacts = shared;
        }

        return DecisionEngine.Decide(compiled, request, lookup, _options.OnUnavailable, now, checkId, shared, _options.OnListsNotHeld);
    }

    private CompiledCatalog Compile(CreditCatalog catalog)
    {
        var compiled = _compiled;
        if (compiled is not null && ReferenceEquals(compiled.Source, catalog))
        {
            return compiled;
        }

        compiled = new CompiledCatalog(catalog);
        _compiled = compiled;
        Log.CatalogCompiled(_logger, catalog.Version, catalog.Lists.Count, catalog.Measures.Count, catalog.Scenarios.Count);
        return compiled;
    }

    /// <summary>A batch's subjects, read through its requests (checked not null before).</summary>
    private sealed class RequestSubjects(IReadOnlyList<CheckRequest> requests) : IReadOnlyList<SubjectId>
    {
        public int Count => requests.Count;

        public SubjectId this[int index] => requests[index].Subject;

        public IEnumerator<SubjectId> GetEnumerator()
        {
            for (var i = 0; i < requests.Count; i++)
            {
                yield return requests[i].Subject;
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
