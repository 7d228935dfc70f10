using CreditCheck.Catalog;

namespace CreditCheck.Cli.Reporting;

/// <summary>The counts of one row of the report (DOMAIN §5: queries, hits, punishments, rewards).</summary>
/// <param name="Records">Feedback records (one per measure, or one for a check that applied none).</param>
/// <param name="Checks">Distinct checks.</param>
/// <param name="Hits">Of those, checks that matched list entries (命中), as the hosts' check counts count them: a
/// subject in good standing granted 告知承诺 (Benefit) or a degraded Review found nothing, and is no hit.</param>
/// <param name="PunishmentsExecuted">Restriction and supervision measures executed (已惩戒).</param>
/// <param name="RewardsExecuted">Benefit measures executed (已激励).</param>
/// <param name="NotExecuted">Measures not executed (未执行), each with a reason.</param>
/// <param name="Overridden">Measures set aside by someone with the authority to (经批准不执行).</param>
internal sealed record FeedbackTally(int Records, int Checks, int Hits, int PunishmentsExecuted, int RewardsExecuted, int NotExecuted, int Overridden)
{
    public static FeedbackTally Of(IReadOnlyCollection<FeedbackRecord> records)
    {
        var checks = new HashSet<Guid>();
        var hits = new HashSet<Guid>();
        int punishments = 0, rewards = 0, notExecuted = 0, overridden = 0;
        foreach (var record in records)
        {
            checks.Add(record.CheckId);
            if (record.EntryIds.Count > 0)
            {
                hits.Add(record.CheckId);
            }

            switch (record.Result)
            {
                case ExecutionResult.Executed when record.MeasureKind is MeasureKind.Benefit:
                    rewards++;
                    break;
                case ExecutionResult.Executed when record.MeasureKind is MeasureKind.Restriction or MeasureKind.Supervision:
                    punishments++;
                    break;
                case ExecutionResult.NotExecuted:
                    notExecuted++;
                    break;
                case ExecutionResult.Overridden:
                    overridden++;
                    break;
            }
        }

        return new FeedbackTally(records.Count, checks.Count, hits.Count, punishments, rewards, notExecuted, overridden);
    }
}

/// <summary>One row of a breakdown: a department, scenario, list or measure (<see cref="Key"/>, its code or
/// name as recorded) and its counts.</summary>
internal sealed record FeedbackGroup(string Key, string? Name, FeedbackTally Tally);

/// <summary>How often a reason (or a person) was given, and for which measures.</summary>
internal sealed record ReasonCount(string Reason, int Count, IReadOnlyList<string> Measures);

/// <summary>
/// The numbers of the periodic report, from a period's feedback records (each key counted once): totals,
/// the breakdowns per department, scenario, list and measure, and the reasons for measures not executed
/// or overridden. Pure: rendering is <see cref="FeedbackReportPage"/>'s.
/// </summary>
/// <remarks>A record counts for every list that triggered its measure, so the per-list rows may add up to
/// more than the totals; a check reported by two departments counts once for each.</remarks>
internal sealed class FeedbackStatistics
{
    private FeedbackStatistics(IReadOnlyList<FeedbackRecord> records)
    {
        Totals = FeedbackTally.Of(records);
        ByDepartment = Group(records, r => [string.IsNullOrWhiteSpace(r.Department) ? Labels.NoDepartment : r.Department.Trim()]);
        ByScenario = Group(records, r => [r.Scenario]);
        ByList = Group(records, r => r.Lists);
        ByMeasure = Group(records, r => r.MeasureCode is null ? [] : [r.MeasureCode], r => r.MeasureName);
        NotExecutedReasons = Count(records.Where(r => r.Result == ExecutionResult.NotExecuted), r => r.Reason);
        OverriddenBy = Count(records.Where(r => r.Result == ExecutionResult.Overridden), r => r.OverriddenBy);
        OverrideReasons = Count(records.Where(r => r.Result == ExecutionResult.Overridden), r => r.Reason);
    }

    public FeedbackTally Totals { get; }

    public IReadOnlyList<FeedbackGroup> ByDepartment { get; }

    public IReadOnlyList<FeedbackGroup> ByScenario { get; }

    public IReadOnlyList<FeedbackGroup> ByList { get; }

    /// <summary>Per measure; <see cref="FeedbackGroup.Name"/> is the measure's name as recorded.</summary>
    public IReadOnlyList<FeedbackGroup> ByMeasure { get; }

    /// <summary>Reasons given for measures not executed, most frequent first.</summary>
    public IReadOnlyList<ReasonCount> NotExecutedReasons { get; }

    /// <summary>Who set measures aside, most frequent first.</summary>
    public IReadOnlyList<ReasonCount> OverriddenBy { get; }

    /// <summary>Why measures were set aside, most frequent first.</summary>
    public IReadOnlyList<ReasonCount> OverrideReasons { get; }

    public static FeedbackStatistics Compute(IEnumerable<FeedbackRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return new FeedbackStatistics([.. records.Where(r => seen.Add(r.Key))]);
    }

    // Rows with the most checks first, then the most hits, then by key, so the order is stable.
    private static List<FeedbackGroup> Group(
        IReadOnlyList<FeedbackRecord> records,
        Func<FeedbackRecord, IEnumerable<string>> keys,
        Func<FeedbackRecord, string?>? name = null)
    {
        var groups = new Dictionary<string, List<FeedbackRecord>>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            foreach (var key in keys(record).Distinct(StringComparer.Ordinal))
            {
                if (!groups.TryGetValue(key, out var members))
                {
                    groups[key] = members = [];
                }

                members.Add(record);
            }
        }

        return [.. groups
            .Select(g => new FeedbackGroup(g.Key, name is null ? null : g.Value.Select(name).FirstOrDefault(n => !string.IsNullOrEmpty(n)), FeedbackTally.Of(g.Value)))
            .OrderByDescending(g => g.Tally.Checks)
            .ThenByDescending(g => g.Tally.Hits)
            .ThenBy(g => g.Key, StringComparer.Ordinal)];
    }

    private static List<ReasonCount> Count(IEnumerable<FeedbackRecord> records, Func<FeedbackRecord, string?> reason) =>
        [.. records
            .GroupBy(r => string.IsNullOrWhiteSpace(reason(r)) ? "（未说明）" : reason(r)!.Trim(), StringComparer.Ordinal)
            .Select(g => new ReasonCount(g.Key, g.Count(), [.. g.Select(r => r.MeasureName ?? r.MeasureCode ?? "").Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)]))
            .OrderByDescending(r => r.Count)
            .ThenBy(r => r.Reason, StringComparer.Ordinal)];
}
