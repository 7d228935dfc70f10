using CreditCheck.Catalog;

namespace CreditCheck.Stores;

/// <summary>Checks an entry against the catalog before any store writes it; for store authors, so
/// that every store refuses the same entries with the same words.</summary>
public static class ListEntryRules
{
    /// <summary>Null when the record may be stored; otherwise what is wrong, naming the entry.</summary>
    /// <param name="record">The subject and its entry.</param>
    /// <param name="catalog">The catalog the store holds.</param>
    public static string? Check(ListRecord record, CreditCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(catalog);
        var entry = record.Entry;
        string Name() => $"entry '{entry.EntryId}' of list '{entry.ListCode}'"; // built only for a refusal
        if (string.IsNullOrWhiteSpace(entry.EntryId))
        {
            return $"An entry of list '{entry.ListCode}' has no entry id.";
        }

        if (!Enum.IsDefined(entry.Status) || !Enum.IsDefined(entry.SubjectKind) || (entry.RelatedTo is { } party && !Enum.IsDefined(party.Role)))
        {
            return $"The {Name()} has an undefined status, subject kind or related role.";
        }

        if (record.Subject.IsEmpty)
        {
            return $"The {Name()} has no subject id.";
        }

        if (record.Subject.Kind != entry.SubjectKind)
        {
            return $"The {Name()} says {entry.SubjectKind} but its subject id is a {record.Subject.Kind}.";
        }

        if (catalog.FindList(entry.ListCode) is not { } list)
        {
            return $"The {Name()} names a list that catalog {catalog.Version} does not have.";
        }

        if (!list.SubjectKinds.Contains(entry.SubjectKind))
        {
            return $"The {Name()}: list '{list.Code}' ({list.Name}) does not hold subjects of kind {entry.SubjectKind}.";
        }

        if (list.Category == ListCategory.Rating)
        {
            if (catalog.FindRating(list.Code)?.FindLevel(entry.Level) is null)
            {
                return $"The {Name()}: '{entry.Level}' is not a level of {list.Name}; its levels are {string.Join(", ", catalog.FindRating(list.Code)!.Levels.Select(l => l.Code))}.";
            }
        }
        else if (entry.Level is not null)
        {
            return $"The {Name()} carries a level, but '{list.Code}' is a list, not a rating.";
        }

        if (entry.ValidFrom is { } from && entry.ValidUntil is { } until && until <= from)
        {
            return $"The {Name()} ends ({until:yyyy-MM-dd}) before it starts ({from:yyyy-MM-dd}).";
        }

        if (entry.RelatedTo is not null && entry.SubjectKind != SubjectKind.NaturalPerson)
        {
            return $"The {Name()} names a related enterprise, but only persons are listed because of an enterprise.";
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
}
