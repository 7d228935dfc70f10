using CreditCheck.Tests.Support;

namespace CreditCheck.Tests.Checking;

/// <summary>The one wording adapters show a clerk for a decision's entries.</summary>
public sealed class DecisionReasonsTests
{
    [Fact]
    public async Task Describe_EntryInForceUnderObjectionRedListAndExpired_OnlyThoseThatCallForAction()
    {
        var harness = new CheckerHarness();
        await harness.ListAsync(Subjects.Tencent, "debtors");
        await harness.ListAsync(Subjects.Tencent, "debtors", EntryStatus.UnderObjection);
        await harness.ListAsync(Subjects.Tencent, "grade-a");
        await harness.ListAsync(Subjects.Tencent, "debtors", until: CheckerHarness.Now.AddDays(-1));
        var decision = await harness.CheckAsync(Subjects.Tencent, "procurement");

        var texts = decision.MatchedEntries.Select(e => DecisionReasons.Describe(e, "投标人甲", "需核查")).ToList();

        Assert.Equal(4, texts.Count);
        Assert.Contains("投标人甲列入失信被执行人名单，需核查", texts);
        Assert.Contains("投标人甲列入失信被执行人名单（异议处理中），需核查", texts);
        Assert.Equal(2, texts.Count(t => t is null)); // the red list and the expired entry
    }

    [Fact]
    public async Task Describe_PersonOnlyLinkedThroughAListedEnterprise_IsNotSaidToBeListed()
    {
        // Found from outside: "法定代表人列入失信被执行人名单" for a person not on the list himself.
        var harness = new CheckerHarness();
        var related = new RelatedParty("示例失信建设工程有限公司", "9144030071526726XG", RelatedRole.LegalRepresentative);
        await harness.ListAsync(Subjects.Person, "debtors", related: related);
        var decision = await harness.CheckAsync(Subjects.Person, "public-service");

        var text = DecisionReasons.Describe(Assert.Single(decision.MatchedEntries), "申请人", "从严审核");

        Assert.Equal("申请人为列入失信被执行人名单的“示例失信建设工程有限公司”的法定代表人（本人未列入），从严审核", text);
    }

    [Fact]
    public void RoleName_EveryRole_AsTheRegulationsNameIt()
    {
        Assert.Equal(
            ["法定代表人", "主要负责人", "实际控制人", "直接负责的主管人员和其他直接责任人员"],
            [DecisionReasons.RoleName(RelatedRole.LegalRepresentative), DecisionReasons.RoleName(RelatedRole.PrincipalPerson),
             DecisionReasons.RoleName(RelatedRole.ActualController), DecisionReasons.RoleName(RelatedRole.DirectlyResponsiblePerson)]);
    }
}
