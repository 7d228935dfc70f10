namespace CreditCheck.Cli;

/// <summary>RFC 4180 quoting for the CSV files the tool writes.</summary>
internal static class CsvText
{
    public static string Quote(string field) =>
        field.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;

    public static string Row(IEnumerable<string> fields) => string.Join(",", fields.Select(Quote));

    /// <summary>Text someone typed, made safe for a spreadsheet: a leading <c>=</c>, <c>+</c>, <c>-</c>,
    /// <c>@</c>, tab or carriage return would make Excel run it as a formula (CSV injection), so it gets a
    /// leading <c>'</c>.</summary>
    public static string Typed(string? value) =>
        value is { Length: > 0 } && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value ?? "";
}
