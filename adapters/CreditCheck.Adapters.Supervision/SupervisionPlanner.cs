using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using System.Security.Cryptography;
using System.Text;
using CreditCheck.Catalog;
using CreditCheck.Stores;
using Microsoft.Extensions.Options;

namespace CreditCheck.Adapters.Supervision;

/// <summary>
/// Plans a 双随机、一公开 inspection: checks every subject of a population in batches, gives each an inspection
/// ratio from its credit grade and list status as the catalog says, and draws a reproducible sample.
/// </summary>
/// <remarks>
/// <para>Tiers, first that holds: on a serious list in force → <see cref="InspectionTier.Always"/> (when the catalog
/// says so); a check that could not read the subject's data → <see cref="InspectionTier.Increased"/> (damage never
/// makes a subject clean); a restriction or supervision measure applied in the scenario (提高抽查比例和频次 for a
/// focus list or the lowest grade) → <see cref="InspectionTier.Increased"/>; a reduced-inspection benefit
/// (降低抽查比例和频次 for the top grade or a red list) → <see cref="InspectionTier.Reduced"/>; otherwise
/// <see cref="InspectionTier.Regular"/>.</para>
/// <para>The draw: a subject is drawn when <see cref="DrawValue"/> — the first 8 bytes of SHA-256 of
/// "<c>seed:identifier</c>" as a fraction of 2^64 — is below its ratio. Each subject's draw depends on the seed and
/// itself only, so the same seed and population give the same sample in any order or batching, anyone can recompute
/// a draw (<c>printf '42:91350100M000100Y43' | sha256sum</c>), and the population streams through in constant
/// memory (bar a 64-bit fingerprint per subject to count duplicates).</para>
/// </remarks>
public sealed class SupervisionPlanner
{
    private readonly ICreditChecker _checker;
    private readonly ICreditStore _store;
    private readonly SupervisionOptions _options;
    private readonly TimeProvider _time;
    private readonly int _batchSize;

    /// <summary>Creates the planner; dependency injection calls this.</summary>
    /// <param name="checker">The checker.</param>
    /// <param name="store">The store (for the catalog's inspection ratios).</param>
    /// <param name="options">The adapter's options.</param>
    /// <param name="checkOptions">The checker's options (for its batch size).</param>
    /// <param name="time">The clock.</param>
    public SupervisionPlanner(ICreditChecker checker, ICreditStore store, IOptions<SupervisionOptions> options, IOptions<CreditCheckOptions> checkOptions, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(checker);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(checkOptions);
        ArgumentNullException.ThrowIfNull(time);
        _checker = checker;
        _store = store;
        _options = options.Value;
        _time = time;
        _batchSize = Math.Clamp(_options.BatchSize, 1, Math.Max(1, checkOptions.Value.MaxBatchSize));
    }

    /// <summary>A subject's draw value for a seed, in [0, 1): SHA-256 of the UTF-8 of "<c>seed:identifier</c>", first
    /// 8 bytes big-endian, divided by 2^64.</summary>
    /// <param name="seed">The task's seed.</param>
    /// <param name="subject">The subject.</param>
    public static double DrawValue(long seed, SubjectId subject)
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"{seed}:{subject.Value}");
        Span<byte> utf8 = stackalloc byte[128];
        var length = Encoding.UTF8.GetBytes(text, utf8);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(utf8[..length], hash);
        return (BinaryPrimitives.ReadUInt64BigEndian(hash) >> 11) * (1.0 / (1UL << 53)); // 53 bits: exact in a double
    }

    /// <summary>Plans the inspection of <paramref name="population"/>.</summary>
    /// <param name="task">The base ratio, seed and scenario.</param>
    /// <param name="population">The subjects, streamed; a subject given twice is planned once and counted.</param>
    /// <param name="onAssigned">Receives each subject's assignment in population order (write the plan here); optional.</param>
    /// <param name="progress">Receives the number of subjects planned so far, once per batch; optional.</param>
    /// <param name="cancellationToken">Cancels the plan.</param>
    /// <returns>The plan's summary: seed, catalog version, sequence, groups.</returns>
    /// <exception cref="ArgumentException">The base ratio is not in (0, 1], or the scenario is not in the catalog.</exception>
    /// <exception cref="InvalidOperationException">The catalog changed during the plan; plan again.</exception>
    public async Task<InspectionPlan> PlanAsync(
        InspectionTask task,
        IAsyncEnumerable<SubjectId> population,
        Func<InspectionAssignment, CancellationToken, ValueTask>? onAssigned = null,
        IProgress<long>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(population);
        if (!(task.BaseRatio > 0 && task.BaseRatio <= 1))
        {
            throw new ArgumentException($"The base ratio {task.BaseRatio.ToString(CultureInfo.InvariantCulture)} is not in (0, 1].", nameof(task));
        }

        var state = new PlanState(task);
        var seen = new HashSet<ulong>();
        var batch = new List<CheckRequest>(_batchSize);
        await foreach (var subject in population.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (!seen.Add(XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(subject.Value))))
            {
                state.Duplicates++;
                continue;
            }

            state.Ratios ??= await RatiosAsync(subject, task.BaseRatio, cancellationToken).ConfigureAwait(false);
            batch.Add(new CheckRequest(subject, task.Scenario) { Department = task.Department, TransactionReference = task.TaskReference });
            if (batch.Count == _batchSize)
            {
                await PlanBatchAsync(batch, state, onAssigned, cancellationToken).ConfigureAwait(false);
                progress?.Report(state.Population);
                batch.Clear();
            }
        }

        if (batch.Count > 0)
        {
            await PlanBatchAsync(batch, state, onAssigned, cancellationToken).ConfigureAwait(false);
            progress?.Report(state.Population);
        }

        var ratios = state.Ratios ?? await RatiosAsync(null, task.BaseRatio, cancellationToken).ConfigureAwait(false);
        return new InspectionPlan
        {
            Seed = task.Seed,
            BaseRatio = task.BaseRatio,
            CatalogVersion = state.CatalogVersion ?? ratios.CatalogVersion,
            Sequence = (state.FirstSequence ?? 0, state.LastSequence ?? 0),
            RatioBasis = ratios.Basis,
            Population = state.Population,
            Duplicates = state.Duplicates,
            Drawn = state.Groups.Sum(g => g.Drawn),
            Groups = [.. Enum.GetValues<InspectionTier>().Where(t => state.Groups[(int)t - 1].Population > 0)
                .Select(t => new InspectionGroup(t, state.Groups[(int)t - 1].Population, ratios.Of(t), state.Groups[(int)t - 1].Drawn))],
            PlannedAt = _time.GetUtcNow(),
        };
    }

    private async Task PlanBatchAsync(List<CheckRequest> batch, PlanState state, Func<InspectionAssignment, CancellationToken, ValueTask>? onAssigned, CancellationToken cancellationToken)
    {
        var decisions = await _checker.CheckManyAsync(batch, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < decisions.Count; i++)
        {
            var decision = decisions[i];
            if (decision.CatalogVersion.Length > 0)
            {
                state.CatalogVersion ??= decision.CatalogVersion;
                if (!string.Equals(state.CatalogVersion, decision.CatalogVersion, StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"The catalog changed from {state.CatalogVersion} to {decision.CatalogVersion} during the plan; plan again so that every subject is judged by one catalog.");
                }
            }

            state.FirstSequence = Math.Min(state.FirstSequence ?? long.MaxValue, decision.Sequence);
            state.LastSequence = Math.Max(state.LastSequence ?? long.MinValue, decision.Sequence);
            var subject = batch[i].Subject;
            var (tier, reason) = TierOf(decision, subject, state.Ratios!.SeriousAlways);
            var assignment = new InspectionAssignment
            {
                Subject = subject,
                Tier = tier,
                Ratio = state.Ratios.Of(tier),
                Draw = DrawValue(state.Task.Seed, subject),
                Reason = reason,
                Ratings = decision.Ratings.Count == 0 ? [] : [.. decision.Ratings.Select(r => r.ToString())],
                CheckId = decision.CheckId,
                Sequence = decision.Sequence,
            };
            state.Population++;
            ref var group = ref state.Groups[(int)tier - 1];
            group.Population++;
            group.Drawn += assignment.Drawn ? 1 : 0;
            if (onAssigned is not null)
            {
                await onAssigned(assignment, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The tier and its reason, first rule that holds (see the class remarks).</summary>
    internal static (InspectionTier Tier, string Reason) TierOf(CreditDecision decision, SubjectId subject, bool seriousAlways)
    {
        if (seriousAlways && decision.MatchedEntries.FirstOrDefault(e => e.IsInForce && !e.IsRelatedPerson
            && e.List is { Category: ListCategory.Punishment, Severity: ListSeverity.Serious }) is { } serious)
        {
            // The rule is the catalog's inspection policy (local policy, cited in the plan's basis), not the list's
            // own regulation: citing the list's basis here read as if that document required 全部抽查.
            return (InspectionTier.Always, $"列入{serious.List!.Name}（严重失信主体名单），按目录抽查比例规定全部抽查（地方政策）");
        }

        if (decision.IsDegraded || decision.UnreadableEntries.Count > 0 || decision.MatchedEntries.Any(e => e.State == EntryState.UnknownList))
        {
            // Chinese only (found by review: the English DegradedReason and UnreadableEntry.Reason went into plan.csv's
            // reason column); the English stays in the decision for developers and logs.
            var why = decision.IsDegraded ? AdapterText.Unchecked(decision, subject)
                : decision.UnreadableEntries.Count > 0 ? $"{decision.UnreadableEntries.Count}条名单记录无法读取"
                : "名单记录不在当前目录中";
            return (InspectionTier.Increased, $"信用数据无法完整读取（{why}），按提高抽查处理，待人工核实");
        }

        if (decision.AppliedMeasures.FirstOrDefault(m => !m.Measure.IsBenefit && m.Measure.Effect != MeasureEffect.Notify) is { } increased)
        {
            return (InspectionTier.Increased, $"{increased.Measure.Name}：{Trigger(increased)}（{increased.LegalBasis}）");
        }

        if (decision.AppliedMeasures.FirstOrDefault(m => m.Measure.Effect == MeasureEffect.ReducedInspection) is { } reduced)
        {
            return (InspectionTier.Reduced, $"{reduced.Measure.Name}：{Trigger(reduced)}（{reduced.LegalBasis}）");
        }

        var voided = decision.VoidedMeasures.FirstOrDefault(m => m.Measure.Effect == MeasureEffect.ReducedInspection);
        var levels = decision.Ratings.Count == 0 ? "无信用评价结果" : string.Join("、", decision.Ratings.Select(AdapterText.Grade));
        return (InspectionTier.Regular, voided is null ? $"常规抽查（{levels}）" : $"常规抽查（{levels}；{voided.Measure.Name}不适用：{voided.VoidReason}）");
    }

    private static string Trigger(AppliedMeasure measure) =>
        measure.Rating is { } rating ? AdapterText.Grade(rating)
        : measure.TriggeredBy.Count > 0 ? $"列入{string.Join("、", measure.TriggeredBy.Select(e => e.List?.Name ?? e.Entry.ListCode).Distinct(StringComparer.Ordinal))}"
        : "信用良好";

    private async Task<Ratios> RatiosAsync(SubjectId? probe, double baseRatio, CancellationToken cancellationToken)
    {
        CreditCatalog? catalog = null;
        if (probe is { } subject)
        {
            catalog = (await _store.LookupAsync(subject, cancellationToken).ConfigureAwait(false)).Catalog;
        }

        if (catalog?.Inspection is { } policy)
        {
            return new Ratios(baseRatio, policy.ReducedMultiplier, policy.IncreasedMultiplier, policy.SeriousListsAlwaysInspected,
                $"目录 {catalog.Version}：降低 ×{F(policy.ReducedMultiplier)}，提高 ×{F(policy.IncreasedMultiplier)}；{policy.LegalBasis}", catalog.Version);
        }

        return new Ratios(baseRatio, _options.ReducedMultiplier, _options.IncreasedMultiplier, SeriousAlways: true,
            $"目录{(catalog is null ? "未知" : $" {catalog.Version} ")}未设抽查比例，按适配器选项：降低 ×{F(_options.ReducedMultiplier)}，提高 ×{F(_options.IncreasedMultiplier)}", catalog?.Version ?? string.Empty);

        static string F(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
    }

    private sealed record Ratios(double BaseRatio, double Reduced, double Increased, bool SeriousAlways, string Basis, string CatalogVersion)
    {
        public double Of(InspectionTier tier) => tier switch
        {
            InspectionTier.Reduced => BaseRatio * Reduced,
            InspectionTier.Increased => Math.Min(1, BaseRatio * Increased),
            InspectionTier.Always => 1,
            _ => BaseRatio,
        };
    }

    private sealed class PlanState(InspectionTask task)
    {
        public InspectionTask Task { get; } = task;

        public Ratios? Ratios { get; set; }

        public string? CatalogVersion { get; set; }

        public long? FirstSequence { get; set; }

        public long? LastSequence { get; set; }

        public long Population { get; set; }

        public long Duplicates { get; set; }

        public GroupCount[] Groups { get; } = new GroupCount[4];
    }

    private struct GroupCount
    {
        public long Population;
        public long Drawn;
    }
}
