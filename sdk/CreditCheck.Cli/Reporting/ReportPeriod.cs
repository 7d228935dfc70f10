using System.Globalization;

namespace CreditCheck.Cli.Reporting;

/// <summary>The period <c>[Since, Until)</c> of an export or a report, from <c>--since</c> and <c>--until</c>.</summary>
internal sealed record ReportPeriod(DateTimeOffset Since, DateTimeOffset Until)
{
    /// <summary>China Standard Time: a date or time without an offset is read in it, and times are shown in it.</summary>
    public static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);

    // The forms the import accepts for dates (ListFileReader), then ISO 8601 times with or without an offset.
    private static readonly string[] DateFormats =
    [
        "yyyy-MM-dd", "yyyy-M-d", "yyyy/M/d", "yyyy/MM/dd", "yyyy年M月d日", "yyyy年MM月dd日", "yyyyMMdd", "yyyy.M.d",
    ];

    private static readonly string[] LocalTimeFormats =
    [
        "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF",
        "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFFF",
    ];

    private static readonly string[] OffsetTimeFormats =
        [.. LocalTimeFormats.Select(f => f + "zzz"), .. LocalTimeFormats.Select(f => f + "'Z'")];

    private const string Forms = "2024-01-02, 2024/1/2, 2024年1月2日, 20240102, or a time such as 2024-01-02T08:30:00 or 2024-01-02T08:30:00+08:00";

    /// <summary>Reads both ends and checks that the period is not empty.</summary>
    /// <exception cref="CliException">A value is not a date or time, or the period is empty (exit code usage).</exception>
    public static ReportPeriod Parse(string since, string until)
    {
        var start = ParseTime("--since", since);
        var end = ParseTime("--until", until);
        if (end <= start)
        {
            throw new CliException(ExitCodes.Usage,
                $"--until {Show(end)} 不晚于 --since {Show(start)}，统计期间为空（--until 是不计入的第一个时刻）",
                $"--until {Show(end)} is not after --since {Show(start)}: the period [since, until) would be empty (until is exclusive: the first moment not included).");
        }

        return new ReportPeriod(start, end);
    }

    /// <summary>A date means its midnight; a time without an offset is China Standard Time.</summary>
    public static DateTimeOffset ParseTime(string option, string text)
    {
        var value = text.Trim();
        if (DateOnly.TryParseExact(value, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), ChinaOffset);
        }

        if (DateTimeOffset.TryParseExact(value, OffsetTimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var withOffset))
        {
            return withOffset;
        }

        if (DateTime.TryParseExact(value, LocalTimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return new DateTimeOffset(local, ChinaOffset);
        }

        throw new CliException(ExitCodes.Usage, $"{option} '{text}' 不是日期或时间", $"{option} '{text}' is not a date or time; use {Forms}.");
    }

    /// <summary>A moment as the tool shows it: China Standard Time, to the second.</summary>
    public static string Show(DateTimeOffset moment) =>
        moment.ToOffset(ChinaOffset).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>The period for people: <c>2024-01-01 00:00 至 2024-04-01 00:00（不含）</c>.</summary>
    public string Describe() =>
        $"{Since.ToOffset(ChinaOffset).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} 至 {Until.ToOffset(ChinaOffset).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)}（不含，北京时间）";
}
