using CreditCheck.ListFiles;
using static CreditCheck.Tests.ListFiles.ListFileTestData;

namespace CreditCheck.Tests.ListFiles;

public sealed class ListFileReaderJsonTests
{
    private const string CompanyEntry = """
        {
          "list": "wage-arrears",
          "kind": "LegalEntity",
          "subject": "9144030071526726XG",
          "name": "示例欠薪劳务有限公司",
          "authority": "深圳市人力资源和社会保障局",
          "reference": "深人社欠〔2024〕7号",
          "listedOn": "2024-03-01",
          "validUntil": "2027-02-28",
          "status": "Active",
          "summary": "拖欠农民工工资",
          "entryId": "wa-2024-0007"
        }
        """;

    private const string PersonEntry = """
        {
          "list": "court-dishonest-debtors",
          "kind": "NaturalPerson",
          "subject": "11010519491231002X",
          "name": "张某",
          "reference": "(2024)京0105执1号",
          "listedOn": "2024年5月6日",
          "relatedEnterprise": "示例失信建设工程有限公司",
          "relatedEnterpriseCode": "91330100716105852F",
          "relatedRole": "法定代表人",
          "entryId": "cdd-2024-0001"
        }
        """;

    [Fact]
    public void ReadJson_ArrayForm_ReadsEveryEntry()
    {
        var rows = Json("[" + CompanyEntry + "," + PersonEntry + "]");

        Assert.Equal(2, rows.Count);
        Assert.Equal([1, 2], rows.Select(r => r.Line));
        var company = Valid(rows[0]);
        Assert.Equal(Uscc, company.Subject.Value);
        Assert.Equal(SubjectKind.LegalEntity, company.Subject.Kind);
        Assert.Equal("wage-arrears", company.Entry.ListCode);
        Assert.Equal("wa-2024-0007", company.Entry.EntryId);
        Assert.Equal("示例欠薪劳务有限公司", company.Entry.SubjectName);
        Assert.Equal("深人社欠〔2024〕7号", company.Entry.DecisionReference);
        Assert.Equal(new DateTimeOffset(2024, 3, 1, 0, 0, 0, China), company.Entry.ValidFrom);
        Assert.Equal(new DateTimeOffset(2027, 3, 1, 0, 0, 0, China), company.Entry.ValidUntil);

        var person = Valid(rows[1]);
        Assert.Equal(IdCard, person.Subject.Value);
        Assert.Equal(SubjectKind.NaturalPerson, person.Entry.SubjectKind);
        Assert.Equal("court-dishonest-debtors", person.Entry.ListCode);
        Assert.Equal(new DateTimeOffset(2024, 5, 6, 0, 0, 0, China), person.Entry.ListedOn);
        Assert.Equal(new RelatedParty("示例失信建设工程有限公司", Uscc2, RelatedRole.LegalRepresentative), person.Entry.RelatedTo);
    }

    [Fact]
    public void ReadJson_ObjectFormWithList_EntriesWithoutListTakeIt()
    {
        var json = """
            {
              "list": "abnormal-operations",
              "entries": [
                { "subject": "9144030071526726XG", "reference": "深市监异〔2024〕1号" },
                { "统一社会信用代码": "91330100716105852F", "名称": "示例二有限公司", "文号": "深市监异〔2024〕2号", "列入日期": "2024/6/1" }
              ]
            }
            """;

        var rows = Json(json);

        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Equal("abnormal-operations", Valid(r).Entry.ListCode));
        Assert.Equal("深市监异〔2024〕1号", rows[0].Record!.Entry.EntryId);
        Assert.Equal(SubjectKind.LegalEntity, rows[0].Record!.Subject.Kind);
        Assert.Equal(Uscc2, rows[1].Record!.Subject.Value);
        Assert.Equal("示例二有限公司", rows[1].Record!.Entry.SubjectName);
        Assert.Equal(new DateTimeOffset(2024, 6, 1, 0, 0, 0, China), rows[1].Record!.Entry.ListedOn);
    }

    [Fact]
    public void ReadJson_ObjectFormWithoutList_EntriesCarryTheirOwnList()
    {
        var rows = Json("""{ "entries": [""" + CompanyEntry + "," + PersonEntry + "] }");

        Assert.Equal(["wage-arrears", "court-dishonest-debtors"], rows.Select(r => Valid(r).Entry.ListCode));
    }

    [Fact]
    public void ReadJson_ObjectFormEntryOfAnotherList_Problem()
    {
        var json = """{ "list": "abnormal-operations", "entries": [""" + CompanyEntry + "] }";

        var problem = SingleProblem(Assert.Single(Json(json)));

        Assert.Equal(1, problem.Line);
        Assert.Equal("list", problem.Column);
        Assert.Contains("'wage-arrears'", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadJson_ArrayFormWithDefaultList_RowOfAnotherListIsProblem()
    {
        var rows = Json("[" + CompanyEntry + "," + PersonEntry + "]", defaultList: "wage-arrears");

        Valid(rows[0]);
        var problem = SingleProblem(rows[1]);
        Assert.Equal(2, problem.Line);
        Assert.Equal("list", problem.Column);
        Assert.Contains("'court-dishonest-debtors'", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadJson_EntryWithoutListAndNoDefault_Problem()
    {
        var problem = SingleProblem(Assert.Single(Json("""[ { "subject": "9144030071526726XG", "entryId": "e-1" } ]""")));

        Assert.Contains("list code is missing", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadJson_MalformedJson_ProblemWithLine()
    {
        var json = "[\n  { \"list\": \"wage-arrears\",\n    \"subject\": ,\n  }\n]";

        var row = Assert.Single(Json(json));

        var problem = SingleProblem(row);
        Assert.Equal("test.json", problem.Source);
        Assert.StartsWith("Malformed JSON", problem.Message, StringComparison.Ordinal);
        Assert.Equal(3, problem.Line);
        Assert.Equal(3, row.Line);
    }

    [Fact]
    public void ReadJson_TruncatedFile_ChineseAndEnglishNameTheSameLine_TheLastOne()
    {
        // Found from outside: a file cut short was "第7行" in Chinese and "LineNumber: 6" in English.
        var json = "{\n  \"entries\": [\n    {\n      \"subject\": \"9144030071526726XG\",\n      \"authority\": ";
        var lastLine = json.Split('\n').Length;

        foreach (var row in new[] { Assert.Single(Json(json)), Assert.Single(ListFileReader.ReadJson(System.Text.Encoding.UTF8.GetBytes(json), "test.json", null, SubjectIdParseMode.Strict)) })
        {
            var problem = SingleProblem(row);
            Assert.Equal(lastLine, problem.Line);
            Assert.Contains($"第{lastLine}行", problem.ChineseMessage, StringComparison.Ordinal);
            Assert.Contains($"line {lastLine}", problem.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("LineNumber", problem.Message, StringComparison.Ordinal); // System.Text.Json counts from 0
            Assert.StartsWith("Malformed JSON", problem.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("[ { \"subject\": \"x\" }")]
    [InlineData("{ entries: [] }")]
    public void ReadJson_NotJson_SingleMalformedProblem(string json)
    {
        var problem = SingleProblem(Assert.Single(Json(json, defaultList: "wage-arrears")));

        Assert.StartsWith("Malformed JSON", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadJson_NonObjectEntries_ProblemAtTheirIndexOthersRead()
    {
        var json = "[" + CompanyEntry + ", 42, \"text\", null, [], " + PersonEntry + "]";

        var rows = Json(json);

        Assert.Equal(6, rows.Count);
        Valid(rows[0]);
        for (var i = 1; i <= 4; i++)
        {
            var problem = SingleProblem(rows[i]);
            Assert.Equal(i + 1, rows[i].Line);
            Assert.Equal(i + 1, problem.Line);
            Assert.Contains("JSON object", problem.Message, StringComparison.Ordinal);
        }

        Assert.Equal(6, rows[5].Line);
        Valid(rows[5]);
    }

    [Theory]
    [InlineData("42")]
    [InlineData("\"entries\"")]
    [InlineData("{ \"list\": \"wage-arrears\" }")]
    [InlineData("{ \"entries\": { } }")]
    [InlineData("{ \"entries\": null }")]
    public void ReadJson_RootWithoutEntriesArray_Problem(string json)
    {
        var problem = SingleProblem(Assert.Single(Json(json, defaultList: "wage-arrears")));

        Assert.Equal(1, problem.Line);
        Assert.Contains("array", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("{ \"entries\": [] }")]
    [InlineData("{ \"list\": \"wage-arrears\", \"entries\": [] }")]
    public void ReadJson_NoEntries_NoRows(string json)
    {
        Assert.Empty(Json(json));
    }

    [Fact]
    public void ReadJson_CommentsAndTrailingCommas_Accepted()
    {
        var json = """
            // exported 2024-06-01
            [
              { "list": "wage-arrears", "subject": "9144030071526726XG", "entryId": "e-1", }, /* first */
            ]
            """;

        Assert.Equal("e-1", Valid(Assert.Single(Json(json))).Entry.EntryId);
    }

    [Fact]
    public void ReadJson_NumberValues_ReadAsTheirText()
    {
        var json = """[ { "list": "wage-arrears", "subject": 914403001922038216, "listedOn": 20240102, "entryId": 17 } ]""";

        var record = Valid(Assert.Single(Json(json)));

        Assert.Equal(Uscc3, record.Subject.Value);
        Assert.Equal("17", record.Entry.EntryId);
        Assert.Equal(new DateTimeOffset(2024, 1, 2, 0, 0, 0, China), record.Entry.ListedOn);
    }

    [Fact]
    public void ReadJson_PropertyNamesIgnoreCaseAndUnknownPropertiesIgnored()
    {
        var json = """[ { "List": "wage-arrears", "SUBJECT": "9144030071526726XG", "Entry Id": "e-1", "comment": "x", "nested": { "a": 1 } } ]""";

        var record = Valid(Assert.Single(Json(json)));

        Assert.Equal("e-1", record.Entry.EntryId);
    }

    [Fact]
    public void ReadJson_InvalidIdentifier_ProblemNamesIndexPropertyAndReason()
    {
        var json = "[" + CompanyEntry + ", { \"list\": \"wage-arrears\", \"kind\": \"LegalEntity\", \"Subject\": \"" + UsccBadCheck + "\", \"entryId\": \"e-2\" } ]";

        var rows = Json(json);

        var problem = SingleProblem(rows[1]);
        Assert.Equal(2, problem.Line);
        Assert.Equal("Subject", problem.Column);
        Assert.Equal(IdentifierReason(UsccBadCheck, SubjectKind.LegalEntity), problem.Message);
        Assert.Equal($"test.json:2, column Subject: {problem.Message}", problem.ToString());
    }

    [Fact]
    public void ReadJson_BadDateStatusKindAndRole_EveryProblemReported()
    {
        var json = """
            [ { "list": "wage-arrears", "kind": "机器人", "subject": "11010519491231002X", "reference": "r-1",
                "有效期至": "2024-02-30", "状态": "gone", "relatedEnterprise": "示例有限公司", "职务": "股东" } ]
            """;

        var row = Assert.Single(Json(json));

        Assert.Null(row.Record);
        Assert.Equal(4, row.Problems.Count);
        Assert.Contains(row.Problems, p => p.Column == "kind" && p.Message.Contains("'机器人'", StringComparison.Ordinal));
        Assert.Contains(row.Problems, p => p.Column == "有效期至" && p.Message.Contains("'2024-02-30'", StringComparison.Ordinal));
        Assert.Contains(row.Problems, p => p.Column == "状态" && p.Message.Contains("'gone'", StringComparison.Ordinal));
        Assert.Contains(row.Problems, p => p.Column == "职务" && p.Message.Contains("'股东'", StringComparison.Ordinal));
    }

    [Fact]
    public void ReadJson_MissingEntryId_DerivedFromReferenceOrProblem()
    {
        var rows = Json("""
            [ { "list": "wage-arrears", "subject": "9144030071526726XG", "文号": "深人社欠〔2024〕9号" },
              { "list": "wage-arrears", "subject": "91330100716105852F" } ]
            """);

        Assert.Equal("深人社欠〔2024〕9号", Valid(rows[0]).Entry.EntryId);
        var problem = SingleProblem(rows[1]);
        Assert.Equal(2, problem.Line);
        Assert.Contains("entry id", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadJson_SamplePersons_TenValidPersonEntries()
    {
        var path = Path.Combine(SampleData, "persons.json");

        var rows = ListFileReader.ReadJson(File.ReadAllText(path), path, null, SubjectIdParseMode.Strict).ToList();

        Assert.Equal(10, rows.Count);
        Assert.All(rows, r => Assert.Equal(SubjectKind.NaturalPerson, Valid(r).Subject.Kind));
        Assert.All(rows, r => Assert.Equal(EntryStatus.Active, r.Record!.Entry.Status));
        Assert.All(rows, r => Assert.Contains(r.Record!.Entry.ListCode, new[] { "court-dishonest-debtors", "wage-arrears" }));
    }

    // ---- Regression: JSON null is read as the text "null" -----------------------------------------
    // ReadJson stores property.Value.GetRawText() for every non-string value, so "validUntil": null
    // becomes the text "null" ("'null' is not a date"), "status": null is "'null' is not a status",
    // and "relatedEnterprise": null makes "null" the related enterprise's name. Exporters commonly
    // write null for an empty field.

    [Fact]
    public void ReadJson_NullValues_TreatedAsEmptyFields()
    {
        var json = """
            [ { "list": "wage-arrears", "kind": "LegalEntity", "subject": "9144030071526726XG", "entryId": "e-1",
                "validFrom": null, "validUntil": null, "status": null, "name": null, "relatedEnterprise": null, "relatedRole": null } ]
            """;

        var entry = Valid(Assert.Single(Json(json))).Entry;

        Assert.Null(entry.ValidUntil);
        Assert.Null(entry.SubjectName);
        Assert.Null(entry.RelatedTo);
        Assert.Equal(EntryStatus.Active, entry.Status);
    }
    // ---- Regression: the object form's "list" silently overrides the list the file is loaded into ----
    // ReadJson replaces defaultList with the document's "list" property, so a file seeded as
    // wage-arrears.json whose body says { "list": "tax-grade-a", ... } loads its entries into
    // tax-grade-a with no problem, whereas a CSV row of another list is refused.

    [Fact]
    public void ReadJson_ObjectFormListDiffersFromDefaultList_Problem()
    {
        var json = """{ "list": "tax-grade-a", "entries": [ { "subject": "9144030071526726XG", "entryId": "e-1" } ] }""";

        var row = Assert.Single(Json(json, defaultList: "wage-arrears"));

        Assert.Null(row.Record);
        Assert.Contains(row.Problems, p => p.Message.Contains("'tax-grade-a'", StringComparison.Ordinal));
    }
    // ---- Regression: an identifier property does not imply the kind in JSON -------------------------
    // In CSV a 身份证号码 column implies NaturalPerson (and 统一社会信用代码 LegalEntity), so a mistyped
    // number is reported with the SDK's reason on that column. ReadJson passes no implied kind, so the
    // same mistake in { "身份证号码": "110105194912310021" } is reported as "neither a valid
    // 统一社会信用代码 nor a valid 居民身份证号码" on a column "Kind" the file does not have.

    [Fact]
    public void ReadJson_InvalidNumberUnderIdCardProperty_ProblemWithSdkReasonOnThatProperty()
    {
        const string bad = "110105194912310021";
        var json = "[ { \"list\": \"wage-arrears\", \"身份证号码\": \"" + bad + "\", \"文号\": \"r-1\" } ]";

        var problem = SingleProblem(Assert.Single(Json(json)));

        Assert.Equal("身份证号码", problem.Column);
        Assert.Equal(IdentifierReason(bad, SubjectKind.NaturalPerson), problem.Message);
    }

    [Fact]
    public void ReadJson_UnknownPropertyLikeADateOrState_RefusesTheFileNamingItAndItsFirstEntry()
    {
        var json = "[ { \"list\": \"wage-arrears\", \"统一社会信用代码\": \"" + Uscc + "\", \"文号\": \"r-1\" },"
            + " { \"list\": \"wage-arrears\", \"统一社会信用代码\": \"" + Uscc2 + "\", \"文号\": \"r-2\", \"公示期满日期\": \"2025-06-30\" } ]";

        var rows = Json(json);

        var refusal = rows.Single(r => r.SpoilsFile);
        var problem = Assert.Single(refusal.Problems);
        Assert.Equal(2, problem.Line);
        Assert.Equal("公示期满日期", problem.Column);
        Assert.Contains("--column 公示期满日期=", problem.Message, StringComparison.Ordinal);
        Assert.Contains("看似日期或状态", problem.ChineseMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadJson_UnknownPropertyMapped_ReadAsThatFieldOrIgnored()
    {
        var json = "[ { \"list\": \"wage-arrears\", \"统一社会信用代码\": \"" + Uscc + "\", \"文号\": \"r-1\", \"公示期满日期\": \"2025-06-30\", \"更新状态\": \"x\" } ]";
        var mapping = new Dictionary<string, ListColumn?> { [ListColumns.Key("公示期满日期")] = ListColumn.ValidUntil, [ListColumns.Key("更新状态")] = null };

        var row = Assert.Single(ListFileReader.ReadJson(json, "test.json", null, SubjectIdParseMode.Strict, mapping));

        Assert.Equal(new DateTimeOffset(2025, 7, 1, 0, 0, 0, China), Valid(row).Entry.ValidUntil);
    }

    [Fact]
    public void ReadJson_MappingOfAPropertyNoEntryHas_RefusesTheFile()
    {
        var json = "[ { \"list\": \"wage-arrears\", \"统一社会信用代码\": \"" + Uscc + "\", \"文号\": \"r-1\" } ]";
        var mapping = new Dictionary<string, ListColumn?> { [ListColumns.Key("失信截止日期")] = ListColumn.ValidUntil };

        var rows = ListFileReader.ReadJson(json, "test.json", null, SubjectIdParseMode.Strict, mapping).ToList();

        Assert.Contains("--column 失信截止日期: no entry of the file has such a property", Assert.Single(rows.Single(r => r.SpoilsFile).Problems).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadJson_TwoNamesOfOneField_AProblemRatherThanTheLastOneWinning()
    {
        var json = "[ { \"list\": \"wage-arrears\", \"统一社会信用代码\": \"" + Uscc + "\", \"文号\": \"r-1\", \"validUntil\": \"2025-06-30\", \"有效期至\": \"2030-06-30\" } ]";

        var row = Assert.Single(Json(json));

        Assert.Null(row.Record);
        var problem = Assert.Single(row.Problems);
        Assert.Equal("有效期至", problem.Column);
        Assert.Contains("repeats the ValidUntil property 'validUntil'", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadJson_MixedExportWithAnEmptyCodeAndAnIdCard_ThePersonIsReadAsAPerson()
    {
        var json = "[ { \"list\": \"wage-arrears\", \"统一社会信用代码\": \"\", \"身份证号码\": \"" + IdCard + "\", \"文号\": \"r-1\" },"
            + " { \"list\": \"wage-arrears\", \"统一社会信用代码\": \"" + Uscc + "\", \"组织机构代码\": \"\", \"文号\": \"r-2\" },"
            + " { \"list\": \"wage-arrears\", \"统一社会信用代码\": \"" + Uscc2 + "\", \"身份证号码\": \"" + IdCard + "\", \"文号\": \"r-3\" } ]";

        var rows = Json(json);

        var person = Valid(rows[0]);
        Assert.Equal(SubjectKind.NaturalPerson, person.Subject.Kind);
        Assert.Equal(IdCard, person.Subject.Value);
        Assert.Equal(SubjectKind.LegalEntity, Valid(rows[1]).Subject.Kind);
        Assert.Equal("身份证号码", Assert.Single(rows[2].Problems).Column); // two current identifiers: which one is meant is not guessed
    }
}
