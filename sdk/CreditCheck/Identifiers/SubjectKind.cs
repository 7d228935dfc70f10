namespace CreditCheck;

/// <summary>What kind of subject a list entry or a check is about.</summary>
public enum SubjectKind
{
    /// <summary>A legal person or other organisation (法人和非法人组织), identified by its
    /// 统一社会信用代码, or on older records by its 组织机构代码 or 工商注册号.</summary>
    LegalEntity = 1,

    /// <summary>A natural person (自然人), identified by the 居民身份证号码 or a residence or
    /// permanent-residence permit number in the same format.</summary>
    NaturalPerson = 2,
}
