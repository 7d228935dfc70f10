using CreditCheck.Stores;

namespace CreditCheck.Tests.Support;

/// <summary>Entries of the test catalog's lists, valid for ten years from 2025.</summary>
internal static class TestRecords
{
    public static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.FromHours(8));

    public static ListRecord Debt(SubjectId subject, string entryId) => new(subject, new ListEntry
    {
        EntryId = entryId,
        ListCode = "debtors",
        SubjectKind = subject.Kind,
        ValidFrom = Start,
        ValidUntil = Start.AddYears(10),
    });
}
