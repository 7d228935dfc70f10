namespace CreditCheck.Adapters.Supervision;

/// <summary>One 双随机 inspection task: the base ratio, the seed of its draw, and where it is checked.</summary>
public sealed record InspectionTask
{
    /// <summary>The regular inspection ratio (常规抽查比例), in (0, 1], e.g. 0.05.</summary>
    public required double BaseRatio { get; init; }

    /// <summary>The seed of the draw. The same seed and population give the same sample, whatever the order.</summary>
    public required long Seed { get; init; }

    /// <summary>The catalog scenario checked; default <c>supervision.inspection</c> (双随机抽查).</summary>
    public string Scenario { get; init; } = "supervision.inspection";

    /// <summary>The inspecting department, carried on every check.</summary>
    public string? Department { get; init; }

    /// <summary>The task's reference (抽查任务编号), carried on every check.</summary>
    public string? TaskReference { get; init; }
}

/// <summary>How closely a subject is inspected (信用分级分类监管).</summary>
public enum InspectionTier
{
    /// <summary>信用较好、风险较低: the base ratio times the catalog's reduced multiplier.</summary>
    Reduced = 1,

    /// <summary>一般: the base ratio.</summary>
    Regular = 2,

    /// <summary>违法失信、风险较高: the base ratio times the catalog's increased multiplier (at most 1).</summary>
    Increased = 3,

    /// <summary>On a serious list (严重失信主体名单) in force: always inspected.</summary>
    Always = 4,
}

/// <summary>One subject's place in the plan: its tier, ratio, draw and why.</summary>
public sealed record InspectionAssignment
{
    /// <summary>The subject, as the population gave it (canonical form).</summary>
    public required SubjectId Subject { get; init; }

    /// <summary>Its tier.</summary>
    public required InspectionTier Tier { get; init; }

    /// <summary>The chance it is drawn: its tier's ratio.</summary>
    public required double Ratio { get; init; }

    /// <summary>Its draw value in [0, 1) (<see cref="SupervisionPlanner.DrawValue"/>); drawn when below <see cref="Ratio"/>.</summary>
    public required double Draw { get; init; }

    /// <summary>Whether it is to be inspected.</summary>
    public bool Drawn => Draw < Ratio;

    /// <summary>Why it has its tier, in Chinese, with the measure and legal basis that set it.</summary>
    public required string Reason { get; init; }

    /// <summary>Its current rating levels, <c>rating:level</c>.</summary>
    public required IReadOnlyList<string> Ratings { get; init; }

    /// <summary>The check behind it; feedback refers to it.</summary>
    public required Guid CheckId { get; init; }

    /// <summary>The store's change sequence the check reflects.</summary>
    public required long Sequence { get; init; }
}

/// <summary>A tier's share of the plan.</summary>
/// <param name="Tier">The tier.</param>
/// <param name="Population">Subjects in it.</param>
/// <param name="Ratio">Its ratio.</param>
/// <param name="Drawn">Subjects drawn from it.</param>
public sealed record InspectionGroup(InspectionTier Tier, long Population, double Ratio, long Drawn);

/// <summary>What a plan was made on and what it drew: enough to reproduce and audit it.</summary>
public sealed record InspectionPlan
{
    /// <summary>The seed.</summary>
    public required long Seed { get; init; }

    /// <summary>The base ratio.</summary>
    public required double BaseRatio { get; init; }

    /// <summary>The catalog version every check was decided on.</summary>
    public required string CatalogVersion { get; init; }

    /// <summary>The lowest and highest store sequence the checks reflected.</summary>
    public required (long First, long Last) Sequence { get; init; }

    /// <summary>The multipliers applied and where they come from.</summary>
    public required string RatioBasis { get; init; }

    /// <summary>Subjects planned (duplicates counted once).</summary>
    public required long Population { get; init; }

    /// <summary>Subjects given more than once in the population; each planned once.</summary>
    public required long Duplicates { get; init; }

    /// <summary>Subjects drawn.</summary>
    public required long Drawn { get; init; }

    /// <summary>Per tier, from reduced to always (only tiers with subjects).</summary>
    public required IReadOnlyList<InspectionGroup> Groups { get; init; }

    /// <summary>When the plan was made.</summary>
    public required DateTimeOffset PlannedAt { get; init; }
}
