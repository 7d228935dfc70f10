namespace CreditCheck.Catalog;

/// <summary>A credit rating scheme (信用评价): 公共信用综合评价 or an industry rating such as 纳税信用, with its
/// levels, designating body and legal basis.</summary>
/// <remarks>Results load like list entries: entries of the list with the rating's code, each carrying
/// its <see cref="ListEntry.Level"/>. Measures name the levels they need (<see cref="Measure.RatingLevels"/>),
/// so a grade earns or costs what the catalog says. Immutable.</remarks>
public sealed class CreditRating
{
    internal CreditRating()
    {
    }

    /// <summary>Stable code, also the list code its results are loaded under, e.g. <c>public-credit-rating</c>.</summary>
    public required string Code { get; init; }

    /// <summary>The name as the documents write it, e.g. 公共信用综合评价.</summary>
    public required string Name { get; init; }

    /// <summary>The rating body.</summary>
    public required string Authority { get; init; }

    /// <summary>The legal basis of the rating.</summary>
    public required string LegalBasis { get; init; }

    /// <summary>The edition of the source this item was taken from.</summary>
    public required string Edition { get; init; }

    /// <summary>Which kinds of subject are rated.</summary>
    public required IReadOnlyList<SubjectKind> SubjectKinds { get; init; }

    /// <summary>The levels, best first (<see cref="RatingLevel.Rank"/> 1 is the best).</summary>
    public required IReadOnlyList<RatingLevel> Levels { get; init; }

    /// <summary>The level with this code, or null.</summary>
    /// <param name="code">A level code such as <c>A</c>.</param>
    public RatingLevel? FindLevel(string? code) => Levels.FirstOrDefault(l => string.Equals(l.Code, code, StringComparison.Ordinal));
}

/// <summary>One level of a <see cref="CreditRating"/>, e.g. 纳税信用 A级.</summary>
public sealed class RatingLevel
{
    internal RatingLevel()
    {
    }

    /// <summary>The code result files carry in their level column, e.g. <c>A</c>.</summary>
    public required string Code { get; init; }

    /// <summary>The name as the documents write it, e.g. A级.</summary>
    public required string Name { get; init; }

    /// <summary>Order within the rating: 1 is the best; unique within the rating.</summary>
    public required int Rank { get; init; }
}

/// <summary>Inspection ratios for 双随机、一公开 by credit (信用分级分类监管): the multipliers of the base ratio for
/// subjects whose measures reduce or increase inspection, and whether serious-listed subjects are always
/// inspected. Ratios are local policy, so they are catalog data.</summary>
public sealed class InspectionPolicy
{
    internal InspectionPolicy()
    {
    }

    /// <summary>Multiplier of the base ratio for a subject with a reduced-inspection measure (信用较好); in (0, 1].</summary>
    public required double ReducedMultiplier { get; init; }

    /// <summary>Multiplier of the base ratio for a subject with an increased-inspection measure (违法失信、风险较高); at least 1.</summary>
    public required double IncreasedMultiplier { get; init; }

    /// <summary>Whether a subject on a serious list (严重失信主体名单) in force is always inspected.</summary>
    public bool SeriousListsAlwaysInspected { get; init; }

    /// <summary>Where the ratios come from.</summary>
    public required string LegalBasis { get; init; }
}
