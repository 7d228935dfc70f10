namespace CreditCheck.Cli;

/// <summary>RFC 4180 quoting for the CSV files the tool writes.</summary>
internal static class CsvText
{
    public static string Quote(string field) =>
        field.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;

    public static string Row(IEnumerable<string> fields) => string.Join(",", fields.Select(Quote));
}
