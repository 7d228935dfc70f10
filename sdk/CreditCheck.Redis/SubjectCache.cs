using System.Collections.Concurrent;
using CreditCheck.Stores;

namespace CreditCheck.Redis;

/// <summary>
/// The bounded cache of listed subjects' entries on a host: what a positive filter probe is answered
/// from, and what the <c>LastKnown</c> policy answers from while Redis is away. Found by subject, and
/// by storage key for the change feed's invalidations. Thread-safe.
/// </summary>
internal sealed class SubjectCache(int capacity)
{
    private readonly int _capacity = capacity;
    private readonly ConcurrentDictionary<SubjectId, CachedSubject> _bySubject = new();

    // Storage key → cached subject, so a change record (which names storage keys) finds its cache line.
    private readonly ConcurrentDictionary<string, SubjectId> _byKey = new(StringComparer.Ordinal);
    private int _count;

    public bool TryGetValue(SubjectId subject, out CachedSubject cached) => _bySubject.TryGetValue(subject, out cached!);

    public void Remember(SubjectId subject, CachedSubject cached)
    {
        if (_capacity == 0)
        {
            return;
        }

        if (Volatile.Read(ref _count) >= _capacity)
        {
            // Bounded: drop a quarter; tracking age is not worth it for a cache this cheap to refill.
            foreach (var stale in _bySubject.Keys.Take(Math.Max(1, _capacity / 4)))
            {
                Forget(stale);
            }
        }

        if (_bySubject.TryAdd(subject, cached))
        {
            Interlocked.Increment(ref _count);
        }
        else
        {
            _bySubject[subject] = cached;
        }

        _byKey[cached.Key] = subject;
        if (cached.AlternateKey is not null)
        {
            _byKey[cached.AlternateKey] = subject;
        }
    }

    private void Forget(SubjectId subject)
    {
        if (_bySubject.TryRemove(subject, out var cached))
        {
            Interlocked.Decrement(ref _count);
            _byKey.TryRemove(cached.Key, out _);
            if (cached.AlternateKey is not null)
            {
                _byKey.TryRemove(cached.AlternateKey, out _);
            }
        }
    }

    /// <summary>Forgets the subject cached under a storage key (a change record names keys, not subjects).</summary>
    public void Invalidate(string key)
    {
        if (_byKey.TryRemove(key, out var subject))
        {
            Forget(subject);
        }
    }

    public void Clear()
    {
        _bySubject.Clear();
        _byKey.Clear();
        Interlocked.Exchange(ref _count, 0);
    }
}

/// <summary>A subject's entries as last read, and the storage keys they were read under.</summary>
internal sealed record CachedSubject(FoundEntry[] Entries, UnreadableEntry[] Unreadable, string Key, string? AlternateKey);
