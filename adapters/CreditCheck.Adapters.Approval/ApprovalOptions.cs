namespace CreditCheck.Adapters.Approval;

/// <summary>Options of the approval adapter. Validated when the host starts (or on first use without a host).</summary>
/// <remarks>Bind from configuration with <c>.AddApprovalAdapter(configuration.GetSection("CreditCheck:Approval"))</c>:
/// <c>Matters:{code}:Scenario</c>, <c>KindScenarios:Filing</c>, <c>TolerantAcceptanceDays</c> ….</remarks>
public sealed class ApprovalOptions
{
    /// <summary>The configuration section bound by convention.</summary>
    public const string SectionName = "CreditCheck:Approval";

    /// <summary>Days an applicant accepted under 容缺受理 has to supply the missing materials. Default 20;
    /// between 1 and 365. A matter may set its own (<see cref="MatterSettings.TolerantAcceptanceDays"/>).</summary>
    public int TolerantAcceptanceDays { get; set; } = 20;

    /// <summary>Days after a 告知承诺 within which the promised conditions are to be verified (事后核查): the due day
    /// of the commitment <see cref="ApprovalAdapter.ReportAsync"/> records. Default 30; between 1 and 365 (local policy).</summary>
    public int CommitmentReviewDays { get; set; } = 30;

    /// <summary>Who may be handled by 告知承诺 on matters that do not say. Default
    /// <see cref="FacilitationEligibility.Catalog"/>: whoever the catalog grants it in the matter's scenario —
    /// with the default catalog, every applicant without a 失信 record on a licensing matter.</summary>
    public FacilitationEligibility Commitment { get; set; } = FacilitationEligibility.Catalog;

    /// <summary>Who may be accepted under 容缺受理 on matters that do not say. Default
    /// <see cref="FacilitationEligibility.Catalog"/>: whoever the catalog grants it in the matter's scenario —
    /// with the default catalog, every applicant without a 失信 record on a licensing or public-service matter.</summary>
    public FacilitationEligibility TolerantAcceptance { get; set; } = FacilitationEligibility.Catalog;

    /// <summary>Whether the legal representative, when the application names one, is checked too. Default true.</summary>
    public bool CheckLegalRepresentative { get; set; } = true;

    /// <summary>The scenario of each matter kind, used when no mapping names one. Defaults: 行政许可 and
    /// 备案 → <c>licensing</c>, 公共服务 → <c>public-service</c>; <see cref="MatterKind.Other"/> has none.</summary>
    public IDictionary<MatterKind, string> KindScenarios { get; } = new Dictionary<MatterKind, string>
    {
        [MatterKind.AdministrativeLicensing] = "licensing",
        [MatterKind.Filing] = "licensing",
        [MatterKind.PublicService] = "public-service",
    };

    /// <summary>Settings per host matter code (事项编码). These win over <see cref="IMatterScenarioMap"/>
    /// plug-ins, which win over <see cref="KindScenarios"/>. Default: none.</summary>
    public IDictionary<string, MatterSettings> Matters { get; } = new Dictionary<string, MatterSettings>(StringComparer.Ordinal);

    /// <summary>The legal basis cited when 告知承诺 is granted under
    /// <see cref="FacilitationEligibility.NoAdverseRecord"/> (without a catalog measure). Default
    /// 《国务院办公厅关于全面推行证明事项告知承诺制的指导意见》（国办发〔2020〕42号）.</summary>
    public string CommitmentLegalBasis { get; set; } = "《国务院办公厅关于全面推行证明事项告知承诺制的指导意见》（国办发〔2020〕42号）";

    /// <summary>The legal basis cited when 容缺受理 is granted under
    /// <see cref="FacilitationEligibility.NoAdverseRecord"/> (without a catalog measure). Default
    /// 地方容缺受理相关规定（以本地现行文本为准）.</summary>
    public string TolerantAcceptanceLegalBasis { get; set; } = "地方容缺受理相关规定（以本地现行文本为准）";
}

/// <summary>How one host matter is handled: its scenario and the facilitations it offers. Unset members
/// fall back to <see cref="ApprovalOptions"/>.</summary>
public sealed class MatterSettings
{
    /// <summary>The catalog scenario, e.g. <c>licensing</c> or <c>market-access.registration</c>; when
    /// null, the scenario of the application's <see cref="MatterKind"/>.</summary>
    public string? Scenario { get; set; }

    /// <summary>The matter's name (事项名称), used when the application gives none.</summary>
    public string? Name { get; set; }

    /// <summary>Who may use 告知承诺 on this matter; null for <see cref="ApprovalOptions.Commitment"/>.</summary>
    public FacilitationEligibility? Commitment { get; set; }

    /// <summary>Who may be accepted under 容缺受理 on this matter; null for <see cref="ApprovalOptions.TolerantAcceptance"/>.</summary>
    public FacilitationEligibility? TolerantAcceptance { get; set; }

    /// <summary>Days to supply missing materials; null for <see cref="ApprovalOptions.TolerantAcceptanceDays"/>.</summary>
    public int? TolerantAcceptanceDays { get; set; }

    /// <summary>The secondary materials (次要材料) that may follow under 容缺受理; an application missing any
    /// other material is not accepted until complete. Empty (the default): any missing material may follow.</summary>
    public IList<string> TolerableMaterials { get; } = [];
}

/// <summary>Who may be offered a facilitation (告知承诺, 容缺受理) on a matter.</summary>
public enum FacilitationEligibility
{
    /// <summary>Nobody: the matter does not offer it.</summary>
    None = 0,

    /// <summary>Applicants to whom the catalog grants it in the matter's scenario: a measure for every
    /// applicant in good standing (the default catalog's 告知承诺 and 容缺受理 on <c>licensing</c>: 粤办函〔2021〕326号,
    /// 广信用办〔2023〕2号),
    /// or a red list's benefit; the engine voids either while a 失信 record is in force.</summary>
    Catalog = 1,

#pragma warning disable CA1069 // the former name of Catalog, kept so that configuration saying RedListed still binds
    /// <summary>The former name of <see cref="Catalog"/>: the catalog decides who gets it (once only red
    /// lists, now every applicant in good standing where the catalog says so).</summary>
    RedListed = 1,
#pragma warning restore CA1069

    /// <summary>Any applicant without a 失信 record: no party has an entry in force on a punishment or watch
    /// list, nothing was voided, and the check was not degraded (a 失信 record excludes it: 国办发〔2020〕42号).</summary>
    NoAdverseRecord = 2,
}
