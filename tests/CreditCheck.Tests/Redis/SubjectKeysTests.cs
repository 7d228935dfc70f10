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
