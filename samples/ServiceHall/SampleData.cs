using System.Globalization;
using System.Text;
using System.Text.Json;
using CreditCheck;
using CreditCheck.Catalog;
using CreditCheck.Redis;
using CreditCheck.Stores;

namespace ServiceHall;

/// <summary>Seeds a Redis namespace from samples/data, so a newcomer's empty Redis shows the same subjects
/// as the embedded store: the default catalog when the namespace has none, then each list merged (re-running
/// changes nothing). Real platforms load their exports with <c>creditcheck import</c>.</summary>
internal static class SampleData
{
    private static readonly TimeSpan ChinaStandardTime = TimeSpan.FromHours(8);

    public static async Task SeedRedisAsync(ServiceHallSettings settings, CancellationToken cancellationToken = default)
    {
        var records = Read(settings.DataDirectory);
        var options = new RedisStoreOptions { Configuration = settings.Redis!, Namespace = settings.Namespace, Secret = settings.Secret };
        await using var publisher = await RedisCreditPublisher.ConnectAsync(options, cancellationToken: cancellationToken);
        if (await publisher.GetCatalogAsync(cancellationToken) is null)
        {
            await publisher.PublishCatalogAsync(CreditCatalog.Default, cancellationToken);
        }

        foreach (var list in records.GroupBy(r => r.Entry.ListCode, StringComparer.Ordinal))
        {
            await publisher.ImportListAsync(list.Key, list, ImportMode.Merge, cancellationToken);
        }
    }

    /// <summary>Every entry of the folder's CSV files (header row, RFC 4180 quoting) and JSON files
    /// (<c>{ "entries": [...] }</c>), with the field names samples/data/README.md describes.</summary>
    public static List<ListRecord> Read(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"The sample data folder {directory} does not exist.");
        }

        var records = new List<ListRecord>();
        foreach (var file in Directory.EnumerateFiles(directory, "*.csv").Order(StringComparer.Ordinal))
        {
            var rows = Csv(File.ReadAllText(file, Encoding.UTF8)).ToList();
            var header = rows[0];
            if (!header.Contains("list") || !header.Contains("kind") || !header.Contains("subject"))
            {
                throw new InvalidDataException(
                    $"{Path.GetFileName(file)}: this sample seeds Redis from files with the samples/data columns (list, kind, subject, …); load other exports with `creditcheck import`.");
            }

            for (var r = 1; r < rows.Count; r++)
            {
                var cells = rows[r];
                records.Add(ToRecord(file, r + 1, name => Array.IndexOf(header, name) is >= 0 and var i && i < cells.Length ? cells[i] : string.Empty));
            }
        }

        foreach (var file in Directory.EnumerateFiles(directory, "*.json").Order(StringComparer.Ordinal))
        {
            using var document = JsonDocument.Parse(File.ReadAllText(file, Encoding.UTF8));
            var n = 0;
            foreach (var entry in document.RootElement.GetProperty("entries").EnumerateArray())
            {
                records.Add(ToRecord(file, ++n, name => entry.TryGetProperty(name, out var value) ? value.GetString() ?? string.Empty : string.Empty));
            }
        }

        return records;
    }

    private static ListRecord ToRecord(string file, int row, Func<string, string> field)
    {
        try
        {
            var kind = Enum.Parse<SubjectKind>(field("kind"));
            RelatedParty? related = field("relatedEnterprise") is { Length: > 0 } enterprise
                ? new RelatedParty(enterprise, Empty(field("relatedEnterpriseCode")), Enum.Parse<RelatedRole>(field("relatedRole")))
                : null;
            return new ListRecord(SubjectId.Parse(field("subject"), kind), new ListEntry
            {
                EntryId = field("entryId"),
                ListCode = field("list"),
                SubjectKind = kind,
                SubjectName = Empty(field("name")),
                Authority = Empty(field("authority")),
                DecisionReference = Empty(field("reference")),
                Summary = Empty(field("summary")),
                ListedOn = Day(field("listedOn"), 0),
                ValidFrom = Day(field("validFrom"), 0),
                ValidUntil = Day(field("validUntil"), 1), // the end date is inclusive
                Status = field("status") is { Length: > 0 } status ? Enum.Parse<EntryStatus>(status) : EntryStatus.Active,
                RelatedTo = related,
            });
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw new InvalidDataException($"{Path.GetFileName(file)} row {row}: {e.Message}", e);
        }
    }

    private static string? Empty(string value) => value.Length == 0 ? null : value;

    /// <summary>A calendar day in China Standard Time; <paramref name="shift"/> 1 for an inclusive end date.</summary>
    private static DateTimeOffset? Day(string value, int shift) => value.Length == 0
        ? null
        : new DateTimeOffset(DateOnly.ParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture).AddDays(shift), TimeOnly.MinValue, ChinaStandardTime);

    /// <summary>RFC 4180 rows: quoted fields may hold commas, doubled quotes and line breaks.</summary>
    private static IEnumerable<string[]> Csv(string text)
    {
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }

                continue;
            }

            switch (c)
            {
                case '"':
                    quoted = true;
                    break;
                case ',':
                    row.Add(field.ToString());
                    field.Clear();
                    break;
                case '\r':
                    break;
                case '\n':
                    row.Add(field.ToString());
                    field.Clear();
                    if (row.Count > 1 || row[0].Length > 0)
                    {
                        yield return [.. row];
                    }

                    row.Clear();
                    break;
                default:
                    field.Append(c);
                    break;
            }
        }

        if (field.Length > 0 || row.Count > 0)
        {
            row.Add(field.ToString());
            yield return [.. row];
        }
    }
}
