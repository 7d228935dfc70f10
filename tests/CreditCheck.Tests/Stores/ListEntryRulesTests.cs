using CreditCheck.Catalog;
using CreditCheck.ListFiles;
using CreditCheck.Stores;

namespace CreditCheck.Tests.Stores;

/// <summary>The rules every store applies before it writes an entry.</summary>
public sealed class ListEntryRulesTests
{
    private static readonly TimeSpan China = StoreTestData.China;

    private static ListRecord ListedOn(DateOnly day, DateOnly? validFrom = null)
    {
        var record = StoreTestData.Record(StoreTestData.Company, "court-dishonest-debtors", "e-1");
        return record with
        {
            Entry = record.Entry with
            {
                ListedOn = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), China),
                ValidFrom = new DateTimeOffset((validFrom ?? day).ToDateTime(TimeOnly.MinValue), China),
                ValidUntil = new DateTimeOffset(2099, 1, 1, 0, 0, 0, China),
            },
        };
    }

    [Fact]
    public void CheckDetailed_EndBeforeStart_NamesTheEndThenTheStartColumn()
    {
        var record = ListedOn(new DateOnly(2024, 5, 1));
        record = record with { Entry = record.Entry with { ValidUntil = new DateTimeOffset(2024, 4, 1, 0, 0, 0, China) } };

        var refusal = ListEntryRules.CheckDetailed(record, CreditCatalog.Default);

        Assert.NotNull(refusal);
        Assert.Equal([ListColumn.ValidUntil, ListColumn.ValidFrom], refusal.Columns);
        Assert.Contains("ends (2024-03-31) before it starts (2024-05-01)", refusal.Message, StringComparison.Ordinal);
    }
}
