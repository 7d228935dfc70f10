using System.Globalization;
using System.Text;

namespace CreditCheck.Tests.Identifiers;

/// <summary>
/// An independent implementation of the check characters of GB 32100-2015, GB 11643-1999, GB 11714
/// and GS 15-2006, written from the standards and not from the SDK: weights are computed on the fly
/// and the check characters are derived arithmetically, so that tests that compare the SDK with it
/// are not circular.
/// </summary>
internal static class IdentifierReference
{
    /// <summary>Letters GB 32100-2015 never uses: I, O, S, V, Z.</summary>
    public const string UsccForbiddenLetters = "IOSVZ";

    /// <summary>Position 1 of a 统一社会信用代码 (GB 32100-2015 annex A).</summary>
    public const string RegistrationAuthorities = "123456789ANY";

    public const string IdCharacters = "0123456789X";

    /// <summary>Province-level codes of GB/T 2260, plus 71 (Taiwan), 81/82 (Hong Kong, Macao) and 83.</summary>
    public static readonly int[] Provinces =
    [
        11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
        50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83,
    ];

    /// <summary>The 31 characters of GB 32100-2015 in code-value order, built from A-Z minus the
    /// forbidden letters.</summary>
    public static readonly string UsccAlphabet = BuildUsccAlphabet();

    public static readonly string OrganizationBodyAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

    private static string BuildUsccAlphabet()
    {
        var builder = new StringBuilder(31);
        for (var c = '0'; c <= '9'; c++)
        {
            builder.Append(c);
        }

        for (var c = 'A'; c <= 'Z'; c++)
        {
            if (!UsccForbiddenLetters.Contains(c, StringComparison.Ordinal))
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary>GB 32100-2015 §5: C18 = 31 - (Σ Ci·Wi mod 31), Wi = 3^(i-1) mod 31, 31 → 0.</summary>
    public static char UsccCheck(string first17)
    {
        Assert.Equal(17, first17.Length);
        var sum = 0;
        var weight = 1; // 3^0
        foreach (var c in first17)
        {
            var value = UsccAlphabet.IndexOf(c, StringComparison.Ordinal);
            Assert.True(value >= 0, $"'{c}' is not a USCC character");
            sum += value * weight;
            weight = weight * 3 % 31;
        }

        return UsccAlphabet[(31 - (sum % 31)) % 31];
    }

    /// <summary>ISO 7064 MOD 11-2: a18 = (12 - (Σ ai·2^(18-i) mod 11)) mod 11, 10 written X.</summary>
    public static char IdCheck(string first17)
    {
        Assert.Equal(17, first17.Length);
        var sum = 0;
        for (var i = 1; i <= 17; i++)
        {
            var weight = 1;
            for (var k = 0; k < 18 - i; k++)
            {
                weight = weight * 2 % 11;
            }

            sum += (first17[i - 1] - '0') * weight;
        }

        var check = (12 - (sum % 11)) % 11;
        return check == 10 ? 'X' : (char)('0' + check);
    }

    /// <summary>GB 11714: C9 = 11 - (Σ Ci·Wi mod 11), W = 3 7 9 10 5 8 4 2; 10 → X, 11 → 0.
    /// Letters are worth 10 (A) to 35 (Z).</summary>
    public static char OrganizationCheck(string first8)
    {
        Assert.Equal(8, first8.Length);
        int[] weights = [3, 7, 9, 10, 5, 8, 4, 2];
        var sum = 0;
        for (var i = 0; i < 8; i++)
        {
            sum += OrganizationBodyAlphabet.IndexOf(first8[i], StringComparison.Ordinal) * weights[i];
        }

        var check = 11 - (sum % 11);
        return check switch
        {
            11 => '0',
            10 => 'X',
            _ => check.ToString(CultureInfo.InvariantCulture)[0],
        };
    }

    /// <summary>ISO 7064 MOD 11,10 (GS 15-2006): the check digit is the digit that makes the
    /// recurrence end in 1, found here by trying all ten.</summary>
    public static char RegistrationCheck(string first14)
    {
        Assert.Equal(14, first14.Length);
        for (var candidate = '0'; candidate <= '9'; candidate++)
        {
            if (IsValidMod11_10(first14 + candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("ISO 7064 MOD 11,10 always has a check digit.");
    }

    /// <summary>Validates a full MOD 11,10 number (ISO 7064 hybrid system): P0 = 10,
    /// Sj = (Pj-1 mod 11 + aj) mod 10 with 0 read as 10, Pj = 2·Sj; valid when the last S is 1.</summary>
    private static bool IsValidMod11_10(string digits)
    {
        var p = 10;
        var s = 0;
        foreach (var c in digits)
        {
            s = (p % 11) + (c - '0');
            s %= 10;
            if (s == 0)
            {
                s = 10;
            }

            p = 2 * s;
        }

        return s == 1;
    }

    /// <summary>Builds a conforming 居民身份证号码.</summary>
    public static string ResidentId(int province, string rest4, DateOnly birth, int sequence)
    {
        var first17 = string.Create(
            CultureInfo.InvariantCulture,
            $"{province:00}{rest4}{birth:yyyyMMdd}{sequence:000}");
        return first17 + IdCheck(first17);
    }
}
