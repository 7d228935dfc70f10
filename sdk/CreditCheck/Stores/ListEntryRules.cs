using CreditCheck.Catalog;
using CreditCheck.ListFiles;

namespace CreditCheck.Stores;

/// <summary>Checks an entry against the catalog before any store writes it; for store authors, so
/// that every store refuses the same entries with the same words.</summary>
public static class ListEntryRules
{
    // Listing decisions are dated in China Standard Time (no daylight saving).
    private static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);

    /// <summary>Null when the record may be stored; otherwise what is wrong, naming the entry.</summary>
    /// <param name="record">The subject and its entry.</param>
    /// <param name="catalog">The catalog the store holds.</param>
    /// <returns>Null, or the English text of <see cref="CheckDetailed(ListRecord, CreditCatalog)"/>.</returns>
    public static string? Check(ListRecord record, CreditCatalog catalog) => CheckDetailed(record, catalog)?.Message;

    /// <summary>Null when the record may be stored; otherwise what is wrong, naming the entry, in English
    /// and in Chinese (for the operator who loads the file), and the fields it concerns. What every store refuses;
    /// it does not judge the dates against today (see the overload that takes a clock).</summary>
    /// <param name="record">The subject and its entry.</param>
    /// <param name="catalog">The catalog the store holds.</param>
    /// <returns>Null, or the refusal.</returns>
    public static ListEntryRefusal? CheckDetailed(ListRecord record, CreditCatalog catalog) => Refusal(record, catalog, null);

    /// <summary>As <see cref="CheckDetailed(ListRecord, CreditCatalog)"/>, and an entry listed
    /// (<see cref="ListEntry.ListedOn"/>) after today in China (UTC+8) by <paramref name="timeProvider"/> is refused too:
    /// a listing decision is not dated in the future, so in a file an operator loads the date is almost surely a typo.
    /// One that takes effect later (<see cref="ListEntry.ValidFrom"/>) is not: a ban not yet in force is legitimate. The
    /// operator tool's import checks files with it; the stores do not, since refusing an entry leaves its subject
    /// unlisted, and a credit platform's dates (its clock may run ahead) are the platform's to answer for.</summary>
    /// <param name="record">The subject and its entry.</param>
    /// <param name="catalog">The catalog the store holds.</param>
    /// <param name="timeProvider">The clock that says what day it is.</param>
    /// <returns>Null, or the refusal.</returns>
    public static ListEntryRefusal? CheckDetailed(ListRecord record, CreditCatalog catalog, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        return Refusal(record, catalog, timeProvider);
    }

    private static ListEntryRefusal? Refusal(ListRecord record, CreditCatalog catalog, TimeProvider? timeProvider)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(catalog);
        var entry = record.Entry;
        string Name() => $"entry '{entry.EntryId}' of list '{entry.ListCode}'"; // built only for a refusal
        string ChineseName() => $"名单“{entry.ListCode}”的条目“{entry.EntryId}”";
        if (string.IsNullOrWhiteSpace(entry.EntryId))
        {
            return new($"An entry of list '{entry.ListCode}' has no entry id.", $"名单“{entry.ListCode}”的一个条目没有条目编号") { Columns = [ListColumn.EntryId] };
        }

        if (!Enum.IsDefined(entry.Status) || !Enum.IsDefined(entry.SubjectKind) || (entry.RelatedTo is { } party && !Enum.IsDefined(party.Role)))
        {
            return new($"The {Name()} has an undefined status, subject kind or related role.", $"{ChineseName()}的状态、主体类型或关联角色无效");
        }

        if (record.Subject.IsEmpty)
        {
            return new($"The {Name()} has no subject id.", $"{ChineseName()}没有主体标识") { Columns = [ListColumn.Subject] };
        }

        if (record.Subject.Kind != entry.SubjectKind)
        {
            return new(
                $"The {Name()} says {entry.SubjectKind} but its subject id is a {record.Subject.Kind}.",
                $"{ChineseName()}标明为{KindName(entry.SubjectKind)}，但其主体标识是{KindName(record.Subject.Kind)}的标识") { Columns = [ListColumn.Kind, ListColumn.Subject] };
        }

        if (catalog.FindList(entry.ListCode) is not { } list)
        {
            return new($"The {Name()} names a list that catalog {catalog.Version} does not have.", $"{ChineseName()}所属的名单不在目录 {catalog.Version} 中") { Columns = [ListColumn.List] };
        }

        if (!list.SubjectKinds.Contains(entry.SubjectKind))
        {
            return new(
                $"The {Name()}: list '{list.Code}' ({list.Name}) does not hold subjects of kind {entry.SubjectKind}.",
                $"{ChineseName()}：名单“{list.Code}”（{list.Name}）不收录{KindName(entry.SubjectKind)}") { Columns = [ListColumn.Kind] };
        }

        if (list.Category == ListCategory.Rating)
        {
            if (catalog.FindRating(list.Code)?.FindLevel(entry.Level) is null)
            {
                var levels = string.Join(", ", catalog.FindRating(list.Code)!.Levels.Select(l => l.Code));
                return new(
                    $"The {Name()}: '{entry.Level}' is not a level of {list.Name}; its levels are {levels}.",
                    $"{ChineseName()}：“{entry.Level}”不是{list.Name}的等级，可用的等级为 {levels}") { Columns = [ListColumn.Level] };
            }
        }
        else if (entry.Level is not null)
        {
            return new($"The {Name()} carries a level, but '{list.Code}' is a list, not a rating.", $"{ChineseName()}带有等级，但“{list.Code}”是名单，不是评级") { Columns = [ListColumn.Level] };
        }

        if (entry.ValidFrom is { } from && entry.ValidUntil is { } until && until <= from)
        {
            // ValidUntil is the first instant no longer covered: a file's end date 2024-01-01 is held as
            // 2024-01-02 00:00, so the last day covered is the one shown.
            var lastDay = until.AddTicks(-1);
            return new(
                $"The {Name()} ends ({lastDay:yyyy-MM-dd}) before it starts ({from:yyyy-MM-dd}).",
                $"{ChineseName()}的截止日期（{lastDay:yyyy-MM-dd}）早于开始日期（{from:yyyy-MM-dd}）") { Columns = [ListColumn.ValidUntil, ListColumn.ValidFrom] };
        }

        if (timeProvider is not null && entry.ListedOn is { } listed && Day(listed) is var listedDay && Day(timeProvider.GetUtcNow()) is var today && listedDay > today)
        {
            return new(
                $"The {Name()} was listed on {listedDay:yyyy-MM-dd}, after today ({today:yyyy-MM-dd} in China): a listing decision is not dated in the future; check the date for a typo.",
                $"{ChineseName()}的列入日期（{listedDay:yyyy-MM-dd}）晚于今天（北京时间 {today:yyyy-MM-dd}）：列入决定的日期不会在未来，请核对是否输错") { Columns = [ListColumn.ListedOn] };
        }

        if (entry.RelatedTo is not null && entry.SubjectKind != SubjectKind.NaturalPerson)
        {
            return new(
                $"The {Name()} names a related enterprise, but only persons are listed because of an enterprise.",
                $"{ChineseName()}填写了关联企业，但只有自然人才会因企业而被关联列入") { Columns = [ListColumn.RelatedEnterprise] };
        }

        return null;
    }

    /// <summary>Throws unless the record may be imported into the list: it belongs to that list and
    /// passes <see cref="Check"/>.</summary>
    /// <param name="record">A record of the import.</param>
    /// <param name="listCode">The list being imported.</param>
    /// <param name="catalog">The catalog the store holds.</param>
    /// <exception cref="ListEntryException">The record does not fit.</exception>
    public static void EnsureImportable(ListRecord record, string listCode, CreditCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (!string.Equals(record.Entry.ListCode, listCode, StringComparison.Ordinal))
        {
            throw new ListEntryException($"Entry '{record.Entry.EntryId}' belongs to list '{record.Entry.ListCode}', not to '{listCode}' being imported.");
        }

        if (Check(record, catalog) is { } problem)
        {
            throw new ListEntryException(problem);
        }
    }

    /// <summary>The calendar day an instant falls on in China.</summary>
    private static DateOnly Day(DateTimeOffset instant) => DateOnly.FromDateTime(instant.ToOffset(ChinaOffset).DateTime);

    private static string KindName(SubjectKind kind) => kind == SubjectKind.NaturalPerson ? "自然人" : "法人";
}

