using CreditCheck.Catalog;
using CreditCheck.Stores;

namespace CreditCheck;

/// <summary>
/// A person named on a list only because of an enterprise's entry (its 法定代表人 …, not listed in their own right)
/// is affected while that entry is: once the enterprise's entries on the list are all repaired, revoked or expired,
/// the person's entry lapses with them. Found from outside: after <c>entry repair</c> of an enterprise its 法定代表人
/// stayed restricted (限制高消费) and lost 容缺受理, against the prompt end of measures after repair (DOMAIN §4).
/// </summary>
/// <remarks>Only when the enterprise is found and each of its entries on that list has ended: an enterprise the
/// store does not hold, or cannot read now, leaves the person's entry as it is (never a lapse on doubt).</remarks>
internal static class RelatedEntryLapse
{
    /// <summary>Whether the lookup holds an entry that depends on an enterprise's (cheap: a look at each entry, a parse only for one naming an enterprise).</summary>
    public static bool Needed(in SubjectLookup lookup)
    {
        var entries = lookup.Entries;
        if (entries is null)
        {
            return false;
        }

        for (var i = 0; i < entries.Count; i++)
        {
            if (Dependent(entries[i].Entry, lookup.Catalog) is not null)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The lookup with each dependent entry ended as its enterprise's entries have, read from the store.</summary>
    public static async ValueTask<SubjectLookup> ApplyAsync(ICreditStore store, SubjectLookup lookup, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var enterprises = new List<SubjectId>();
        foreach (var found in lookup.Entries)
        {
            if (Dependent(found.Entry, lookup.Catalog) is { } code && !enterprises.Contains(code))
            {
                enterprises.Add(code);
            }
        }

        if (enterprises.Count == 0)
        {
            return lookup;
        }

        IReadOnlyList<SubjectLookup> read;
        try
        {
            read = await store.LookupManyAsync(enterprises, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return lookup; // the person's entry stands: nothing shows that the enterprise's has ended
        }

        var entries = new FoundEntry[lookup.Entries.Count];
        for (var i = 0; i < entries.Length; i++)
        {
            var found = lookup.Entries[i];
            entries[i] = Dependent(found.Entry, lookup.Catalog) is { } code
                && read[enterprises.IndexOf(code)] is { Source: not LookupSource.Unavailable, Entries: { } theirs }
                && Ended(found.Entry, theirs, now) is { } ended
                ? found with { Entry = ended }
                : found;
        }

        return lookup with { Entries = entries };
    }

    // The enterprise a person's entry depends on, or null when it depends on none (listed in their own right, no
    // enterprise code, or already ended).
    private static SubjectId? Dependent(ListEntry entry, CreditCatalog? catalog) =>
        entry.RelatedTo is { EnterpriseCode: { } code } related
        && entry.Status is EntryStatus.Active or EntryStatus.UnderObjection
        && !(related.ListedInOwnRight ?? catalog?.FindList(entry.ListCode)?.CoListsRelatedPersons ?? false)
        && SubjectId.TryParse(code, SubjectKind.LegalEntity, SubjectIdParseMode.LenientCheckCharacter, out var enterprise, out _)
            ? enterprise
            : null;

    // The person's entry ended as the enterprise's entries on its list have, or null while one of them still acts
    // (in force, under objection, not yet valid) or there is none.
    private static ListEntry? Ended(ListEntry person, IReadOnlyList<FoundEntry> enterprise, DateTimeOffset now)
    {
        var same = enterprise.Where(e => e.Entry.ListCode == person.ListCode).Select(e => e.Entry).ToList();
        if (same.Count == 0 || same.Exists(e => e.Status is EntryStatus.Active or EntryStatus.UnderObjection && (e.ValidUntil is not { } until || now < until)))
        {
            return null;
        }

        var name = person.RelatedTo!.EnterpriseName;
        if (same.Find(e => e.Status == EntryStatus.Repaired) is { } repaired)
        {
            return person with { Status = EntryStatus.Repaired, StatusReason = $"关联企业“{name}”已信用修复{(repaired.StatusReason is { } why ? $"（{why}）" : "")}" };
        }

        if (same.Exists(e => e.Status == EntryStatus.Revoked))
        {
            return person with { Status = EntryStatus.Revoked, StatusReason = $"关联企业“{name}”的列入已撤销" };
        }

        var last = same.Max(e => e.ValidUntil!.Value); // every one expired
        return person.ValidUntil is { } own && own <= last ? null : person with { ValidUntil = last };
    }
}
