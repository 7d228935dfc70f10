namespace CreditCheck.Catalog;

/// <summary>One list of the 联合奖惩对象名单: who may be on it, who designates, on what legal basis.</summary>
/// <remarks>Immutable; obtained from a validated <see cref="CreditCatalog"/>.</remarks>
public sealed class CreditList
{
    internal CreditList()
    {
    }

    /// <summary>Stable code used by imports, measures and documentation, e.g. <c>court-dishonest-debtors</c>.</summary>
    public required string Code { get; init; }

    /// <summary>The name as the regulations write it, e.g. 失信被执行人名单.</summary>
    public required string Name { get; init; }

    /// <summary>Blacklist, watch list or red list.</summary>
    public required ListCategory Category { get; init; }

    /// <summary>Serious, focus or sector; null for red lists.</summary>
    public ListSeverity? Severity { get; init; }

    /// <summary>Whether cross-department joint punishment applies (only serious punishment lists).</summary>
    public bool JointPunishment { get; init; }

    /// <summary>The designating body (认定部门).</summary>
    public required string Authority { get; init; }

    /// <summary>The legal basis for the list.</summary>
    public required string LegalBasis { get; init; }

    /// <summary>The edition of the source this item was taken from.</summary>
    public required string Edition { get; init; }

    /// <summary>Which kinds of subject the list can hold.</summary>
    public required IReadOnlyList<SubjectKind> SubjectKinds { get; init; }

    /// <summary>Scenario patterns of the sector where the list acts (e.g. <c>tax-administration.*</c>); empty
    /// for a list that acts wherever its measures say. Outside its sector an entry triggers no measure, sets no
    /// Review floor and voids no benefit: lists that are not serious carry sector measures
    /// only (国办发〔2020〕49号).</summary>
    public IReadOnlyList<string> Sectors { get; init; } = [];

    /// <summary>Whether a person named on this list together with an enterprise is listed in their own right
    /// (full measures of the list), unless the entry says otherwise — e.g. 保障农民工工资支付条例 第四十八条 lists
    /// the employer and its 法定代表人或者主要负责人、直接负责的主管人员和其他直接责任人员. Default false: such a
    /// person is affected only through the enterprise's entry.</summary>
    public bool CoListsRelatedPersons { get; init; }

    /// <summary>How long a listing lasts, as the rules state it (information only).</summary>
    public string? Duration { get; init; }

    /// <summary>How a subject leaves the list early (信用修复 etc.), as the rules state it.</summary>
    public string? EarlyExit { get; init; }
}
