using System.Text;
using CreditCheck.Catalog;
using CreditCheck.ListFiles;
using CreditCheck.Stores;
using static CreditCheck.Tests.ListFiles.ListFileTestData;

namespace CreditCheck.Tests.ListFiles;

/// <summary>Every problem the list-file reader and the entry rules report has a Chinese text for the operator
/// who loads the file, beside the English one for developers and logs.</summary>
public sealed class ListFileChineseMessageTests
{
    private const string Header = "list,kind,subject,name,reference,listedOn,validUntil,status,relatedEnterprise,relatedRole,listedInOwnRight,entryId";

    // A valid row of Header, with one field replaced by the case.
    private static string Row(int field, string value) => Row((field, value));

    private static string Row(params (int Field, string Value)[] changes)
    {
        string[] fields = ["wage-arrears", "LegalEntity", Uscc, "示例有限公司", "深人社欠〔2024〕1号", "2024-01-02", "2027-01-01", "Active", "", "", "", "wa-1"];
        foreach (var (field, value) in changes)
        {
            fields[field] = value;
        }

        return string.Join(',', fields);
    }

    public static TheoryData<string, string?, string> CsvCases() => new()
    {
        { "", null, "文件为空" },
        { "list,subject\0\n", null, "NUL" },
        { "统一社会信用代码,身份证号码\n" + Uscc + ",\n", "wage-arrears", "重复" },
        { "subject,name,名称\n" + Uscc + ",甲,甲\n", "wage-arrears", "同一字段" },
        { "名称,文号\n甲,1号\n", "wage-arrears", "没有标识列" },
        { "subject,name\n" + Uscc + ",甲\n", null, "没有名单列" },
        { Header + "\n\"wage-arrears,x\n", null, "没有结束引号" },
        { Header + "\nwage-arrears,LegalEntity\n", null, "个字段" },
        { Header + "\n" + Row(0, ""), null, "缺少名单代码" },
        { Header + "\n" + Row(0, "court-dishonest-debtors"), "wage-arrears", "正在导入名单" },
        { Header + "\n" + Row(1, "公司"), null, "不是主体类型" },
        { Header + "\n" + Row(2, ""), null, "缺少主体标识" },
        { Header + "\n" + Row(2, UsccBadCheck), null, "校验码" },
        { Header + "\n" + Row((1, ""), (2, "12345")), null, "既不是有效的统一社会信用代码" },
        { Header + "\n" + Row((1, ""), (2, "110105196001010009")), null, "请增加主体类型列" },
        { Header + "\n" + Row(5, "明年"), null, "不是日期" },
        { Header + "\n" + Row(7, "生效"), null, "不是有效状态" },
        { Header + "\n" + Row((1, "NaturalPerson"), (2, IdCard), (8, "示例有限公司"), (9, "董事")), null, "不是有效角色" },
        { Header + "\n" + Row((1, "NaturalPerson"), (2, IdCard), (9, "法定代表人")), null, "须填写企业名称" },
        { Header + "\n" + Row(10, "也许"), null, "不是“是”或“否”" },
        { Header + "\n" + Row((4, ""), (11, "")), null, "无法识别" },
    };

    [Theory]
    [MemberData(nameof(CsvCases))]
    public void Csv_EveryProblemHasAChineseTextBeforeItsEnglishOne(string text, string? defaultList, string chinese)
    {
        var problems = Csv(text, defaultList).SelectMany(r => r.Problems).ToList();

        Assert.NotEmpty(problems);
        AssertBilingual(problems);
        Assert.Contains(problems, p => p.ChineseMessage!.Contains(chinese, StringComparison.Ordinal));
    }

    public static TheoryData<string, string> JsonCases() => new()
    {
        { "{\"list\":\"court-dishonest-debtors\",\"entries\":[]}", "正在导入名单" },
        { "{\"entries\":1}", "数组" },
        { "[1]", "JSON 对象" },
        { "[{\"subject\":\"" + Uscc + "\",\"subject\":\"" + Uscc2 + "\"}]", "出现两次" },
        { "[{\"subject\":", "JSON 格式错误" },
    };

    [Theory]
    [MemberData(nameof(JsonCases))]
    public void Json_EveryProblemHasAChineseTextBeforeItsEnglishOne(string json, string chinese)
    {
        var problems = Json(json, "wage-arrears").SelectMany(r => r.Problems).ToList();

        Assert.NotEmpty(problems);
        AssertBilingual(problems);
        Assert.Contains(problems, p => p.ChineseMessage!.Contains(chinese, StringComparison.Ordinal));
    }

    [Fact]
    public void JsonBytes_NotUtf8_IsRefusedInChineseToo()
    {
        var bytes = Encoding.UTF8.GetBytes("[{\"name\":\"甲\"}]\n").Concat(new byte[] { 0x81, 0x20 }).ToArray();

        var problem = SingleProblem(Assert.Single(ListFileReader.ReadJson(bytes, "test.json", "wage-arrears", SubjectIdParseMode.Strict)));

        AssertBilingual([problem]);
        Assert.Contains("不是 UTF-8 文本：第2行", problem.ChineseMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_StaysEnglish_ForLogsAndExceptions()
    {
        var problem = SingleProblem(Assert.Single(Csv(Header + "\n" + Row(5, "明年"))));

        Assert.Equal("test.csv:2, column listedOn: '明年' is not a date (2024-01-02, 2024/1/2, 2024年1月2日 or 20240102).", problem.ToString());
        Assert.Equal("“明年”不是日期（可写作 2024-01-02、2024/1/2、2024年1月2日 或 20240102） — " + problem.Message, problem.OperatorMessage);
    }

    [Fact]
    public void OperatorMessage_OfAProblemWithoutChinese_IsTheEnglishText()
    {
        Assert.Equal("x", new ListFileProblem("f.csv", 2, null, "x").OperatorMessage);
    }

    [Fact]
    public void EntryRules_CheckDetailed_NamesTheEntryInBothLanguages_AndCheckIsItsEnglishText()
    {
        var record = Valid(Assert.Single(Csv("list,subject,listedOn,validUntil,entryId\nwage-arrears," + Uscc + ",2024-05-01,2024-01-01,wa-9\n")));

        var refusal = ListEntryRules.CheckDetailed(record, CreditCatalog.Default);

        Assert.NotNull(refusal);
        Assert.Equal(refusal.Message, ListEntryRules.Check(record, CreditCatalog.Default));
        Assert.Contains("entry 'wa-9' of list 'wage-arrears'", refusal.Message, StringComparison.Ordinal);
        Assert.Equal("名单“wage-arrears”的条目“wa-9”的截止日期（2024-01-01）早于开始日期（2024-05-01）", refusal.ChineseMessage);
    }

    [Fact]
    public void EntryRules_CheckDetailed_IsNullForAnEntryThatFits()
    {
        var record = Valid(Assert.Single(Csv(Header + "\n" + Row(0, "wage-arrears"))));

        Assert.Null(ListEntryRules.CheckDetailed(record, CreditCatalog.Default));
    }

    private static void AssertBilingual(IEnumerable<ListFileProblem> problems)
    {
        foreach (var problem in problems)
        {
            Assert.False(string.IsNullOrWhiteSpace(problem.ChineseMessage), $"No Chinese text: {problem}");
            Assert.Contains(problem.ChineseMessage!, c => c >= '\u4E00' && c <= '\u9FFF');
            Assert.Equal($"{problem.ChineseMessage} — {problem.Message}", problem.OperatorMessage);
        }
    }
}
