using CreditCheck.Adapters.Approval;

namespace CreditCheck.Adapters.Tests.Approval;

/// <summary>Host maps that ScanMatterMaps finds in this assembly (each answers for its own codes only).</summary>
public sealed class RegistrationMatterMap : IMatterScenarioMap
{
    public MatterSettings? Map(string matterCode, MatterKind kind) =>
        matterCode.StartsWith("SCAN-DJ-", StringComparison.Ordinal) ? new MatterSettings { Scenario = "market-access.registration", Name = "企业设立登记" } : null;
}

/// <summary>An internal map: scanning finds non-public classes too.</summary>
internal sealed class PublicServiceMatterMap : IMatterScenarioMap
{
    public MatterSettings? Map(string matterCode, MatterKind kind) =>
        matterCode.StartsWith("SCAN-GG-", StringComparison.Ordinal) ? new MatterSettings { Scenario = "public-service", TolerantAcceptance = FacilitationEligibility.NoAdverseRecord } : null;
}
