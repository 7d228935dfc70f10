using CreditCheck.ListFiles;
using static CreditCheck.Tests.ListFiles.ListFileTestData;

namespace CreditCheck.Tests.ListFiles;

/// <summary>List files carry whether a person named with an enterprise is listed in their own right (co-listed)
/// or affected only through the enterprise's entry, under English and Chinese headers.</summary>
public sealed class ListFileCoListingTests
{
    private const string Enterprise = "示例欠薪建筑有限公司";

    [Theory]
    [InlineData("listedInOwnRight", "true", true)]
    [InlineData("listedInOwnRight", "false", false)]
    [InlineData("本人列入", "是", true)]
    [InlineData("本人列入", "否", false)]
    [InlineData("共同列入", "本人列入", true)]
    [InlineData("本人列入", "关联", false)]
    public void ReadCsv_OwnRightColumn_CarriedOnTheRelatedParty(string header, string value, bool expected)
    {
        var text = $"list,kind,subject,name,reference,relatedEnterprise,relatedRole,{header}\n"
            + $"wage-arrears,自然人,{IdCard},李某,京人社欠〔2025〕1号,{Enterprise},法定代表人,{value}\n";

        var record = Valid(Assert.Single(Csv(text)));

        Assert.Equal(expected, record.Entry.RelatedTo?.ListedInOwnRight);
    }

    [Fact]
    public void ReadCsv_NoOwnRightColumn_LeftToTheList()
    {
        var text = "list,kind,subject,name,reference,relatedEnterprise,relatedRole\n"
            + $"wage-arrears,自然人,{IdCard},李某,京人社欠〔2025〕1号,{Enterprise},法定代表人\n";

        var record = Valid(Assert.Single(Csv(text)));

        Assert.NotNull(record.Entry.RelatedTo);
        Assert.Null(record.Entry.RelatedTo.ListedInOwnRight);
    }

    [Theory]
    [InlineData("直接负责的主管人员和其他直接责任人员")]
    [InlineData("直接责任人员")]
    [InlineData("DirectlyResponsiblePerson")]
    public void ReadCsv_DirectlyResponsiblePersonRole_Read(string role)
    {
        var text = "list,kind,subject,name,reference,关联企业,关联身份\n"
            + $"wage-arrears,自然人,{IdCard},李某,京人社欠〔2025〕1号,{Enterprise},{role}\n";

        var record = Valid(Assert.Single(Csv(text)));

        Assert.Equal(RelatedRole.DirectlyResponsiblePerson, record.Entry.RelatedTo?.Role);
    }

    [Fact]
    public void ReadCsv_OwnRightNotYesOrNo_ProblemNamesTheColumn()
    {
        var text = "list,kind,subject,name,reference,relatedEnterprise,relatedRole,本人列入\n"
            + $"wage-arrears,自然人,{IdCard},李某,京人社欠〔2025〕1号,{Enterprise},法定代表人,也许\n";

        var problem = SingleProblem(Assert.Single(Csv(text)));

        Assert.Equal("本人列入", problem.Column);
        Assert.Contains("'也许'", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadCsv_OwnRightWithoutAnEnterprise_Problem()
    {
        var text = "list,kind,subject,name,reference,listedInOwnRight\n"
            + $"wage-arrears,自然人,{IdCard},李某,京人社欠〔2025〕1号,true\n";

        var problem = SingleProblem(Assert.Single(Csv(text)));

        Assert.Equal("listedInOwnRight", problem.Column);
    }

    [Fact]
    public void ReadJson_OwnRightBoolean_CarriedOnTheRelatedParty()
    {
        var json = $$"""
            [{ "list": "court-dishonest-debtors", "kind": "NaturalPerson", "subject": "{{IdCard}}", "name": "王某", "reference": "(2025)京0105执2号",
               "relatedEnterprise": "示例失信企业有限公司", "relatedRole": "主要负责人", "listedInOwnRight": true }]
            """;

        var record = Valid(Assert.Single(Json(json)));

        Assert.Equal(new RelatedParty("示例失信企业有限公司", null, RelatedRole.PrincipalPerson) { ListedInOwnRight = true }, record.Entry.RelatedTo);
    }

    [Fact]
    public void WriteJson_CoListedPerson_ReadsBackTheSame()
    {
        var entry = new ListEntry
        {
            EntryId = "wa-1",
            ListCode = "wage-arrears",
            SubjectKind = SubjectKind.NaturalPerson,
            SubjectName = "李某",
            RelatedTo = new RelatedParty(Enterprise, null, RelatedRole.DirectlyResponsiblePerson) { ListedInOwnRight = true },
        };
        var subject = SubjectId.Parse(IdCard, SubjectKind.NaturalPerson);
        using var stream = new MemoryStream();

        ListFileWriter.WriteJson(stream, [new CreditCheck.Stores.ListRecord(subject, entry)]);

        var record = Valid(Assert.Single(Json(System.Text.Encoding.UTF8.GetString(stream.ToArray()))));
        Assert.Equal(entry.RelatedTo, record.Entry.RelatedTo);
    }
}
