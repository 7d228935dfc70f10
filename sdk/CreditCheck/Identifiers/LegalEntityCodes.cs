namespace CreditCheck;

/// <summary>Validation of the codes that identify legal entities: 统一社会信用代码 (GB 32100-2015),
/// 组织机构代码 (GB 11714) and 工商注册号 (GS 15-2006). Each method returns null when the code is
/// valid, or a message naming the first problem found.</summary>
internal static class LegalEntityCodes
{
    private const string UsccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    private const string UsccName = "统一社会信用代码 (unified social credit code)";
    private const string OrgName = "组织机构代码 (organisation code)";
    private const string RegName = "工商注册号 (registration number)";

    // 3^(i-1) mod 31 for positions 1..17, GB 32100-2015 §5.
    private static ReadOnlySpan<byte> UsccWeights => [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

    // GB 11714 §4.
    private static ReadOnlySpan<byte> OrgWeights => [3, 7, 9, 10, 5, 8, 4, 2];

    // Position 1 of a USCC: the registration authority (GB 32100-2015, annex A).
    private const string RegistrationAuthorities = "123456789ANY";

    public static SubjectIdError? ValidateUscc(string code, bool lenientCheck, out bool checkConforms)
    {
        checkConforms = false;
        if (code.Length != 18)
        {
            return SubjectIdError.Of(SubjectIdErrorCode.Length, null,
                $"{UsccName} must have 18 characters (older codes: a 9-character 组织机构代码 or a 15-digit 工商注册号); got {code.Length}.",
                $"统一社会信用代码应为18位（旧代码：9位组织机构代码或15位工商注册号），输入的是{code.Length}位。");
        }

        for (var i = 0; i < 18; i++)
        {
            if (UsccAlphabet.IndexOf(code[i], StringComparison.Ordinal) < 0)
            {
                return SubjectIdError.Of(SubjectIdErrorCode.CharacterNotAllowed, i + 1,
                    $"{UsccName}: character {IdentifierText.Describe(code[i])} at position {i + 1} is not allowed; "
                    + "allowed are 0-9 and A-H, J-N, P-R, T-U, W-Y (never I, O, S, V, Z).",
                    $"统一社会信用代码第{i + 1}位的字符 {IdentifierText.Describe(code[i])} 不允许；只能是数字0-9和除I、O、S、V、Z以外的大写字母。");
            }
        }

        if (RegistrationAuthorities.IndexOf(code[0], StringComparison.Ordinal) < 0)
        {
            return SubjectIdError.Of(SubjectIdErrorCode.RegistrationAuthority, 1,
                $"{UsccName}: '{code[0]}' at position 1 is not a registration authority code (expected one of 1-9, A, N, Y).",
                $"统一社会信用代码第1位 '{code[0]}' 不是登记管理部门代码（应为1-9、A、N、Y之一）。");
        }

        // Position 2, the entity type: under 工商 (9) only 1 企业, 2 个体工商户, 3 农民专业合作社 exist.
        if (code[0] == '9' && code[1] is not ('1' or '2' or '3'))
        {
            return SubjectIdError.Of(SubjectIdErrorCode.EntityType, 2,
                $"{UsccName}: '{code[1]}' at position 2 is not an entity type under registration authority 9 (expected 1 企业, 2 个体工商户 or 3 农民专业合作社).",
                $"统一社会信用代码第2位 '{code[1]}' 不是工商登记的机构类别（应为1 企业、2 个体工商户或3 农民专业合作社）。");
        }

        for (var i = 2; i < 8; i++)
        {
            if (!char.IsAsciiDigit(code[i]))
            {
                return SubjectIdError.Of(SubjectIdErrorCode.RegionCode, i + 1,
                    $"{UsccName}: positions 3-8 are the administrative region code and must be digits; "
                    + $"found '{code[i]}' at position {i + 1}.",
                    $"统一社会信用代码第3-8位是行政区划码，应为数字；第{i + 1}位是 '{code[i]}'。");
            }
        }

        var expected = UsccCheckCharacter(code.AsSpan(0, 17));
        checkConforms = expected == code[17];
        if (!checkConforms && !lenientCheck)
        {
            return SubjectIdError.Of(SubjectIdErrorCode.CheckCharacterMismatch, 18,
                $"{UsccName}: check character at position 18 is '{code[17]}' but the first 17 characters require '{expected}'.",
                $"统一社会信用代码第18位校验码是 '{code[17]}'，按前17位应为 '{expected}'，请核对是否输错。");
        }

        return null;
    }

    public static char UsccCheckCharacter(ReadOnlySpan<char> first17)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += UsccAlphabet.IndexOf(first17[i], StringComparison.Ordinal) * UsccWeights[i];
        }

        var check = 31 - (sum % 31);
        return UsccAlphabet[check == 31 ? 0 : check];
    }

    public static SubjectIdError? ValidateOrganizationCode(string code, bool lenientCheck, out bool checkConforms)
    {
        checkConforms = false;
        if (code.Length != 9)
        {
            return SubjectIdError.Of(SubjectIdErrorCode.Length, null,
                $"{OrgName} must have 9 characters (8 and a check character, often written XXXXXXXX-X); got {code.Length}.",
                $"组织机构代码应为9位（8位本体代码加1位校验码，常写作XXXXXXXX-X），输入的是{code.Length}位。");
        }

        for (var i = 0; i < 8; i++)
        {
            if (!char.IsAsciiDigit(code[i]) && !char.IsAsciiLetterUpper(code[i]))
            {
                return SubjectIdError.Of(SubjectIdErrorCode.CharacterNotAllowed, i + 1,
                    $"{OrgName}: character {IdentifierText.Describe(code[i])} at position {i + 1} is not allowed; allowed are 0-9 and A-Z.",
                    $"组织机构代码第{i + 1}位的字符 {IdentifierText.Describe(code[i])} 不允许；只能是数字0-9或大写字母A-Z。");
            }
        }

        if (!char.IsAsciiDigit(code[8]) && code[8] != 'X')
        {
            return SubjectIdError.Of(SubjectIdErrorCode.CharacterNotAllowed, 9,
                $"{OrgName}: check character {IdentifierText.Describe(code[8])} at position 9 is not allowed; allowed are 0-9 and X.",
                $"组织机构代码第9位校验码 {IdentifierText.Describe(code[8])} 不允许；只能是数字0-9或X。");
        }

        var expected = OrganizationCheckCharacter(code.AsSpan(0, 8));
        checkConforms = expected == code[8];
        if (!checkConforms && !lenientCheck)
        {
            return SubjectIdError.Of(SubjectIdErrorCode.CheckCharacterMismatch, 9,
                $"{OrgName}: check character at position 9 is '{code[8]}' but the first 8 characters require '{expected}'.",
                $"组织机构代码第9位校验码是 '{code[8]}'，按前8位应为 '{expected}'，请核对是否输错。");
        }

        return null;
    }

    public static char OrganizationCheckCharacter(ReadOnlySpan<char> first8)
    {
        var sum = 0;
        for (var i = 0; i < 8; i++)
        {
            var c = first8[i];
            var value = char.IsAsciiDigit(c) ? c - '0' : c - 'A' + 10;
            sum += value * OrgWeights[i];
        }

        var check = 11 - (sum % 11);
        return check switch
        {
            10 => 'X',
            11 => '0',
            _ => (char)('0' + check),
        };
    }

    /// <summary>True when <paramref name="candidate"/> (9 characters) is an organisation code whose
    /// check character conforms.</summary>
    public static bool IsConformingOrganizationCode(ReadOnlySpan<char> candidate)
    {
        if (candidate.Length != 9)
        {
            return false;
        }

        foreach (var c in candidate[..8])
        {
            if (!char.IsAsciiDigit(c) && !char.IsAsciiLetterUpper(c))
            {
                return false;
            }
        }

        return OrganizationCheckCharacter(candidate[..8]) == candidate[8];
    }

    public static SubjectIdError? ValidateRegistrationNumber(string code, bool lenientCheck, out bool checkConforms)
    {
        checkConforms = false;
        if (code.Length != 15)
        {
            return SubjectIdError.Of(SubjectIdErrorCode.Length, null,
                $"{RegName} must have 15 digits; got {code.Length}.",
                $"工商注册号应为15位数字，输入的是{code.Length}位。");
        }

        for (var i = 0; i < 15; i++)
        {
            if (!char.IsAsciiDigit(code[i]))
            {
                return SubjectIdError.Of(SubjectIdErrorCode.CharacterNotAllowed, i + 1,
                    $"{RegName}: character {IdentifierText.Describe(code[i])} at position {i + 1} is not a digit.",
                    $"工商注册号第{i + 1}位的字符 {IdentifierText.Describe(code[i])} 不是数字。");
            }
        }

        var expected = RegistrationCheckDigit(code.AsSpan(0, 14));
        checkConforms = expected == code[14];
        if (!checkConforms && !lenientCheck)
        {
            return SubjectIdError.Of(SubjectIdErrorCode.CheckCharacterMismatch, 15,
                $"{RegName}: check digit at position 15 is '{code[14]}' but the first 14 digits require '{expected}'.",
                $"工商注册号第15位校验码是 '{code[14]}'，按前14位应为 '{expected}'，请核对是否输错。");
        }

        return null;
    }

    // ISO 7064 MOD 11,10 (hybrid system), as GS 15-2006 prescribes.
    public static char RegistrationCheckDigit(ReadOnlySpan<char> first14)
    {
        var product = 10;
        foreach (var c in first14)
        {
            var sum = (product + (c - '0')) % 10;
            if (sum == 0)
            {
                sum = 10;
            }

            product = sum * 2 % 11;
        }

        // The check digit makes the next sum equal 1 (mod 10).
        return (char)('0' + ((11 - product) % 10));
    }
}
