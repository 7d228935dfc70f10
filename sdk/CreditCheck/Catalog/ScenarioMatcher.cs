namespace CreditCheck.Catalog;

/// <summary>Scenario patterns: <c>*</c> (every scenario), <c>code</c> (that scenario only) and
/// <c>code.*</c> (that scenario and all its descendants).</summary>
internal static class ScenarioMatcher
{
    public static bool Matches(string pattern, string scenario)
    {
        if (pattern == "*")
        {
            return true;
        }

        if (pattern.EndsWith(".*", StringComparison.Ordinal))
        {
            var prefix = pattern.AsSpan(0, pattern.Length - 2);
            return scenario.AsSpan().SequenceEqual(prefix)
                || (scenario.Length > prefix.Length + 1 && scenario.AsSpan().StartsWith(prefix) && scenario[prefix.Length] == '.');
        }

        return string.Equals(pattern, scenario, StringComparison.Ordinal);
    }

    /// <summary>Null when the pattern is valid and names a declared scenario; otherwise why not.</summary>
    public static string? Validate(string? pattern, IReadOnlySet<string> declared)
    {
        if (string.IsNullOrWhiteSpace(pattern))
        {
            return "A scenario pattern cannot be empty.";
        }

        if (pattern == "*")
        {
            return null;
        }

        var code = pattern.EndsWith(".*", StringComparison.Ordinal) ? pattern[..^2] : pattern;
        if (code.Contains('*', StringComparison.Ordinal))
        {
            return $"Bad scenario pattern '{pattern}': '*' may only stand alone or end a pattern as '.*'.";
        }

        return declared.Contains(code)
            ? null
            : $"Scenario pattern '{pattern}' names '{code}', which is not declared under $.scenarios.";
    }
}
