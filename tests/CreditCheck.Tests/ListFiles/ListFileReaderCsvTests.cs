using System.Text;
using CreditCheck.ListFiles;
using CreditCheck.Stores;
using static CreditCheck.Tests.ListFiles.ListFileTestData;

namespace CreditCheck.Tests.ListFiles;

public sealed class ListFileReaderCsvTests
{
    // ---- RFC 4180 quoting and line endings -------------------------------------------------

    [Fact]
    public void ReadCsv_QuotedFieldsWithCommasDoubledQuotesAndNewline_FieldsReadVerbatim()
    {
        var text = FullHeader + "\n"
            + Row(name: "\"示例,逗号,有限公司\"", summary: "\"拒不支付\"\"工资\"\"\n第二行，含逗号,\"") + "\n"
            + Row(subject: Uscc2, entryId: "wa-2024-0002", reference: "深人社欠〔2024〕2号") + "\n";

        var rows = Csv(text);

        Assert.Equal(2, rows.Count);
        var first = Valid(rows[0]).Entry;
        Assert.Equal("示例,逗号,有限公司", first.SubjectName);
        Assert.Equal("拒不支付\"工资\"\n第二行，含逗号,", first.Summary);
        Assert.Equal(2, rows[0].Line);

        // The newline inside the quoted field is a line of the file: the next record starts on line 4.
        Assert.Equal(4, rows[1].Line);
        Assert.Equal(Uscc2, Valid(rows[1]).Subject.Value);
    }

    [Fact]
    public void ReadCsv_QuotedEmptyFieldAndQuotedIdentifier_ReadAsPlainFields()
    {
        var text = FullHeader + "\n" + Row(subject: "\"" + Uscc + "\"", validFrom: "\"\"", entryId: "\"wa-2024-0001\"") + "\n";

        var entry = Valid(Assert.Single(Csv(text)));

        Assert.Equal(Uscc, entry.Subject.Value);
        Assert.Equal("wa-2024-0001", entry.Entry.EntryId);
        Assert.Equal(entry.Entry.ListedOn, entry.Entry.ValidFrom);
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("\r")]
    public void ReadCsv_LineEndings_SameRecordsAndLineNumbers(string newline)
    {
        var text = FullHeader + newline
            + Row() + newline
            + Row(subject: Uscc2, entryId: "wa-2024-0002") + newline
            + Row(subject: Uscc3, entryId: "wa-2024-0003", summary: "\"跨行" + newline + "简况\"");

        var rows = Csv(text);

        Assert.Equal(3, rows.Count);
        Assert.Equal([Uscc, Uscc2, Uscc3], rows.Select(r => Valid(r).Subject.Value));
        Assert.Equal(["wa-2024-0001", "wa-2024-0002", "wa-2024-0003"], rows.Select(r => r.Record!.Entry.EntryId));
        Assert.Equal([2, 3, 4], rows.Select(r => r.Line));
        Assert.Equal("跨行" + newline + "简况", rows[2].Record!.Entry.Summary);
    }

    [Fact]
    public void ReadCsv_CrlfWithoutTrailingNewline_LastRecordRead()
    {
        var text = FullHeader + "\r\n" + Row() + "\r\n" + Row(subject: Uscc2, entryId: "wa-2024-0002");

        var rows = Csv(text);

        Assert.Equal(2, rows.Count);
        Assert.Equal("wa-2024-0002", Valid(rows[1]).Entry.EntryId);

        // No stray '\r' at the end of the last field of a CRLF line.
        Assert.Equal("wa-2024-0001", Valid(rows[0]).Entry.EntryId);
    }

    [Fact]
    public void ReadCsv_BlankLines_SkippedAndLineNumbersKept()
    {
        var text = FullHeader + "\n\n" + Row() + "\n\n\n" + Row(subject: Uscc2, entryId: "wa-2024-0002") + "\n\n";

        var rows = Csv(text);

        Assert.Equal(2, rows.Count);
        Assert.Equal([3, 6], rows.Select(r => r.Line));
        Assert.All(rows, r => Valid(r));
    }

    [Fact]
    public void ReadCsv_Utf8BomBeforeHeaderInText_HeaderRecognised()
    {
        var text = "\uFEFF" + FullHeader + "\n" + Row() + "\n";

        var record = Valid(Assert.Single(Csv(text)));

        Assert.Equal("wage-arrears", record.Entry.ListCode);
    }

    [Fact]
    public void ReadCsv_Utf8BomBeforeChineseHeaderInText_HeaderRecognised()
    {
        var text = "\uFEFF统一社会信用代码,名称,文号\n" + Uscc + ",示例有限公司,文号1\n";

        var rows = Csv(text, defaultList: "abnormal-operations");

        Assert.Equal(SubjectKind.LegalEntity, Valid(Assert.Single(rows)).Subject.Kind);
    }

    [Fact]
    public void ReadCsv_Utf8BomBytesReadThroughStreamReader_HeaderRecognised()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(FullHeader + "\r\n" + Row() + "\r\n")).ToArray();
        using var reader = new StreamReader(new MemoryStream(bytes), new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true);

        var rows = ListFileReader.ReadCsv(reader, "bom.csv", null, SubjectIdParseMode.Strict).ToList();

        Assert.Equal(Uscc, Valid(Assert.Single(rows)).Subject.Value);
    }

    // ---- Headers --------------------------------------------------------------------------

    [Fact]
    public void ReadCsv_ChineseHeadersWithUsccColumn_MapEveryFieldAndImplyLegalEntity()
    {
        var text = "统一社会信用代码,名称,认定部门,文号,列入日期,有效期至,状态,失信行为简况\n"
            + Uscc + ",示例欠薪劳务有限公司,深圳市人力资源和社会保障局,深人社欠〔2024〕7号,2024-03-01,2027-02-28,有效,拖欠工资\n";

        var record = Valid(Assert.Single(Csv(text, defaultList: "wage-arrears")));

        Assert.Equal(SubjectKind.LegalEntity, record.Subject.Kind);
        Assert.Equal(IdentifierScheme.UnifiedSocialCreditCode, record.Subject.Scheme);
        var entry = record.Entry;
        Assert.Equal("wage-arrears", entry.ListCode);
        Assert.Equal(SubjectKind.LegalEntity, entry.SubjectKind);
        Assert.Equal("示例欠薪劳务有限公司", entry.SubjectName);
        Assert.Equal("深圳市人力资源和社会保障局", entry.Authority);
        Assert.Equal("深人社欠〔2024〕7号", entry.DecisionReference);
        Assert.Equal("深人社欠〔2024〕7号", entry.EntryId);
        Assert.Equal(new DateTimeOffset(2024, 3, 1, 0, 0, 0, China), entry.ListedOn);
        Assert.Equal(entry.ListedOn, entry.ValidFrom);
        Assert.Equal(new DateTimeOffset(2027, 3, 1, 0, 0, 0, China), entry.ValidUntil);
        Assert.Equal(EntryStatus.Active, entry.Status);
        Assert.Equal("拖欠工资", entry.Summary);
        Assert.Null(entry.RelatedTo);
    }

    [Fact]
    public void ReadCsv_ChineseHeadersWithIdCardColumn_ImplyNaturalPerson()
    {
        var text = "身份证号码,姓名,执行法院,案号,发布时间\n" + IdCard + ",张某,北京市朝阳区人民法院,(2024)京0105执1号,2024年5月6日\n";

        var record = Valid(Assert.Single(Csv(text, defaultList: "court-dishonest-debtors")));

        Assert.Equal(SubjectKind.NaturalPerson, record.Subject.Kind);
        Assert.Equal(IdentifierScheme.ResidentIdNumber, record.Subject.Scheme);
        Assert.Equal(SubjectKind.NaturalPerson, record.Entry.SubjectKind);
        Assert.Equal("张某", record.Entry.SubjectName);
        Assert.Equal("北京市朝阳区人民法院", record.Entry.Authority);
        Assert.Equal("(2024)京0105执1号", record.Entry.EntryId);
        Assert.Equal(new DateTimeOffset(2024, 5, 6, 0, 0, 0, China), record.Entry.ListedOn);
    }

    [Fact]
    public void ReadCsv_IdCardColumnHoldingUscc_ProblemOnIdentifierColumn()
    {
        var text = "身份证号码,案号\n" + Uscc + ",(2024)京0105执1号\n";

        var problem = SingleProblem(Assert.Single(Csv(text, defaultList: "court-dishonest-debtors")));

        Assert.Equal(2, problem.Line);
        Assert.Equal("身份证号码", problem.Column);
        // The value is a valid code of the other kind: said so, not the 身份证号码's own format advice.
        Assert.StartsWith("The value is a valid 统一社会信用代码 (an organisation's), but the row's kind is NaturalPerson", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadCsv_ExplicitKindColumn_OverridesKindImpliedByHeader()
    {
        var text = "统一社会信用代码,主体类型,文号\n" + IdCard + ",自然人,文号1\n";

        var record = Valid(Assert.Single(Csv(text, defaultList: "wage-arrears")));

        Assert.Equal(SubjectKind.NaturalPerson, record.Subject.Kind);
    }

    [Theory]
    [InlineData("有效期至")]
    [InlineData("移出日期")]
    [InlineData("处罚截止日期")]
    [InlineData("validUntil")]
    [InlineData("Valid Until")]
    [InlineData("VALIDUNTIL")]
    public void ReadCsv_ValidUntilAliases_MapToValidUntil(string header)
    {
        var text = "统一社会信用代码,文号," + header + "\n" + Uscc + ",文号1,2025-06-30\n";

        var record = Valid(Assert.Single(Csv(text, defaultList: "wage-arrears")));

        Assert.Equal(new DateTimeOffset(2025, 7, 1, 0, 0, 0, China), record.Entry.ValidUntil);
    }

    [Fact]
    public void ReadCsv_HeadersDifferInCaseAndSpaces_Recognised()
    {
        var text = " List , Kind ,SUBJECT,Entry Id\n" + "wage-arrears,LegalEntity," + Uscc + ",e-1\n";

        var record = Valid(Assert.Single(Csv(text)));

        Assert.Equal("e-1", record.Entry.EntryId);
        Assert.Equal("wage-arrears", record.Entry.ListCode);
    }

    [Fact]
    public void ReadCsv_UnknownColumns_Ignored()
    {
        var text = "list,subject,kind,entryId,备注,extra\n" + "wage-arrears," + Uscc + ",LegalEntity,e-1,无,x\n";

        Assert.Equal("e-1", Valid(Assert.Single(Csv(text))).Entry.EntryId);
    }

    [Fact]
    public void ReadCsv_MissingIdentifierColumn_SingleHeaderProblem()
    {
        var text = "list,kind,name,reference\n" + "wage-arrears,LegalEntity,示例,文号1\n";

        var row = Assert.Single(Csv(text));

        var problem = SingleProblem(row);
        Assert.Equal(1, row.Line);
        Assert.Equal(1, problem.Line);
        Assert.Null(problem.Column);
        Assert.Equal("test.csv", problem.Source);
        Assert.Contains("No identifier column", problem.Message, StringComparison.Ordinal);
        Assert.Contains("统一社会信用代码", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadCsv_NoListColumnAndNoDefaultList_HeaderProblem()
    {
        var text = "subject,kind,entryId\n" + Uscc + ",LegalEntity,e-1\n";

        var problem = SingleProblem(Assert.Single(Csv(text, defaultList: null)));

        Assert.Equal(1, problem.Line);
        Assert.Contains("No list column", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadCsv_RepeatedColumn_HeaderProblemNamesColumn()
    {
        var text = "统一社会信用代码,subject,文号\n" + Uscc + "," + Uscc + ",文号1\n";

        var problem = SingleProblem(Assert.Single(Csv(text, defaultList: "wage-arrears")));

        Assert.Equal(1, problem.Line);
        Assert.Equal("subject", problem.Column);
        Assert.Contains("repeats", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadCsv_HeaderProblems_AllReportedTogether()
    {
        var text = "name,reference\n示例,文号1\n";

        var row = Assert.Single(Csv(text, defaultList: null));

        Assert.Null(row.Record);
        Assert.Equal(2, row.Problems.Count);
        Assert.Contains(row.Problems, p => p.Message.Contains("No identifier column", StringComparison.Ordinal));
        Assert.Contains(row.Problems, p => p.Message.Contains("No list column", StringComparison.Ordinal));
    }

    [Fact]
    public void ReadCsv_EmptyFile_Problem()
    {
        var problem = SingleProblem(Assert.Single(Csv(string.Empty, defaultList: "wage-arrears")));

        Assert.Equal(1, problem.Line);
        Assert.Equal("test.csv", problem.Source);
        Assert.Contains("empty", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadCsv_HeaderOnly_NoRows()
    {
        Assert.Empty(Csv(FullHeader + "\n"));
    }

    // ---- Dates ----------------------------------------------------------------------------

    [Theory]
    [InlineData("2024-01-02")]
    [InlineData("2024-1-2")]
    [InlineData("2024/1/2")]
    [InlineData("2024/01/02")]
    [InlineData("2024年1月2日")]
    [InlineData("2024年01月02日")]
    [InlineData("20240102")]
    [InlineData("2024.1.2")]
    [InlineData("2024-01-02 00:00:00")]
    [InlineData("2024-01-02T08:30:00")]
    [InlineData(" 2024-01-02 ")]
    [InlineData("２０２４－０１－０２")] // full-width, as a Chinese input method types it
    [InlineData("２０２４年１月２日")]
    [InlineData("2024/1/2\u300000:00:00")]
    public void ReadCsv_DateForms_ParseAsChinaMidnight(string date)
    {
        var text = FullHeader + "\n" + Row(listedOn: "\"" + date + "\"", validFrom: date.Trim(), validUntil: date.Trim()) + "\n";

        var entry = Valid(Assert.Single(Csv(text))).Entry;

        Assert.Equal(new DateTimeOffset(2024, 1, 2, 0, 0, 0, China), entry.ListedOn);
        Assert.Equal(new DateTimeOffset(2024, 1, 2, 0, 0, 0, China), entry.ValidFrom);
        Assert.Equal(TimeSpan.FromHours(8), entry.ListedOn!.Value.Offset);
    }

    [Fact]
    public void ReadCsv_UnknownColumnThatLooksLikeADateOrState_RefusesTheHeader_OtherUnknownColumnsAreIgnored()
    {
        // Found from outside: 失信截止日期 and 当前状态 were dropped unseen, so an ended or repaired listing stayed in force.
        var text = "序号,企业名称,统一社会信用代码,文号,列入日期,公示期满日期,登记状态,备注\n1,示例有限公司," + Uscc + ",文1,2025-01-01,2025-06-30,已修复,x\n";

        var row = Assert.Single(Csv(text, defaultList: "wage-arrears"));

        Assert.True(row.SpoilsFile);
        Assert.Equal(["公示期满日期", "登记状态"], row.Problems.Select(p => p.Column));
        Assert.Contains("--column 公示期满日期=", row.Problems[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadCsv_APersonsIdInTheCreditCodeColumnThatAlsoPassesAsACode_IsAProblem_NotAnEnterprise()
    {
        // Found from outside: 440305199603219185 passes both checks; under 统一社会信用代码 it was stored as an
        // enterprise, and the person was answered clean.
        const string both = "440305199603219185";
        var text = "名称,统一社会信用代码,文号,列入日期\n张某某," + both + ",文1,2025-01-01\n示例有限公司," + Uscc + ",文2,2025-01-01\n";

        var rows = Csv(text, defaultList: "wage-arrears");

        var problem = SingleProblem(rows[0]);
        Assert.Equal("统一社会信用代码", problem.Column);
        Assert.Contains("add a kind column", problem.Message, StringComparison.Ordinal);
        Valid(rows[1]);

        // With a kind column the file says which it is.
        var person = Valid(Assert.Single(Csv("kind,名称,统一社会信用代码,文号,列入日期\nNaturalPerson,张某某," + both + ",文1,2025-01-01\n", defaultList: "wage-arrears")));
        Assert.Equal(SubjectKind.NaturalPerson, person.Subject.Kind);
    }

    [Fact]
    public void ReadCsv_TabSeparatedFile_IsNamedAsSuch_NotAsMissingTheIdentifierColumn()
    {
        var row = Assert.Single(Csv("名称\t统一社会信用代码\t文号\n示例有限公司\t" + Uscc + "\t文1\n", defaultList: "wage-arrears"));

        Assert.True(row.SpoilsFile);
        Assert.Contains("tab-separated", Assert.Single(row.Problems).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadCsv_ExportHeadersForEndDateAndState_AreKnown()
    {
        var text = "企业名称,统一社会信用代码,文号,列入日期,失信截止日期,当前状态\n示例有限公司," + Uscc + ",文1,2025-01-01,2025-06-30,已修复\n";

        var entry = Valid(Assert.Single(Csv(text, defaultList: "wage-arrears"))).Entry;

        Assert.Equal(new DateTimeOffset(2025, 7, 1, 0, 0, 0, China), entry.ValidUntil);
        Assert.Equal(EntryStatus.Repaired, entry.Status);
    }

    [Fact]
    public void ReadCsv_IdCardColumnMappedAsTheFallback_PersonRowsAreReadAsPersonsAndProblemsNameThatColumn()
    {
        // A mixed export: enterprises carry a 统一社会信用代码, persons a 身份证号码.
        var mapping = new Dictionary<string, ListColumn?> { [ListColumns.Key("身份证号码")] = ListColumn.AlternateSubject };
        var text = "名称,统一社会信用代码,身份证号码,文号\n示例有限公司," + Uscc + ",,文1\n张某,," + IdCard + ",文2\n李某,,110105194912310021,文3\n";

        var rows = ListFileReader.ReadCsv(new StringReader(text), "test.csv", "wage-arrears", SubjectIdParseMode.Strict, mapping: mapping).ToList();

        Assert.Equal(SubjectKind.LegalEntity, Valid(rows[0]).Subject.Kind);
        var person = Valid(rows[1]);
        Assert.Equal(SubjectKind.NaturalPerson, person.Subject.Kind);
        Assert.Equal(IdCard, person.Subject.Value);
        var problem = SingleProblem(rows[2]);
        Assert.Equal("身份证号码", problem.Column);
        Assert.Equal(IdentifierReason("110105194912310021", SubjectKind.NaturalPerson), problem.Message);
    }

    [Fact]
    public void ReadCsv_FullWidthLevel_ReadAsTheAsciiLevel()
    {
        var text = "subject,level\n" + Uscc + ",Ａ\n" + Uscc2 + ",　B\n";

        var rows = Csv(text, defaultList: "public-credit-rating");

        Assert.Equal(["A", "B"], rows.Select(r => Valid(r).Entry.Level));
    }

    [Fact]
    public void ReadCsv_ColumnMappingForAColumnTheFileLacks_IsAProblemNamingTheHeader()
    {
        var mapping = new Dictionary<string, ListColumn?> { [ListColumns.Key("失信截止日期")] = ListColumn.ValidUntil };
        var text = "统一社会信用代码,文号,列入日期\n" + Uscc + ",文1,2025-01-01\n";

        var row = Assert.Single(ListFileReader.ReadCsv(new StringReader(text), "test.csv", "wage-arrears", SubjectIdParseMode.Strict, mapping: mapping));

        Assert.True(row.SpoilsFile);
        Assert.Contains("--column 失信截止日期: the file has no such column", Assert.Single(row.Problems).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("9999-12-31")]
    [InlineData("9999-12-31 00:00:00")]
    [InlineData("长期")]
    [InlineData("永久有效")]
    public void ReadCsv_ValidUntilForever_IsNoEndDate_NotACrash(string validUntil)
    {
        // Found from outside: 9999-12-31 overflowed the day after it and stopped the whole import (exit 70).
        var entry = Valid(Assert.Single(Csv(FullHeader + "\n" + Row(listedOn: "2023-01-01", validUntil: validUntil) + "\n"))).Entry;

        Assert.Null(entry.ValidUntil);
    }

    [Theory]
    [InlineData("listedOn", "2205-01-05")]
    [InlineData("listedOn", "0025-01-05")]
    [InlineData("validUntil", "3000-01-01")]
    public void ReadCsv_YearOutsideThePlausibleRange_IsAProblemNamingTheValue(string column, string value)
    {
        var row = column == "listedOn" ? Row(listedOn: value) : Row(listedOn: "2023-01-01", validUntil: value);

        var problem = SingleProblem(Assert.Single(Csv(FullHeader + "\n" + row + "\n")));

        Assert.Equal(column, problem.Column);
        Assert.Contains($"'{value}': the year is not between 1949 and 2199", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-12-06T16:00:00Z", 2026, 12, 8)] // 2026-12-07 00:00 in China: valid through the 7th
    [InlineData("2026-12-06T23:59:00+08:00", 2026, 12, 7)]
    [InlineData("2026-12-06 23:00:00", 2026, 12, 7)] // no zone: the day as written
    public void ReadCsv_ValidUntilWithATimeAndZone_TakesChinasDay(string validUntil, int year, int month, int day)
    {
        var entry = Valid(Assert.Single(Csv(FullHeader + "\n" + Row(listedOn: "2023-01-01", validUntil: validUntil) + "\n"))).Entry;

        Assert.Equal(new DateTimeOffset(year, month, day, 0, 0, 0, China), entry.ValidUntil);
    }

    [Theory]
    [InlineData("2024-01-02", 2024, 1, 3)]
    [InlineData("2024年1月2日", 2024, 1, 3)]
    [InlineData("20241231", 2025, 1, 1)]
    [InlineData("2024/2/29", 2024, 3, 1)]
    public void ReadCsv_ValidUntil_InclusiveSoEndIsNextDayChinaMidnight(string validUntil, int year, int month, int day)
    {
        var text = FullHeader + "\n" + Row(listedOn: "2023-01-01", validUntil: validUntil) + "\n";

        var entry = Valid(Assert.Single(Csv(text))).Entry;

        var end = new DateTimeOffset(year, month, day, 0, 0, 0, China);
        Assert.Equal(end, entry.ValidUntil);
        Assert.Equal(end.UtcDateTime, entry.ValidUntil!.Value.UtcDateTime);
        Assert.Equal(TimeSpan.FromHours(8), entry.ValidUntil.Value.Offset);
    }

    [Fact]
    public void ReadCsv_EmptyDates_Null()
    {
        var text = FullHeader + "\n" + Row(listedOn: "", validFrom: "", validUntil: "") + "\n";

        var entry = Valid(Assert.Single(Csv(text))).Entry;

        Assert.Null(entry.ListedOn);
        Assert.Null(entry.ValidFrom);
        Assert.Null(entry.ValidUntil);
    }

    [Fact]
    public void ReadCsv_ExplicitValidFrom_UsedInsteadOfListedOn()
    {
        var text = FullHeader + "\n" + Row(listedOn: "2024-01-02", validFrom: "2024-02-01") + "\n";

        var entry = Valid(Assert.Single(Csv(text))).Entry;

        Assert.Equal(new DateTimeOffset(2024, 2, 1, 0, 0, 0, China), entry.ValidFrom);
        Assert.Equal(new DateTimeOffset(2024, 1, 2, 0, 0, 0, China), entry.ListedOn);
    }

    [Theory]
    [InlineData("2024-13-45")]
    [InlineData("2023-02-29")]
    [InlineData("02/01/2024")]
    [InlineData("明天")]
    [InlineData("2024-01")]
    public void ReadCsv_UnparseableDate_ProblemNamesLineColumnAndValue(string date)
    {
        var text = FullHeader + "\n" + Row() + "\n" + Row(subject: Uscc2, entryId: "wa-2024-0002", validUntil: date) + "\n";

        var rows = Csv(text);

        Valid(rows[0]);
        var problem = SingleProblem(rows[1]);
        Assert.Equal(3, rows[1].Line);
        Assert.Equal(3, problem.Line);
        Assert.Equal("validUntil", problem.Column);
        Assert.Contains("'" + date + "'", problem.Message, StringComparison.Ordinal);
        Assert.StartsWith("test.csv:3, column validUntil: ", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ReadCsv_UnparseableDateUnderChineseHeader_ProblemNamesChineseHeader()
    {
        var text = "统一社会信用代码,文号,列入日期\n" + Uscc + ",文号1,2024年13月1日\n";

        var problem = SingleProblem(Assert.Single(Csv(text, defaultList: "wage-arrears")));

        Assert.Equal("列入日期", problem.Column);
        Assert.Contains("2024年13月1日", problem.Message, StringComparison.Ordinal);
    }

    // ---- Identifiers ----------------------------------------------------------------------

    [Fact]
    public void ReadCsv_InvalidUscc_ProblemWithLineColumnAndSdkReason()
    {
        var text = FullHeader + "\n" + Row() + "\n" + Row(subject: UsccBadCheck, entryId: "wa-2024-0002") + "\n";

        var rows = Csv(text);

        var problem = SingleProblem(rows[1]);
        Assert.Equal(3, problem.Line);
        Assert.Equal("subject", problem.Column);
        Assert.Equal(IdentifierReason(UsccBadCheck, SubjectKind.LegalEntity), problem.Message);
        Assert.Contains("'G'", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadCsv_InvalidUsccUnderChineseHeader_ProblemNamesChineseHeader()
    {
        var text = "统一社会信用代码,文号\n" + "91440300715267260G" + ",文号1\n";

        var problem = SingleProblem(Assert.Single(Csv(text, defaultList: "wage-arrears")));

        Assert.Equal(2, problem.Line);
        Assert.Equal("统一社会信用代码", problem.Column);
        Assert.Equal(IdentifierReason("91440300715267260G", SubjectKind.LegalEntity), problem.Message);
    }

    [Fact]
    public void ReadCsv_InvalidIdCard_ProblemWithSdkReason()
    {
        const string bad = "110105194912310021"; // 11010519491231002X with a wrong check digit
        var text = FullHeader + "\n" + Row(kind: "NaturalPerson", subject: bad) + "\n";

        var problem = SingleProblem(Assert.Single(Csv(text)));

        Assert.Equal(2, problem.Line);
        Assert.Equal("subject", problem.Column);
        Assert.Equal(IdentifierReason(bad, SubjectKind.NaturalPerson), problem.Message);
    }

    [Fact]
    public void ReadCsv_IdentifierWithSpacesHyphensAndLowerCase_Canonicalised()
    {
        var text = FullHeader + "\n" + Row(subject: "9144 0300-7152 6726xg") + "\n";

        Assert.Equal(Uscc, Valid(Assert.Single(Csv(text))).Subject.Value);
    }

    [Fact]
    public void ReadCsv_MissingIdentifierValue_Problem()
    {
        var text = FullHeader + "\n" + Row(subject: "  ") + "\n";

        var problem = SingleProblem(Assert.Single(Csv(text)));

        Assert.Equal("subject", problem.Column);
        Assert.Contains("missing", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadCsv_AValidIdCardNumberInARowWhoseKindSaysEnterprise_NamesTheKind_NotTheCodesCheckCharacter()
    {
        // Found from outside: "统一社会信用代码第18位校验码是 '6'，按前17位应为 '2'" — following it would have listed an
        // enterprise and left the person unlisted.
        var text = FullHeader + "\n" + Row(kind: "LegalEntity", subject: "320102197207067646") + "\n";

        var row = Assert.Single(Csv(text));

        Assert.Null(row.Record);
        var problem = Assert.Single(row.Problems);
        Assert.Equal("kind", problem.Column);
        Assert.Contains("有效的居民身份证号码", problem.OperatorMessage, StringComparison.Ordinal);
        Assert.Contains("check the kind column", problem.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("校验码", problem.OperatorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadCsv_NonConformingCheckCharacterInLenientMode_AcceptedAndFlagged()
    {
        var text = FullHeader + "\n" + Row(subject: UsccBadCheck) + "\n";

        Assert.NotEmpty(SingleProblem(Assert.Single(Csv(text, mode: SubjectIdParseMode.Strict))).Message);
        var record = Valid(Assert.Single(Csv(text, mode: SubjectIdParseMode.LenientCheckCharacter)));
        Assert.Equal(UsccBadCheck, record.Subject.Value);
        Assert.False(record.Subject.CheckCharacterConforms);
    }

    [Fact]
    public void ReadCsv_NoKindColumnAndGenericIdentifierHeader_KindInferredFromIdentifier()
    {
        var text = "list,subject,entryId\n"
            + "wage-arrears," + Uscc + ",e-1\n"
            + "wage-arrears," + IdCard + ",e-2\n";

        var rows = Csv(text);

        Assert.Equal(SubjectKind.LegalEntity, Valid(rows[0]).Subject.Kind);
        Assert.Equal(SubjectKind.LegalEntity, rows[0].Record!.Entry.SubjectKind);
        Assert.Equal(SubjectKind.NaturalPerson, Valid(rows[1]).Subject.Kind);
        Assert.Equal(SubjectKind.NaturalPerson, rows[1].Record!.Entry.SubjectKind);
    }

    [Fact]
    public void ReadCsv_InvalidIdentifierWithKindColumnButNoValue_ProblemNamesIdentifierColumn()
    {
        var text = "list,kind,subject,entryId\n" + "wage-arrears,," + UsccBadCheck + ",e-1\n";

        var problem = SingleProblem(Assert.Single(Csv(text)));

        Assert.Equal("subject", problem.Column); // the identifier is what is wrong, not the empty kind
        Assert.Contains("neither", problem.Message, StringComparison.Ordinal);
    }

    // ---- Row shape ------------------------------------------------------------------------

    [Theory]
    [InlineData(",extra")]
    [InlineData(",extra,more")]
    public void ReadCsv_TooManyFields_ProblemNamesLine(string suffix)
    {
        var text = FullHeader + "\n" + Row() + "\n" + Row(entryId: "wa-2024-0002") + suffix + "\n" + Row(subject: Uscc2, entryId: "wa-2024-0003") + "\n";

        var rows = Csv(text);

        Assert.Equal(3, rows.Count);
        var problem = SingleProblem(rows[1]);
        Assert.Equal(3, problem.Line);
        Assert.Null(problem.Column);
        Assert.Contains("fields", problem.Message, StringComparison.Ordinal);
        Assert.Equal("wa-2024-0003", Valid(rows[2]).Entry.EntryId);
    }

    [Fact]
    public void ReadCsv_TooFewFields_ProblemNamesLineAndCounts()
    {
        var text = FullHeader + "\n" + "wage-arrears,LegalEntity," + Uscc + "\n";

        var problem = SingleProblem(Assert.Single(Csv(text)));

        Assert.Equal(2, problem.Line);
        Assert.Contains("3 fields", problem.Message, StringComparison.Ordinal);
        Assert.Contains("15", problem.Message, StringComparison.Ordinal);
        Assert.Equal("test.csv:2: " + problem.Message, problem.ToString());
    }

    [Fact]
    public void ReadCsv_UnterminatedQuote_ProblemNamesStartLine()
    {
        var text = FullHeader + "\n" + Row() + "\n" + Row(subject: Uscc2, entryId: "wa-2024-0002", summary: "\"never closed") + "\n" + Row(subject: Uscc3, entryId: "wa-2024-0003") + "\n";

        var rows = Csv(text);

        Valid(rows[0]);
        var bad = rows[^1];
        Assert.Null(bad.Record);
        Assert.Equal(3, bad.Line);
        var problem = Assert.Single(bad.Problems);
        Assert.Equal(3, problem.Line);
        Assert.Contains("never closed", problem.Message, StringComparison.Ordinal);
        Assert.Contains("lines 3 to 5", problem.Message, StringComparison.Ordinal); // the row it swallowed is named too
        Assert.True(bad.SpoilsFile, "the rows it swallowed cannot be told apart: the file is refused, not one row");
        Assert.DoesNotContain(rows, r => r.Record?.Entry.EntryId == "wa-2024-0003");
    }

    [Fact]
    public void ReadCsv_QuoteNotClosedWithinTheLongestRecord_RefusesTheFileAndReadsNothingAfterIt()
    {
        // Found from outside: the lines up to the limit were swallowed, reading went on after them, and only one bad
        // row was reported, so thousands of rows were neither imported nor rejected.
        var rows = new List<string> { FullHeader, Row(), Row(subject: Uscc2, entryId: "wa-2024-0002", summary: "\"never closed") };
        var filler = Row(subject: Uscc3, entryId: "wa-2024-0003");
        for (var i = 0; i * filler.Length < CsvRecordReader.MaxRecordLength + 100_000; i++)
        {
            rows.Add(filler);
        }

        var read = Csv(string.Join('\n', rows) + "\n");

        var bad = read[^1];
        Assert.True(bad.SpoilsFile);
        Assert.Equal(3, bad.Line);
        Assert.Contains("not closed within", Assert.Single(bad.Problems).Message, StringComparison.Ordinal);
        Assert.Equal(2, read.Count); // nothing read after it
    }

    [Fact]
    public void ReadCsv_AStrayQuoteClosingInTheSameColumnALineLater_RefusesTheMergedRowNamingBothLines()
    {
        // Found from outside: the two rows were read as one with the right number of fields, the second inside the
        // first's summary; the first was imported with it and the second's subject was neither listed nor reported.
        var text = FullHeader + "\n"
            + Row(summary: "\"拖欠农民工工资") + "\n"
            + Row(subject: Uscc2, entryId: "wa-2024-0002", summary: "拖欠\"") + "\n"
            + Row(subject: Uscc3, entryId: "wa-2024-0003") + "\n";

        var rows = Csv(text);

        Assert.Equal(2, rows.Count);
        var problem = SingleProblem(rows[0]);
        Assert.Equal((2, "summary"), (problem.Line, problem.Column));
        Assert.Contains("Lines 2 to 3 were read as one record", problem.Message, StringComparison.Ordinal);
        Assert.Contains("第2至3行被读成一条记录", problem.ChineseMessage, StringComparison.Ordinal);
        Assert.Equal((4, Uscc3), (rows[1].Line, Valid(rows[1]).Subject.Value)); // reading goes on after the closing quote
    }

    [Fact]
    public void ReadCsv_AStrayQuoteClosingInAnotherColumn_TheFieldCountErrorNamesTheLinesReadAsOne()
    {
        var text = FullHeader + "\n"
            + Row(name: "\"示例有限公司") + "\n"
            + Row(subject: Uscc2, entryId: "wa-2024-0002", summary: "拖欠\"") + "\n";

        var problem = SingleProblem(Assert.Single(Csv(text)));

        Assert.Contains("the header has 15. Lines 2 to 3 were read as one record", problem.Message, StringComparison.Ordinal);
        Assert.Contains("第2至3行被读成一条记录", problem.ChineseMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadCsv_UnterminatedQuoteInHeader_HeaderProblem()
    {
        var text = "list,kind,\"subject\n";

        var row = Assert.Single(Csv(text));

        Assert.Null(row.Record);
        Assert.Contains(row.Problems, p => p.Line == 1 && p.Message.Contains("never closed", StringComparison.Ordinal));
    }

    // ---- Field values ---------------------------------------------------------------------

    [Fact]
    public void ReadCsv_BadStatusRoleAndKind_EveryProblemOfRowReported()
    {
        var text = FullHeader + "\n"
            + Row(kind: "Company", status: "Deleted", relatedEnterprise: "示例有限公司", relatedRole: "Boss") + "\n";

        var row = Assert.Single(Csv(text));

        Assert.Null(row.Record);
        Assert.Equal(3, row.Problems.Count);
        Assert.All(row.Problems, p => Assert.Equal(2, p.Line));
        Assert.Contains(row.Problems, p => p.Column == "kind" && p.Message.Contains("'Company'", StringComparison.Ordinal));
        Assert.Contains(row.Problems, p => p.Column == "status" && p.Message.Contains("'Deleted'", StringComparison.Ordinal));
        Assert.Contains(row.Problems, p => p.Column == "relatedRole" && p.Message.Contains("'Boss'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Deleted")]
    [InlineData("失效")]
    public void ReadCsv_BadStatus_Problem(string status)
    {
        var text = FullHeader + "\n" + Row(status: status) + "\n";

        var problem = SingleProblem(Assert.Single(Csv(text)));

        Assert.Equal("status", problem.Column);
        Assert.Contains(status, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadCsv_BadKind_Problem()
    {
        var text = FullHeader + "\n" + Row(kind: "Robot") + "\n";

        var problem = SingleProblem(Assert.Single(Csv(text)));

        Assert.Equal("kind", problem.Column);
        Assert.Contains("'Robot'", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadCsv_BadRole_Problem()
    {
        var text = FullHeader + "\n" + Row(kind: "NaturalPerson", subject: IdCard, relatedEnterprise: "示例有限公司", relatedRole: "股东") + "\n";

        var problem = SingleProblem(Assert.Single(Csv(text)));

        Assert.Equal("relatedRole", problem.Column);
        Assert.Contains("'股东'", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadCsv_RelatedEnterpriseWithoutRole_Problem()
    {
        var text = FullHeader + "\n" + Row(kind: "NaturalPerson", subject: IdCard, relatedEnterprise: "示例有限公司") + "\n";

        var problem = SingleProblem(Assert.Single(Csv(text)));

        Assert.Equal("relatedRole", problem.Column);
    }

    [Fact]
    public void ReadCsv_RoleWithoutRelatedEnterprise_Problem()
    {
        var text = FullHeader + "\n" + Row(kind: "NaturalPerson", subject: IdCard, relatedRole: "LegalRepresentative") + "\n";

        var problem = SingleProblem(Assert.Single(Csv(text)));

        Assert.Equal("relatedEnterprise", problem.Column);
    }

    [Theory]
    [InlineData("Active", EntryStatus.Active)]
    [InlineData("active", EntryStatus.Active)]
    [InlineData("有效", EntryStatus.Active)]
    [InlineData("UnderObjection", EntryStatus.UnderObjection)]
    [InlineData("异议中", EntryStatus.UnderObjection)]
    [InlineData("Repaired", EntryStatus.Repaired)]
    [InlineData("已修复", EntryStatus.Repaired)]
    [InlineData("REVOKED", EntryStatus.Revoked)]
    [InlineData("已撤销", EntryStatus.Revoked)]
    [InlineData("", EntryStatus.Active)]
    public void ReadCsv_StatusValues_Parsed(string status, EntryStatus expected)
    {
        var text = FullHeader + "\n" + Row(status: status) + "\n";

        Assert.Equal(expected, Valid(Assert.Single(Csv(text))).Entry.Status);
    }

    [Theory]
    [InlineData("LegalRepresentative", RelatedRole.LegalRepresentative)]
    [InlineData("法定代表人", RelatedRole.LegalRepresentative)]
    [InlineData("主要负责人", RelatedRole.PrincipalPerson)]
    [InlineData("actualcontroller", RelatedRole.ActualController)]
    [InlineData("实际控制人", RelatedRole.ActualController)]
    public void ReadCsv_RelatedPerson_RelatedPartyRead(string role, RelatedRole expected)
    {
        var text = FullHeader + "\n"
            + Row(kind: "自然人", subject: IdCard, name: "王某", relatedEnterprise: "示例失信建设工程有限公司", relatedEnterpriseCode: Uscc, relatedRole: role) + "\n";

        var record = Valid(Assert.Single(Csv(text)));

        Assert.Equal(SubjectKind.NaturalPerson, record.Subject.Kind);
        Assert.Equal(new RelatedParty("示例失信建设工程有限公司", Uscc, expected), record.Entry.RelatedTo);
    }

    [Fact]
    public void ReadCsv_MissingEntryId_DerivedFromReference()
    {
        var text = FullHeader + "\n" + Row(reference: "(2024)粤0304执123号", entryId: "") + "\n";

        var entry = Valid(Assert.Single(Csv(text))).Entry;

        Assert.Equal("(2024)粤0304执123号", entry.EntryId);
        Assert.Equal("(2024)粤0304执123号", entry.DecisionReference);
    }

    [Fact]
    public void ReadCsv_EntryIdGiven_KeptApartFromReference()
    {
        var text = FullHeader + "\n" + Row(reference: "(2024)粤0304执123号", entryId: "cdd-2024-0001") + "\n";

        var entry = Valid(Assert.Single(Csv(text))).Entry;

        Assert.Equal("cdd-2024-0001", entry.EntryId);
        Assert.Equal("(2024)粤0304执123号", entry.DecisionReference);
    }

    [Fact]
    public void ReadCsv_NeitherEntryIdNorReference_ProblemNamesEntryIdColumn()
    {
        var text = FullHeader + "\n" + Row(reference: "", entryId: "") + "\n";

        var problem = SingleProblem(Assert.Single(Csv(text)));

        Assert.Equal("entryId", problem.Column);
        Assert.Contains("文号", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadCsv_FieldsTrimmed()
    {
        var text = FullHeader + "\n" + Row(name: "  示例有限公司  ", entryId: " wa-1 ", list: " wage-arrears ") + "\n";

        var entry = Valid(Assert.Single(Csv(text))).Entry;

        Assert.Equal("示例有限公司", entry.SubjectName);
        Assert.Equal("wa-1", entry.EntryId);
        Assert.Equal("wage-arrears", entry.ListCode);
    }

    // ---- Lists ----------------------------------------------------------------------------

    [Fact]
    public void ReadCsv_RowOfAnotherListThanFile_Problem()
    {
        var text = FullHeader + "\n" + Row(list: "wage-arrears") + "\n" + Row(list: "tax-grade-a", entryId: "ta-1") + "\n";

        var rows = Csv(text, defaultList: "wage-arrears");

        Assert.Equal("wage-arrears", Valid(rows[0]).Entry.ListCode);
        var problem = SingleProblem(rows[1]);
        Assert.Equal(3, problem.Line);
        Assert.Equal("list", problem.Column);
        Assert.Contains("'tax-grade-a'", problem.Message, StringComparison.Ordinal);
        Assert.Contains("'wage-arrears'", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadCsv_EmptyListCellWithDefaultList_UsesDefaultList()
    {
        var text = FullHeader + "\n" + Row(list: "") + "\n";

        Assert.Equal("abnormal-operations", Valid(Assert.Single(Csv(text, defaultList: "abnormal-operations"))).Entry.ListCode);
    }

    [Fact]
    public void ReadCsv_EmptyListCellWithoutDefaultList_Problem()
    {
        var text = FullHeader + "\n" + Row(list: "") + "\n";

        var problem = SingleProblem(Assert.Single(Csv(text)));

        Assert.Equal("list", problem.Column);
        Assert.Contains("missing", problem.Message, StringComparison.Ordinal);
    }

    // ---- Streaming and the sample file ------------------------------------------------------

    [Fact]
    public void ReadCsv_BadRowsAmongGoodRows_EveryRowYieldedInOrder()
    {
        var text = FullHeader + "\n"
            + Row() + "\n"
            + Row(subject: UsccBadCheck, entryId: "e-2") + "\n"
            + Row(subject: Uscc2, entryId: "e-3") + "\n"
            + "too,few\n"
            + Row(subject: Uscc3, entryId: "e-5") + "\n";

        var rows = Csv(text);

        Assert.Equal([2, 3, 4, 5, 6], rows.Select(r => r.Line));
        Assert.Equal([true, false, true, false, true], rows.Select(r => r.Record is not null));
    }

    [Fact]
    public void ReadCsv_SampleEntries_All268RowsValid()
    {
        var path = Path.Combine(SampleData, "entries.csv");
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);

        var rows = ListFileReader.ReadCsv(reader, path, null, SubjectIdParseMode.Strict).ToList();

        Assert.Equal(268, rows.Count);
        Assert.All(rows, r => Valid(r));
        Assert.Equal(206, rows.Count(r => r.Record!.Subject.Kind == SubjectKind.LegalEntity));
        Assert.Equal(62, rows.Count(r => r.Record!.Subject.Kind == SubjectKind.NaturalPerson));
        Assert.Equal(25, rows.Count(r => r.Record!.Entry.RelatedTo is not null));
        Assert.Equal(13, rows.Select(r => r.Record!.Entry.ListCode).Distinct().Count());
        Assert.Equal(268, rows.Select(r => (r.Record!.Entry.ListCode, r.Record.Entry.EntryId)).Distinct().Count());
    }

    [Theory]
    [InlineData("wage-arrears", 3)] // 人社部令第45号: 3 years
    [InlineData("major-tax-violators", 3)] // DOMAIN §2: 3 years
    [InlineData("procurement-serious-violations", 3)] // 政府采购法 第七十七条: 一至三年内禁止参加
    [InlineData("tax-grade-a", 1)] // yearly; the featured red-listed subject's grade is checked apart
    [InlineData("tax-grade-d", 1)]
    public void ReadCsv_SampleEntries_NoneLongerThanItsListAllows(string list, int years)
    {
        // Found by review: 示例欠薪劳务有限公司 was on wage-arrears for 6 years, 示例违规采购供应商有限公司 banned from
        // procurement for 4 (its summary said 1), 示例先红后黑贸易有限公司 on major-tax-violators for 4 and kept 纳税信用A级
        // until 2030 while listed.
        var tooLong = SampleRecords()
            .Where(r => r.Entry.ListCode == list && r.Entry is { ValidFrom: { } from, ValidUntil: { } until }
                && until > from.AddYears(years).AddMonths(years == 1 ? 1 : 0))
            .Where(r => r.Subject.Value != "91110105336900600J") // 示例绿色通道科技有限公司: kept in force for the samples (README)
            .Select(r => $"{r.Subject.Value} {r.Entry.EntryId} {r.Entry.ValidFrom:yyyy-MM-dd}..{r.Entry.ValidUntil:yyyy-MM-dd}")
            .ToList();

        Assert.Empty(tooLong);
    }

    [Fact]
    public void ReadCsv_SampleEntries_NoTaxGradeAWhileOnMajorTaxViolators()
    {
        // 税务总局令第54号: a 重大税收违法失信主体's 纳税信用 is D; the sample kept A while listed.
        var records = SampleRecords().ToList();
        var listed = records.Where(r => r.Entry.ListCode == "major-tax-violators" && r.Entry.Status == EntryStatus.Active).ToList();

        var overlapping = listed.Where(m => records.Any(a => a.Entry.ListCode == "tax-grade-a" && a.Subject.Value == m.Subject.Value
            && a.Entry.Status == EntryStatus.Active && (a.Entry.ValidUntil is null || a.Entry.ValidUntil > m.Entry.ValidFrom))).Select(m => m.Subject.Value);

        Assert.Empty(overlapping);
        Assert.Contains(records, r => r.Entry.ListCode == "tax-grade-d" && r.Subject.Value == "91440305039640179U" && r.Entry.ValidFrom == listed.Single(m => m.Subject.Value == "91440305039640179U").Entry.ValidFrom);
    }

    private static IEnumerable<ListRecord> SampleRecords()
    {
        var path = Path.Combine(SampleData, "entries.csv");
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return ListFileReader.ReadCsv(reader, path, null, SubjectIdParseMode.Strict).Select(r => r.Record!).ToList();
    }

    [Fact]
    public void ReadCsv_SampleFeaturedSubject_ReadAsDocumented()
    {
        var path = Path.Combine(SampleData, "entries.csv");
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);

        var rows = ListFileReader.ReadCsv(reader, path, null, SubjectIdParseMode.Strict)
            .Where(r => r.Record?.Subject.Value == "91320102MA1F3H080C")
            .ToList();

        var entry = Valid(Assert.Single(rows)).Entry;
        Assert.Equal("court-dishonest-debtors", entry.ListCode);
        Assert.Equal(EntryStatus.Repaired, entry.Status);
    }

    // ---- Regressions: a problem on a column the file does not have ----------------------------
    // ListFileReader.ReadCsv names a problem's column with header[Array.IndexOf(columns, c)]; when the
    // column is absent the index is -1 and the reader throws ArgumentOutOfRangeException instead of
    // reporting the row.

    [Fact]
    public void ReadCsv_NoKindColumnAndInvalidIdentifier_ProblemInsteadOfException()
    {
        var text = "list,subject,entryId\n" + "wage-arrears," + UsccBadCheck + ",e-1\n";

        var problem = SingleProblem(Assert.Single(Csv(text)));

        Assert.Equal(2, problem.Line);
        Assert.Contains("neither", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadCsv_NoEntryIdColumnAndEmptyReference_ProblemInsteadOfException()
    {
        var text = "list,kind,subject,reference\n" + "wage-arrears,LegalEntity," + Uscc + ",\n";

        var problem = SingleProblem(Assert.Single(Csv(text)));

        Assert.Equal(2, problem.Line);
        Assert.Contains("文号", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadCsv_RelatedEnterpriseWithoutRoleColumn_ProblemInsteadOfException()
    {
        var text = "list,kind,subject,reference,relatedEnterprise\n" + "wage-arrears,NaturalPerson," + IdCard + ",r-1,示例有限公司\n";

        var problem = SingleProblem(Assert.Single(Csv(text)));

        Assert.Equal(2, problem.Line);
    }
}
