using CreditCheck.Redis;
using CreditCheck.Stores;
using CreditCheck.Tests.Support;

namespace CreditCheck.Tests.Redis;

/// <summary>The host's cache of listed subjects against the race between a read and the feed's invalidation.</summary>
public sealed class SubjectCacheTests
{
    [Fact]
    public void A_read_overtaken_by_an_invalidation_is_not_cached()
    {
        // Found by the platform-link figures: a change applied while a lookup's read was in flight left the
        // older answer cached after the invalidation had run — one host answered it for as long as it lived.
        var cache = new SubjectCache(100);
        var beforeRead = cache.Generation;
        cache.Invalidate("k1"); // the feed applies a change to the subject while the read is in flight

        cache.Remember(Subjects.Tencent, new CachedSubject([], [], "k1", null), beforeRead);

        Assert.False(cache.TryGetValue(Subjects.Tencent, out _));
    }

    [Fact]
    public void A_read_begun_after_the_invalidation_is_cached_and_a_later_invalidation_removes_it()
    {
        var cache = new SubjectCache(100);
        cache.Invalidate("k1");

        cache.Remember(Subjects.Tencent, new CachedSubject([], [], "k1", null), cache.Generation);
        Assert.True(cache.TryGetValue(Subjects.Tencent, out _));

        cache.Invalidate("k1");
        Assert.False(cache.TryGetValue(Subjects.Tencent, out _));
    }
}
