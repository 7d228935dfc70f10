using System.Globalization;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using CreditCheck.Platform.Protocol;

namespace ReferencePlatform;

/// <summary>The feedback received, one JSON line each in DIR/received-feedback.jsonl; each idempotency
/// key stored once, also across restarts (the keys are read back at start).</summary>
internal sealed class FeedbackStore : IDisposable
{
    private readonly object _gate = new();
    private readonly HashSet<string> _keys = new(StringComparer.Ordinal);
    private readonly string _path;
    private readonly StreamWriter _writer;
    private readonly TimeProvider _time;

    public FeedbackStore(string dataDirectory, TimeProvider time)
    {
        _time = time;
        _path = Path.Combine(dataDirectory, "received-feedback.jsonl");
        foreach (var line in File.Exists(_path) ? File.ReadLines(_path) : [])
        {
            if (KeyOf(line) is { } key)
            {
                _keys.Add(key);
            }
        }

        _writer = new StreamWriter(new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read), new UTF8Encoding(false)) { AutoFlush = true };
    }

    public int Count { get { lock (_gate) { return _keys.Count; } } }

    public FeedbackAck Store(FeedbackRecord record, string client)
    {
        var ack = new FeedbackAck { IdempotencyKey = record.IdempotencyKey };
        if (string.IsNullOrWhiteSpace(record.IdempotencyKey))
        {
            ack.Status = FeedbackAck.Types.Status.Rejected;
            ack.Message = "idempotency_key is empty: every record needs one";
            return ack;
        }

        lock (_gate)
        {
            if (!_keys.Add(record.IdempotencyKey))
            {
                ack.Status = FeedbackAck.Types.Status.Duplicate;
                return ack;
            }

            var receivedAt = _time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);
            _writer.WriteLine($"{{\"client\":{JsonSerializer.Serialize(client)},\"receivedAt\":\"{receivedAt}\",\"record\":{JsonFormatter.Default.Format(record)}}}");
        }

        ack.Status = FeedbackAck.Types.Status.Accepted;
        return ack;
    }

    /// <summary>Every line received, as one JSON array.</summary>
    public string ToJsonArray()
    {
        lock (_gate)
        {
            using var stream = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var lines = new List<string>();
            while (reader.ReadLine() is { } line)
            {
                if (KeyOf(line) is not null)
                {
                    lines.Add(line);
                }
            }

            return "[" + string.Join(",\n", lines) + "]";
        }
    }

    public void Dispose() => _writer.Dispose();

    /// <summary>The key of a stored line; null for a line cut short by a crash.</summary>
    private static string? KeyOf(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.GetProperty("record").TryGetProperty("idempotencyKey", out var key) ? key.GetString() : null;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }
}
