namespace CreditCheck.Adapters.Bidding;

/// <summary>The qualification of a tender's bidders at one stage, with each bidder's credit score.</summary>
/// <remarks>Immutable. Report back with <see cref="BiddingAdapter.ReportAsync"/>.</remarks>
public sealed class TenderQualification
{
    internal TenderQualification()
    {
    }

    /// <summary>The tender.</summary>
    public required Tender Tender { get; init; }

    /// <summary>The catalog scenario the stage was checked in.</summary>
    public required string Scenario { get; init; }

    /// <summary>The scoring rules applied (the tender's, or the options' default).</summary>
    public required CreditScoringRules Scoring { get; init; }

    /// <summary>Every bidder, in the tender's order.</summary>
    public required IReadOnlyList<BidderQualification> Bidders { get; init; }

    /// <summary>The bidders qualified outright (<see cref="BidderStatus.Qualified"/>): checked on current data, and no
    /// record stands in their way.</summary>
    public IEnumerable<BidderQualification> QualifiedOutright => Bidders.Where(b => b.Status == BidderStatus.Qualified);

    /// <summary>The bidders that may go on only once the evaluation committee or the tenderer has looked at a record
    /// (<see cref="BidderStatus.FlaggedForReview"/>: 重点关注, a degraded check — not made, or made on the last known
    /// data — whatever its outcome, a 失信 record without a bidding restriction).</summary>
    public IEnumerable<BidderQualification> FlaggedForReview => Bidders.Where(b => b.Status == BidderStatus.FlaggedForReview);

    /// <summary>The bidders not disqualified: <see cref="QualifiedOutright"/> and <see cref="FlaggedForReview"/> together,
    /// in the tender's order.</summary>
    public IEnumerable<BidderQualification> NotDisqualified => Bidders.Where(b => b.Status != BidderStatus.Disqualified);

    /// <summary>The bidders not disqualified, flagged ones included: the same as <see cref="NotDisqualified"/>. Obsolete
    /// because the name read as "qualified" and callers took bidders flagged for review as qualified.</summary>
    [Obsolete("Includes bidders flagged for review. Use QualifiedOutright (no record in the way), FlaggedForReview (to look at first), or NotDisqualified (both, what this returns).")]
    public IEnumerable<BidderQualification> Qualified => NotDisqualified;

    /// <summary>The bidders disqualified, with the legal basis.</summary>
    public IEnumerable<BidderQualification> Disqualified => Bidders.Where(b => b.Status == BidderStatus.Disqualified);
}

/// <summary>Whether a bidder may go on.</summary>
public enum BidderStatus
{
    /// <summary>No restriction: may go on.</summary>
    Qualified = 1,

    /// <summary>May go on, but a record (重点关注, a check that could not be made) needs the evaluation
    /// committee or the tenderer to look first.</summary>
    FlaggedForReview = 2,

    /// <summary>Restricted from bidding (限制参与招标投标), with the legal basis.</summary>
    Disqualified = 3,
}

/// <summary>The qualification of one bidder and its credit component of the bid score.</summary>
public sealed class BidderQualification
{
    internal BidderQualification()
    {
    }

    /// <summary>The bidder (a single bidder or a consortium).</summary>
    public required Bidder Bidder { get; init; }

    /// <summary>Its 1-based position in the tender.</summary>
    public required int Index { get; init; }

    /// <summary>Qualified, flagged for review, or disqualified.</summary>
    public required BidderStatus Status { get; init; }

    /// <summary>The credit points (信用加分) under the tender's rules, after the cap; 0 for a disqualified
    /// bidder or where the bonus measure does not apply. A consortium scores one member's points, as
    /// <see cref="CreditScoringRules.ConsortiumScoring"/> picks them.</summary>
    public required decimal CreditScore { get; init; }

    /// <summary>The points per list before the cap, one item per list that earned points; for a consortium, those
    /// of the member whose points it scores (none when disqualified).</summary>
    public required IReadOnlyList<CreditScoreItem> ScoreItems { get; init; }

    /// <summary>Whether the cap cut the points (for a consortium, those of the member whose points it scores).</summary>
    public required bool Capped { get; init; }

    /// <summary>Why, in Chinese, each with its legal basis; the first explains the status. A consortium's name
    /// the member they concern (<c>联合体成员“…”</c>) and end with its credit points: each member's and the rule
    /// that picked the consortium's.</summary>
    public required IReadOnlyList<BidderReason> Reasons { get; init; }

    /// <summary>The engine's decision the status rests on. For a single bidder, its decision. For a consortium:
    /// the first disqualified member's when disqualified, else the first flagged member's when flagged, else
    /// that of the member whose points it scores; every member's is in <see cref="Members"/>.</summary>
    public required CreditDecision Decision { get; init; }

    /// <summary>The check of each member, in the bidder's order (the lead member first): one for a single bidder
    /// (the bidder itself), one per member for a consortium. Feedback is reported per member.</summary>
    public required IReadOnlyList<BidderMemberCheck> Members { get; init; }

    /// <summary>The position in <see cref="Members"/> of the member whose points the bidder scores; null when
    /// disqualified.</summary>
    internal int? ScoredMember { get; init; }
}

/// <summary>The check of one member of a bidder (for a single bidder, of the bidder itself).</summary>
/// <remarks>Immutable.</remarks>
public sealed class BidderMemberCheck
{
    internal BidderMemberCheck()
    {
    }

    /// <summary>The member.</summary>
    public required BidderMember Member { get; init; }

    /// <summary>The engine's decision on the member, to report back on.</summary>
    public required CreditDecision Decision { get; init; }

    /// <summary>The member's own status: a consortium takes its members' worst (one disqualified member disqualifies
    /// it, one flagged member flags it).</summary>
    public required BidderStatus Status { get; init; }

    /// <summary>The credit points the member's own records earn under the tender's rules, after the cap; 0 when
    /// the member is disqualified. A consortium's points are picked from these
    /// (<see cref="CreditScoringRules.ConsortiumScoring"/>), or 0 when the consortium is disqualified.</summary>
    public required decimal CreditScore { get; init; }

    /// <summary>The member's points per list before the cap.</summary>
    public required IReadOnlyList<CreditScoreItem> ScoreItems { get; init; }
}

/// <summary>Points one red list earned a bidder.</summary>
/// <param name="ListCode">The list, e.g. <c>tax-grade-a</c>.</param>
/// <param name="ListName">Its name, e.g. 纳税信用A级纳税人.</param>
/// <param name="EntryIds">The bidder's entries on it.</param>
/// <param name="Points">The points the tender gives for the list.</param>
public sealed record CreditScoreItem(string ListCode, string ListName, IReadOnlyList<string> EntryIds, decimal Points);

/// <summary>One reason for a bidder's status or score.</summary>
/// <param name="Text">The reason, in Chinese.</param>
/// <param name="LegalBasis">Its legal basis, from the catalog; null when none applies.</param>
/// <param name="MeasureCode">The catalog measure it rests on, if any.</param>
public sealed record BidderReason(string Text, string? LegalBasis, string? MeasureCode = null);
