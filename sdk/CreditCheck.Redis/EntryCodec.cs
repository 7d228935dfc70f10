using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CreditCheck.Redis;

/// <summary>Entry JSON as stored in Redis, and the content hash that makes re-imports idempotent.</summary>
internal static class EntryCodec
{
    private static readonly JsonSerializerOptions Options = new(EntryJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Serialize(ListEntry entry) =>
        JsonSerializer.Serialize(entry, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<ListEntry>)Options.GetTypeInfo(typeof(ListEntry)));

    /// <summary>Reads an entry, or says why it cannot be read (corrupt data never throws here).</summary>
    public static ListEntry? Deserialize(string json, out string? error) =>
        Deserialize(System.Text.Encoding.UTF8.GetBytes(json), out error);

    /// <summary>Reads an entry from its stored UTF-8 bytes (as Redis returns them: no transcoding), or
    /// says why it cannot be read.</summary>
    public static ListEntry? Deserialize(ReadOnlySpan<byte> json, out string? error)
    {
        try
        {
            var entry = JsonSerializer.Deserialize(json, EntryJsonContext.Default.ListEntry);
            if (entry is null || string.IsNullOrEmpty(entry.EntryId) || string.IsNullOrEmpty(entry.ListCode) || !Enum.IsDefined(entry.SubjectKind))
            {
                error = "the JSON lacks entryId, listCode or a valid subjectKind";
                return null;
            }

            error = null;
            return entry;
        }
        catch (JsonException e)
        {
            error = $"invalid JSON: {e.Message}";
            return null;
        }
    }

    /// <summary>A short hash of the stored form, to tell a changed entry from an unchanged one on
    /// re-import: 64-bit FNV-1a (an integrity check, not a security one; a tenth of SHA-256's cost).</summary>
    public static string ContentHash(string json) =>
        Fnv1a.Hash(json).ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(ListEntry))]
internal sealed partial class EntryJsonContext : JsonSerializerContext;
