using System.Text.Json.Nodes;
using CreditCheck.Catalog;
using CreditCheck.Stores;

namespace CreditCheck.Tests.Stores;

/// <summary>Valid subjects, records and catalogs for the store tests.</summary>
internal static class StoreTestData
{
    public static readonly TimeSpan China = TimeSpan.FromHours(8);

    /// <summary>9144030071526726XG; embeds the organisation code 71526726X.</summary>
    public static readonly SubjectId Company = SubjectId.Parse("9144030071526726XG", SubjectKind.LegalEntity);

    public static readonly SubjectId Company2 = SubjectId.Parse("91330100716105852F", SubjectKind.LegalEntity);

    public static readonly SubjectId Company3 = SubjectId.Parse("914403001922038216", SubjectKind.LegalEntity);

    /// <summary>The 组织机构代码 embedded in <see cref="Company"/>.</summary>
    public static readonly SubjectId CompanyOrganizationCode = SubjectId.Parse("71526726X", SubjectKind.LegalEntity);

    /// <summary>A clean company from samples/data/README.md.</summary>
    public static readonly SubjectId Clean = SubjectId.Parse("91110108MAWUCQ148A", SubjectKind.LegalEntity);

    public static readonly SubjectId Person = SubjectId.Parse("11010519491231002X", SubjectKind.NaturalPerson);

    public static readonly SubjectId Person2 = SubjectId.Parse("440524188001010014", SubjectKind.NaturalPerson);

    public static string SampleData => Path.Combine(AppContext.BaseDirectory, "sample-data");

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A valid record of <paramref name="subject"/> on <paramref name="list"/>.</summary>
    public static ListRecord Record(SubjectId subject, string list, string entryId, string? summary = null) =>
        new(subject, new ListEntry
        {
            EntryId = entryId,
            ListCode = list,
            SubjectKind = subject.Kind,
            SubjectName = subject.Kind == SubjectKind.LegalEntity ? "示例有限公司" : "张某",
            Authority = "示例认定部门",
            DecisionReference = "文号-" + entryId,
            Summary = summary ?? "简况-" + entryId,
            ListedOn = new DateTimeOffset(2024, 1, 2, 0, 0, 0, China),
            ValidFrom = new DateTimeOffset(2024, 1, 2, 0, 0, 0, China),
            ValidUntil = new DateTimeOffset(2027, 1, 2, 0, 0, 0, China),
        });

    /// <summary>A valid 统一社会信用代码 built from a number, for tests that need many distinct subjects.</summary>
    public static SubjectId GeneratedCompany(int n)
    {
        var organization = n.ToString("D8", System.Globalization.CultureInfo.InvariantCulture);
        organization += LegalEntityCodes.OrganizationCheckCharacter(organization);
        var first17 = "91440300" + organization;
        return SubjectId.Parse(first17 + LegalEntityCodes.UsccCheckCharacter(first17), SubjectKind.LegalEntity);
    }

    /// <summary>The default catalog with another version and <paramref name="change"/> applied to its JSON.</summary>
    public static CreditCatalog ModifiedCatalog(string version, Action<JsonObject>? change = null)
    {
        var json = JsonNode.Parse(CreditCatalog.Default.ToJson())!.AsObject();
        json["version"] = version;
        change?.Invoke(json);
        return CreditCatalog.Parse(json.ToJsonString());
    }

    /// <summary>Every entry id the store returns for a subject, sorted, for before/after comparisons.</summary>
    public static async Task<string[]> EntryIdsAsync(ICreditStore store, SubjectId subject)
    {
        var lookup = await store.LookupAsync(subject, Ct);
        return [.. lookup.Entries.Select(f => f.Entry.ListCode + "/" + f.Entry.EntryId).Order(StringComparer.Ordinal)];
    }
}
