using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using CreditCheck.Stores;

namespace CreditCheck.ListFiles;

/// <summary>Writes records in the list-file JSON form that <see cref="ListFileReader"/> reads back:
/// dates as calendar days in China Standard Time, the end date inclusive.</summary>
public static class ListFileWriter
{
    private static readonly JsonWriterOptions Options = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);

    /// <summary>Writes the records as one list-file JSON array.</summary>
    /// <param name="stream">Where to write (UTF-8).</param>
    /// <param name="records">The records, of any lists.</param>
    public static void WriteJson(Stream stream, IEnumerable<ListRecord> records)
    {
        using var json = new Utf8JsonWriter(stream, Options);
        json.WriteStartObject();
        json.WriteStartArray("entries");
        foreach (var (subject, entry) in records)
        {
            json.WriteStartObject();
            json.WriteString("list", entry.ListCode);
            json.WriteString("entryId", entry.EntryId);
            json.WriteString("kind", entry.SubjectKind.ToString());
            json.WriteString("subject", subject.Value);
            Optional(json, "name", entry.SubjectName);
            Optional(json, "authority", entry.Authority);
            Optional(json, "reference", entry.DecisionReference);
            Optional(json, "summary", entry.Summary);
            Optional(json, "listedOn", Day(entry.ListedOn, 0));
            Optional(json, "validFrom", Day(entry.ValidFrom, 0));
            Optional(json, "validUntil", Day(entry.ValidUntil, -1));
            json.WriteString("status", entry.Status.ToString());
            Optional(json, "statusReason", entry.StatusReason);
            Optional(json, "level", entry.Level);
            if (entry.RelatedTo is { } related)
            {
                json.WriteString("relatedEnterprise", related.EnterpriseName);
                Optional(json, "relatedEnterpriseCode", related.EnterpriseCode);
                json.WriteString("relatedRole", related.Role.ToString());
                if (related.ListedInOwnRight is { } ownRight)
                {
                    json.WriteBoolean("listedInOwnRight", ownRight);
                }
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    // ValidUntil is the start of the day after the last day in force.
    private static string? Day(DateTimeOffset? instant, int shift) =>
        instant?.ToOffset(ChinaOffset).AddDays(shift).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static void Optional(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }
}
