using CreditCheck.Catalog;

namespace CreditCheck.Adapters.Tests.Support;

/// <summary>A small catalog with the lists and measures the adapters map to, each rule visible at a glance.
/// Measure codes are those of the default catalog; <c>licensing-bar</c> is a province's own list and bar.</summary>
internal static class AdapterCatalog
{
    public const string Json = """
    {
      "version": "adapters-1",
      "edition": "test edition",
      "lists": [
        { "code": "debtors", "name": "失信被执行人名单", "category": "Punishment", "severity": "Serious", "jointPunishment": true,
          "authority": "人民法院", "legalBasis": "失信被执行人名单规定", "subjectKinds": ["LegalEntity", "NaturalPerson"] },
        { "code": "market-violations", "name": "市场监督管理严重违法失信名单", "category": "Punishment", "severity": "Serious", "jointPunishment": true,
          "authority": "市场监管", "legalBasis": "总局令第44号", "subjectKinds": ["LegalEntity", "NaturalPerson"] },
        { "code": "procurement-violations", "name": "政府采购严重违法失信行为记录名单", "category": "Punishment", "severity": "Serious", "jointPunishment": true,
          "authority": "财政部门", "legalBasis": "政府采购法第七十七条", "subjectKinds": ["LegalEntity", "NaturalPerson"] },
        { "code": "wage-arrears", "name": "拖欠农民工工资失信联合惩戒对象名单", "category": "Punishment", "severity": "Serious", "jointPunishment": true,
          "authority": "人社部门", "legalBasis": "人社部令第45号", "subjectKinds": ["LegalEntity", "NaturalPerson"] },
        { "code": "licensing-fraud", "name": "行政许可申请失信名单", "category": "Punishment", "severity": "Sector",
          "authority": "行政许可机关", "legalBasis": "行政许可法第七十八条、第七十九条", "subjectKinds": ["LegalEntity", "NaturalPerson"] },
        { "code": "abnormal", "name": "经营异常名录", "category": "Watch", "severity": "Focus",
          "authority": "市场监管", "legalBasis": "企业信息公示暂行条例", "subjectKinds": ["LegalEntity"] },
        { "code": "grade-a", "name": "纳税信用A级纳税人", "category": "Reward",
          "authority": "税务", "legalBasis": "发改财金〔2016〕1467号", "subjectKinds": ["LegalEntity"] },
        { "code": "aeo", "name": "海关高级认证企业", "category": "Reward",
          "authority": "海关", "legalBasis": "海关总署令第282号", "subjectKinds": ["LegalEntity"] }
      ],
      "scenarios": [
        { "code": "licensing", "name": "行政许可", "legalBasis": "国办发〔2019〕35号：行政审批" },
        { "code": "public-service", "name": "公共服务", "legalBasis": "国发〔2016〕33号：公共服务" },
        { "code": "market-access", "name": "市场准入", "legalBasis": "国办发〔2019〕35号：市场准入" },
        { "code": "market-access.registration", "name": "市场主体登记", "legalBasis": "企业信息公示暂行条例" },
        { "code": "awards", "name": "表彰评优", "legalBasis": "国办发〔2019〕35号：评优评先" },
        { "code": "procurement", "name": "政府采购", "legalBasis": "财库〔2016〕125号" },
        { "code": "procurement.registration", "name": "供应商报名", "legalBasis": "财库〔2016〕125号" },
        { "code": "procurement.bid", "name": "投标/开标", "legalBasis": "财库〔2016〕125号" },
        { "code": "procurement.evaluation", "name": "评审", "legalBasis": "财库〔2016〕125号" },
        { "code": "procurement.award", "name": "中标/成交", "legalBasis": "财库〔2016〕125号" },
        { "code": "bidding", "name": "招标投标", "legalBasis": "招标投标法" },
        { "code": "bidding.qualification", "name": "投标人资格审查", "legalBasis": "招标投标法实施条例" },
        { "code": "bidding.evaluation", "name": "评标", "legalBasis": "招标投标法实施条例" },
        { "code": "bidding.award", "name": "定标", "legalBasis": "招标投标法实施条例" }
      ],
      "measures": [
        { "code": "licensing-bar", "name": "一定期限内不得申请相关行政许可", "kind": "Restriction", "effect": "Deny",
          "lists": ["licensing-fraud"], "scenarios": ["licensing.*"], "legalBasis": "《中华人民共和国行政许可法》第七十八条、第七十九条" },
        { "code": "no-commitment", "name": "不适用告知承诺制", "kind": "Restriction", "effect": "Restrict",
          "lists": ["debtors", "market-violations"], "scenarios": ["licensing.*"], "legalBasis": "国办发〔2020〕42号", "jointPunishment": true, "basicListItem": "全国失信惩戒措施基础清单（测试条目）" },
        { "code": "no-tolerant-acceptance", "name": "不予容缺受理", "kind": "Restriction", "effect": "Restrict",
          "lists": ["debtors", "market-violations"], "scenarios": ["licensing.*", "public-service.*"], "legalBasis": "地方容缺受理规定", "jointPunishment": true, "basicListItem": "全国失信惩戒措施基础清单（测试条目）" },
        { "code": "strict-review", "name": "从严审核", "kind": "Supervision", "effect": "Review",
          "lists": ["debtors", "market-violations"], "scenarios": ["licensing.*"], "legalBasis": "国发〔2016〕33号", "jointPunishment": true, "basicListItem": "全国失信惩戒措施基础清单（测试条目）" },
        { "code": "focus-review", "name": "列入经营异常名录，从严审核", "kind": "Supervision", "effect": "Review",
          "lists": ["abnormal"], "scenarios": ["licensing.*"], "legalBasis": "企业信息公示暂行条例" },
        { "code": "legal-representative-restriction", "name": "限制担任企业法定代表人、负责人", "kind": "Restriction", "effect": "Deny",
          "lists": ["market-violations"], "scenarios": ["market-access.registration"], "legalBasis": "企业信息公示暂行条例第十七条",
          "relatedPersonsOnly": true, "jointPunishment": true, "basicListItem": "全国失信惩戒措施基础清单（测试条目）" },
        { "code": "awards-restriction", "name": "限制参加评先评优", "kind": "Restriction", "effect": "Deny",
          "lists": ["debtors"], "scenarios": ["awards.*"], "legalBasis": "国发〔2016〕33号", "jointPunishment": true, "basicListItem": "全国失信惩戒措施基础清单（测试条目）" },
        { "code": "honour-revocation", "name": "撤销荣誉称号", "kind": "Restriction", "effect": "Notify",
          "lists": ["debtors"], "scenarios": ["public-service.*"], "legalBasis": "国发〔2016〕33号（荣誉称号）", "jointPunishment": true, "basicListItem": "全国失信惩戒措施基础清单（测试条目）" },
        { "code": "green-channel", "name": "行政审批绿色通道", "kind": "Benefit", "effect": "FastTrack",
          "lists": ["grade-a", "aeo"], "scenarios": ["licensing.*", "public-service.*"], "legalBasis": "发改财金〔2016〕1467号（绿色通道）" },
        { "code": "priority-handling", "name": "优先办理", "kind": "Benefit", "effect": "Priority",
          "lists": ["grade-a"], "scenarios": ["licensing.*"], "legalBasis": "国发〔2016〕33号（优先办理）" },
        { "code": "tolerant-acceptance", "name": "容缺受理", "kind": "Benefit", "effect": "TolerantAcceptance",
          "lists": ["grade-a", "aeo"], "scenarios": ["licensing.*", "public-service.*"], "legalBasis": "国发〔2016〕33号（容缺受理）" },
        { "code": "commitment-approval", "name": "告知承诺（信用承诺审批）", "kind": "Benefit", "effect": "Commitment",
          "lists": ["grade-a"], "scenarios": ["licensing.*"], "legalBasis": "国办发〔2020〕42号（告知承诺）" },
        { "code": "procurement-refusal", "name": "拒绝参与政府采购活动", "kind": "Restriction", "effect": "Deny",
          "lists": ["debtors", "procurement-violations"], "scenarios": ["procurement.*"], "legalBasis": "财库〔2016〕125号；政府采购法第二十二条", "jointPunishment": true, "basicListItem": "全国失信惩戒措施基础清单（测试条目）" },
        { "code": "procurement-ban", "name": "一定期限内禁止参加政府采购活动", "kind": "Restriction", "effect": "Deny",
          "lists": ["procurement-violations"], "scenarios": ["procurement.*"], "legalBasis": "政府采购法第七十七条", "jointPunishment": true, "basicListItem": "全国失信惩戒措施基础清单（测试条目）" },
        { "code": "bidding-disqualification", "name": "限制参与招标投标", "kind": "Restriction", "effect": "Deny",
          "lists": ["wage-arrears"], "scenarios": ["bidding.*"], "legalBasis": "保障农民工工资支付条例", "jointPunishment": true, "basicListItem": "全国失信惩戒措施基础清单（测试条目）" },
        { "code": "bidding-debtor-restriction", "name": "限制失信被执行人参与招标投标", "kind": "Restriction", "effect": "Deny",
          "lists": ["debtors"], "scenarios": ["bidding.*"], "legalBasis": "法〔2016〕285号", "jointPunishment": true, "basicListItem": "全国失信惩戒措施基础清单（测试条目）" },
        { "code": "bidding-credit-bonus", "name": "招标投标信用加分", "kind": "Benefit", "effect": "CreditBonus",
          "lists": ["grade-a", "aeo"], "scenarios": ["bidding.*", "procurement.evaluation"], "legalBasis": "地方招标投标信用评价应用规定" },
        { "code": "deposit-reduction", "name": "减免投标保证金", "kind": "Benefit", "effect": "CreditBonus",
          "lists": ["grade-a"], "scenarios": ["bidding.*", "procurement.bid"], "legalBasis": "地方招标投标信用应用规定" }
      ]
    }
    """;

    public static CreditCatalog Create() => CreditCatalog.Parse(Json);
}
