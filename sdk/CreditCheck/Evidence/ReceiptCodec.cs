using System.Buffers.Binary;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace CreditCheck;

/// <summary>
/// The receipt's three encodings: the canonical payload that is signed (and is the compact form's
/// body), the JSON form and the compact form. Parsing is strict: each value has one accepted spelling
/// (lower-case UUID, canonical base64url, exact outcome name, the one date format, plain integers), so
/// that a changed byte either fails to parse or changes a signed value.
/// </summary>
internal static partial class ReceiptCodec
{
    public const int SubjectKeyBytes = 16;
    public const int SignatureBytes = 32;
    private const string Tag = "creditcheck-receipt-v1";
    private const string CompactPrefix = "ccr1";
    private const string TimeFormat = "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffff'Z'";
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly string[] Properties =
        ["keyId", "checkId", "subjectKey", "scenario", "outcome", "entryIds", "catalogVersion", "sequence", "evaluatedAt", "signature"];

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    public static partial Regex KeyIdPattern();

    /// <summary>What is malformed in a receipt, or null: what <see cref="Payload"/> needs to be sound.</summary>
    public static string? Problem(EvidenceReceipt receipt)
    {
        if (receipt.KeyId is null || !KeyIdPattern().IsMatch(receipt.KeyId))
        {
            return $"keyId '{receipt.KeyId}' must be 1-64 of A-Z, a-z, 0-9, '.', '_' and '-'.";
        }

        if (receipt.CheckId == Guid.Empty)
        {
            return "checkId is empty.";
        }

        if (DecodeCanonical(receipt.SubjectKey, SubjectKeyBytes) is null)
        {
            return $"subjectKey '{receipt.SubjectKey}' is not {SubjectKeyBytes} bytes in canonical base64url.";
        }

        if (string.IsNullOrEmpty(receipt.Scenario))
        {
            return "scenario is empty.";
        }

        if (!Enum.IsDefined(receipt.Outcome))
        {
            return $"outcome {(int)receipt.Outcome} is not a defined outcome.";
        }

        if (receipt.EntryIds is null || receipt.EntryIds.Any(string.IsNullOrEmpty))
        {
            return "entryIds is missing or holds an empty id.";
        }

        if (receipt.CatalogVersion is null)
        {
            return "catalogVersion is missing.";
        }

        if (receipt.Sequence < 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"sequence {receipt.Sequence} is negative.");
        }

        return DecodeCanonical(receipt.Signature, SignatureBytes) is null
            ? $"signature is not {SignatureBytes} bytes in canonical base64url."
            : null;
    }

    /// <summary>The signed bytes: every field but the signature, each length-prefixed, after a tag.</summary>
    public static byte[] Payload(EvidenceReceipt receipt)
    {
        var buffer = new List<byte>(256);
        WriteString(buffer, Tag);
        WriteString(buffer, receipt.KeyId);
        Span<byte> guid = stackalloc byte[16];
        receipt.CheckId.TryWriteBytes(guid, bigEndian: true, out _);
        buffer.AddRange(guid);
        WriteBytes(buffer, DecodeCanonical(receipt.SubjectKey, SubjectKeyBytes)!);
        WriteString(buffer, receipt.Scenario);
        WriteString(buffer, receipt.Outcome.ToString());
        WriteInt(buffer, receipt.EntryIds.Count);
        foreach (var id in receipt.EntryIds)
        {
            WriteString(buffer, id);
        }

        WriteString(buffer, receipt.CatalogVersion);
        WriteLong(buffer, receipt.Sequence);
        WriteLong(buffer, receipt.EvaluatedAt.UtcTicks);
        return [.. buffer];
    }

    public static string Encode(ReadOnlySpan<byte> bytes) => Base64Url.EncodeToString(bytes);

    /// <summary>Decodes base64url of the expected length, only in its canonical spelling (no padding,
    /// no whitespace, unused bits zero); null otherwise.</summary>
    public static byte[]? DecodeCanonical(string? text, int length)
    {
        if (text is null || text.Length != Base64Url.GetEncodedLength(length))
        {
            return null;
        }

        var bytes = new byte[length];
        if (!Base64Url.TryDecodeFromChars(text, bytes, out var written) || written != length || Encode(bytes) != text)
        {
            return null;
        }

        return bytes;
    }

    public static string ToJson(EvidenceReceipt receipt)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("keyId", receipt.KeyId);
            writer.WriteString("checkId", receipt.CheckId.ToString("D"));
            writer.WriteString("subjectKey", receipt.SubjectKey);
            writer.WriteString("scenario", receipt.Scenario);
            writer.WriteString("outcome", receipt.Outcome.ToString());
            writer.WriteStartArray("entryIds");
            foreach (var id in receipt.EntryIds)
            {
                writer.WriteStringValue(id);
            }

            writer.WriteEndArray();
            writer.WriteString("catalogVersion", receipt.CatalogVersion);
            writer.WriteNumber("sequence", receipt.Sequence);
            writer.WriteString("evaluatedAt", receipt.EvaluatedAt.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture));
            writer.WriteString("signature", receipt.Signature);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public static EvidenceReceipt ParseJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new FormatException($"The evidence receipt is not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            RefuseNonCanonicalEscapes(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException($"The evidence receipt must be a JSON object; found {root.ValueKind}.");
            }

            var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                if (!Properties.Contains(property.Name, StringComparer.Ordinal))
                {
                    throw new FormatException($"The evidence receipt has an unknown property '{property.Name}'; expected {string.Join(", ", Properties)}.");
                }

                if (!values.TryAdd(property.Name, property.Value))
                {
                    throw new FormatException($"The evidence receipt has the property '{property.Name}' twice.");
                }
            }

            if (Properties.FirstOrDefault(p => !values.ContainsKey(p)) is { } missing)
            {
                throw new FormatException($"The evidence receipt lacks '{missing}'.");
            }

            return new EvidenceReceipt
            {
                KeyId = KeyId(String(values, "keyId")),
                CheckId = CheckId(String(values, "checkId")),
                SubjectKey = Base64(String(values, "subjectKey"), SubjectKeyBytes, "subjectKey"),
                Scenario = NonEmpty(String(values, "scenario"), "scenario"),
                Outcome = Outcome(String(values, "outcome")),
                EntryIds = EntryIds(values["entryIds"]),
                CatalogVersion = String(values, "catalogVersion"),
                Sequence = Sequence(values["sequence"]),
                EvaluatedAt = Time(String(values, "evaluatedAt")),
                Signature = Base64(String(values, "signature"), SignatureBytes, "signature"),
            };
        }
    }

    /// <summary>Refuses a JSON escape that <see cref="ToJson"/> would not write (<c>\u006c</c> for <c>l</c>, <c>\/</c>,
    /// <c>\u0022</c> for <c>\"</c>, any escape in a property name): each value has one accepted spelling, the one
    /// that was signed.</summary>
    private static void RefuseNonCanonicalEscapes(string json)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        var property = "(none)";
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName)
            {
                property = reader.GetString()!;
                if (reader.ValueIsEscaped)
                {
                    throw new FormatException($"The evidence receipt's property name '{property}' is written with a JSON escape; receipts spell property names plainly.");
                }
            }
            else if (reader.TokenType == JsonTokenType.String && reader.ValueIsEscaped)
            {
                string value;
                try
                {
                    value = reader.GetString()!;
                }
                catch (InvalidOperationException e)
                {
                    throw new FormatException($"The evidence receipt's '{property}' holds an escape that is not text: {e.Message}", e);
                }

                var raw = reader.ValueSpan.ToArray(); // one contiguous buffer: never a sequence
                if (!raw.AsSpan().SequenceEqual(CanonicalString(value)))
                {
                    throw new FormatException($"The evidence receipt's '{property}' is written with a JSON escape the receipt's own form does not use ('{Encoding.UTF8.GetString(raw)}'); only the canonical spelling, the one signed, is accepted.");
                }
            }
        }
    }

    /// <summary>A string's JSON spelling as <see cref="ToJson"/> writes it, without the quotes.</summary>
    private static byte[] CanonicalString(string value)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, WriterOptions))
        {
            writer.WriteStringValue(value);
        }

        var bytes = stream.ToArray();
        return bytes[1..^1];
    }

    public static string ToCompact(EvidenceReceipt receipt)
    {
        if (Problem(receipt) is { } problem)
        {
            throw new FormatException("The evidence receipt cannot be written compactly: " + problem);
        }

        return CompactPrefix + "." + Encode(Payload(receipt)) + "." + receipt.Signature;
    }

    public static EvidenceReceipt ParseCompact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split('.');
        if (parts.Length != 3 || parts[0] != CompactPrefix)
        {
            throw new FormatException($"A compact evidence receipt is '{CompactPrefix}.{{payload}}.{{signature}}'; this one has {parts.Length} part(s) starting '{(parts[0].Length > 10 ? parts[0][..10] : parts[0])}'.");
        }

        var payload = DecodeAnyCanonical(parts[1]) ?? throw new FormatException("The compact receipt's payload is not canonical base64url.");
        var signature = Base64(parts[2], SignatureBytes, "signature");
        var reader = new PayloadReader(payload);
        if (reader.String("tag") != Tag)
        {
            throw new FormatException($"The compact receipt's payload is not a '{Tag}' payload.");
        }

        var keyId = KeyId(reader.String("keyId"));
        var checkId = new Guid(reader.Bytes(16, "checkId"), bigEndian: true);
        if (checkId == Guid.Empty)
        {
            throw new FormatException("The compact receipt's checkId is empty.");
        }

        var subjectKey = reader.Blob("subjectKey");
        if (subjectKey.Length != SubjectKeyBytes)
        {
            throw new FormatException($"The compact receipt's subjectKey is {subjectKey.Length} bytes, not {SubjectKeyBytes}.");
        }

        var scenario = NonEmpty(reader.String("scenario"), "scenario");
        var outcome = Outcome(reader.String("outcome"));
        var count = reader.Int("entryIds count");
        if (count < 0 || count > reader.Remaining / 4)
        {
            throw new FormatException($"The compact receipt's entryIds count {count} does not fit its payload.");
        }

        var entries = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            entries.Add(NonEmpty(reader.String("entryIds"), "entryIds"));
        }

        var version = reader.String("catalogVersion");
        var sequence = reader.Long("sequence");
        if (sequence < 0)
        {
            throw new FormatException("The compact receipt's sequence is negative.");
        }

        var ticks = reader.Long("evaluatedAt");
        if (ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks)
        {
            throw new FormatException("The compact receipt's evaluatedAt is out of range.");
        }

        reader.End();
        return new EvidenceReceipt
        {
            KeyId = keyId,
            CheckId = checkId,
            SubjectKey = Encode(subjectKey),
            Scenario = scenario,
            Outcome = outcome,
            EntryIds = entries,
            CatalogVersion = version,
            Sequence = sequence,
            EvaluatedAt = new DateTimeOffset(ticks, TimeSpan.Zero),
            Signature = signature,
        };
    }

    private static byte[]? DecodeAnyCanonical(string text)
    {
        if (!Base64Url.IsValid(text.AsSpan(), out var length))
        {
            return null;
        }

        var bytes = new byte[length];
        return Base64Url.TryDecodeFromChars(text, bytes, out var written) && written == length && Encode(bytes) == text ? bytes : null;
    }

    private static string String(Dictionary<string, JsonElement> values, string name)
    {
        var value = values[name];
        return value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new FormatException($"The evidence receipt's '{name}' must be a string; found {value.ValueKind}.");
    }

    private static string KeyId(string value) => KeyIdPattern().IsMatch(value)
        ? value
        : throw new FormatException($"The evidence receipt's keyId '{value}' must be 1-64 of A-Z, a-z, 0-9, '.', '_' and '-'.");

    private static string NonEmpty(string value, string name) => value.Length > 0
        ? value
        : throw new FormatException($"The evidence receipt's '{name}' is empty.");

    private static Guid CheckId(string value) => Guid.TryParseExact(value, "D", out var id) && id.ToString("D") == value && id != Guid.Empty
        ? id
        : throw new FormatException($"The evidence receipt's checkId '{value}' is not a non-empty UUID in lower-case canonical form.");

    private static string Base64(string value, int length, string name) => DecodeCanonical(value, length) is not null
        ? value
        : throw new FormatException($"The evidence receipt's {name} is not {length} bytes in canonical base64url (no padding).");

    private static DecisionOutcome Outcome(string value) =>
        Enum.GetNames<DecisionOutcome>().Contains(value, StringComparer.Ordinal)
            ? Enum.Parse<DecisionOutcome>(value)
            : throw new FormatException($"The evidence receipt's outcome '{value}' is not one of {string.Join(", ", Enum.GetNames<DecisionOutcome>())}.");

    private static List<string> EntryIds(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException($"The evidence receipt's 'entryIds' must be an array; found {value.ValueKind}.");
        }

        var ids = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            ids.Add(item.ValueKind == JsonValueKind.String && item.GetString() is { Length: > 0 } id
                ? id
                : throw new FormatException($"The evidence receipt's entryIds[{ids.Count}] must be a non-empty string."));
        }

        return ids;
    }

    private static long Sequence(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var sequence) && sequence >= 0
            && value.GetRawText() == sequence.ToString(CultureInfo.InvariantCulture)
            ? sequence
            : throw new FormatException($"The evidence receipt's sequence '{value.GetRawText()}' must be a plain non-negative integer.");

    private static DateTimeOffset Time(string value) =>
        DateTime.TryParseExact(value, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time)
            && time.ToString(TimeFormat, CultureInfo.InvariantCulture) == value
            ? new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc))
            : throw new FormatException($"The evidence receipt's evaluatedAt '{value}' is not in the form 2026-01-31T08:00:00.0000000Z.");

    private static void WriteString(List<byte> buffer, string value) => WriteBytes(buffer, Encoding.UTF8.GetBytes(value));

    private static void WriteBytes(List<byte> buffer, byte[] value)
    {
        WriteInt(buffer, value.Length);
        buffer.AddRange(value);
    }

    private static void WriteInt(List<byte> buffer, int value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        buffer.AddRange(bytes);
    }

    private static void WriteLong(List<byte> buffer, long value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        buffer.AddRange(bytes);
    }

    /// <summary>Reads the payload back, refusing any length that overruns it and any byte left over.</summary>
    private sealed class PayloadReader(byte[] payload)
    {
        private int _position;

        public int Remaining => payload.Length - _position;

        public byte[] Bytes(int count, string name)
        {
            if (count < 0 || count > payload.Length - _position)
            {
                throw new FormatException($"The compact receipt's payload is cut short in '{name}'.");
            }

            var bytes = payload.AsSpan(_position, count).ToArray();
            _position += count;
            return bytes;
        }

        public int Int(string name) => BinaryPrimitives.ReadInt32BigEndian(Bytes(4, name));

        public long Long(string name) => BinaryPrimitives.ReadInt64BigEndian(Bytes(8, name));

        public byte[] Blob(string name) => Bytes(Int(name), name);

        public string String(string name)
        {
            try
            {
                return StrictUtf8.GetString(Blob(name));
            }
            catch (DecoderFallbackException)
            {
                throw new FormatException($"The compact receipt's '{name}' is not UTF-8.");
            }
        }

        public void End()
        {
            if (_position != payload.Length)
            {
                throw new FormatException($"The compact receipt's payload has {payload.Length - _position} byte(s) after its last field.");
            }
        }
    }
}
