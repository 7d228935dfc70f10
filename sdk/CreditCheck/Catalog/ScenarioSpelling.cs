namespace CreditCheck.Catalog;

/// <summary>Tells a misspelled scenario code from a finer one. An undeclared code resolves to its nearest declared
/// ancestor (<c>procurement.bid.open</c> → <c>procurement.bid</c>), but found from outside: a one-letter slip in a
/// declared code (<c>market-access.registraton</c>) resolved to its parent, which applies none of the leaf's
/// measures, and a listed subject was answered Clear.</summary>
internal static class ScenarioSpelling
{
    /// <summary>The declared code <paramref name="code"/> was most likely meant to be, or null: its first undeclared
    /// level is within one edit (two from six characters) of the same level of a declared code under the same
    /// declared parent; the levels after it are kept.</summary>
    public static string? Suggest(IReadOnlyCollection<string> declared, string code)
    {
        if (!CatalogReader.IsScenarioCode(code) || declared.Contains(code))
        {
            return null;
        }

        var levels = code.Split('.');
        var depth = 0;
        var parent = string.Empty;
        while (depth < levels.Length && declared.Contains(Join(parent, levels[depth])))
        {
            parent = Join(parent, levels[depth++]);
        }

        var slipped = levels[depth];
        var allowed = slipped.Length < 6 ? 1 : 2;
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var sibling in declared)
        {
            // Only the declared codes one level under the same parent (the service asks this for every undeclared code,
            // so no splitting of every declared one).
            if (sibling.AsSpan().Count('.') != depth
                || (depth > 0 && !(sibling.Length > parent.Length + 1 && sibling.StartsWith(parent, StringComparison.Ordinal) && sibling[parent.Length] == '.')))
            {
                continue;
            }

            var distance = Distance(slipped, sibling.AsSpan(depth == 0 ? 0 : parent.Length + 1), allowed);
            if (distance <= allowed && distance < bestDistance)
            {
                (best, bestDistance) = (sibling, distance);
            }
        }

        return best is null ? null : string.Join('.', [best, .. levels[(depth + 1)..]]);
    }

    private static string Join(string parent, string level) => parent.Length == 0 ? level : parent + "." + level;

    /// <summary>Optimal string alignment distance (an adjacent swap is one edit), or more than <paramref name="limit"/>.</summary>
    private static int Distance(ReadOnlySpan<char> a, ReadOnlySpan<char> b, int limit)
    {
        if (Math.Abs(a.Length - b.Length) > limit)
        {
            return limit + 1;
        }

        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
