using CreditCheck.Stores;
using Proto = CreditCheck.Platform.Protocol;

namespace CreditCheck.Platform;

/// <summary>The contract's entries as the SDK's list records (what the publisher writes).</summary>
internal static class PlatformEntries
{
    public static ListRecord ToRecord(Proto.Entry entry)
    {
        var subject = Subject(entry.Subject, entry.SubjectKind, entry.ListCode, entry.EntryId);
        RelatedParty? related = null;
        if (entry.RelatedTo is { } r && !string.IsNullOrEmpty(r.EnterpriseName))
        {
            related = new RelatedParty(r.EnterpriseName, Empty(r.EnterpriseCode), r.Role == Proto.RelatedRole.Unspecified ? RelatedRole.LegalRepresentative : (RelatedRole)(int)r.Role)
            {
                ListedInOwnRight = r.ListedInOwnRight ? true : null,
            };
        }

        return new ListRecord(subject, new ListEntry
        {
            EntryId = entry.EntryId,
            ListCode = entry.ListCode,
            SubjectKind = subject.Kind,
            SubjectName = Empty(entry.SubjectName),
            Authority = Empty(entry.Authority),
            DecisionReference = Empty(entry.DecisionReference),
            Summary = Empty(entry.Summary),
            ListedOn = Date(entry.ListedOn, "listed_on", entry),
            ValidFrom = Date(entry.ValidFrom, "valid_from", entry),
            ValidUntil = Date(entry.ValidUntil, "valid_until", entry),
            Status = Status(entry.Status, entry.ListCode, entry.EntryId),
            StatusReason = Empty(entry.StatusReason),
            RelatedTo = related,
        });
    }

    /// <summary>The subject of an entry the SDK refuses, when it can still be keyed (stored as unreadable under it), else null.</summary>
    public static SubjectId? Keyable(Proto.Entry entry)
    {
        if (string.IsNullOrWhiteSpace(entry.EntryId))
        {
            return null;
        }

        try
        {
            return Subject(entry.Subject, entry.SubjectKind, entry.ListCode, entry.EntryId);
        }
        catch (PlatformDataException)
        {
            return null;
        }
    }

    public static SubjectId Subject(string text, Proto.SubjectKind kind, string list, string entryId)
    {
        var kinds = kind switch
        {
            Proto.SubjectKind.LegalEntity => [SubjectKind.LegalEntity],
            Proto.SubjectKind.NaturalPerson => [SubjectKind.NaturalPerson],
            _ => (SubjectKind[])[SubjectKind.LegalEntity, SubjectKind.NaturalPerson],
        };
        string? error = null;
        foreach (var k in kinds)
        {
            if (SubjectId.TryParse(text, k, SubjectIdParseMode.LenientCheckCharacter, out var id, out error))
            {
                return id;
            }
        }

        throw new PlatformDataException($"entry '{entryId}' of list '{list}': the subject '{text}' is not a valid identifier ({error})");
    }

    public static EntryStatus Status(Proto.EntryStatus status, string list, string entryId) => status switch
    {
        Proto.EntryStatus.Active => EntryStatus.Active,
        Proto.EntryStatus.UnderObjection => EntryStatus.UnderObjection,
        Proto.EntryStatus.Repaired => EntryStatus.Repaired,
        Proto.EntryStatus.Revoked => EntryStatus.Revoked,
        _ => throw new PlatformDataException($"entry '{entryId}' of list '{list}': status {status} is not one the SDK knows"),
    };

    private static string? Empty(string text) => string.IsNullOrEmpty(text) ? null : text;

    private static DateTimeOffset? Date(string text, string field, Proto.Entry entry)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return PlatformTime.TryParse(text, out var value)
            ? value
            : throw new PlatformDataException($"entry '{entry.EntryId}' of list '{entry.ListCode}': {field} '{text}' is not an RFC 3339 date-time (e.g. 2024-03-01T00:00:00+08:00)");
    }
}

/// <summary>The platform sent something the SDK cannot take (an entry, a catalog, a stream out of order);
/// nothing of the snapshot or change it belongs to was applied.</summary>
public sealed class PlatformDataException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PlatformDataException()
    {
    }

    /// <summary>Creates the exception with what was refused.</summary>
    /// <param name="message">What was refused, and why.</param>
    public PlatformDataException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with what was refused and the cause.</summary>
    /// <param name="message">What was refused, and why.</param>
    /// <param name="innerException">The cause.</param>
    public PlatformDataException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
