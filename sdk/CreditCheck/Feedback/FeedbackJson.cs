using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace CreditCheck;

/// <summary>The one JSON form of a feedback record, in the journal and in the Redis stream: camelCase,
/// enums as their names, nulls left out, Chinese text unescaped.</summary>
internal static class FeedbackJson
{
    private static readonly JsonTypeInfo<FeedbackRecord> TypeInfo = (JsonTypeInfo<FeedbackRecord>)new JsonSerializerOptions(FeedbackJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    }.GetTypeInfo(typeof(FeedbackRecord));

    public static string Serialize(FeedbackRecord record) => JsonSerializer.Serialize(record, TypeInfo);

    /// <summary>Reads a record, or says why it cannot be read.</summary>
    public static FeedbackRecord? Deserialize(string json, out string? error)
    {
        try
        {
            var record = JsonSerializer.Deserialize(json, TypeInfo);
            error = record is null || string.IsNullOrEmpty(record.Key) ? "the JSON holds no record key" : null;
            return error is null ? record : null;
        }
        catch (JsonException e)
        {
            error = $"invalid record JSON: {e.Message}";
            return null;
        }
    }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(FeedbackRecord))]
internal sealed partial class FeedbackJsonContext : JsonSerializerContext;
