namespace CreditCheck.Adapters.Bidding;

/// <summary>Options of the bidding adapter. Validated when the host starts (or on first use without a host).</summary>
public sealed class BiddingOptions
{
    /// <summary>The configuration section bound by convention.</summary>
    public const string SectionName = "CreditCheck:Bidding";

    /// <summary>The catalog scenario checked at each stage. Defaults: <c>bidding.qualification</c>,
    /// <c>bidding.evaluation</c>, <c>bidding.award</c>.</summary>
    public IDictionary<BiddingStage, string> StageScenarios { get; } = new Dictionary<BiddingStage, string>
    {
        [BiddingStage.Qualification] = "bidding.qualification",
        [BiddingStage.Evaluation] = "bidding.evaluation",
        [BiddingStage.Award] = "bidding.award",
    };

    /// <summary>The scoring rules of tenders that bring none. Default: no points for any list.</summary>
    public CreditScoringRules DefaultScoring { get; } = new();
}
