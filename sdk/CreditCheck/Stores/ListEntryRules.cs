using CreditCheck.Catalog;
using CreditCheck.ListFiles;

namespace CreditCheck.Stores;

/// <summary>Checks an entry against the catalog before any store writes it; for store authors, so
/// that every store refuses the same entries with the same words.</summary>
public static class ListEntryRules
{
    /// <summary>Null when the record may be stored; otherwise what is wrong, naming the entry.</summary>
    /// <param name="record">The subject and its entry.</param>
    /// <param name="catalog">The catalog the store holds.</param>
    /// <returns>Null, or the English text of <see cref="CheckDetailed"/>.</returns>
    public static string? Check(ListRecord record, CreditCatalog catalog) => CheckDetailed(record, catalog)?.Message;

    /// <summary>Null when the record may be stored; otherwise what is wrong, naming the entry, in English
    /// and in Chinese (for the operator who loads the file).</summary>
    /// <param name="record">The subject and its entry.</param>
    /// <param name="catalog">The catalog the store holds.</param>
    /// <returns>Null, or the refusal.</returns>
    public static ListEntryRefusal? CheckDetailed(ListRecord record, CreditCatalog catalog)
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

    private static string KindName(SubjectKind kind) => kind == SubjectKind.NaturalPerson ? "自然人" : "法人";
}

