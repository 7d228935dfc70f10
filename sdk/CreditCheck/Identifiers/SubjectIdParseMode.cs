namespace CreditCheck;

/// <summary>How strictly <see cref="SubjectId.Parse(string, SubjectKind, SubjectIdParseMode)"/> treats
/// the check character.</summary>
public enum SubjectIdParseMode
{
    /// <summary>Every rule of the standard, including the check character. The default.</summary>
    Strict = 0,

    /// <summary>As <see cref="Strict"/>, except that a 统一社会信用代码, 组织机构代码 or 工商注册号 whose
    /// check character does not conform is still accepted: some codes issued in early pilot regions
    /// are real and do not satisfy it. The parsed id reports
    /// <see cref="SubjectId.CheckCharacterConforms"/> = <see langword="false"/>, and so does every
    /// decision made on it. 居民身份证号码 are always checked strictly.</summary>
    LenientCheckCharacter = 1,
}
