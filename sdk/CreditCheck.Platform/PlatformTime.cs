using System.Globalization;
using System.Text.RegularExpressions;

namespace CreditCheck.Platform;

/// <summary>The contract's times (RFC 3339, proto <c>Entry</c>): read exactly, so that a date means the same on every host.</summary>
internal static partial class PlatformTime
{
    /// <summary>Reads an RFC 3339 date-time (section 5.6): <c>2024-03-01T00:00:00+08:00</c>, <c>…Z</c>, any number of
    /// fraction digits (beyond 7, truncated to .NET's ticks), <c>T</c> and <c>Z</c> in either case. Anything else — a date
    /// without a time or an offset, a culture's order such as <c>01/02/2027</c> — is refused: the proto allows no other
    /// form, and a lenient parse would read it by the host's culture and time zone (found from outside).</summary>
    public static bool TryParse(string text, out DateTimeOffset value)
    {
        value = default;
        var m = Rfc3339().Match(text);
        if (!m.Success)
        {
            return false;
        }

        int Part(string name) => int.Parse(m.Groups[name].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture);
        var offset = TimeSpan.Zero;
        if (m.Groups["oh"].Success)
        {
            offset = new TimeSpan(Part("oh"), Part("om"), 0);
            if (m.Groups["sign"].ValueSpan[0] == '-')
            {
                offset = -offset;
            }
        }

        var fraction = m.Groups["f"].Success ? m.Groups["f"].Value : string.Empty;
        var ticks = fraction.Length == 0 ? 0 : int.Parse(fraction.PadRight(7, '0').AsSpan(0, 7), NumberStyles.None, CultureInfo.InvariantCulture);
        try
        {
            // 60 seconds (a leap second) and impossible dates (30 February) throw here, and are refused.
            value = new DateTimeOffset(Part("y"), Part("mo"), Part("d"), Part("h"), Part("mi"), Part("s"), offset).AddTicks(ticks);
            return true;
        }
        catch (ArgumentException)
        {
            return false; // ArgumentOutOfRangeException included: a field or an offset (beyond ±14:00) out of range
        }
    }

    [GeneratedRegex(@"^(?<y>\d{4})-(?<mo>\d{2})-(?<d>\d{2})[Tt](?<h>\d{2}):(?<mi>\d{2}):(?<s>\d{2})(?:\.(?<f>\d+))?(?:[Zz]|(?<sign>[+-])(?<oh>\d{2}):(?<om>\d{2}))$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Rfc3339();
}
