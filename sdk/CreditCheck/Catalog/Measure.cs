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

    /// <summary>Codes of the lists whose entries trigger it; may be empty for a measure that applies to
    /// subjects in good standing (<see cref="AppliesInGoodStanding"/>).</summary>
    public required IReadOnlyList<string> Lists { get; init; }

    /// <summary>For a benefit only: whether it applies, in its scenarios, to every subject in good standing —
    /// no 失信 record in force there (no punishment or watch entry acting in the scenario, none suspended by
    /// objection, on an unknown list or unreadable) — not only to listed ones. 告知承诺 and 容缺受理 are for
    /// every applicant without a 失信 record on the matters that allow them (粤办函〔2021〕326号: 全面推行信用告知承诺制度;
    /// 广信用办〔2023〕2号, 四川广汉市: 应先行受理); 国办发〔2020〕42号 excludes 失信 records and false promises. Voided,
    /// like any benefit, while a 失信 record is in force.</summary>
    public bool AppliesInGoodStanding { get; init; }

    /// <summary>The kinds of subject it applies to (e.g. only natural persons for 不得录用为公务员); empty for
    /// every kind.</summary>
    public IReadOnlyList<SubjectKind> SubjectKinds { get; init; } = [];

    /// <summary>The item of the 全国失信惩戒措施基础清单 this measure implements, as the catalog cites it; null
    /// when it has none. Required for a joint punishment (<see cref="JointPunishment"/>): the basic list bounds
    /// what may be done.</summary>
    public string? BasicListItem { get; init; }

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

    /// <summary>Whether it applies only to persons affected through an enterprise's entry, not to the listed
    /// subject itself (e.g. 限制担任企业法定代表人 reaches the legal representative, not the enterprise).
    /// Implies <see cref="ReachesRelatedPersons"/>.</summary>
    public bool RelatedPersonsOnly { get; init; }

    /// <summary>Whether it is a cross-department joint punishment (联合惩戒): then every list that
    /// triggers it must carry joint punishment (国办发〔2020〕49号: serious lists only).</summary>
    public bool JointPunishment { get; init; }

    /// <summary>For a benefit only: whether it survives an active punishment entry. Punishment
    /// voids benefits unless this says otherwise.</summary>
    public bool SurvivesPunishment { get; init; }

    /// <summary>The rating levels whose results trigger it, as <c>rating:level</c> (e.g. <c>public-credit-rating:A</c>);
    /// empty for a measure triggered by list entries only.</summary>
    public IReadOnlyList<string> RatingLevels { get; init; } = [];

    /// <summary>Optional plain description for clerks.</summary>
    public string? Description { get; init; }

    /// <summary>Whether it applies to a subject of this kind (<see cref="SubjectKinds"/> empty or naming it).</summary>
    /// <param name="kind">The subject's kind.</param>
    public bool AppliesTo(SubjectKind kind) => SubjectKinds.Count == 0 || SubjectKinds.Contains(kind);

    /// <summary>Whether it is a benefit (kind <see cref="MeasureKind.Benefit"/>; its effect is then one of
    /// <see cref="MeasureEffect.FastTrack"/> and after).</summary>
    public bool IsBenefit => Kind == MeasureKind.Benefit;
}
