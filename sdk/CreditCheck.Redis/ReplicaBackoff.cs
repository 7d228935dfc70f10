namespace CreditCheck.Redis;

/// <summary>
/// When replica reads are worth trying (<see cref="RedisReadPreference.PreferReplica"/>). A replica read that
/// fails or times out sends the reads to the primary for a back-off period (from <see cref="Initial"/>,
/// doubling on each failed retry up to <see cref="Maximum"/>); when it ends, one read — not every lookup at
/// once — tries the replica again, and a success ends the back-off. So a hung replica costs one
/// timeout per back-off period, not one per lookup. Thread-safe.
/// </summary>
internal sealed class ReplicaBackoff(TimeProvider time)
{
    /// <summary>The first back-off after a failure.</summary>
    public TimeSpan Initial { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest back-off.</summary>
    public TimeSpan Maximum { get; set; } = TimeSpan.FromMinutes(1);

    private readonly Lock _lock = new();
    private DateTimeOffset? _until;
    private TimeSpan _length;
    private bool _probing;

    /// <summary>Until when reads skip the replicas, or null when they do not.</summary>
    public DateTimeOffset? Until
    {
        get
        {
            lock (_lock)
            {
                return _until;
            }
        }
    }

    /// <summary>Whether this read may try a replica: always outside a back-off; once it has run out, for one
    /// read at a time (<paramref name="probing"/>; end it with <see cref="EndProbe"/>).</summary>
    public bool TryUseReplica(out bool probing)
    {
        probing = false;
        lock (_lock)
        {
            if (_until is null)
            {
                return true;
            }

            if (time.GetUtcNow() < _until || _probing)
            {
                return false;
            }

            _probing = probing = true;
            return true;
        }
    }

    /// <summary>A replica answered. True when that ended a back-off (to log once).</summary>
    public bool Succeeded()
    {
        lock (_lock)
        {
            var ended = _until is not null;
            (_until, _length) = (null, TimeSpan.Zero);
            return ended;
        }
    }

    /// <summary>A replica failed at <paramref name="now"/>: the back-off starts or grows. Returns its length when
    /// it started (to log once), null when it only grew.</summary>
    public TimeSpan? Failed(DateTimeOffset now)
    {
        lock (_lock)
        {
            var started = _until is null;
            _length = started ? Initial : TimeSpan.FromTicks(Math.Min(_length.Ticks * 2, Maximum.Ticks));
            var until = now + _length;
            _until = _until is { } current && current > until ? current : until;
            return started ? _length : null;
        }
    }

    /// <summary>Ends the read that <see cref="TryUseReplica"/> let try the replica after a back-off.</summary>
    public void EndProbe(bool probing)
    {
        if (!probing)
        {
            return;
        }

        lock (_lock)
        {
            _probing = false;
        }
    }
}
