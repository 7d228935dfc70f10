using System.Buffers;
using System.Text;
using CreditCheck.Redis;

namespace CreditCheck.Tests.Redis;

/// <summary>The import writes entry JSON with its own writer: it must give the serializer's bytes, and
/// the hash of the bytes the hash of the text, or a re-import would see every entry as changed.</summary>
public sealed class EntryCodecTests
{
    private static readonly string[] Samples =
    [
        "示例测试企业1有限公司", "plain ascii", "quote \" backslash \\ slash /", "tab\tnew\nline\rcr", "\u0001\u001f control",
        "<script>&'+`", "emoji 😀 and 𠀀 (outside the BMP)", "\u2028\u2029 separators", "全角，标点。", "", " ",
    ];

    public static TheoryData<int> Seeds => [.. Enumerable.Range(0, 40)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Write_AnyEntry_SameBytesAsSerializeAndSameContentHash(int seed)
    {
        var entry = RandomEntry(new Random(seed));
        var expected = EntryCodec.Serialize(entry);

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = EntryCodec.CreateWriter(buffer))
        {
            EntryCodec.Write(writer, entry);
        }

        Assert.Equal(expected, Encoding.UTF8.GetString(buffer.WrittenSpan));
        Assert.Equal(EntryCodec.ContentHash(expected), EntryCodec.ContentHash(buffer.WrittenSpan));
    }

    [Fact]
    public void Write_WriterReusedForManyEntries_EachEntryAlone()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using var writer = EntryCodec.CreateWriter(buffer);
        var random = new Random(7);
        for (var i = 0; i < 20; i++)
        {
            var entry = RandomEntry(random);
            buffer.ResetWrittenCount();
            writer.Reset(buffer);
            EntryCodec.Write(writer, entry);
            writer.Flush();

            Assert.Equal(EntryCodec.Serialize(entry), Encoding.UTF8.GetString(buffer.WrittenSpan));
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Deserialize_CoListedPerson_KeepsListedInOwnRightAndTheRole(bool ownRight)
    {
        var entry = new ListEntry
        {
            EntryId = "wa-1",
            ListCode = "wage-arrears",
            SubjectKind = SubjectKind.NaturalPerson,
            RelatedTo = new RelatedParty("示例欠薪建筑有限公司", null, RelatedRole.DirectlyResponsiblePerson) { ListedInOwnRight = ownRight },
        };

        var read = EntryCodec.Deserialize(EntryCodec.Serialize(entry), out var error);

        Assert.Null(error);
        Assert.Equal(entry, read);
    }

    private static ListEntry RandomEntry(Random random)
    {
        string? Text() => random.Next(4) == 0 ? null : Samples[random.Next(Samples.Length)] + random.Next(1000);
        DateTimeOffset? Date() => random.Next(4) == 0 ? null : new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.FromHours(8)).AddDays(random.Next(3000)).AddTicks(random.Next(3) == 0 ? random.Next() : 0);
        var person = random.Next(2) == 0;
        return new ListEntry
        {
            EntryId = Samples[random.Next(Samples.Length)] + "-" + random.Next(),
            ListCode = "court-dishonest-debtors",
            SubjectKind = person ? SubjectKind.NaturalPerson : SubjectKind.LegalEntity,
            SubjectName = Text(),
            Authority = Text(),
            DecisionReference = Text(),
            Summary = Text(),
            ListedOn = Date(),
            ValidFrom = Date(),
            ValidUntil = Date(),
            Status = (EntryStatus)random.Next(1, 5),
            StatusReason = Text(),
            RelatedTo = person && random.Next(2) == 0
                ? new RelatedParty(Samples[random.Next(Samples.Length)], Text(), (RelatedRole)random.Next(1, 5)) { ListedInOwnRight = random.Next(3) switch { 0 => null, 1 => true, _ => false } }
                : null,
            Level = Text(), // a rating result's level, written last as the serializer does
        };
    }
}
