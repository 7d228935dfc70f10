namespace CreditCheck.Catalog;

/// <summary>One item of the 奖惩措施清单: what may be done to a listed subject, where, and on what basis.</summary>
/// <remarks>Immutable; obtained from a validated <see cref="CreditCatalog"/>.</remarks>
public sealed class Measure
{
    internal Measure()
    {
    }

    /// <summary>Stable code, e.g. <c>procurement-refusal</c>.</summary>
    public required string Code { get; init; }

    /// <summary>The measure as the regulations write it, e.g. 拒绝参与政府采购活动.</summary>
    public required string Name { get; init; }

    /// <summary>Restriction, supervision or benefit.</summary>
    public required MeasureKind Kind { get; init; }

    /// <summary>What applying it does to the transaction.</summary>
    public required MeasureEffect Effect { get; init; }

    /// <summary>Codes of the lists whose entries trigger it.</summary>
    public required IReadOnlyList<string> Lists { get; init; }

    /// <summary>Scenario patterns where it applies: a code (<c>licensing</c>), a code and all its
    /// descendants (<c>procurement.*</c>), or every scenario (<c>*</c>).</summary>
    public required IReadOnlyList<string> Scenarios { get; init; }

    /// <summary>The legal basis (文件、条款).</summary>
    public required string LegalBasis { get; init; }

    /// <summary>The edition of the source this item was taken from.</summary>
    public required string Edition { get; init; }

    /// <summary>Whether it also reaches the 法定代表人, 主要负责人 or 实际控制人 listed because of an
    /// enterprise (e.g. 限制高消费).</summary>
    public bool ReachesRelatedPersons { get; init; }

    /// <summary>Whether it applies only to persons listed because of an enterprise, not to the listed
    /// subject itself (e.g. 限制担任企业法定代表人 reaches the legal representative, not the enterprise).
    /// Implies <see cref="ReachesRelatedPersons"/>.</summary>
    public bool RelatedPersonsOnly { get; init; }

    /// <summary>Whether it is a cross-department joint punishment (联合惩戒): then every list that
    /// triggers it must carry joint punishment (国办发〔2020〕49号: serious lists only).</summary>
    public bool JointPunishment { get; init; }

    /// <summary>For a benefit only: whether it survives an active punishment entry. Punishment
    /// voids benefits unless this says otherwise.</summary>
    public bool SurvivesPunishment { get; init; }

    /// <summary>Optional plain description for clerks.</summary>
    public string? Description { get; init; }

    /// <summary>Whether it is a benefit (kind <see cref="MeasureKind.Benefit"/>; its effect is then one of
    /// <see cref="MeasureEffect.FastTrack"/> and after).</summary>
    public bool IsBenefit => Kind == MeasureKind.Benefit;
}
