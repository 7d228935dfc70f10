namespace CreditCheck;

/// <summary>The numbering standard a <see cref="SubjectId"/> was parsed under.</summary>
public enum IdentifierScheme
{
    /// <summary>统一社会信用代码, GB 32100-2015: 18 characters.</summary>
    UnifiedSocialCreditCode = 1,

    /// <summary>组织机构代码, GB 11714: 9 characters, carried by older list entries.</summary>
    OrganizationCode = 2,

    /// <summary>工商注册号, GS 15-2006: 15 digits, carried by older list entries.</summary>
    RegistrationNumber = 3,

    /// <summary>居民身份证号码, GB 11643-1999: 18 characters (a 15-digit first-generation number is
    /// converted on input). Residence permits for Hong Kong, Macao and Taiwan residents and the
    /// foreign permanent residence ID card use the same format.</summary>
    ResidentIdNumber = 4,
}
