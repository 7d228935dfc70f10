namespace CreditCheck.Adapters.Bidding;

/// <summary>A tender (招标项目) at one stage, with its bidders and its credit scoring rules.</summary>
/// <remarks>Immutable.</remarks>
public sealed record Tender
{
    /// <summary>The tender's number (招标项目编号); carried into every check and feedback record.</summary>
    public required string TenderId { get; init; }

    /// <summary>The tender's name.</summary>
    public string? Name { get; init; }

    /// <summary>The stage of the qualification. Default <see cref="BiddingStage.Qualification"/>.</summary>
    public BiddingStage Stage { get; init; } = BiddingStage.Qualification;

    /// <summary>The bidders (投标人).</summary>
    public required IReadOnlyList<Bidder> Bidders { get; init; }

    /// <summary>The credit scoring rules of the tender documents (招标文件); null for
    /// <see cref="BiddingOptions.DefaultScoring"/>.</summary>
    public CreditScoringRules? Scoring { get; init; }

    /// <summary>The department doing the check (for statistics and feedback).</summary>
    public string? Department { get; init; }

    /// <summary>The operator doing the check.</summary>
    public string? Operator { get; init; }
}

/// <summary>One bidder of a tender.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Subject">Its 统一社会信用代码 (or a natural person's 居民身份证号码).</param>
/// <param name="BidderId">The host's id of the bidder (投标人编号), optional.</param>
public sealed record Bidder(string Name, SubjectId Subject, string? BidderId = null);

/// <summary>The stage of a tender at which credit is checked.</summary>
public enum BiddingStage
{
    /// <summary>投标人资格审查.</summary>
    Qualification = 1,

    /// <summary>评标.</summary>
    Evaluation = 2,

    /// <summary>定标 / 中标.</summary>
    Award = 3,
}

/// <summary>
/// How a tender scores credit (信用加分), as its documents set it: points for each red list a bidder is on
/// (counted once per list), capped. Points are given only where the catalog's bonus measure applies, so a
/// 失信 record in force voids them.
/// </summary>
public sealed class CreditScoringRules
{
    /// <summary>Points per list code, e.g. <c>tax-grade-a</c> → 2. Lists not named earn nothing. Default: none.</summary>
    public IDictionary<string, decimal> PointsPerList { get; } = new Dictionary<string, decimal>(StringComparer.Ordinal);

    /// <summary>The most credit points a bidder can earn; null for no cap. Default null.</summary>
    public decimal? Cap { get; set; }

    /// <summary>The catalog measure that carries the bonus. Default <c>bidding-credit-bonus</c>.</summary>
    public string BonusMeasure { get; set; } = "bidding-credit-bonus";
}
