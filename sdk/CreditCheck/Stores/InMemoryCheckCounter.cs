using System.Globalization;
using System.Text;

namespace CreditCheck.Stores;

/// <summary>
/// The embedded store's check counts: in this process, or — when the store has a data folder — appended to
/// <c>DIR/.creditcheck/counts.tsv</c> at each flush (<c>day⇥department⇥scenario⇥checks⇥hits</c>, increments
/// summed when read), where the operator tool's <c>report --store memory --data DIR</c> reads them. A line
/// cut short by a crash is skipped when read.
/// </summary>
public sealed class InMemoryCheckCounter(string? stateFolder, TimeProvider time, TimeSpan? flushInterval = null) : CheckCounter(time, flushInterval)
{
    /// <summary>The file's name in the state folder.</summary>
    public const string FileName = "counts.tsv";

    private readonly Lock _lock = new();
    private readonly List<CheckCount> _memory = [];
    private readonly string? _path = stateFolder is null ? null : Path.Combine(stateFolder, FileName);

    /// <inheritdoc/>
    protected override Task WriteAsync(IReadOnlyList<CheckCount> counts, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_path is null)
            {
                _memory.AddRange(counts);
                return Task.CompletedTask;
            }

            var text = new StringBuilder();
            foreach (var c in counts)
            {
                text.Append(CultureInfo.InvariantCulture, $"{c.Day:yyyy-MM-dd}\t{Clean(c.Department)}\t{Clean(c.Scenario)}\t{c.Checks}\t{c.Hits}\n");
            }

            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
            using var file = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
            file.Write(Encoding.UTF8.GetBytes(text.ToString()));
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public override Task<IReadOnlyList<CheckCount>> ReadAsync(DateOnly from, DateOnly until, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_path is null
                ? Sum(_memory.Where(c => c.Day >= from && c.Day < until))
                : Read(_path, from, until));
        }
    }

    /// <summary>The counts of a file, summed per day, department and scenario.</summary>
    /// <param name="path">The counts file.</param>
    /// <param name="from">The first day counted.</param>
    /// <param name="until">The first day not counted.</param>
    /// <returns>The counts; none when the file does not exist.</returns>
    public static IReadOnlyList<CheckCount> Read(string path, DateOnly from, DateOnly until)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        var rows = new List<CheckCount>();
        foreach (var line in File.ReadLines(path, Encoding.UTF8))
        {
            var parts = line.Split('\t');
            if (parts.Length == 5
                && DateOnly.TryParseExact(parts[0], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
                && long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var checks)
                && long.TryParse(parts[4], NumberStyles.None, CultureInfo.InvariantCulture, out var hits)
                && day >= from && day < until)
            {
                rows.Add(new CheckCount(day, parts[1], parts[2], checks, hits));
            }
        }

        return Sum(rows);
    }

    private static List<CheckCount> Sum(IEnumerable<CheckCount> rows) =>
        [.. rows.GroupBy(c => (c.Day, c.Department, c.Scenario))
            .Select(g => new CheckCount(g.Key.Day, g.Key.Department, g.Key.Scenario, g.Sum(c => c.Checks), g.Sum(c => c.Hits)))
            .OrderBy(c => c.Day).ThenBy(c => c.Department, StringComparer.Ordinal).ThenBy(c => c.Scenario, StringComparer.Ordinal)];

    private static string Clean(string text) => text.Replace('\t', ' ').Replace('\n', ' ').Replace('\r', ' ');
}
