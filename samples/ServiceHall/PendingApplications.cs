using System.Collections.Concurrent;
using System.Globalization;
using CreditCheck;
using CreditCheck.Adapters.Approval;

namespace ServiceHall;

/// <summary>What the clerk typed, kept to show the form again.</summary>
public sealed record HallInput(string Subject, string Kind, string MatterCode, string Missing, bool OffersCommitment);

/// <summary>A routed application waiting for the clerk's confirmation, and the feedback once confirmed.</summary>
public sealed class PendingApplication(string token, HallInput input, ApprovalResult result, DateTimeOffset routedAt)
{
    private readonly Lock _lock = new();
    private Task<IReadOnlyList<FeedbackRecord>>? _report;

    public string Token { get; } = token;

    public HallInput Input { get; } = input;

    public ApprovalResult Result { get; } = result;

    public DateTimeOffset RoutedAt { get; } = routedAt;

    /// <summary>The feedback records, once confirmed.</summary>
    public IReadOnlyList<FeedbackRecord>? Records => _report is { IsCompletedSuccessfully: true } done ? done.Result : null;

    public string? HandlingText { get; private set; }

    /// <summary>Reports once: a second confirmation (a double click, a reload) gets the first one's records;
    /// a report that failed may be tried again.</summary>
    public async Task<(IReadOnlyList<FeedbackRecord> Records, bool AlreadyConfirmed)> ConfirmAsync(
        Func<Task<IReadOnlyList<FeedbackRecord>>> report, string handlingText)
    {
        Task<IReadOnlyList<FeedbackRecord>> task;
        bool already;
        lock (_lock)
        {
            already = _report is not null && !_report.IsFaulted && !_report.IsCanceled;
            if (!already)
            {
                _report = report();
                HandlingText = handlingText;
            }

            task = _report!;
        }

        return (await task, already);
    }
}

/// <summary>The window's routed applications awaiting confirmation: bounded (the oldest give way) and
/// forgotten after <see cref="Lifetime"/>. A real hall keeps them in its own case system.</summary>
public sealed class PendingApplications(TimeProvider time)
{
    public const int Capacity = 1_000;

    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(4);

    private readonly ConcurrentDictionary<string, PendingApplication> _pending = new(StringComparer.Ordinal);
    private int _sequence;

    /// <summary>The next 办件编号, e.g. FW20261122-0007 (China Standard Time date, per-process counter).</summary>
    public string NextApplicationId()
    {
        var day = time.GetUtcNow().ToOffset(TimeSpan.FromHours(8));
        return string.Create(CultureInfo.InvariantCulture, $"FW{day:yyyyMMdd}-{Interlocked.Increment(ref _sequence):D4}");
    }

    public PendingApplication Add(HallInput input, ApprovalResult result)
    {
        var now = time.GetUtcNow();
        foreach (var (token, old) in _pending)
        {
            if (now - old.RoutedAt > Lifetime)
            {
                _pending.TryRemove(token, out _);
            }
        }

        while (_pending.Count >= Capacity)
        {
            var oldest = _pending.Values.MinBy(p => p.RoutedAt);
            if (oldest is null || !_pending.TryRemove(oldest.Token, out _))
            {
                break;
            }
        }

        var pending = new PendingApplication(Guid.NewGuid().ToString("N"), input, result, now);
        _pending[pending.Token] = pending;
        return pending;
    }

    public PendingApplication? Find(string? token) =>
        token is not null && _pending.TryGetValue(token, out var pending) && time.GetUtcNow() - pending.RoutedAt <= Lifetime ? pending : null;
}
