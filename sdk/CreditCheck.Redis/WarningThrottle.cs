namespace CreditCheck.Redis;

/// <summary>Whether a repeated failure is worth a warning: the first of its kind, a new kind, or the same kind again
/// after <c>interval</c>; those in between are counted, and the next warning says how many. A dead Redis fails every
/// lookup that reaches it, and a warning with each one buried the first. Thread-safe.</summary>
internal sealed class WarningThrottle(TimeProvider time, TimeSpan interval)
{
    private readonly Lock _lock = new();
    private string? _kind;
    private DateTimeOffset _warnedAt;
    private int _quiet;

    /// <summary>What makes two failures "the same": their messages' start (the client's end with counters that change
    /// on every try).</summary>
    public static string KindOf(string error) => error[..Math.Min(error.Length, 80)];

    /// <summary>True when <paramref name="error"/> is to be warned about. <paramref name="quiet"/>: how many failures of
    /// the same kind were not warned about since the last warning (counting this one when it is not).</summary>
    public bool ShouldWarn(string error, out int quiet)
    {
        var kind = KindOf(error);
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (kind != _kind || now - _warnedAt >= interval)
            {
                quiet = kind == _kind ? _quiet : 0;
                (_kind, _warnedAt, _quiet) = (kind, now, 0);
                return true;
            }

            quiet = ++_quiet;
            return false;
        }
    }
}
