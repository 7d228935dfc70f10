namespace CreditCheck;

/// <summary>The check characters of the identifiers the SDK reads, for tools that make test data or
/// complete a code: GB 32100-2015 (统一社会信用代码), GB 11714-1997 (组织机构代码) and GB 11643-1999
/// (公民身份号码). Validation stays with <see cref="SubjectId"/>.</summary>
public static class CheckCharacters
{
    /// <summary>The 18th character of a 统一社会信用代码.</summary>
    /// <param name="first17">The first 17 characters (upper case, from the code's character set).</param>
    /// <returns>The check character.</returns>
    public static char UnifiedSocialCreditCode(ReadOnlySpan<char> first17) => LegalEntityCodes.UsccCheckCharacter(first17);

    /// <summary>The 9th character of a 组织机构代码 (which is characters 9–17 of a 统一社会信用代码).</summary>
    /// <param name="first8">The first 8 characters.</param>
    /// <returns>The check character.</returns>
    public static char OrganizationCode(ReadOnlySpan<char> first8) => LegalEntityCodes.OrganizationCheckCharacter(first8);

    /// <summary>The 18th character of a 居民身份证号码.</summary>
    /// <param name="first17">The first 17 digits.</param>
    /// <returns>The check character (a digit or X).</returns>
    public static char ResidentIdNumber(ReadOnlySpan<char> first17) => ResidentIdNumbers.CheckCharacter(first17);
}
