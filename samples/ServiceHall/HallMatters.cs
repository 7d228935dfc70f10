using CreditCheck.Adapters.Approval;

namespace ServiceHall;

/// <summary>One matter (政务服务事项) the window handles: the host's code and name, its kind, and how the
/// approval adapter maps it (scenario, facilitations).</summary>
public sealed record HallMatter(string Code, string Name, MatterKind Kind, MatterSettings Settings, string MaterialsHint);

/// <summary>The matters of this sample's window, mapped by configuration (<see cref="ApprovalOptions.Matters"/>).
/// A real hall loads them from its 事项库; the scenarios are the default catalog's.</summary>
public static class HallMatters
{
    public static IReadOnlyList<HallMatter> All { get; } =
    [
        new("330100-XK-017", "食品经营许可", MatterKind.AdministrativeLicensing,
            new MatterSettings { Scenario = "licensing", Name = "食品经营许可", TolerantAcceptanceDays = 20 },
            "营业执照复印件、经营场所使用证明、食品安全管理制度、从业人员健康证明"),
        new("330100-XK-052", "建筑工程施工许可", MatterKind.AdministrativeLicensing,
            new MatterSettings { Scenario = "licensing", Name = "建筑工程施工许可", TolerantAcceptanceDays = 30 },
            "施工合同、施工图审查合格书、安全生产许可证、资金到位证明"),
        new("330100-BA-003", "道路货物运输经营备案", MatterKind.Filing,
            new MatterSettings
            {
                Scenario = "licensing", Name = "道路货物运输经营备案",
                // Open to any applicant without a 失信 record whatever the catalog says (a 失信 record excludes it:
                // 国办发〔2020〕42号); the other
                // matters follow the catalog, which with the default catalog does the same on licensing matters.
                Commitment = FacilitationEligibility.NoAdverseRecord,
                TolerantAcceptance = FacilitationEligibility.NoAdverseRecord,
            },
            "车辆行驶证、驾驶员从业资格证、安全生产管理制度"),
        new("330100-GG-030", "公共租赁住房申请", MatterKind.PublicService,
            new MatterSettings { Scenario = "public-service", Name = "公共租赁住房申请" },
            "户籍证明、收入证明、住房情况证明"),
        new("330100-CZ-021", "财政补贴资金申报", MatterKind.Other,
            new MatterSettings { Scenario = "fiscal-funds.subsidy", Name = "财政补贴资金申报" },
            "申报书、项目可行性报告、财务审计报告"),
        new("330100-CG-001", "政府采购供应商资格登记", MatterKind.Other,
            new MatterSettings { Scenario = "procurement.registration", Name = "政府采购供应商资格登记" },
            "营业执照、财务状况报告、依法缴纳税收和社保证明"),
        new("330100-ZB-002", "投标人资格登记（招标投标）", MatterKind.Other,
            new MatterSettings { Scenario = "bidding.qualification", Name = "投标人资格登记（招标投标）" },
            "营业执照、资质证书、项目负责人证明"),
    ];

    public static HallMatter? Find(string? code) => All.FirstOrDefault(m => string.Equals(m.Code, code, StringComparison.Ordinal));

    /// <summary>Maps every matter in the adapter's options.</summary>
    public static void Configure(ApprovalOptions options)
    {
        foreach (var matter in All)
        {
            options.Matters[matter.Code] = matter.Settings;
        }
    }
}
