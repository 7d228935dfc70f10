namespace CreditCheck.Adapters.Procurement;

/// <summary>Options of the procurement adapter. Validated when the host starts (or on first use without a host).</summary>
public sealed class ProcurementOptions
{
    /// <summary>The configuration section bound by convention.</summary>
    public const string SectionName = "CreditCheck:Procurement";

    /// <summary>The catalog scenario checked at each stage. Defaults: <c>procurement.registration</c>,
    /// <c>procurement.bid</c>, <c>procurement.evaluation</c>, <c>procurement.award</c>.</summary>
    public IDictionary<ProcurementStage, string> StageScenarios { get; } = new Dictionary<ProcurementStage, string>
    {
        [ProcurementStage.Registration] = "procurement.registration",
        [ProcurementStage.BidOpening] = "procurement.bid",
        [ProcurementStage.Evaluation] = "procurement.evaluation",
        [ProcurementStage.Award] = "procurement.award",
    };

    /// <summary>The query channel named in every evidence record (查询渠道). Default
    /// "CreditCheck 联合奖惩信用核查（本地名单数据）": the SDK cannot know where the operator's lists came from, so
    /// name the real channel (e.g. 信用中国、中国政府采购网) when the lists are loaded from it.</summary>
    public string QueryChannel { get; set; } = "CreditCheck 联合奖惩信用核查（本地名单数据）";
}
