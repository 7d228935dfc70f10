namespace CreditCheck.Adapters.Approval;

/// <summary>How the window should handle an application, and why.</summary>
public enum ApprovalRoute
{
    /// <summary>一般程序: no credit record changes the procedure (a benefit that does not, e.g. 财政资金同等条件下优先, is
    /// listed in the reasons and the summary).</summary>
    Standard = 1,

    /// <summary>绿色通道（优先办理）: a red list or grade earns 行政审批绿色通道.</summary>
    GreenChannel = 2,

    /// <summary>容缺受理: accepted now; the missing materials follow by <see cref="ApprovalResult.FollowUpDeadline"/>.</summary>
    TolerantAcceptance = 3,

    /// <summary>告知承诺: handled on the applicant's written commitment, verified afterwards.</summary>
    Commitment = 4,

    /// <summary>从严审核: a 失信 or 重点关注 record (or a check that could not be made) — full materials,
    /// closer review, no facilitation.</summary>
    StrictReview = 5,

    /// <summary>不予受理: a legal bar applies (e.g. 一定期限内不得取得行政许可, 限制担任法定代表人).</summary>
    Refused = 6,
}

/// <summary>The route of one application, with its reasons, legal basis and the checks it rests on.</summary>
/// <remarks>Immutable. Report what the clerk did with <see cref="ApprovalAdapter.ReportAsync"/>.</remarks>
public sealed class ApprovalResult
{
    internal ApprovalResult()
    {
    }

    /// <summary>The application routed.</summary>
    public required ApprovalApplication Application { get; init; }

    /// <summary>The route.</summary>
    public required ApprovalRoute Route { get; init; }

    /// <summary>The route in Chinese, e.g. 容缺受理.</summary>
    public string RouteName => Route switch
    {
        ApprovalRoute.GreenChannel => "绿色通道（优先办理）",
        ApprovalRoute.TolerantAcceptance => "容缺受理",
        ApprovalRoute.Commitment => "告知承诺",
        ApprovalRoute.StrictReview => "从严审核",
        ApprovalRoute.Refused => "不予受理",
        _ => "一般程序",
    };

    /// <summary>The catalog scenario the matter was checked in.</summary>
    public required string Scenario { get; init; }

    /// <summary>The matter's name, from the application or its mapping; null when neither gives one.</summary>
    public string? MatterName { get; init; }

    /// <summary>Whether the green channel (行政审批绿色通道, 优先办理) also applies on a <see cref="ApprovalRoute.TolerantAcceptance"/>
    /// or <see cref="ApprovalRoute.Commitment"/> route (always true on <see cref="ApprovalRoute.GreenChannel"/>).</summary>
    public required bool Priority { get; init; }

    /// <summary>Under <see cref="ApprovalRoute.TolerantAcceptance"/>: the materials that may follow; otherwise empty.</summary>
    public required IReadOnlyList<string> FollowUpMaterials { get; init; }

    /// <summary>Under <see cref="ApprovalRoute.TolerantAcceptance"/>: the last day (China Standard Time) to
    /// supply them; otherwise null.</summary>
    public DateOnly? FollowUpDeadline { get; init; }

    /// <summary>Why, in Chinese, each with its legal basis; the first explains the route.</summary>
    public required IReadOnlyList<RouteReason> Reasons { get; init; }

    /// <summary>The checks made, one per party, each with the decision to report back on.</summary>
    public required IReadOnlyList<PartyDecision> Decisions { get; init; }

    /// <summary>The check ids to report back with (反馈).</summary>
    public IEnumerable<Guid> CheckIds => Decisions.Select(d => d.Decision.CheckId);

    /// <summary>Whether a check could not be made on current data (the route is then at least <see cref="ApprovalRoute.StrictReview"/>).</summary>
    public bool IsDegraded => Decisions.Any(d => d.Decision.IsDegraded);

    /// <summary>One line for the clerk, in Chinese.</summary>
    public required string Summary { get; init; }

    /// <summary>Benefit measures the route makes use of, by party and code (reported executed when the clerk follows it).</summary>
    internal IReadOnlySet<(ApplicationParty Party, string Measure)> UsedBenefits { get; init; } = new HashSet<(ApplicationParty, string)>();

    /// <summary>The route and summary, for logs (no identifiers).</summary>
    public override string ToString() => $"{Application.ApplicationId}: {Route} — {Summary}";
}

/// <summary>One reason for a route.</summary>
/// <param name="Party">Whose record it concerns; null for the matter itself (e.g. a material that may not follow).</param>
/// <param name="Text">The reason, in Chinese.</param>
/// <param name="LegalBasis">Its legal basis, from the catalog (or the options for an adapter-granted facilitation); null when none applies.</param>
/// <param name="MeasureCode">The catalog measure it rests on, if any.</param>
public sealed record RouteReason(ApplicationParty? Party, string Text, string? LegalBasis, string? MeasureCode = null);

/// <summary>The check of one party of an application.</summary>
/// <param name="Party">The enterprise, the person or the legal representative.</param>
/// <param name="Decision">The engine's decision.</param>
public sealed record PartyDecision(ApplicationParty Party, CreditDecision Decision);
