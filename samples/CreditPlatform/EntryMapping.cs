using System.Globalization;
using CreditCheck;
using CreditCheck.Stores;
using Proto = CreditCheck.Platform.Protocol;

namespace ReferencePlatform;

/// <summary>The SDK's list records (what the list files hold) in the contract's form, and back.</summary>
internal static class EntryMapping
{
    public static Proto.Entry ToProto(ListRecord record)
    {
        var e = record.Entry;
        var entry = new Proto.Entry
        {
            Subject = record.Subject.Value,
            SubjectKind = e.SubjectKind == SubjectKind.NaturalPerson ? Proto.SubjectKind.NaturalPerson : Proto.SubjectKind.LegalEntity,
            ListCode = e.ListCode,
            EntryId = e.EntryId,
            SubjectName = e.SubjectName ?? "",
            Authority = e.Authority ?? "",
            DecisionReference = e.DecisionReference ?? "",
            Summary = e.Summary ?? "",
            ListedOn = Date(e.ListedOn),
            ValidFrom = Date(e.ValidFrom),
            ValidUntil = Date(e.ValidUntil),
            Status = ToProto(e.Status),
            StatusReason = e.StatusReason ?? "",
        };
        if (e.RelatedTo is { } related)
        {
            entry.RelatedTo = new Proto.RelatedParty
            {
                EnterpriseName = related.EnterpriseName,
                EnterpriseCode = related.EnterpriseCode ?? "",
                Role = (Proto.RelatedRole)(int)related.Role,
                ListedInOwnRight = related.ListedInOwnRight ?? false,
            };
        }

        return entry;
    }

    public static Proto.EntryStatus ToProto(EntryStatus status) => (Proto.EntryStatus)(int)status;

    /// <summary>A status as the admin endpoint takes it: the SDK's name or the Chinese word.</summary>
    public static Proto.EntryStatus? ParseStatus(string? text) => text?.Trim() switch
    {
        "Active" or "active" or "restore" or "恢复" or "有效" => Proto.EntryStatus.Active,
        "UnderObjection" or "objection" or "异议" or "异议处理中" => Proto.EntryStatus.UnderObjection,
        "Repaired" or "repair" or "修复" or "已修复" => Proto.EntryStatus.Repaired,
        "Revoked" or "revoke" or "撤销" or "已撤销" => Proto.EntryStatus.Revoked,
        _ => null,
    };

    private static string Date(DateTimeOffset? value) =>
        value is { } d ? d.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture) : "";
}
