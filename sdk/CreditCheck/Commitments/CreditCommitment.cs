namespace CreditCheck;

/// <summary>One 信用承诺: what a subject promised when a 告知承诺 or 容缺受理 route was followed, and how it
/// ended. Open until fulfilled or breached; <see cref="IsOverdue"/> once its due day has passed.</summary>
/// <remarks>Immutable; <see cref="ICreditCommitments"/> returns a new one at each change.</remarks>
public sealed record CreditCommitment
{
    /// <summary>The commitment's id (32 hex digits, sortable by recording time).</summary>
    public required string Id { get; init; }

    /// <summary>Who promised.</summary>
    public required SubjectId Subject { get; init; }

    /// <summary>The subject's name, for display.</summary>
    public string? SubjectName { get; init; }

    /// <summary>The matter (事项编码) the promise was made for.</summary>
    public required string MatterCode { get; init; }

    /// <summary>The matter's name (事项名称).</summary>
    public string? MatterName { get; init; }

    /// <summary>What was promised, in the clerk's words (e.g. 场地租赁合同于2026年12月12日前补齐).</summary>
    public required string Promise { get; init; }

    /// <summary>The materials to follow (容缺受理); empty when the promise is a condition to be verified (告知承诺).</summary>
    public IReadOnlyList<string> Materials { get; init; } = [];

    /// <summary>The receiving department (受理部门).</summary>
    public string? Department { get; init; }

    /// <summary>The check the route rested on, when there was one.</summary>
    public Guid? CheckId { get; init; }

    /// <summary>When it was recorded.</summary>
    public required DateTimeOffset RecordedAt { get; init; }

    /// <summary>The last day (China Standard Time) to keep the promise.</summary>
    public required DateOnly DueOn { get; init; }

    /// <summary>Open, fulfilled or breached.</summary>
    public required CommitmentStatus Status { get; init; }

    /// <summary>When it was fulfilled or breached.</summary>
    public DateTimeOffset? ClosedAt { get; init; }

    /// <summary>Why it was breached (or a note on fulfilment).</summary>
    public string? Reason { get; init; }

    /// <summary>Whether it is still open after its due day.</summary>
    /// <param name="today">Today, China Standard Time.</param>
    /// <returns>True when open and <paramref name="today"/> is after <see cref="DueOn"/>.</returns>
    public bool IsOverdue(DateOnly today) => Status == CommitmentStatus.Open && today > DueOn;
}

/// <summary>Where a commitment stands.</summary>
public enum CommitmentStatus
{
    /// <summary>履约中: not yet due, or overdue and not yet confirmed broken.</summary>
    Open = 1,

    /// <summary>已履约.</summary>
    Fulfilled = 2,

    /// <summary>未履约 / 虚假承诺: the subject was listed on <c>broken-commitments</c>.</summary>
    Breached = 3,
}

/// <summary>A promise to record (<see cref="ICreditCommitments.RecordAsync"/>).</summary>
/// <param name="Subject">Who promised.</param>
/// <param name="MatterCode">The matter (事项编码).</param>
/// <param name="Promise">What was promised.</param>
/// <param name="DueOn">The last day (China Standard Time) to keep it.</param>
public sealed record NewCommitment(SubjectId Subject, string MatterCode, string Promise, DateOnly DueOn)
{
    /// <summary>The subject's name, for display.</summary>
    public string? SubjectName { get; init; }

    /// <summary>The matter's name.</summary>
    public string? MatterName { get; init; }

    /// <summary>The materials to follow, if any.</summary>
    public IReadOnlyList<string> Materials { get; init; } = [];

    /// <summary>The receiving department.</summary>
    public string? Department { get; init; }

    /// <summary>The check the route rested on.</summary>
    public Guid? CheckId { get; init; }

    /// <summary>Whether the promise was taken earlier and is recorded late (补录), so that a <see cref="DueOn"/> already
    /// past is accepted — the commitment is then overdue at once and due for follow-up (跟踪复核). Default false: a past
    /// due day is refused, as a typo, for a commitment overdue the moment it is recorded would mark its subject for
    /// 约谈、公示、惩戒 over a promise it never had time to keep.</summary>
    public bool TakenEarlier { get; init; }
}
