using System.Buffers;
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

        writer.WriteEndObject();
    }

    /// <summary><see cref="ContentHash(string)"/> of the JSON that <paramref name="utf8"/> encodes,
    /// computed on the bytes: FNV-1a over the same UTF-16 code units.</summary>
    public static string ContentHash(ReadOnlySpan<byte> utf8) => Hex(Fnv1aOfUtf16(utf8));

    /// <summary>The same hash as <see cref="ContentHash(ReadOnlySpan{byte})"/>, written as 16 ASCII hex
    /// digits into <paramref name="hex"/>.</summary>
    public static void ContentHash(ReadOnlySpan<byte> utf8, Span<byte> hex) =>
        System.Buffers.Text.Utf8Formatter.TryFormat(Fnv1aOfUtf16(utf8), hex, out _, new StandardFormat('x', 16));

    private static ulong Fnv1aOfUtf16(ReadOnlySpan<byte> utf8)
    {
        var hash = Fnv1a.Seed;
        for (var i = 0; i < utf8.Length;)
        {
            // Eight ASCII bytes at a time (most of the JSON): one test instead of eight.
            if (i + 8 <= utf8.Length && (System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(utf8[i..]) & 0x8080808080808080UL) == 0)
            {
                var eight = utf8.Slice(i, 8);
                hash = Fnv1a.Append(Fnv1a.Append(Fnv1a.Append(Fnv1a.Append(hash, eight[0]), eight[1]), eight[2]), eight[3]);
                hash = Fnv1a.Append(Fnv1a.Append(Fnv1a.Append(Fnv1a.Append(hash, eight[4]), eight[5]), eight[6]), eight[7]);
                i += 8;
                continue;
            }

            uint b = utf8[i];
            if (b < 0x80)
            {
                hash = Fnv1a.Append(hash, b);
                i++;
                continue;
            }

            // The writer emits valid UTF-8 only: 2, 3 or 4 bytes per code point.
            uint codePoint;
            if (b < 0xE0)
            {
                codePoint = ((b & 0x1F) << 6) | (utf8[i + 1] & 0x3Fu);
                i += 2;
            }
            else if (b < 0xF0)
            {
                codePoint = ((b & 0x0F) << 12) | ((utf8[i + 1] & 0x3Fu) << 6) | (utf8[i + 2] & 0x3Fu);
                i += 3;
            }
            else
            {
                codePoint = ((b & 0x07) << 18) | ((utf8[i + 1] & 0x3Fu) << 12) | ((utf8[i + 2] & 0x3Fu) << 6) | (utf8[i + 3] & 0x3Fu);
                i += 4;
            }

            if (codePoint < 0x10000)
            {
                hash = Fnv1a.Append(hash, codePoint);
            }
            else
            {
                hash = Fnv1a.Append(hash, 0xD800 + ((codePoint - 0x10000) >> 10));
                hash = Fnv1a.Append(hash, 0xDC00 + ((codePoint - 0x10000) & 0x3FF));
            }
        }

        return hash;
    }

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
    public static string ContentHash(string json) => Hex(Fnv1a.Hash(json));

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
