namespace CreditCheck.Adapters.Tests.Support;

/// <summary>Valid identifiers made on the fly (GB 32100 / GB 11714 / GB 11643 check characters computed here,
/// since the SDK keeps its own helpers internal).</summary>
internal static class Ids
{
    private const string UsccCharacters = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    private static readonly int[] OrganizationWeights = [3, 7, 9, 10, 5, 8, 4, 2];
    private static readonly int[] PersonWeights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

    /// <summary>The n-th valid 统一社会信用代码 (enterprise, Beijing Chaoyang); <paramref name="prefix"/> varies the series.</summary>
    public static SubjectId Company(int n, int prefix = 0)
    {
        var organization = $"{prefix % 10}{n % 10_000_000:D7}";
        var sum = 0;
        for (var i = 0; i < 8; i++)
        {
            sum += Value(organization[i]) * OrganizationWeights[i];
        }

        var check = (11 - (sum % 11)) switch { 10 => 'X', 11 => '0', var c => (char)('0' + c) };
        var body = "91110105" + organization + check;
        var usccSum = 0;
        var weight = 1;
        for (var i = 0; i < 17; i++)
        {
            usccSum += UsccCharacters.IndexOf(body[i], StringComparison.Ordinal) * weight;
            weight = weight * 3 % 31;
        }

        var code = body + UsccCharacters[(31 - (usccSum % 31)) % 31];
        return SubjectId.Parse(code, SubjectKind.LegalEntity);
    }

    /// <summary>The n-th valid 居民身份证号码 (Beijing Chaoyang, born 1980 onwards).</summary>
    public static SubjectId Person(int n)
    {
        var birth = new DateOnly(1980, 1, 1).AddDays(n / 1000);
        var first17 = $"110105{birth:yyyyMMdd}{n % 1000:D3}";
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += (first17[i] - '0') * PersonWeights[i];
        }

        return SubjectId.Parse(first17 + "10X98765432"[sum % 11], SubjectKind.NaturalPerson);
    }

    private static int Value(char c) => c <= '9' ? c - '0' : c - 'A' + 10;
}
