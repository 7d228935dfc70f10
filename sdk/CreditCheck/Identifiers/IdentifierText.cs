using System.Text;

namespace CreditCheck;

/// <summary>Folds what people type into the canonical form the standards define.</summary>
internal static class IdentifierText
{
    /// <summary>Trims, drops spaces (ASCII and ideographic) and hyphens, folds full-width characters
    /// to ASCII and upper-cases. Returns the input itself when it is already canonical, so the
    /// common case allocates nothing.</summary>
    public static string Normalize(string text)
    {
        var clean = true;
        foreach (var c in text)
        {
            if (c is < '0' or > 'Z' || c is > '9' and < 'A')
            {
                clean = false;
                break;
            }
        }

        if (clean)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        foreach (var raw in text)
        {
            var c = raw switch
            {
                >= '\uFF01' and <= '\uFF5E' => (char)(raw - 0xFEE0), // full-width ASCII block
                '\u3000' => ' ',
                >= '\u2010' and <= '\u2015' or '\u2212' => '-', // typographic dashes
                _ => raw,
            };

            // Spaces, hyphens and invisible format characters (a byte-order mark leading an
            // imported file, zero-width spaces) are not part of any identifier.
            if (char.IsWhiteSpace(c) || c == '-' || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format)
            {
                continue;
            }

            builder.Append(c is >= 'a' and <= 'z' ? (char)(c - 32) : c);
        }

        return builder.ToString();
    }

    /// <summary>Folds full-width ASCII (<c>２０２５－０１－０５</c>, <c>Ａ</c>, as a Chinese input method types them) and the
    /// ideographic space to ASCII; everything else is kept. Returns the input itself when there is nothing to fold.</summary>
    public static string FoldWidth(string text)
    {
        if (text.AsSpan().IndexOfAnyInRange('\uFF01', '\uFF5E') < 0 && !text.Contains('\u3000', StringComparison.Ordinal))
        {
            return text;
        }

        return string.Create(text.Length, text, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                span[i] = c switch
                {
                    >= '\uFF01' and <= '\uFF5E' => (char)(c - 0xFEE0),
                    '\u3000' => ' ',
                    _ => c,
                };
            }
        });
    }

    /// <summary>Masks the middle of an identifier for logs and decisions: <c>9144**********123X</c>.</summary>
    public static string Mask(string value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        var keep = value.Length >= 12 ? 4 : value.Length >= 6 ? 2 : 0;
        if (keep == 0)
        {
            return new string('*', value.Length);
        }

        return string.Create(value.Length, (value, keep), static (span, state) =>
        {
            span.Fill('*');
            state.value.AsSpan(0, state.keep).CopyTo(span);
            state.value.AsSpan(state.value.Length - state.keep).CopyTo(span[(span.Length - state.keep)..]);
        });
    }

    /// <summary>Names a character so that an invisible or look-alike one is still recognisable.</summary>
    public static string Describe(char c) =>
        c is >= '!' and <= '~' ? $"'{c}'" : char.IsLetterOrDigit(c) ? $"'{c}' (U+{(int)c:X4})" : $"U+{(int)c:X4}";
}
