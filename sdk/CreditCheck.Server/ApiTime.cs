using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CreditCheck.Server;

/// <summary>Times in requests: an RFC 3339 time with its offset is that moment; a time or a date without one is
/// China Standard Time (UTC+8), as the operator tool reads them. Found from outside: a Java host sending
/// <c>LocalDateTime.now()</c> had HTTP read it as the server's local time and gRPC as UTC, so a report was refused as
/// "in the future" or shifted by eight hours.</summary>
internal static class ApiTime
{
    private static readonly TimeSpan China = TimeSpan.FromHours(8);

    public static bool TryParse(string text, out DateTimeOffset time)
    {
        text = text.Trim();
        if (HasOffset(text))
        {
            return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out time);
        }

        if (DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            time = new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), China);
            return true;
        }

        time = default;
        return false;
    }

    // An offset follows the time of day: Z, or a sign after the 'T' (or space) that starts it.
    private static bool HasOffset(string text)
    {
        var timeStart = text.IndexOfAny(['T', 't', ' ']);
        return timeStart >= 0 && (text.EndsWith('Z') || text.EndsWith('z') || text.AsSpan(timeStart).IndexOfAny('+', '-') >= 0);
    }

    /// <summary>Reads request times by <see cref="TryParse"/>; writes them as RFC 3339 with their offset.</summary>
    public sealed class Converter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.String && TryParse(reader.GetString()!, out var time)
                ? time
                : throw new JsonException(); // the serializer names the field and the type; ApiError words it for the caller

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value);
    }
}
