using CreditCheck.Redis;

namespace CreditCheck.Tests.Redis;

/// <summary>The second-stage filter: it holds every key the main filter was given, and its false positives are
/// independent of the main filter's (so few of those reach Redis for proof).</summary>
public sealed class ProofFilterTests
{
    [Fact]
    public void HoldsEveryKeyAdded_AndRulesOutAlmostAllOfTheMainFiltersFalsePositives()
    {
        const int Listed = 100_000;
        var random = new Random(12);
        var prints = new byte[Listed * 8];
        random.NextBytes(prints);
        var filter = new SplitBlockBloomFilter(Listed + 1000) { Proof = new ProofFilter(Listed + 1000) };
        filter.AddWhileUnshared(prints);
        var added = new ulong[1000];
        for (var i = 0; i < added.Length; i++)
        {
            filter.Add(added[i] = (ulong)random.NextInt64() ^ ((ulong)random.Next() << 63));
        }

        for (var at = 0; at < prints.Length; at += 8)
        {
            Assert.True(filter.Proof.MayContain(BitConverter.ToUInt64(prints, at)));
        }

        Assert.All(added, print => Assert.True(filter.Proof.MayContain(print)));

        // Of 2,000,000 keys never added: the main filter's false positives, and how many the proof filter also holds.
        var (mainHeld, bothHeld) = (0, 0);
        for (var i = 0; i < 2_000_000; i++)
        {
            var print = (ulong)random.NextInt64() ^ ((ulong)random.Next() << 63);
            if (filter.MayContain(print))
            {
                mainHeld++;
                bothHeld += filter.Proof.MayContain(print) ? 1 : 0;
            }
        }

        Assert.InRange(mainHeld, 2_000, 10_000); // about 0.26 %
        Assert.InRange(bothHeld, 0, 40); // about 0.13 % of those, were they independent: 3 to 13 expected
        Assert.InRange(filter.Proof.SizeInBytes, 2 * (Listed + 1000), (2 * (Listed + 1000)) + 32); // 2 bytes per key
    }
}
