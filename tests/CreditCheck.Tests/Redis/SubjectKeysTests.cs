using System.Text;
using CreditCheck.Redis;
using CreditCheck.Tests.Support;

namespace CreditCheck.Tests.Redis;

public sealed class SubjectKeysTests
{
    [Fact]
    public void SipHash_ReferenceVector_MatchesThePaper()
    {
        // SipHash-2-4 paper, appendix A: key 00..0f, message 00..0e → a129ca6149be45e5.
        var key = Enumerable.Range(0, 16).Select(i => (byte)i).ToArray();
        var message = Enumerable.Range(0, 15).Select(i => (byte)i).ToArray();

        Assert.Equal(0xa129ca6149be45e5UL, new SipHash(key).Hash(message));
    }

    // The reference implementation's vectors (key 00..0f, message 00..n-1 for n = 0..63; the first and the 16th are
    // the paper's): every length, so every way a message ends in a whole or a partial word is covered.
    private static readonly ulong[] ReferenceVectors =
    [
        0x726fdb47dd0e0e31UL, 0x74f839c593dc67fdUL, 0x0d6c8009d9a94f5aUL, 0x85676696d7fb7e2dUL,
        0xcf2794e0277187b7UL, 0x18765564cd99a68dUL, 0xcbc9466e58fee3ceUL, 0xab0200f58b01d137UL,
        0x93f5f5799a932462UL, 0x9e0082df0ba9e4b0UL, 0x7a5dbbc594ddb9f3UL, 0xf4b32f46226bada7UL,
        0x751e8fbc860ee5fbUL, 0x14ea5627c0843d90UL, 0xf723ca908e7af2eeUL, 0xa129ca6149be45e5UL,
        0x3f2acc7f57c29bdbUL, 0x699ae9f52cbe4794UL, 0x4bc1b3f0968dd39cUL, 0xbb6dc91da77961bdUL,
        0xbed65cf21aa2ee98UL, 0xd0f2cbb02e3b67c7UL, 0x93536795e3a33e88UL, 0xa80c038ccd5ccec8UL,
        0xb8ad50c6f649af94UL, 0xbce192de8a85b8eaUL, 0x17d835b85bbb15f3UL, 0x2f2e6163076bcfadUL,
        0xde4daaaca71dc9a5UL, 0xa6a2506687956571UL, 0xad87a3535c49ef28UL, 0x32d892fad841c342UL,
        0x7127512f72f27cceUL, 0xa7f32346f95978e3UL, 0x12e0b01abb051238UL, 0x15e034d40fa197aeUL,
        0x314dffbe0815a3b4UL, 0x027990f029623981UL, 0xcadcd4e59ef40c4dUL, 0x9abfd8766a33735cUL,
        0x0e3ea96b5304a7d0UL, 0xad0c42d6fc585992UL, 0x187306c89bc215a9UL, 0xd4a60abcf3792b95UL,
        0xf935451de4f21df2UL, 0xa9538f0419755787UL, 0xdb9acddff56ca510UL, 0xd06c98cd5c0975ebUL,
        0xe612a3cb9ecba951UL, 0xc766e62cfcadaf96UL, 0xee64435a9752fe72UL, 0xa192d576b245165aUL,
        0x0a8787bf8ecb74b2UL, 0x81b3e73d20b49b6fUL, 0x7fa8220ba3b2eceaUL, 0x245731c13ca42499UL,
        0xb78dbfaf3a8d83bdUL, 0xea1ad565322a1a0bUL, 0x60e61c23a3795013UL, 0x6606d7e446282b93UL,
        0x6ca4ecb15c5f91e1UL, 0x9f626da15c9625f3UL, 0xe51b38608ef25f57UL, 0x958a324ceb064572UL,
    ];

    [Fact]
    public void SipHash_ReferenceVectorsOfEveryLengthUpTo63_AreMatched()
    {
        var key = Enumerable.Range(0, 16).Select(i => (byte)i).ToArray();
        var message = Enumerable.Range(0, 64).Select(i => (byte)i).ToArray();
        var hash = new SipHash(key);

        Assert.All(Enumerable.Range(0, 64), n => Assert.Equal(ReferenceVectors[n], hash.Hash(message.AsSpan(0, n))));
    }

    [Fact]
    public void Fingerprint_IsSipHashOfTheKindByteAndTheIdsAsciiBytes_UnderTheKeyDerivedFromTheSecret()
    {
        // What every filter in Redis was built with: a change here would make every listed subject look clean.
        var secret = Encoding.UTF8.GetBytes("fingerprint-test-secret-0123456789");
        using var keys = new SubjectKeys(secret);
        var hash = new SipHash(System.Security.Cryptography.HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes("creditcheck/filter/v1")).AsSpan(0, 16));

        foreach (var subject in new[] { Subjects.Tencent, Subjects.Person, Subjects.Huawei })
        {
            byte[] input = [(byte)subject.Kind, .. Encoding.ASCII.GetBytes(subject.Value)];
            Assert.Equal(hash.Hash(input), keys.Fingerprint(subject));
        }

        var organization = Subjects.Tencent.EmbeddedOrganizationCode!.Value;
        Assert.Equal(keys.Fingerprint(organization), keys.EmbeddedOrganizationFingerprint(Subjects.Tencent));
    }

    [Fact]
    public void StorageKey_NeverContainsTheIdentifierAndDependsOnTheSecret()
    {
        var a = new SubjectKeys(Encoding.UTF8.GetBytes("secret-a-0123456789"));
        var b = new SubjectKeys(Encoding.UTF8.GetBytes("secret-b-0123456789"));

        var key = a.StorageKey(Subjects.Person);

        Assert.Equal(32, key.Length);
        Assert.DoesNotContain("19491231", key, StringComparison.Ordinal);
        Assert.NotEqual(key, b.StorageKey(Subjects.Person));
        Assert.Equal(key, a.StorageKey(SubjectId.Parse("11010519491231002x", SubjectKind.NaturalPerson)));
        Assert.NotEqual(a.SecretFingerprint, b.SecretFingerprint);
        Assert.NotEqual(a.Fingerprint(Subjects.Person), b.Fingerprint(Subjects.Person));
    }

    [Fact]
    public void EmbeddedOrganizationFingerprint_IsTheFingerprintOfTheEmbeddedCode()
    {
        var keys = new SubjectKeys(Encoding.UTF8.GetBytes("secret-a-0123456789"));

        Assert.Equal(keys.Fingerprint(Subjects.TencentOrganizationCode), keys.EmbeddedOrganizationFingerprint(Subjects.Tencent));
        Assert.Equal(keys.Fingerprint(Subjects.Tencent.EmbeddedOrganizationCode!.Value), keys.EmbeddedOrganizationFingerprint(Subjects.Tencent));
        Assert.NotEqual(keys.Fingerprint(Subjects.Tencent), keys.EmbeddedOrganizationFingerprint(Subjects.Tencent));
    }

    [Fact]
    public void StorageKey_SameDigitsAsEntityAndPerson_AreDifferentSubjects()
    {
        var keys = new SubjectKeys(Encoding.UTF8.GetBytes("secret-a-0123456789"));
        var asEntity = SubjectId.Parse("11010519491231002X", SubjectKind.LegalEntity, SubjectIdParseMode.LenientCheckCharacter);

        Assert.NotEqual(keys.StorageKey(asEntity), keys.StorageKey(Subjects.Person));
    }

    [Fact]
    public void Filter_AddedKeys_AreNeverMissedAndFalsePositivesStayUnderOnePercent()
    {
        var keys = new SubjectKeys(Encoding.UTF8.GetBytes("secret-a-0123456789"));
        var listed = Enumerable.Range(0, 20_000).Select(SyntheticIds.Company).ToArray();
        var filter = new SplitBlockBloomFilter(listed.Length);
        foreach (var subject in listed)
        {
            filter.Add(keys.Fingerprint(subject));
        }

        var falsePositives = Enumerable.Range(20_000, 50_000).Select(SyntheticIds.Company).Count(s => filter.MayContain(keys.Fingerprint(s)));

        Assert.All(listed, s => Assert.True(filter.MayContain(keys.Fingerprint(s))));
        Assert.InRange(falsePositives / 50_000.0, 0, 0.01);
        Assert.InRange(filter.SizeInBytes / (double)listed.Length, 0, 2.0);
    }

    [Fact]
    public void Filter_BuiltFromFilterSourceBytes_AnswersAsOneBuiltKeyByKey()
    {
        // A resync adds the little-endian 8-byte fingerprints of a filter source's pieces without atomics.
        var keys = new SubjectKeys(Encoding.UTF8.GetBytes("secret-a-0123456789"));
        var prints = Enumerable.Range(0, 5_000).Select(n => keys.Fingerprint(SyntheticIds.Company(n))).ToArray();
        var source = new byte[(prints.Length * 8) + 5]; // a torn last fingerprint is not added
        for (var i = 0; i < prints.Length; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(source.AsSpan(i * 8), prints[i]);
        }

        var byKey = new SplitBlockBloomFilter(prints.Length);
        foreach (var print in prints)
        {
            byKey.Add(print);
        }

        var fromBytes = new SplitBlockBloomFilter(prints.Length);
        fromBytes.AddWhileUnshared(source.AsSpan(0, 8 * 1000));
        fromBytes.AddWhileUnshared(source.AsSpan(8 * 1000));
        var probes = Enumerable.Range(0, 20_000).Select(n => keys.Fingerprint(SyntheticIds.Company(n))).ToArray();

        Assert.Equal(prints.Length, fromBytes.Count);
        Assert.All(prints, p => Assert.True(fromBytes.MayContain(p)));
        Assert.Equal(probes.Select(byKey.MayContain), probes.Select(fromBytes.MayContain));
    }
}
