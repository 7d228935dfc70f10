using System.Globalization;
using System.Text;

namespace CreditCheck.Platform.Tests.Support;

/// <summary>Valid synthetic 统一社会信用代码 (GB 32100, with the GB 11714 organization code inside), as many
/// as a test needs, and list files made of them.</summary>
public static class TestIds
{
    private const string UsccCharacters = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    private static readonly int[] OrganizationWeights = [3, 7, 9, 10, 5, 8, 4, 2];
    private static readonly int[] UsccWeights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

    /// <summary>The n-th company (n &lt; 10^8), region 110105.</summary>
    public static string Company(int n)
    {
        var organization = n.ToString("D8", CultureInfo.InvariantCulture);
        var sum = 0;
        for (var i = 0; i < 8; i++)
        {
            sum += (organization[i] - '0') * OrganizationWeights[i];
        }

        var c9 = (11 - (sum % 11)) switch { 10 => 'X', 11 => '0', var d => (char)('0' + d) };
        var body = "91110105" + organization + c9;
        sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += UsccCharacters.IndexOf(body[i], StringComparison.Ordinal) * UsccWeights[i];
        }

        return body + UsccCharacters[(31 - (sum % 31)) % 31];
    }

    /// <summary>A CSV list file of <paramref name="count"/> active company entries of one list, entry ids
    /// <c>{prefix}-{n}</c>, subjects <see cref="Company"/>(offset + n).</summary>
    public static string Csv(string list, int count, string prefix = "gen", int offset = 0)
    {
        var csv = new StringBuilder("list,kind,subject,name,authority,reference,listedOn,validFrom,validUntil,status,entryId\n", count * 120);
        for (var i = 0; i < count; i++)
        {
            csv.Append(CultureInfo.InvariantCulture,
                $"{list},LegalEntity,{Company(offset + i)},示例测试企业{offset + i}有限公司,示例认定部门,示例〔2026〕{i}号,2026-01-05,2026-01-05,2030-01-04,Active,{prefix}-{i}\n");
        }

        return csv.ToString();
    }
}
