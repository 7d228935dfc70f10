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

    [Fact]
    public void A_full_cache_drops_a_quarter_to_take_the_new_subject_and_forgets_their_keys()
    {
        var cache = new SubjectCache(4);
        SubjectId[] first = [Subjects.Tencent, Subjects.Alibaba, Subjects.Huawei, Subjects.Person];
        for (var i = 0; i < first.Length; i++)
        {
            cache.Remember(first[i], new CachedSubject([], [], $"k{i}", null), cache.Generation);
        }

        cache.Remember(Subjects.OtherPerson, new CachedSubject([], [], "k4", null), cache.Generation);

        Assert.True(cache.TryGetValue(Subjects.OtherPerson, out _));
        var dropped = Assert.Single(Enumerable.Range(0, first.Length), i => !cache.TryGetValue(first[i], out _));

        // The kept subjects are still found by key (an invalidation removes them); the dropped one's key is gone.
        var kept = Enumerable.Range(0, first.Length).First(i => i != dropped);
        cache.Invalidate($"k{kept}");
        Assert.False(cache.TryGetValue(first[kept], out _));
        cache.Remember(first[dropped], new CachedSubject([], [], $"k{dropped}", null), cache.Generation);
        Assert.True(cache.TryGetValue(first[dropped], out _));
    }
}
