using CreditCheck.Adapters.Approval;

namespace ApprovalSystem;

/// <summary>
/// The approval system's own 事项目录, as a plug-in the adapter finds with <c>.ScanMatterMaps(assembly)</c>:
/// market-registration and award matters map to their scenarios here, in code the host owns. Matters the
/// clerk office configures (容缺 materials, 告知承诺事项) are in Program.cs options instead.
/// </summary>
internal sealed class MatterCatalog : IMatterScenarioMap
{
    public MatterSettings? Map(string matterCode, MatterKind kind) => matterCode switch
    {
        // 设立登记: the intended legal representative is checked for 限制担任法定代表人.
        "330100-DJ-001" => new MatterSettings { Scenario = "market-access.registration", Name = "企业设立登记" },
        "330100-DJ-002" => new MatterSettings { Scenario = "market-access.registration", Name = "企业变更登记" },
        "330100-PY-003" => new MatterSettings { Scenario = "awards", Name = "守合同重信用企业申报" },
        _ => null,
    };
}
