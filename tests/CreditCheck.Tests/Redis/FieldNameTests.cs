using System.Text;
using CreditCheck.Redis;

namespace CreditCheck.Tests.Redis;

/// <summary>The subject hash's field names, parsed from the bytes Redis returns.</summary>
public sealed class FieldNameTests
{
    [Theory]
    [InlineData("debtors\td-1\t0", "debtors", "d-1", 0)]
    [InlineData("debtors\td-1\t42", "debtors", "d-1", 42)]
    [InlineData("红名单\t条目\t7", "红名单", "条目", 7)]
    [InlineData("l\ta\tb\t3", "l", "a\tb", 3)]
    public void Parses_ListEntryAndGeneration(string raw, string list, string entry, long generation)
    {
        Assert.True(FieldName.TryParse(Encoding.UTF8.GetBytes(raw), out var name));
        Assert.Equal(new FieldName(list, entry, generation), name);
    }

    [Theory]
    [InlineData("")]
    [InlineData("debtors")]
    [InlineData("debtors\td-1")]
    [InlineData("debtors\td-1\t")]
    [InlineData("\td-1\t1")]
    [InlineData("debtors\t\t1")]
    [InlineData("debtors\td-1\t-1")]
    [InlineData("debtors\td-1\t+1")]
    [InlineData("debtors\td-1\t1x")]
    [InlineData("debtors\td-1\t99999999999999999999")]
    public void Refuses_WhatIsNotListEntryGeneration(string raw) =>
        Assert.False(FieldName.TryParse(Encoding.UTF8.GetBytes(raw), out _));

    /// <summary>The selection reads names where they lie (no strings): the same check, the same parts.</summary>
    [Theory]
    [InlineData("debtors\td-1\t42")]
    [InlineData("红名单\t条目\t7")]
    [InlineData("l\ta\tb\t3")]
    [InlineData("")]
    [InlineData("debtors\td-1")]
    [InlineData("debtors\td-1\t")]
    [InlineData("\td-1\t1")]
    [InlineData("debtors\t\t1")]
    [InlineData("debtors\td-1\t-1")]
    [InlineData("debtors\td-1\t1x")]
    [InlineData("debtors\td-1\t99999999999999999999")]
    public void TryLocate_AgreesWithTryParse(string text)
    {
        var raw = Encoding.UTF8.GetBytes(text);
        var parsed = FieldName.TryParse(raw, out var name);

        Assert.Equal(parsed, FieldName.TryLocate(raw, out var first, out var last, out var generation));
        if (parsed)
        {
            Assert.Equal(name, new FieldName(Encoding.UTF8.GetString(raw[..first]), Encoding.UTF8.GetString(raw[(first + 1)..last]), generation));
        }
    }

    [Fact]
    public void SameEntry_ComparesListAndEntryOnly() =>
        Assert.True(new FieldName("l", "e", 1).SameEntry(new FieldName("l", "e", 2)));
}
