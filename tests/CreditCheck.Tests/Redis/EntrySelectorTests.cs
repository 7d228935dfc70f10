using System.Collections.ObjectModel;
using System.Text;
using CreditCheck.Redis;
using CreditCheck.Stores;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace CreditCheck.Tests.Redis;

/// <summary>Choosing a subject's visible entries from its hash fields, with names read as UTF-8 where they lie.</summary>
public sealed class EntrySelectorTests
{
    private static readonly SubjectId Subject = SubjectId.Parse("91110105336900600J", SubjectKind.LegalEntity);

    private static readonly Dictionary<string, long> Committed = new(StringComparer.Ordinal) { ["debtors"] = 2, ["红名单"] = 1 };

    [Fact]
    public void Select_TakesEachEntrysNewestCommittedField_NotNewerOnes()
    {
        HashEntry[] fields =
        [
            Field("debtors\te-1\t1", Json("debtors", "e-1", "old")),
            Field("debtors\te-2\t2", Json("debtors", "e-2", "only")),
            Field("debtors\te-1\t3", Json("debtors", "e-1", "not committed")),
            Field("debtors\te-1\t2", Json("debtors", "e-1", "newest committed")),
            Field("红名单\t条目\t1", Json("红名单", "条目", "non-ASCII")),
        ];

        var (entries, unreadable) = Select(Committed, fields);

        Assert.Null(unreadable);
        Assert.Equal(["newest committed", "only", "non-ASCII"], entries!.Select(e => e.Entry.Summary));
        Assert.All(entries!, e => Assert.Equal(IdentifierScheme.UnifiedSocialCreditCode, e.MatchedBy));
    }

    [Fact]
    public void Select_ReportsBadNames_BadJson_AndJsonOfAnotherEntry()
    {
        HashEntry[] fields =
        [
            Field("no tabs", "{}"),
            Field("debtors\te-1\t1", "not json"),
            Field("debtors\te-2\t1", Json("debtors", "e-3", "elsewhere")),
            Field("debtors\te-4\t1", Json("debtors", "e-4", "fine")),
        ];

        var (entries, unreadable) = Select(Committed, fields);

        Assert.Equal("fine", Assert.Single(entries!).Entry.Summary);
        Assert.Equal(["no tabs", "debtors/e-1", "debtors/e-2"], unreadable!.Select(u => u.Field));
        Assert.Contains("list⇥entryId⇥generation", unreadable![0].Reason, StringComparison.Ordinal);
        Assert.StartsWith("invalid JSON", unreadable[1].Reason, StringComparison.Ordinal);
        Assert.Equal("the JSON says debtors/e-3", unreadable[2].Reason);
    }

    /// <summary>Names that are not valid UTF-8 are compared as the strings they decode to, as before the
    /// selection read names as bytes: two such ids that decode alike are one entry.</summary>
    [Fact]
    public void Select_InvalidUtf8Ids_ThatDecodeAlike_AreOneEntry()
    {
        HashEntry[] fields =
        [
            new(Bytes("debtors\t", [0xFF], "\t1"), Json("debtors", "\uFFFD", "older")),
            new(Bytes("debtors\t", [0xFE], "\t2"), Json("debtors", "\uFFFD", "newer")),
        ];

        var (entries, unreadable) = Select(Committed, fields);

        Assert.Null(unreadable);
        Assert.Equal("newer", Assert.Single(entries!).Entry.Summary);
    }

    [Fact]
    public void Select_ReadsGenerationsFromAnyDictionary()
    {
        HashEntry[] fields = [Field("debtors\te-1\t1", Json("debtors", "e-1", "a")), Field("debtors\te-1\t2", Json("debtors", "e-1", "b"))];

        var (entries, _) = Select(new ReadOnlyDictionary<string, long>(Committed), fields);

        Assert.Equal("b", Assert.Single(entries!).Entry.Summary);
    }

    [Theory]
    [InlineData(new[] { "debtors\te-1\t3" }, true)] // only a field newer than committed
    [InlineData(new[] { "debtors\te-1\t3", "debtors\te-1\t2" }, false)] // and one it can still show
    [InlineData(new[] { "debtors\te-1\t3", "debtors\te-2\t1" }, true)] // the committed field is another entry's
    [InlineData(new[] { "debtors\te-1\t2", "红名单\t条目\t1" }, false)] // nothing newer
    [InlineData(new[] { "红名单\t条目\t2" }, true)] // non-ASCII list
    [InlineData(new[] { "other\te-1\t1" }, true)] // a list the host knows no generation of
    [InlineData(new[] { "no tabs" }, false)]
    public void IsAhead_WhenAnEntryHasOnlyFieldsNewerThanCommitted(string[] names, bool ahead)
    {
        var fields = names.Select(n => Field(n, "{}")).ToArray();

        Assert.Equal(ahead, EntrySelector.IsAhead(Committed, fields));
        Assert.Equal(ahead, EntrySelector.IsAhead(new ReadOnlyDictionary<string, long>(Committed), fields));
    }

    private static (List<FoundEntry>? Entries, List<UnreadableEntry>? Unreadable) Select(IReadOnlyDictionary<string, long> generations, HashEntry[] fields)
    {
        List<FoundEntry>? entries = null;
        List<UnreadableEntry>? unreadable = null;
        new EntrySelector(NullLogger.Instance, "test").Select(generations, fields, IdentifierScheme.UnifiedSocialCreditCode, Subject, ref entries, ref unreadable);
        return (entries, unreadable);
    }

    private static HashEntry Field(string name, string value) => new(Encoding.UTF8.GetBytes(name), Encoding.UTF8.GetBytes(value));

    private static byte[] Bytes(string before, byte[] middle, string after) =>
        [.. Encoding.UTF8.GetBytes(before), .. middle, .. Encoding.UTF8.GetBytes(after)];

    private static string Json(string list, string id, string summary) =>
        EntryCodec.Serialize(new ListEntry { EntryId = id, ListCode = list, SubjectKind = SubjectKind.LegalEntity, Summary = summary });
}
