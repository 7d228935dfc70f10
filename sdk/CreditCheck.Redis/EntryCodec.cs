using System.Buffers;
using System.IO.Hashing;
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

    // The import's writer: the same encoder as Options, so the same bytes as Serialize.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    private static readonly JsonEncodedText EntryId = JsonEncodedText.Encode("entryId");
    private static readonly JsonEncodedText ListCode = JsonEncodedText.Encode("listCode");
    private static readonly JsonEncodedText SubjectKind = JsonEncodedText.Encode("subjectKind");
    private static readonly JsonEncodedText SubjectName = JsonEncodedText.Encode("subjectName");
    private static readonly JsonEncodedText Authority = JsonEncodedText.Encode("authority");
    private static readonly JsonEncodedText DecisionReference = JsonEncodedText.Encode("decisionReference");
    private static readonly JsonEncodedText Summary = JsonEncodedText.Encode("summary");
    private static readonly JsonEncodedText ListedOn = JsonEncodedText.Encode("listedOn");
    private static readonly JsonEncodedText ValidFrom = JsonEncodedText.Encode("validFrom");
    private static readonly JsonEncodedText ValidUntil = JsonEncodedText.Encode("validUntil");
    private static readonly JsonEncodedText Status = JsonEncodedText.Encode("status");
    private static readonly JsonEncodedText StatusReason = JsonEncodedText.Encode("statusReason");
    private static readonly JsonEncodedText RelatedTo = JsonEncodedText.Encode("relatedTo");
    private static readonly JsonEncodedText EnterpriseName = JsonEncodedText.Encode("enterpriseName");
    private static readonly JsonEncodedText EnterpriseCode = JsonEncodedText.Encode("enterpriseCode");
    private static readonly JsonEncodedText Role = JsonEncodedText.Encode("role");
    private static readonly JsonEncodedText ListedInOwnRight = JsonEncodedText.Encode("listedInOwnRight");
    private static readonly JsonEncodedText Level = JsonEncodedText.Encode("level");

    public static string Serialize(ListEntry entry) =>
        JsonSerializer.Serialize(entry, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<ListEntry>)Options.GetTypeInfo(typeof(ListEntry)));

    /// <summary>A writer for <see cref="Write"/>.</summary>
    public static Utf8JsonWriter CreateWriter(IBufferWriter<byte> output) => new(output, WriterOptions);

    /// <summary>Writes exactly the UTF-8 of <see cref="Serialize"/> (same properties, order, omissions
    /// and escaping), without the serializer's metadata walk or a string: the import's hot path.</summary>
    public static void Write(Utf8JsonWriter writer, ListEntry entry)
    {
        writer.WriteStartObject();
        writer.WriteString(EntryId, entry.EntryId);
        writer.WriteString(ListCode, entry.ListCode);
        WriteEnum(writer, SubjectKind, entry.SubjectKind);
        WriteIfNotNull(writer, SubjectName, entry.SubjectName);
        WriteIfNotNull(writer, Authority, entry.Authority);
        WriteIfNotNull(writer, DecisionReference, entry.DecisionReference);
        WriteIfNotNull(writer, Summary, entry.Summary);
        WriteIfNotNull(writer, ListedOn, entry.ListedOn);
        WriteIfNotNull(writer, ValidFrom, entry.ValidFrom);
        WriteIfNotNull(writer, ValidUntil, entry.ValidUntil);
        WriteEnum(writer, Status, entry.Status);
        WriteIfNotNull(writer, StatusReason, entry.StatusReason);
        if (entry.RelatedTo is { } related)
        {
            writer.WriteStartObject(RelatedTo);
            writer.WriteString(EnterpriseName, related.EnterpriseName);
            WriteIfNotNull(writer, EnterpriseCode, related.EnterpriseCode);
            WriteEnum(writer, Role, related.Role);
            if (related.ListedInOwnRight is { } ownRight)
            {
                writer.WriteBoolean(ListedInOwnRight, ownRight);
            }

            writer.WriteEndObject();
        }

        WriteIfNotNull(writer, Level, entry.Level); // last, as the serializer writes it (declaration order)
        writer.WriteEndObject();
    }

    /// <summary><see cref="ContentHash(string)"/> of the JSON that <paramref name="utf8"/> encodes,
    /// computed on the bytes.</summary>
    public static string ContentHash(ReadOnlySpan<byte> utf8) => Hex(XxHash64.HashToUInt64(utf8));

    /// <summary>The same hash as <see cref="ContentHash(ReadOnlySpan{byte})"/>, written as 16 ASCII hex
    /// digits into <paramref name="hex"/>.</summary>
    public static void ContentHash(ReadOnlySpan<byte> utf8, Span<byte> hex) =>
        System.Buffers.Text.Utf8Formatter.TryFormat(XxHash64.HashToUInt64(utf8), hex, out _, new StandardFormat('x', 16));

    /// <summary>Reads an entry, or says why it cannot be read (corrupt data never throws here).</summary>
    public static ListEntry? Deserialize(string json, out string? error) =>
        Deserialize(System.Text.Encoding.UTF8.GetBytes(json), out error);

    /// <summary>Whether a stored value is a removed entry's tombstone (<c>~removed</c>): a replace import writes one
    /// at its generation for each entry it removes, so that its commit hides them at once without deleting them.</summary>
    public static bool IsTombstone(ReadOnlySpan<byte> value) => value.SequenceEqual("~removed"u8);

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

    /// <summary>A short hash of the stored form (its UTF-8 bytes), to tell a changed entry from an
    /// unchanged one on re-import: 64-bit XXH64 (an integrity check, not a security one).</summary>
    public static string ContentHash(string json) => ContentHash(System.Text.Encoding.UTF8.GetBytes(json));

    private static string Hex(ulong hash)
    {
        Span<byte> bytes = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(bytes, hash);
        return Convert.ToHexStringLower(bytes); // as ToString("x16"), without the general formatter
    }

    private static void WriteIfNotNull(Utf8JsonWriter writer, JsonEncodedText name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteIfNotNull(Utf8JsonWriter writer, JsonEncodedText name, DateTimeOffset? value)
    {
        if (value is { } instant)
        {
            writer.WriteString(name, instant);
        }
    }

    // As the string enum converter writes them: the name, or the number for a value without one.
    private static void WriteEnum<T>(Utf8JsonWriter writer, JsonEncodedText name, T value)
        where T : struct, Enum
    {
        if (EnumNames<T>.Of(value) is { } text)
        {
            writer.WriteString(name, text);
        }
        else
        {
            writer.WriteNumber(name, Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private static class EnumNames<T>
        where T : struct, Enum
    {
        private static readonly Dictionary<T, JsonEncodedText> Names = Enum.GetValues<T>().ToDictionary(v => v, v => JsonEncodedText.Encode(v.ToString()));

        public static JsonEncodedText? Of(T value) => Names.TryGetValue(value, out var text) ? text : null;
    }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(ListEntry))]
internal sealed partial class EntryJsonContext : JsonSerializerContext;
