using CreditCheck.Stores;

namespace CreditCheck.Cli.Reporting;

/// <summary>One department's row of the ranking (考核).</summary>
/// <param name="Department">As the hosts give it (trimmed), or <see cref="Labels.NoDepartment"/>.</param>
/// <param name="Checks">核查数: checks counted by the hosts in the period's days (at least those reported on).</param>
/// <param name="Reported">反馈数: of those, checks with feedback.</param>
/// <param name="Hits">命中数: checks that matched list entries (at least those reported with entries).</param>
/// <param name="Closed">Hits whose every measure was reported executed, or not executed or overridden with a reason.</param>
/// <param name="Commitments">信用承诺 recorded in the period, and how they stand.</param>
/// <param name="Rank">1 for the best; equal rows share a rank.</param>
internal sealed record DepartmentRow(string Department, long Checks, long Reported, long Hits, long Closed, CommitmentTally Commitments, int Rank)
{
    /// <summary>反馈率: reported ÷ checks; null without checks.</summary>
    public double? FeedbackRate => Checks == 0 ? null : (double)Reported / Checks;

    /// <summary>闭环率: closed ÷ hits; null without hits (nothing to close).</summary>
    public double? ClosedLoopRate => Hits == 0 ? null : (double)Closed / Hits;
}

/// <summary>Commitments recorded in the period: made, kept (fulfilled), broken (breached), overdue (open past due today).</summary>
internal sealed record CommitmentTally(int Made, int Kept, int Broken, int Overdue);

/// <summary>
/// The department ranking of the report: the hosts' check counts (every check, reported or not) beside the
/// period's feedback. Ranking rule: by 反馈率, then 闭环率 (a department without hits counts as fully closed:
/// it left nothing open), then 核查数, all descending; rows equal on all three share a rank (1, 2, 2, 4).
/// A department whose hosts do not count (an older SDK) shows its reported checks as its checks.
/// </summary>
internal static class DepartmentRanking
{
    public static IReadOnlyList<DepartmentRow> Compute(
        IReadOnlyList<FeedbackRecord> records, IReadOnlyList<CheckCount> counts, IReadOnlyList<CreditCommitment> commitments, DateOnly today)
    {
        static string Name(string? department) => string.IsNullOrWhiteSpace(department) ? Labels.NoDepartment : department.Trim();

        var counted = counts.GroupBy(c => Name(c.Department), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (Checks: g.Sum(c => c.Checks), Hits: g.Sum(c => c.Hits)), StringComparer.Ordinal);
        var reported = records.GroupBy(r => Name(r.Department), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.GroupBy(r => r.CheckId).ToList(), StringComparer.Ordinal);
        var promised = commitments.GroupBy(c => Name(c.Department), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => new CommitmentTally(
                g.Count(),
                g.Count(c => c.Status == CommitmentStatus.Fulfilled),
                g.Count(c => c.Status == CommitmentStatus.Breached),
                g.Count(c => c.IsOverdue(today))), StringComparer.Ordinal);

        var rows = counted.Keys.Union(reported.Keys).Union(promised.Keys).Select(department =>
        {
            var (checks, hits) = counted.GetValueOrDefault(department);
            var checksReported = reported.GetValueOrDefault(department) ?? [];
            var hitChecks = checksReported.Where(c => c.Any(r => r.EntryIds.Count > 0)).ToList();
            var closed = hitChecks.Count(c => c.All(Closes));
            return new DepartmentRow(
                department,
                Math.Max(checks, checksReported.Count),
                checksReported.Count,
                Math.Max(hits, hitChecks.Count),
                closed,
                promised.GetValueOrDefault(department) ?? new CommitmentTally(0, 0, 0, 0),
                0);
        }).ToList();

        var ordered = rows
            .OrderByDescending(r => r.FeedbackRate ?? 0)
            .ThenByDescending(r => r.ClosedLoopRate ?? 1)
            .ThenByDescending(r => r.Checks)
            .ThenBy(r => r.Department, StringComparer.Ordinal)
            .ToList();
        var ranked = new List<DepartmentRow>(ordered.Count);
        for (var i = 0; i < ordered.Count; i++)
        {
            var same = i > 0 && SameScore(ordered[i], ordered[i - 1]);
            ranked.Add(ordered[i] with { Rank = same ? ranked[i - 1].Rank : i + 1 });
        }

        return ranked;
    }

    // A measure's loop is closed when it was executed, or set aside with a reason; a check with no measure has nothing open.
    private static bool Closes(FeedbackRecord record) => record.Result switch
    {
        ExecutionResult.Executed or ExecutionResult.NothingToExecute => true,
        ExecutionResult.NotExecuted or ExecutionResult.Overridden => !string.IsNullOrWhiteSpace(record.Reason),
        _ => false,
    };

    private static bool SameScore(DepartmentRow a, DepartmentRow b) =>
        a.FeedbackRate == b.FeedbackRate && (a.ClosedLoopRate ?? 1) == (b.ClosedLoopRate ?? 1) && a.Checks == b.Checks;
}
