using CreditCheck.Catalog;

namespace CreditCheck.Tests.Support;

/// <summary>A small catalog whose every rule the engine tests can see at a glance.</summary>
internal static class TestCatalog
{
    public const string Json = """
    {
      "version": "test-1",
      "edition": "test edition",
      "lists": [
        { "code": "debtors", "name": "失信被执行人名单", "category": "Punishment", "severity": "Serious", "jointPunishment": true,
          "authority": "人民法院", "legalBasis": "失信被执行人名单规定", "subjectKinds": ["LegalEntity", "NaturalPerson"] },
        { "code": "abnormal", "name": "经营异常名录", "category": "Watch", "severity": "Focus",
          "authority": "市场监管", "legalBasis": "企业信息公示暂行条例", "subjectKinds": ["LegalEntity"] },
        { "code": "grade-a", "name": "纳税信用A级", "category": "Reward",
          "authority": "税务", "legalBasis": "A级纳税人联合激励备忘录", "subjectKinds": ["LegalEntity"] }
      ],
      "scenarios": [
        { "code": "procurement", "name": "政府采购", "legalBasis": "国办发〔2019〕35号" },
        { "code": "procurement.bid", "name": "投标", "legalBasis": "国办发〔2019〕35号" },
        { "code": "licensing", "name": "行政许可", "legalBasis": "国办发〔2019〕35号" },
        { "code": "public-service", "name": "公共服务", "legalBasis": "国办发〔2019〕35号" },
        { "code": "awards", "name": "表彰评优", "legalBasis": "国办发〔2019〕35号" }
      ],
      "measures": [
        { "code": "procurement-refusal", "name": "拒绝参与政府采购活动", "kind": "Restriction", "effect": "Deny",
          "lists": ["debtors"], "scenarios": ["procurement.*"], "legalBasis": "财库〔2016〕125号" },
        { "code": "no-commitment", "name": "不适用告知承诺制", "kind": "Restriction", "effect": "Restrict",
          "lists": ["debtors"], "scenarios": ["licensing"], "legalBasis": "国办发〔2020〕42号" },
        { "code": "high-consumption", "name": "限制高消费", "kind": "Restriction", "effect": "Restrict",
          "lists": ["debtors"], "scenarios": ["public-service"], "legalBasis": "限制高消费规定", "reachesRelatedPersons": true },
        { "code": "strict-review", "name": "从严审核", "kind": "Supervision", "effect": "Review",
          "lists": ["abnormal"], "scenarios": ["licensing"], "legalBasis": "国发〔2016〕33号" },
        { "code": "green-channel", "name": "行政审批绿色通道", "kind": "Benefit", "effect": "FastTrack",
          "lists": ["grade-a"], "scenarios": ["licensing", "public-service"], "legalBasis": "发改财金〔2016〕1467号" },
        { "code": "rep-restriction", "name": "限制担任法定代表人", "kind": "Restriction", "effect": "Deny",
          "lists": ["debtors"], "scenarios": ["licensing"], "legalBasis": "企业信息公示暂行条例", "relatedPersonsOnly": true, "jointPunishment": true, "basicListItem": "全国失信惩戒措施基础清单（测试条目）" },
        { "code": "everywhere-notice", "name": "通报", "kind": "Restriction", "effect": "Notify",
          "lists": ["debtors"], "scenarios": ["*"], "legalBasis": "测试依据" }
      ]
    }
    """;

    public static CreditCatalog Create() => CreditCatalog.Parse(Json);

    public static CreditCatalog WithPolicy(bool objectionSuspends = false, bool punishmentVoidsBenefits = true) =>
        CreditCatalog.Parse(Json.Replace(
            "\"edition\": \"test edition\",",
            $"\"edition\": \"test edition\", \"policy\": {{ \"objectionSuspendsMeasures\": {Lower(objectionSuspends)}, \"punishmentVoidsBenefits\": {Lower(punishmentVoidsBenefits)} }},",
            StringComparison.Ordinal));

    private static string Lower(bool value) => value ? "true" : "false";
}
