namespace CreditCheck;

/// <summary>One listing of a subject on a list (名单条目), as the designating body published it.</summary>
/// <remarks>
/// An entry does not carry the subject's identifier: stores keep it under the subject's key
/// (a keyed hash in Redis), so that no plaintext ID-card number is stored beside the entry.
/// Dates are instants; a published end date (有效期至, 处罚截止日期) is inclusive, so
/// <see cref="ValidUntil"/> is the start of the following day in China Standard Time.
/// Immutable.
/// </remarks>
public sealed record ListEntry
{
    /// <summary>Identifies the entry within its list.</summary>
    public required string EntryId { get; init; }

    /// <summary>Code of the list, e.g. <c>court-dishonest-debtors</c>.</summary>
    public required string ListCode { get; init; }

    /// <summary>Legal entity or natural person.</summary>
    public required SubjectKind SubjectKind { get; init; }

    /// <summary>The subject's name as published (名称 / 姓名).</summary>
    public string? SubjectName { get; init; }

    /// <summary>The designating body (认定部门, 执行法院).</summary>
    public string? Authority { get; init; }

    /// <summary>The decision's reference (文号, 案号).</summary>
    public string? DecisionReference { get; init; }

    /// <summary>失信行为简况, as published.</summary>
    public string? Summary { get; init; }

    /// <summary>When the subject was listed (列入日期).</summary>
    public DateTimeOffset? ListedOn { get; init; }

    /// <summary>Start of validity; null means from listing.</summary>
    public DateTimeOffset? ValidFrom { get; init; }

    /// <summary>End of validity, exclusive; null means until removed.</summary>
    public DateTimeOffset? ValidUntil { get; init; }

    /// <summary>Active, under objection, repaired or revoked.</summary>
    public EntryStatus Status { get; init; } = EntryStatus.Active;

    /// <summary>Why the status last changed (修复决定, 异议受理 …).</summary>
    public string? StatusReason { get; init; }

    /// <summary>For a person named because of an enterprise: the enterprise, the person's role, and whether the
    /// person is listed in their own right or affected only through the enterprise's entry.</summary>
    public RelatedParty? RelatedTo { get; init; }

    /// <summary>For a rating's result (an entry of a list of category <see cref="Catalog.ListCategory.Rating"/>): the
    /// level code, e.g. <c>A</c>; null for list entries.</summary>
    public string? Level { get; init; }
}

/// <summary>The state of an entry as its designating body last set it.</summary>
public enum EntryStatus
{
    /// <summary>Listed and in force.</summary>
    Active = 1,

    /// <summary>异议中: the subject has objected; whether measures are suspended is catalog policy.</summary>
    UnderObjection = 2,

    /// <summary>已修复: removed by credit repair (信用修复); triggers nothing, history kept.</summary>
    Repaired = 3,

    /// <summary>已撤销: revoked, e.g. listed in error; triggers nothing.</summary>
    Revoked = 4,
}

/// <summary>The enterprise a person is named because of, and the person's role in it.</summary>
/// <param name="EnterpriseName">The enterprise's name.</param>
/// <param name="EnterpriseCode">Its 统一社会信用代码 (public information), if known.</param>
/// <param name="Role">法定代表人, 主要负责人, 实际控制人 or 直接负责的主管人员和其他直接责任人员.</param>
public sealed record RelatedParty(string EnterpriseName, string? EnterpriseCode, RelatedRole Role)
{
    /// <summary>Whether the person is listed in their own right because of the enterprise — co-listed with it,
    /// as 保障农民工工资支付条例 第四十八条 lists the employer together with its 法定代表人或者主要负责人、直接负责的
    /// 主管人员和其他直接责任人员 — and so gets the full measures of the list and is never answered Clear
    /// (true); or is affected only through the enterprise's entry and gets only the measures that reach
    /// related persons (false). Null: as the list says (<see cref="Catalog.CreditList.CoListsRelatedPersons"/>).</summary>
    public bool? ListedInOwnRight { get; init; }
}

/// <summary>Why a person is listed together with an enterprise.</summary>
public enum RelatedRole
{
    /// <summary>法定代表人.</summary>
    LegalRepresentative = 1,

    /// <summary>主要负责人.</summary>
    PrincipalPerson = 2,

    /// <summary>实际控制人.</summary>
    ActualController = 3,

    /// <summary>直接负责的主管人员和其他直接责任人员 (e.g. 保障农民工工资支付条例 第四十八条).</summary>
    DirectlyResponsiblePerson = 4,
}
