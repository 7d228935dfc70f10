using System.Globalization;
using System.Text;

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

/// <summary>One bidder of a tender: a single enterprise or person, or a consortium (联合体) of several that bids as one
/// bidder (《中华人民共和国招标投标法》第三十一条).</summary>
/// <param name="Name">Its name (for a consortium, the name it bids under).</param>
/// <param name="Subject">Its 统一社会信用代码 (or a natural person's 居民身份证号码); for a consortium, its lead member's
/// (牵头人).</param>
/// <param name="BidderId">The host's id of the bidder (投标人编号), optional.</param>
/// <remarks>
/// A single bidder is built with the constructor, a consortium with <see cref="Consortium"/>. Every member of a
/// consortium is checked, and one disqualified member disqualifies the consortium. A consortium's
/// <see cref="Subject"/> is its lead member's and cannot be changed with <c>with</c>: build a new consortium
/// instead. Immutable; two consortia are equal when their names, ids and members (in order) are.
/// </remarks>
public sealed record Bidder(string Name, SubjectId Subject, string? BidderId = null)
{
    private readonly SubjectId _subject = Subject;

    /// <summary>Its 统一社会信用代码 (or a natural person's 居民身份证号码); for a consortium, its lead member's (牵头人).</summary>
    /// <exception cref="InvalidOperationException">Set (with <c>with</c>) on a consortium.</exception>
    public SubjectId Subject
    {
        get => _subject;
        init
        {
            if (ConsortiumMembers is not null)
            {
                throw new InvalidOperationException($"Consortium '{Name}': its Subject is its lead member's; build a new consortium with Bidder.Consortium to change its members.");
            }

            _subject = value;
        }
    }

    /// <summary>Whether it is a consortium (联合体): then every member is checked and one disqualified member
    /// disqualifies it.</summary>
    public bool IsConsortium => ConsortiumMembers is not null;

    /// <summary>Every member of a consortium, the lead member (牵头人) first; a single bidder's one member is
    /// itself (its <see cref="Name"/> and <see cref="Subject"/>).</summary>
    public IReadOnlyList<BidderMember> Members => ConsortiumMembers ?? [new BidderMember(Name, Subject)];

    private IReadOnlyList<BidderMember>? ConsortiumMembers { get; init; }

    /// <summary>A consortium (联合体) of two or more members bidding as one bidder (《中华人民共和国招标投标法》第三十一条).</summary>
    /// <param name="name">The name the consortium bids under.</param>
    /// <param name="members">Its members, the lead member (牵头人) first.</param>
    /// <param name="bidderId">The host's id of the bidder (投标人编号), optional.</param>
    /// <returns>The bidder; its <see cref="Subject"/> is the lead member's.</returns>
    /// <exception cref="ArgumentException">The name is blank, there are fewer than two members, or a member is
    /// listed twice, by the same code or by its 统一社会信用代码 and the 组织机构代码 it embeds (the message names
    /// both).</exception>
    public static Bidder Consortium(string name, IReadOnlyList<BidderMember> members, string? bidderId = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(members);
        if (members.Count < 2)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Consortium '{name}' has {members.Count} member(s); a consortium has at least two."), nameof(members));
        }

        SubjectIdentity.ThrowIfMemberTwice(name, members, m => m.Name, m => m.Subject);

        BidderMember[] copy = [.. members];
        return new Bidder(name, copy[0]?.Subject ?? default, bidderId) { ConsortiumMembers = copy };
    }

    // A single bidder prints as it did before consortia (no list type name in logs); a consortium adds its members, by name and masked id.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append(CultureInfo.InvariantCulture, $"Name = {Name}, Subject = {Subject}, BidderId = {BidderId}");
        if (ConsortiumMembers is { } members)
        {
            builder.Append(", Members = [").AppendJoin(", ", members.Select(m => $"{m?.Name} {m?.Subject}")).Append(']');
        }

        return true;
    }

    /// <inheritdoc/>
    public bool Equals(Bidder? other) =>
        other is not null
        && string.Equals(Name, other.Name, StringComparison.Ordinal)
        && Subject.Equals(other.Subject)
        && string.Equals(BidderId, other.BidderId, StringComparison.Ordinal)
        && IsConsortium == other.IsConsortium
        && Members.SequenceEqual(other.Members);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Name);
        hash.Add(Subject);
        hash.Add(BidderId);
        foreach (var member in Members)
        {
            hash.Add(member);
        }

        return hash.ToHashCode();
    }
}

/// <summary>One member of a consortium bidder (联合体成员).</summary>
/// <param name="Name">Its name.</param>
/// <param name="Subject">Its 统一社会信用代码 (or a natural person's 居民身份证号码).</param>
public sealed record BidderMember(string Name, SubjectId Subject);

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

    /// <summary>How a consortium (联合体) scores: the tender documents' choice, as the law gives no rule for credit
    /// points. Each member is scored as a bidder would be (per list, capped); the consortium then scores its
    /// lowest-scoring member's points or its lead member's. A disqualified consortium scores nothing.
    /// Default <see cref="Bidding.ConsortiumScoring.LowestMember"/>.</summary>
    public ConsortiumScoring ConsortiumScoring { get; set; } = ConsortiumScoring.LowestMember;
}

/// <summary>Which member's credit points a consortium (联合体) scores. The law gives no rule for credit points: the
/// tender documents (招标文件) choose.</summary>
public enum ConsortiumScoring
{
    /// <summary>The lowest-scoring member's points (the earlier member on a tie), by analogy with
    /// 《中华人民共和国招标投标法》第三十一条, under which a consortium of one trade takes the lower member's
    /// qualification grade (按照资质等级较低的单位确定资质等级).</summary>
    LowestMember = 1,

    /// <summary>The lead member's (牵头人, the first member) points.</summary>
    LeadMember = 2,
}
