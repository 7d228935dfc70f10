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

    /// <summary>The format <see cref="IEvidenceSigner.Sign"/> writes.</summary>
    public const int CurrentVersion = 3;
    private const string TimeFormat = "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffff'Z'";
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly string[] PropertiesV1 =
        ["keyId", "checkId", "subjectKey", "scenario", "outcome", "entryIds", "catalogVersion", "sequence", "evaluatedAt", "signature"];

    // Format 2 adds whether the decision was degraded, its path and the transaction; "version" tells it (and format 3) from format 1.
    private static readonly string[] PropertiesV2 =
        ["version", "keyId", "checkId", "subjectKey", "scenario", "outcome", "degraded", "path", "transactionReference", "entryIds", "catalogVersion", "sequence", "evaluatedAt", "signature"];

    // Format 3 adds the codes of the lists acting in the scenario that the store held no data of (sorted, ordinal).
    private static readonly string[] PropertiesV3 =
        ["version", "keyId", "checkId", "subjectKey", "scenario", "outcome", "degraded", "path", "transactionReference", "entryIds", "listsNotHeld", "catalogVersion", "sequence", "evaluatedAt", "signature"];

    /// <summary>The payload's tag: a different one per format, so that no format's signature passes for another's.</summary>
    private static string Tag(int version) => version switch
    {
        1 => "creditcheck-receipt-v1",
        2 => "creditcheck-receipt-v2",
        _ => "creditcheck-receipt-v3",
    };

    private static string CompactPrefix(int version) => version switch
    {
        1 => "ccr1",
        2 => "ccr2",
        _ => "ccr3",
    };

    private static int CompactVersion(string prefix) => prefix switch
    {
        "ccr1" => 1,
        "ccr2" => 2,
        "ccr3" => 3,
        _ => 0,
    };

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    public static partial Regex KeyIdPattern();

    /// <summary>What is malformed in a receipt, or null: what <see cref="Payload"/> needs to be sound.</summary>
    public static string? Problem(EvidenceReceipt receipt)
    {
        if (receipt.FormatVersion is not (1 or 2 or 3))
        {
            return string.Create(CultureInfo.InvariantCulture, $"formatVersion {receipt.FormatVersion} is not 1, 2 or 3.");
        }

        if (receipt.FormatVersion == 1 && (receipt.IsDegraded is not null || receipt.Path is not null || receipt.TransactionReference is not null || receipt.ListsNotHeld is not null))
        {
            return "a format-1 receipt records no degraded, path, transactionReference or listsNotHeld; they must be null.";
        }

        if (receipt.FormatVersion == 2 && receipt.ListsNotHeld is not null)
        {
            return "a format-2 receipt records no listsNotHeld; it must be null.";
        }

        if (receipt.FormatVersion == 3 && ListsNotHeldProblem(receipt.ListsNotHeld) is { } lists)
        {
            return lists;
        }

        if (receipt.FormatVersion >= 2 && receipt.IsDegraded is null)
        {
            return "degraded is missing.";
        }

        if (receipt.FormatVersion >= 2 && (receipt.Path is not { } path || !Enum.IsDefined(path)))
        {
            return $"path {(receipt.Path is { } p ? ((int)p).ToString(CultureInfo.InvariantCulture) : "(missing)")} is not a defined path.";
        }

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

        // An unpaired surrogate has no UTF-8: it would be signed as U+FFFD and written to the JSON as "\uFFFD", which Parse
        // refuses (found from outside: a transaction reference cut in the middle of a 生僻字 gave a receipt whose JSON did not read back).
        if (new[] { ("scenario", receipt.Scenario), ("transactionReference", receipt.TransactionReference), ("catalogVersion", receipt.CatalogVersion) }
                .Concat(receipt.EntryIds.Select(id => ("entryIds", (string?)id)))
                .Concat((receipt.ListsNotHeld ?? []).Select(code => ("listsNotHeld", (string?)code)))
                .FirstOrDefault(f => f.Item2 is { } text && !WellFormed(text)) is ({ } field, _))
        {
            return $"{field} holds an unpaired surrogate (a character cut in half), which has no UTF-8 to sign.";
        }

        return DecodeCanonical(receipt.Signature, SignatureBytes) is null
            ? $"signature is not {SignatureBytes} bytes in canonical base64url."
            : null;
    }

    private static bool WellFormed(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>What is wrong with a format-3 receipt's list codes, or null: present, each non-empty, in strictly
    /// ascending ordinal order (sorted, no code twice), the one order that is signed.</summary>
    private static string? ListsNotHeldProblem(IReadOnlyList<string>? codes)
    {
        if (codes is null)
        {
            return "listsNotHeld is missing (a format-3 receipt records it; empty when every list was held).";
        }

        for (var i = 0; i < codes.Count; i++)
        {
            if (string.IsNullOrEmpty(codes[i]))
            {
                return "listsNotHeld holds an empty code.";
            }

            if (i > 0 && string.CompareOrdinal(codes[i - 1], codes[i]) >= 0)
            {
                return $"listsNotHeld is not sorted (ordinal, each code once): '{codes[i - 1]}' comes before '{codes[i]}'.";
            }
        }

        return null;
    }

    /// <summary>The signed bytes: every field but the signature, each length-prefixed, after the format's tag;
    /// format 2 appends the degraded flag, the path and the transaction (a presence byte, then the text); format 3
    /// then appends the count of the lists not held and each code.</summary>
    public static byte[] Payload(EvidenceReceipt receipt)
    {
        var buffer = new List<byte>(256);
        WriteString(buffer, Tag(receipt.FormatVersion));
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
        if (receipt.FormatVersion >= 2)
        {
            buffer.Add(receipt.IsDegraded == true ? (byte)1 : (byte)0);
            WriteString(buffer, receipt.Path!.Value.ToString());
            buffer.Add(receipt.TransactionReference is null ? (byte)0 : (byte)1);
            if (receipt.TransactionReference is { } reference)
            {
                WriteString(buffer, reference);
            }
        }

        if (receipt.FormatVersion >= 3)
        {
            WriteInt(buffer, receipt.ListsNotHeld!.Count);
            foreach (var code in receipt.ListsNotHeld)
            {
                WriteString(buffer, code);
            }
        }

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
            if (receipt.FormatVersion >= 2)
            {
                writer.WriteNumber("version", receipt.FormatVersion);
            }

            writer.WriteString("keyId", receipt.KeyId);
            writer.WriteString("checkId", receipt.CheckId.ToString("D"));
            writer.WriteString("subjectKey", receipt.SubjectKey);
            writer.WriteString("scenario", receipt.Scenario);
            writer.WriteString("outcome", receipt.Outcome.ToString());
            if (receipt.FormatVersion >= 2)
            {
                writer.WriteBoolean("degraded", receipt.IsDegraded == true);
                writer.WriteString("path", receipt.Path?.ToString());
                writer.WriteString("transactionReference", receipt.TransactionReference);
            }

            WriteStrings(writer, "entryIds", receipt.EntryIds);
            if (receipt.FormatVersion >= 3)
            {
                WriteStrings(writer, "listsNotHeld", receipt.ListsNotHeld ?? []);
            }

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

            var version = root.TryGetProperty("version", out var versionValue) ? Version(versionValue) : 1;
            var properties = version switch { 1 => PropertiesV1, 2 => PropertiesV2, _ => PropertiesV3 };
            var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                if (!properties.Contains(property.Name, StringComparer.Ordinal))
                {
                    throw new FormatException($"The evidence receipt (format {version}) has an unknown property '{property.Name}'; expected {string.Join(", ", properties)}.");
                }

                if (!values.TryAdd(property.Name, property.Value))
                {
                    throw new FormatException($"The evidence receipt has the property '{property.Name}' twice.");
                }
            }

            if (properties.FirstOrDefault(p => !values.ContainsKey(p)) is { } missing)
            {
                throw new FormatException($"The evidence receipt (format {version}) lacks '{missing}'.");
            }

            return new EvidenceReceipt
            {
                KeyId = KeyId(String(values, "keyId")),
                CheckId = CheckId(String(values, "checkId")),
                SubjectKey = Base64(String(values, "subjectKey"), SubjectKeyBytes, "subjectKey"),
                Scenario = NonEmpty(String(values, "scenario"), "scenario"),
                Outcome = Outcome(String(values, "outcome")),
                EntryIds = Strings(values["entryIds"], "entryIds"),
                CatalogVersion = String(values, "catalogVersion"),
                Sequence = Sequence(values["sequence"]),
                EvaluatedAt = Time(String(values, "evaluatedAt")),
                Signature = Base64(String(values, "signature"), SignatureBytes, "signature"),
                FormatVersion = version,
                IsDegraded = version == 1 ? null : Boolean(values["degraded"], "degraded"),
                Path = version == 1 ? null : Path(String(values, "path")),
                TransactionReference = version == 1 ? null : NullableString(values["transactionReference"], "transactionReference"),
                ListsNotHeld = version < 3 ? null : ListCodes(values["listsNotHeld"]),
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

        return CompactPrefix(receipt.FormatVersion) + "." + Encode(Payload(receipt)) + "." + receipt.Signature;
    }

    public static EvidenceReceipt ParseCompact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split('.');
        var version = CompactVersion(parts[0]);
        if (parts.Length != 3 || version == 0)
        {
            throw new FormatException($"A compact evidence receipt is '{CompactPrefix(CurrentVersion)}.{{payload}}.{{signature}}' (or '{CompactPrefix(2)}.…', '{CompactPrefix(1)}.…' of formats 2 and 1); this one has {parts.Length} part(s) starting '{(parts[0].Length > 10 ? parts[0][..10] : parts[0])}'.");
        }

        var payload = DecodeAnyCanonical(parts[1]) ?? throw new FormatException("The compact receipt's payload is not canonical base64url.");
        var signature = Base64(parts[2], SignatureBytes, "signature");
        var reader = new PayloadReader(payload);
        if (reader.String("tag") != Tag(version))
        {
            throw new FormatException($"The compact receipt's payload is not a '{Tag(version)}' payload.");
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
        var entries = reader.Strings("entryIds");
        foreach (var id in entries)
        {
            NonEmpty(id, "entryIds");
        }

        var catalogVersion = reader.String("catalogVersion");
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

        bool? degraded = null;
        DecisionPath? path = null;
        string? transaction = null;
        if (version >= 2)
        {
            degraded = reader.Flag("degraded");
            path = Path(reader.String("path"));
            transaction = reader.Flag("transactionReference") ? reader.String("transactionReference") : null;
        }

        List<string>? notHeld = null;
        if (version >= 3)
        {
            notHeld = reader.Strings("listsNotHeld");
            if (ListsNotHeldProblem(notHeld) is { } problem)
            {
                throw new FormatException("The compact receipt's " + problem);
            }
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
            CatalogVersion = catalogVersion,
            Sequence = sequence,
            EvaluatedAt = new DateTimeOffset(ticks, TimeSpan.Zero),
            Signature = signature,
            FormatVersion = version,
            IsDegraded = degraded,
            Path = path,
            TransactionReference = transaction,
            ListsNotHeld = notHeld,
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

    private static void WriteStrings(Utf8JsonWriter writer, string name, IEnumerable<string> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }

    /// <summary>A JSON array of non-empty strings (<c>entryIds</c>, <c>listsNotHeld</c>).</summary>
    private static List<string> Strings(JsonElement value, string name)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException($"The evidence receipt's '{name}' must be an array; found {value.ValueKind}.");
        }

        var strings = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            strings.Add(item.ValueKind == JsonValueKind.String && item.GetString() is { Length: > 0 } text
                ? text
                : throw new FormatException($"The evidence receipt's {name}[{strings.Count}] must be a non-empty string."));
        }

        return strings;
    }

    // A JSON string "2" has the raw text "\"2\"": only the plain numbers match.
    private static int Version(JsonElement value) => value.GetRawText() switch
    {
        "2" => 2,
        "3" => 3,
        var other => throw new FormatException($"The evidence receipt's version '{other}' is not 2 or 3, the formats with a 'version' (format 1 has none)."),
    };

    private static List<string> ListCodes(JsonElement value) =>
        Strings(value, "listsNotHeld") is var codes && ListsNotHeldProblem(codes) is { } problem ? throw new FormatException("The evidence receipt's " + problem) : codes;

    private static bool Boolean(JsonElement value, string name) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw new FormatException($"The evidence receipt's '{name}' must be true or false; found {value.ValueKind}."),
    };

    private static string? NullableString(JsonElement value, string name) => value.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.String => value.GetString(),
        _ => throw new FormatException($"The evidence receipt's '{name}' must be a string or null; found {value.ValueKind}."),
    };

    private static DecisionPath Path(string value) =>
        Enum.GetNames<DecisionPath>().Contains(value, StringComparer.Ordinal)
            ? Enum.Parse<DecisionPath>(value)
            : throw new FormatException($"The evidence receipt's path '{value}' is not one of {string.Join(", ", Enum.GetNames<DecisionPath>())}.");

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

        public bool Flag(string name) => Bytes(1, name)[0] switch
        {
            0 => false,
            1 => true,
            var other => throw new FormatException($"The compact receipt's '{name}' flag is {other}, not 0 or 1."),
        };

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

        /// <summary>A count, then that many strings: four bytes of length at least each, so a count the payload cannot
        /// hold is refused before anything is read.</summary>
        public List<string> Strings(string name)
        {
            var count = Int(name + " count");
            if (count < 0 || count > Remaining / 4)
            {
                throw new FormatException($"The compact receipt's {name} count {count} does not fit its payload.");
            }

            var strings = new List<string>(count);
            for (var i = 0; i < count; i++)
            {
                strings.Add(String(name));
            }

            return strings;
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
