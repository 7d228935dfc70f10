using CreditCheck.Cli.Reporting;
using CreditCheck.Stores;

namespace CreditCheck.Tests.Cli;

/// <summary>The report's department ranking: counts beside feedback, 反馈率, 闭环率, commitments, shared ranks.</summary>
public sealed class DepartmentRankingTests
{
    private static readonly DateOnly Day = new(2026, 12, 5);
    private static readonly DateTimeOffset At = new(2026, 12, 5, 10, 0, 0, TimeSpan.FromHours(8));

    private static FeedbackRecord Record(string department, Guid check, ExecutionResult result, string? reason = null, bool hit = true) => new()
    {
        Key = $"{check:N}:{(hit ? "m" : "-")}",
        CheckId = check,
        SubjectKind = SubjectKind.LegalEntity,
        SubjectCode = "91110105336900600J",
        Scenario = "licensing",
        Outcome = hit ? DecisionOutcome.Restricted : DecisionOutcome.Clear,
        CatalogVersion = "1",
        Sequence = 1,
        MeasureCode = hit ? "m" : null,
        Lists = hit ? ["debtors"] : [],
        EntryIds = hit ? ["e1"] : [],
        Result = result,
        Reason = reason,
        Department = department,
        ExecutedAt = At,
        ReportedAt = At,
    };

    private static CreditCommitment Commitment(string department, CommitmentStatus status, DateOnly due) => new()
    {
        Id = Guid.NewGuid().ToString("N"),
        Subject = SubjectId.Parse("91110105336900600J", SubjectKind.LegalEntity),
        MatterCode = "XK-001",
        Promise = "材料限期补齐",
        Department = department,
        RecordedAt = At,
        DueOn = due,
        Status = status,
    };

    [Fact]
    public void Compute_HitsAndCounts_ClosedLoopOnlyWithAReasonAndRanksShared()
    {
        Guid[] a = [Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid()];
        Guid[] b = [Guid.NewGuid(), Guid.NewGuid()];
        FeedbackRecord[] records =
        [
            Record("甲局", a[0], ExecutionResult.Executed),
            Record("甲局", a[1], ExecutionResult.NotExecuted, reason: " "),          // no reason: not closed
            Record("甲局", a[2], ExecutionResult.NothingToExecute, hit: false),
            Record("乙局", b[0], ExecutionResult.Overridden, reason: "法院已裁定解除"),
            Record("乙局", b[1], ExecutionResult.NothingToExecute, hit: false),
        ];
        CheckCount[] counts =
        [
            new(Day, "甲局", "licensing", 6, 3),
            new(Day, "乙局", "licensing", 4, 1),
            new(Day, "丁局", "licensing", 2, 0),
        ];
        CreditCommitment[] commitments =
        [
            Commitment("甲局", CommitmentStatus.Fulfilled, Day),
            Commitment("甲局", CommitmentStatus.Breached, Day),
            Commitment("甲局", CommitmentStatus.Open, Day.AddDays(-1)),
            Commitment("甲局", CommitmentStatus.Open, Day.AddDays(1)),
        ];

        var rows = DepartmentRanking.Compute(records, counts, commitments, Day).ToDictionary(r => r.Department);

        Assert.Equal((6L, 3L, 0.5, 3L, 1L / 3.0), (rows["甲局"].Checks, rows["甲局"].Reported, rows["甲局"].FeedbackRate!.Value, rows["甲局"].Hits, rows["甲局"].ClosedLoopRate!.Value));
        Assert.Equal((4L, 2L, 0.5, 1L, 1.0), (rows["乙局"].Checks, rows["乙局"].Reported, rows["乙局"].FeedbackRate!.Value, rows["乙局"].Hits, rows["乙局"].ClosedLoopRate!.Value));
        Assert.Null(rows["丁局"].ClosedLoopRate);
        Assert.Equal(new CommitmentTally(4, 1, 1, 1), rows["甲局"].Commitments);
        // 乙局 and 甲局 share 反馈率 50%; 乙局 closed its loop; 丁局 reported nothing.
        Assert.Equal((1, 2, 3), (rows["乙局"].Rank, rows["甲局"].Rank, rows["丁局"].Rank));
    }

    [Fact]
    public void Compute_NoCountsFromOlderHosts_ReportedChecksStandIn()
    {
        var rows = DepartmentRanking.Compute([Record("甲局", Guid.NewGuid(), ExecutionResult.Executed)], [], [], Day);

        var row = Assert.Single(rows);
        Assert.Equal((1L, 1L, 1.0, 1L, 1), (row.Checks, row.Reported, row.FeedbackRate!.Value, row.Hits, row.Rank));
    }

    [Fact]
    public void Compute_EqualRows_ShareARank()
    {
        CheckCount[] counts = [new(Day, "甲局", "licensing", 2, 0), new(Day, "乙局", "licensing", 2, 0), new(Day, "丙局", "licensing", 1, 0)];

        var rows = DepartmentRanking.Compute([], counts, [], Day);

        Assert.Equal([("乙局", 1), ("甲局", 1), ("丙局", 3)], rows.Select(r => (r.Department, r.Rank)));
    }
}
