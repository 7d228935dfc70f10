using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace CreditCheck.Stores;

/// <summary>The one JSON form of a feedback record, in the journal, in the Redis stream and wherever a
/// store keeps feedback: camelCase, enums as their names, nulls left out, Chinese text unescaped.</summary>
public static class FeedbackJson
{
    private static readonly JsonTypeInfo<FeedbackRecord> TypeInfo = (JsonTypeInfo<FeedbackRecord>)new JsonSerializerOptions(FeedbackJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    }.GetTypeInfo(typeof(FeedbackRecord));

    /// <summary>The record as one line of JSON.</summary>
    /// <param name="record">The record.</param>
    /// <returns>Its JSON.</returns>
    public static string Serialize(FeedbackRecord record) => JsonSerializer.Serialize(record, TypeInfo);

    /// <summary>Reads a record, or says why it cannot be read.</summary>
    /// <param name="json">One record's JSON.</param>
    /// <param name="error">Why it cannot be read, or null.</param>
    /// <returns>The record, or null with <paramref name="error"/> set.</returns>
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
