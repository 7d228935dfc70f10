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

    /// <summary>For a person listed because of an enterprise: the enterprise and the person's role.</summary>
    public RelatedParty? RelatedTo { get; init; }
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

/// <summary>The enterprise a person is listed because of, and the person's role in it.</summary>
/// <param name="EnterpriseName">The enterprise's name.</param>
/// <param name="EnterpriseCode">Its 统一社会信用代码 (public information), if known.</param>
/// <param name="Role">法定代表人, 主要负责人 or 实际控制人.</param>
public sealed record RelatedParty(string EnterpriseName, string? EnterpriseCode, RelatedRole Role);

/// <summary>Why a person is listed together with an enterprise.</summary>
public enum RelatedRole
{
    /// <summary>法定代表人.</summary>
    LegalRepresentative = 1,

    /// <summary>主要负责人.</summary>
    PrincipalPerson = 2,

    /// <summary>实际控制人.</summary>
    ActualController = 3,
}
