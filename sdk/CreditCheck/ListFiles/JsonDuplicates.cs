using System.Globalization;
using System.Text;
using System.Text.Json;

namespace CreditCheck.ListFiles;

/// <summary>Finds where a property is given twice in one JSON object: <see cref="JsonDocument"/> refuses
/// such a document but names neither the property's path nor its line.</summary>
internal static class JsonDuplicates
{
    /// <summary>The JSON path and line of the first property given twice in one object, or null.</summary>
    public static (string Path, int Line)? Find(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        var frames = new Stack<Frame>();
        string? name = null;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        frames.Push(new Frame(ValuePath(frames, name), reader.TokenType == JsonTokenType.StartObject));
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        frames.Pop();
                        AfterValue(frames);
                        break;
                    case JsonTokenType.PropertyName:
                        name = reader.GetString()!;
                        if (!frames.Peek().Names!.Add(name))
                        {
                            var line = 1 + utf8[..(int)reader.TokenStartIndex].Count((byte)'\n');
                            return ($"{frames.Peek().Path}.{name}", line);
                        }

                        break;
                    default:
                        AfterValue(frames);
                        break;
                }
            }
        }
        catch (JsonException)
        {
            // Malformed: the parser's own message says where.
        }

        return null;
    }

    public static (string Path, int Line)? Find(string json) => Find(Encoding.UTF8.GetBytes(json));

    private static string ValuePath(Stack<Frame> frames, string? name) =>
        frames.TryPeek(out var top)
            ? top.Names is null ? string.Create(CultureInfo.InvariantCulture, $"{top.Path}[{top.Index}]") : $"{top.Path}.{name}"
            : "$";

    private static void AfterValue(Stack<Frame> frames)
    {
        if (frames.TryPeek(out var top) && top.Names is null)
        {
            top.Index++;
        }
    }

    private sealed class Frame(string path, bool isObject)
    {
        public string Path { get; } = path;

        public HashSet<string>? Names { get; } = isObject ? new(StringComparer.Ordinal) : null;

        public int Index { get; set; }
    }
}
