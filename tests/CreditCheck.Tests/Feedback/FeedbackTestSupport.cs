using System.Collections.Concurrent;
using CreditCheck.Stores;
using CreditCheck.Tests.Support;
using Microsoft.Extensions.Logging;

namespace CreditCheck.Tests.Feedback;

/// <summary>The real in-memory feedback store behind a switch that makes it fail, counting every
/// write per key (a fault injector, not a fake: what is delivered lands in the real store).</summary>
internal sealed class FaultySink : IFeedbackSink
{
    private readonly ConcurrentDictionary<string, int> _writes = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();
    private int _attempts;
    private int _failures;
    private volatile bool _failing;

    public InMemoryFeedbackStore Store { get; } = new();

    public bool Failing
    {
        get => _failing;
        set => _failing = value;
    }

    public int Attempts => Volatile.Read(ref _attempts);

    public int Failures => Volatile.Read(ref _failures);

    /// <summary>How often each key was written successfully.</summary>
    public IReadOnlyDictionary<string, int> Writes => _writes;

    /// <summary>Keys in the order they were written.</summary>
    public IReadOnlyList<string> Order => [.. _order];

    public string Name => "the test sink";

    public Task WriteAsync(IReadOnlyList<FeedbackRecord> records, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _attempts);
        if (_failing)
        {
            Interlocked.Increment(ref _failures);
            throw new IOException("the test store is down");
        }

        foreach (var record in records)
        {
            _writes.AddOrUpdate(record.Key, 1, (_, n) => n + 1);
            _order.Enqueue(record.Key);
        }

        return ((IFeedbackSink)Store).WriteAsync(records, cancellationToken);
    }
}

/// <summary>Every log entry written, with its event id.</summary>
internal sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    public ILoggerFactory Factory() => LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(this));

    public IReadOnlyList<LogEntry> Of(int eventId) => [.. _entries.Where(e => e.Id == eventId)];

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._entries.Enqueue(new LogEntry(eventId.Id, eventId.Name, logLevel, formatter(state, exception)));
    }
}

internal sealed record LogEntry(int Id, string? Name, LogLevel Level, string Message);

/// <summary>A folder of its own for journal files, deleted afterwards.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "creditcheck-feedback-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Journal => System.IO.Path.Combine(Path, "feedback.journal");

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }
}

/// <summary>Decisions to report on, and feedback instances built for tests.</summary>
internal static class FeedbackData
{
    /// <summary>A checker in which Tencent is on the debtors list: "procurement" applies
    /// procurement-refusal and everywhere-notice; Huawei is clean.</summary>
    public static async Task<CheckerHarness> HarnessAsync()
    {
        var harness = new CheckerHarness();
        await harness.ListAsync(Subjects.Tencent, "debtors");
        return harness;
    }

    public static ValueTask<CreditDecision> DeniedAsync(CheckerHarness harness) =>
        harness.Checker.CheckAsync(new CheckRequest(Subjects.Tencent, "procurement") { Department = "市财政局", Operator = "张三", TransactionReference = "CG-2026-118" });

    public static FeedbackOptions Fast(string? journal = null, int capacity = 10_000) => new()
    {
        JournalPath = journal,
        BufferCapacity = capacity,
        RetryDelay = TimeSpan.FromMilliseconds(20),
        MaxRetryDelay = TimeSpan.FromMilliseconds(200),
        ShutdownTimeout = TimeSpan.FromSeconds(10),
    };

    public static CreditFeedback Create(IFeedbackSink sink, FeedbackOptions? options = null, ILoggerFactory? logs = null, TimeProvider? time = null) =>
        new(options ?? Fast(), sink, time ?? new FakeTimeProvider(CheckerHarness.Now), logs);

    /// <summary>Reports on <paramref name="count"/> fresh denied decisions, each with both measures executed.</summary>
    public static async Task<List<FeedbackRecord>> ReportManyAsync(CreditFeedback feedback, CheckerHarness harness, int count)
    {
        var records = new List<FeedbackRecord>();
        for (var i = 0; i < count; i++)
        {
            records.AddRange(await feedback.ReportAsync(FeedbackReport.For(await DeniedAsync(harness)).AllExecuted()));
        }

        return records;
    }

    /// <summary>Waits, bounded, until the condition holds.</summary>
    public static async Task UntilAsync(Func<bool> condition, string what, int timeoutMs = 10_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Not within {timeoutMs} ms: {what}.");
            }

            await Task.Delay(10);
        }
    }
}
