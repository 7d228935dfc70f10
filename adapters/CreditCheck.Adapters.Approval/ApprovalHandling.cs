namespace CreditCheck.Adapters.Approval;

/// <summary>What the clerk did with a route, for feedback (反馈):
/// <c>ApprovalHandling.Followed("已容缺受理") with { District = "330106" }</c>.</summary>
public sealed record ApprovalHandling
{
    private ApprovalHandling(ClerkAction action, string? reason, string? overriddenBy, string? outcome)
    {
        Action = action;
        Reason = reason;
        OverriddenBy = overriddenBy;
        Outcome = outcome;
    }

    /// <summary>Followed, not followed, or overridden.</summary>
    public ClerkAction Action { get; }

    /// <summary>Why the route was not followed or was overridden.</summary>
    public string? Reason { get; }

    /// <summary>Who overrode the route.</summary>
    public string? OverriddenBy { get; }

    /// <summary>The result in the host's words (e.g. 已受理, 不予受理); the route's name when not set.</summary>
    public string? Outcome { get; init; }

    /// <summary>The operator; the application's when not set.</summary>
    public string? Operator { get; init; }

    /// <summary>The administrative district (行政区划), e.g. "330106".</summary>
    public string? District { get; init; }

    /// <summary>When the clerk acted; the report time when not set.</summary>
    public DateTimeOffset? ExecutedAt { get; init; }

    /// <summary>The clerk handled the application as routed: restrictions and the benefits the route uses
    /// are reported executed; benefits the route did not use are reported not executed, with why.</summary>
    /// <param name="outcome">The result in the host's words, optional.</param>
    /// <returns>The handling.</returns>
    public static ApprovalHandling Followed(string? outcome = null) => new(ClerkAction.Followed, null, null, outcome);

    /// <summary>The clerk did not apply the route's measures, for a reason (e.g. the applicant withdrew).</summary>
    /// <param name="reason">Why; required.</param>
    /// <returns>The handling.</returns>
    /// <exception cref="ArgumentException">The reason is blank.</exception>
    public static ApprovalHandling NotFollowed(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return new(ClerkAction.NotFollowed, reason, null, null);
    }

    /// <summary>Someone with the authority to do so set the route aside.</summary>
    /// <param name="by">Who; required.</param>
    /// <param name="reason">Why; required.</param>
    /// <returns>The handling.</returns>
    /// <exception cref="ArgumentException">Who or why is blank.</exception>
    public static ApprovalHandling Overridden(string by, string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(by);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return new(ClerkAction.Overridden, reason, by, null);
    }
}

/// <summary>What the clerk did with a route.</summary>
public enum ClerkAction
{
    /// <summary>Handled as routed.</summary>
    Followed = 1,

    /// <summary>The route's measures were not applied (reason required).</summary>
    NotFollowed = 2,

    /// <summary>The route was set aside by someone with the authority (who and why required).</summary>
    Overridden = 3,
}
