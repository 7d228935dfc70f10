using System.Globalization;

namespace CreditCheck;

/// <summary>Validation of 居民身份证号码 (GB 11643-1999) and of the permits that share its format.
/// Returns null when valid, or a message naming the first problem found.</summary>
internal static class ResidentIdNumbers
{
    private const string Name = "居民身份证号码 (resident ID number)";

    // ISO 7064 MOD 11-2 weights 2^(18-i) mod 11 for positions 1..17.
    private static ReadOnlySpan<byte> Weights => [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

    private const string CheckCharacters = "10X98765432";

    /// <summary>Province-level codes of GB/T 2260, plus 71 (Taiwan), 81/82 (Hong Kong, Macao) and 83
    /// (residence permits of Taiwan residents).</summary>
    private static readonly HashSet<int> Provinces =
    [
        11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
        50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83,
    ];

    /// <summary>Turns a 15-digit first-generation number (GB 11643-1989: yymmdd, no check character)
    /// into its 18-digit form, or returns the input unchanged.</summary>
    public static string Upgrade(string number)
    {
        if (number.Length != 15 || !number.All(char.IsAsciiDigit))
        {
            return number;
        }

        Span<char> upgraded = stackalloc char[18];
        number.AsSpan(0, 6).CopyTo(upgraded);
        upgraded[6] = '1';
        upgraded[7] = '9';
        number.AsSpan(6).CopyTo(upgraded[8..]);
        upgraded[17] = CheckCharacter(upgraded[..17]);
        return new string(upgraded);
    }

    public static SubjectIdError? Validate(string number, DateOnly today)
    {
        if (number.Length != 18)
        {
            return SubjectIdError.Of(SubjectIdErrorCode.Length, null,
                $"{Name} must have 18 characters (or 15 digits for a first-generation card); got {number.Length}.",
                $"居民身份证号码应为18位（第一代身份证为15位数字），输入的是{number.Length}位。");
        }

        for (var i = 0; i < 17; i++)
        {
            if (!char.IsAsciiDigit(number[i]))
            {
                return SubjectIdError.Of(SubjectIdErrorCode.CharacterNotAllowed, i + 1,
                    $"{Name}: character {IdentifierText.Describe(number[i])} at position {i + 1} is not a digit "
                    + "(only position 18 may be X).",
                    $"居民身份证号码第{i + 1}位的字符 {IdentifierText.Describe(number[i])} 不是数字（只有第18位可以是X）。");
            }
        }

        if (!char.IsAsciiDigit(number[17]) && number[17] != 'X')
        {
            return SubjectIdError.Of(SubjectIdErrorCode.CharacterNotAllowed, 18,
                $"{Name}: check character {IdentifierText.Describe(number[17])} at position 18 is not allowed; allowed are 0-9 and X.",
                $"居民身份证号码第18位校验码 {IdentifierText.Describe(number[17])} 不允许；只能是数字0-9或X。");
        }

        // The foreign permanent residence ID card (2023) starts with 9, then the issuing province.
        var provinceAt = number[0] == '9' ? 1 : 0;
        var province = ((number[provinceAt] - '0') * 10) + (number[provinceAt + 1] - '0');
        if (!Provinces.Contains(province))
        {
            return SubjectIdError.Of(SubjectIdErrorCode.ProvinceCode, provinceAt + 1,
                $"{Name}: '{province:00}' at positions {provinceAt + 1}-{provinceAt + 2} is not a province code of GB/T 2260.",
                $"居民身份证号码第{provinceAt + 1}-{provinceAt + 2}位 '{province:00}' 不是省级行政区划代码。");
        }

        var dateText = number.AsSpan(6, 8);
        if (!DateOnly.TryParseExact(dateText, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var birth))
        {
            return SubjectIdError.Of(SubjectIdErrorCode.BirthDate, 7,
                $"{Name}: birth date '{dateText}' at positions 7-14 is not a real date.",
                $"居民身份证号码第7-14位出生日期 '{dateText}' 不是有效日期。");
        }

        if (birth.Year < 1800)
        {
            return SubjectIdError.Of(SubjectIdErrorCode.BirthDate, 7,
                $"{Name}: birth date {birth:yyyy-MM-dd} at positions 7-14 is before 1800.",
                $"居民身份证号码第7-14位出生日期 {birth:yyyy-MM-dd} 早于1800年。");
        }

        if (birth > today)
        {
            return SubjectIdError.Of(SubjectIdErrorCode.BirthDate, 7,
                $"{Name}: birth date {birth:yyyy-MM-dd} at positions 7-14 is in the future.",
                $"居民身份证号码第7-14位出生日期 {birth:yyyy-MM-dd} 晚于今天。");
        }

        var expected = CheckCharacter(number.AsSpan(0, 17));
        if (expected != number[17])
        {
            return SubjectIdError.Of(SubjectIdErrorCode.CheckCharacterMismatch, 18,
                $"{Name}: check character at position 18 is '{number[17]}' but the first 17 digits require '{expected}'.",
                $"居民身份证号码第18位校验码是 '{number[17]}'，按前17位应为 '{expected}'，请核对是否输错。");
        }

        return null;
    }

    public static char CheckCharacter(ReadOnlySpan<char> first17)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += (first17[i] - '0') * Weights[i];
        }

        return CheckCharacters[sum % 11];
    }
}
