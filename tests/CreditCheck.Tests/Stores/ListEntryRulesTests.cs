using CreditCheck.Catalog;
using CreditCheck.ListFiles;
using CreditCheck.Stores;

namespace CreditCheck.Tests.Stores;

/// <summary>The rules every store applies before it writes an entry, on a clock the test sets: "today" is the day in
/// China (UTC+8), whatever the machine's zone.</summary>
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
    public void CheckDetailed_ListedTomorrowInChina_RefusedNamingTheColumnAndTheDate()
    {
        // 2025-06-30 15:59 UTC is 23:59 in China: 2025-07-01 is still tomorrow there.
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 6, 30, 15, 59, 0, TimeSpan.Zero));

        var refusal = ListEntryRules.CheckDetailed(ListedOn(new DateOnly(2025, 7, 1)), CreditCatalog.Default, time);

        Assert.NotNull(refusal);
        Assert.Equal([ListColumn.ListedOn], refusal.Columns);
        Assert.Contains("listed on 2025-07-01, after today (2025-06-30 in China)", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("列入日期（2025-07-01）晚于今天（北京时间 2025-06-30）", refusal.ChineseMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckDetailed_ListedTodayInChinaWhileItIsYesterdayInUtc_Accepted()
    {
        // 2025-06-30 16:00 UTC is 2025-07-01 00:00 in China: listed today.
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 6, 30, 16, 0, 0, TimeSpan.Zero));

        Assert.Null(ListEntryRules.CheckDetailed(ListedOn(new DateOnly(2025, 7, 1)), CreditCatalog.Default, time));
    }

    [Fact]
    public void CheckDetailed_TakingEffectAfterToday_Accepted()
    {
        // A ban decided today that starts next month is legitimate.
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 6, 30, 12, 0, 0, TimeSpan.Zero));

        Assert.Null(ListEntryRules.CheckDetailed(ListedOn(new DateOnly(2025, 6, 30), validFrom: new DateOnly(2025, 8, 1)), CreditCatalog.Default, time));
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
