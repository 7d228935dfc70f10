using CreditCheck.Stores;
using Proto = CreditCheck.Platform.Protocol;

namespace CreditCheck.Platform;

/// <summary>The contract's entries as the SDK's; an entry that cannot be read is reported, never dropped.</summary>
internal static class EntryMapping
{
    public static (List<FoundEntry> Found, List<UnreadableEntry> Unreadable) FromResponse(Proto.QueryResponse response, SubjectId subject)
    {
        var found = new List<FoundEntry>(response.Entries.Count);
        var unreadable = new List<UnreadableEntry>();
        foreach (var entry in response.Entries)
        {
            try
            {
                // Compared normalised, and never taken for the subject when it names another (the store refuses such a reply;
                // this guards answers cached before it did).
                var scheme = Names(entry, subject) ? subject.Scheme
                    : subject.EmbeddedOrganizationCode is { } org && Names(entry, org) ? IdentifierScheme.OrganizationCode
                    : throw new FormatException("the entry names another subject than the one asked (an entry of another subject)");
                found.Add(new FoundEntry(ToListEntry(entry), scheme));
            }
            catch (FormatException e)
            {
                unreadable.Add(new UnreadableEntry($"platform entry {entry.ListCode}/{entry.EntryId}", e.Message));
            }
        }

        return (found, unreadable);
    }

    /// <summary>Whether the entry's subject is <paramref name="subject"/>, both normalised as the SDK parses identifiers
    /// (as the relay reads it: both kinds when subject_kind is unspecified).</summary>
    public static bool Names(Proto.Entry entry, SubjectId subject)
    {
        var kind = entry.SubjectKind switch
        {
            Proto.SubjectKind.LegalEntity => SubjectKind.LegalEntity,
            Proto.SubjectKind.NaturalPerson => SubjectKind.NaturalPerson,
            _ => subject.Kind,
        };
        return kind == subject.Kind && SubjectId.TryParse(entry.Subject, kind, SubjectIdParseMode.LenientCheckCharacter, out var id, out _) && id == subject;
    }

    public static ListEntry ToListEntry(Proto.Entry entry)
    {
        if (string.IsNullOrEmpty(entry.EntryId) || string.IsNullOrEmpty(entry.ListCode))
        {
            throw new FormatException("the entry has no list code or entry id");
        }

        return new ListEntry
        {
            EntryId = entry.EntryId,
            ListCode = entry.ListCode,
            SubjectKind = entry.SubjectKind switch
            {
                Proto.SubjectKind.LegalEntity => SubjectKind.LegalEntity,
                Proto.SubjectKind.NaturalPerson => SubjectKind.NaturalPerson,
                _ => throw new FormatException($"subject_kind {entry.SubjectKind} is not a legal entity or a natural person"),
            },
            SubjectName = Text(entry.SubjectName),
            Authority = Text(entry.Authority),
            DecisionReference = Text(entry.DecisionReference),
            Summary = Text(entry.Summary),
            ListedOn = Date(entry.ListedOn, "listed_on"),
            ValidFrom = Date(entry.ValidFrom, "valid_from"),
            ValidUntil = Date(entry.ValidUntil, "valid_until"),
            Status = entry.Status switch
            {
                Proto.EntryStatus.Active => EntryStatus.Active,
                // proto3's default: the platform did not say. The relay refuses such a change (5107); here the entry is
                // unreadable (the check is degraded), neither in force (Denied) nor absent (Clear).
                Proto.EntryStatus.Unspecified => throw new FormatException("status is ENTRY_STATUS_UNSPECIFIED: the platform did not say whether the entry is in force"),
                Proto.EntryStatus.UnderObjection => EntryStatus.UnderObjection,
                Proto.EntryStatus.Repaired => EntryStatus.Repaired,
                Proto.EntryStatus.Revoked => EntryStatus.Revoked,
                _ => throw new FormatException($"status {entry.Status} is unknown"),
            },
            StatusReason = Text(entry.StatusReason),
            RelatedTo = entry.RelatedTo is { } related && !string.IsNullOrEmpty(related.EnterpriseName)
                ? new RelatedParty(related.EnterpriseName, Text(related.EnterpriseCode), related.Role switch
                {
                    Proto.RelatedRole.LegalRepresentative => RelatedRole.LegalRepresentative,
                    Proto.RelatedRole.PrincipalPerson => RelatedRole.PrincipalPerson,
                    Proto.RelatedRole.ActualController => RelatedRole.ActualController,
                    Proto.RelatedRole.DirectlyResponsiblePerson => RelatedRole.DirectlyResponsiblePerson,
                    _ => throw new FormatException($"related_to.role {related.Role} is unknown"),
                })
                { ListedInOwnRight = related.ListedInOwnRight ? true : null } // proto3 false = not said: as the list says (as the relay reads it)
                : null,
        };
    }

    private static string? Text(string value) => string.IsNullOrEmpty(value) ? null : value;

    private static DateTimeOffset? Date(string value, string field)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        return PlatformTime.TryParse(value, out var date)
            ? date
            : throw new FormatException($"{field} '{value}' is not an RFC 3339 date-time (e.g. 2024-03-01T00:00:00+08:00)");
    }
}
