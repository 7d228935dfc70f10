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

    // Bumped before every invalidation: a read that began before one may have returned what it invalidates.
    private long _generation;

    /// <summary>Taken before a Redis read, handed back to <see cref="Remember"/> with what the read returned.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    public bool TryGetValue(SubjectId subject, out CachedSubject cached) => _bySubject.TryGetValue(subject, out cached!);

    /// <summary>Caches what a read returned, unless an invalidation came since <paramref name="readGeneration"/>
    /// (taken before the read): a change applied while the read was in flight would otherwise leave the
    /// older answer cached after its invalidation had run, stale until the subject changed again.</summary>
    public void Remember(SubjectId subject, CachedSubject cached, long readGeneration)
    {
        if (_capacity == 0)
        {
            return;
        }

        if (Volatile.Read(ref _count) >= _capacity)
        {
            // Bounded: drop a quarter; tracking age is not worth it for a cache this cheap to refill. Enumerated
            // as it stands, not through Keys: that snapshot takes every lock and copies every key (10,000 are
            // 160 KB, a large-object allocation) to keep a quarter of them.
            var drop = Math.Max(1, _capacity / 4);
            foreach (var stale in _bySubject)
            {
                if (drop-- == 0)
                {
                    break;
                }

                Forget(stale.Key);
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

        // Checked after the entry is findable by key: an invalidation either came before this check (and the
        // entry is forgotten here) or comes after it (and finds the entry to remove).
        if (Interlocked.Read(ref _generation) != readGeneration)
        {
            Forget(subject);
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
        Interlocked.Increment(ref _generation);
        if (_byKey.TryRemove(key, out var subject))
        {
            Forget(subject);
        }
    }

    public void Clear()
    {
        Interlocked.Increment(ref _generation);
        _bySubject.Clear();
        _byKey.Clear();
        Interlocked.Exchange(ref _count, 0);
    }
}

/// <summary>A subject's entries as last read, and the storage keys they were read under.</summary>
internal sealed record CachedSubject(FoundEntry[] Entries, UnreadableEntry[] Unreadable, string Key, string? AlternateKey);
