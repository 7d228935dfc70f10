using System.Globalization;

namespace CreditCheck.Benchmarks.Support;

/// <summary>
/// Valid identifiers made on the fly, as many as a run needs: the n-th 统一社会信用代码 (GB 32100,
/// with a conforming 组织机构代码 inside, GB 11714) and the n-th 居民身份证号码 (GB 11643). The check
/// characters are computed here (the SDK's own helpers are internal to it), and every id still goes
/// through <see cref="SubjectId.Parse(string, SubjectKind)"/>, so an invalid one fails loudly.
/// </summary>
internal static class SyntheticIds
{
    private const string UsccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    private const string IdCheckCharacters = "10X98765432";

    // 3^(i-1) mod 31, GB 32100-2015 §5.
    private static ReadOnlySpan<byte> UsccWeights => [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

    // GB 11714 §4.
    private static ReadOnlySpan<byte> OrganizationWeights => [3, 7, 9, 10, 5, 8, 4, 2];

    // ISO 7064 MOD 11-2, GB 11643-1999.
    private static ReadOnlySpan<byte> IdWeights => [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

    /// <summary>Ranges of <c>n</c> that never overlap, so "listed" and "clean" sets stay disjoint.</summary>
    public static class Ranges
    {
        public const int ListedCompanies = 0;
        public const int CleanCompanies = 40_000_000;
        public const int ProbeCompanies = 50_000_000;
        public const int PropagationCompanies = 90_000_000;

        public const int ListedPersons = 0;
        public const int CleanPersons = 2_000_000;
        public const int ProbePersons = 3_000_000;
    }

    /// <summary>The canonical text of the n-th 统一社会信用代码 (enterprise, Beijing Chaoyang); n &lt; 100,000,000.</summary>
    public static string CompanyText(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(n, 100_000_000);
        var organization = n.ToString("D8", CultureInfo.InvariantCulture);
        var body = "91110105" + organization + OrganizationCheckCharacter(organization);
        return body + UsccCheckCharacter(body);
    }

    /// <summary>The canonical text of the n-th 居民身份证号码 (Beijing Chaoyang, born from 1960 on); n &lt; 10,000,000.</summary>
    public static string PersonText(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(n, 10_000_000);
        var birth = new DateOnly(1960, 1, 1).AddDays(n / 1000);
        var first17 = string.Create(CultureInfo.InvariantCulture, $"110105{birth:yyyyMMdd}{n % 1000:000}");
        return first17 + IdCheckCharacter(first17);
    }

    public static SubjectId Company(int n) => SubjectId.Parse(CompanyText(n), SubjectKind.LegalEntity);

    public static SubjectId Person(int n) => SubjectId.Parse(PersonText(n), SubjectKind.NaturalPerson);

    /// <summary>A mix like real traffic: four legal entities to one person.</summary>
    public static SubjectId Mixed(int n, int companyBase, int personBase) =>
        n % 5 == 4 ? Person(personBase + (n / 5)) : Company(companyBase + n - (n / 5));

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

    public static char OrganizationCheckCharacter(ReadOnlySpan<char> first8)
    {
        var sum = 0;
        for (var i = 0; i < 8; i++)
        {
            var c = first8[i];
            sum += (char.IsAsciiDigit(c) ? c - '0' : c - 'A' + 10) * OrganizationWeights[i];
        }

        return (11 - (sum % 11)) switch
        {
            10 => 'X',
            11 => '0',
            var digit => (char)('0' + digit),
        };
    }

    public static char IdCheckCharacter(ReadOnlySpan<char> first17)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += (first17[i] - '0') * IdWeights[i];
        }

        return IdCheckCharacters[sum % 11];
    }
}
