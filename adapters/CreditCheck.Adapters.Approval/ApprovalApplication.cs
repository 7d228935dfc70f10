namespace CreditCheck.Adapters.Approval;

/// <summary>One application (办件) as the approval system or service-hall window sees it.</summary>
/// <remarks>
/// At least one applicant is required: <see cref="Enterprise"/> (by 统一社会信用代码), <see cref="Person"/>
/// (by 居民身份证号码), or both. The enterprise, when given, is the principal applicant whose red-list
/// benefits count; everybody named is checked, and a restriction on anyone counts. Immutable.
/// </remarks>
public sealed record ApprovalApplication
{
    /// <summary>The host's application number (办件编号); carried into every check and feedback record.</summary>
    public required string ApplicationId { get; init; }

    /// <summary>The host's matter code (事项编码), mapped to a catalog scenario by configuration, by
    /// <see cref="IMatterScenarioMap"/> plug-ins, or by <see cref="MatterKind"/>.</summary>
    public required string MatterCode { get; init; }

    /// <summary>The matter's name (事项名称), for feedback and display; the mapping's name when not set.</summary>
    public string? MatterName { get; init; }

    /// <summary>行政许可, 备案, 公共服务 …; decides the scenario when no mapping names one. Default
    /// <see cref="MatterKind.AdministrativeLicensing"/>.</summary>
    public MatterKind MatterKind { get; init; } = MatterKind.AdministrativeLicensing;

    /// <summary>The applying enterprise or organisation; must be a <see cref="SubjectKind.LegalEntity"/>.</summary>
    public SubjectId? Enterprise { get; init; }

    /// <summary>The enterprise's name, for display.</summary>
    public string? EnterpriseName { get; init; }

    /// <summary>The applying natural person; must be a <see cref="SubjectKind.NaturalPerson"/>.</summary>
    public SubjectId? Person { get; init; }

    /// <summary>The person's name, for display.</summary>
    public string? PersonName { get; init; }

    /// <summary>The enterprise's (intended) legal representative (法定代表人), when known; checked as a
    /// related person in the same batch. Requires <see cref="Enterprise"/>. When it is the same person as
    /// <see cref="Person"/>, that one check answers for both, shown as the applicant's.</summary>
    public SubjectId? LegalRepresentative { get; init; }

    /// <summary>The legal representative's name, for display.</summary>
    public string? LegalRepresentativeName { get; init; }

    /// <summary>Materials the applicant has not yet supplied (e.g. 《场地租赁合同》), each named once; empty when complete.</summary>
    public IReadOnlyList<string> MissingMaterials { get; init; } = [];

    /// <summary>Whether the applicant offers a written credit commitment (信用承诺) in place of proofs.</summary>
    public bool OffersCommitment { get; init; }

    /// <summary>The receiving department (受理部门), for the check and feedback.</summary>
    public string? Department { get; init; }

    /// <summary>The clerk (窗口经办人), for the check and feedback.</summary>
    public string? Operator { get; init; }
}

/// <summary>The kind of a government service matter (政务服务事项类型).</summary>
public enum MatterKind
{
    /// <summary>行政许可.</summary>
    AdministrativeLicensing = 1,

    /// <summary>备案.</summary>
    Filing = 2,

    /// <summary>公共服务.</summary>
    PublicService = 3,

    /// <summary>Any other matter (行政确认, 行政给付 …); it needs a mapping to a scenario.</summary>
    Other = 4,
}

/// <summary>Who in an application a check concerns.</summary>
public enum ApplicationParty
{
    /// <summary>The applying enterprise (申请单位).</summary>
    Enterprise = 1,

    /// <summary>The applying natural person (申请人).</summary>
    Person = 2,

    /// <summary>The enterprise's legal representative (法定代表人), checked as a related person.</summary>
    LegalRepresentative = 3,
}
