using CreditCheck.Redis;
using CreditCheck.Stores;
using CreditCheck.Tests.Support;
using Microsoft.Extensions.Options;

namespace CreditCheck.Tests.Redis;

/// <summary>A person named only because of an enterprise's entry, on Redis: once the enterprise's entry is repaired, the
/// person's lapses with it, for one check and in a batch (the batch's staged path reads the enterprise after the person).</summary>
public sealed class RedisRelatedEntryTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Fact]
    public async Task EnterpriseRepaired_ItsLegalRepresentativesEntryLapsesWithIt()
    {
        var enterprise = SyntheticIds.Company(90);
        var person = SyntheticIds.Person(90);
        var clean = SyntheticIds.Person(91);
        await using var harness = await RedisHarness.CreateAsync(redis.Server);
        var listed = TestRecords.Debt(enterprise, "e-1");
        var related = TestRecords.Debt(person, "e-1-rep");
        related = related with { Entry = related.Entry with { RelatedTo = new RelatedParty("示例失信企业有限公司", enterprise.Value, RelatedRole.LegalRepresentative) } };
        var imported = await harness.Publisher.ImportListAsync("debtors", [listed, related], ImportMode.Replace);
        await using var store = await harness.StartStoreAsync();
        await RedisHarness.WaitForAsync(store, imported.Sequence);
        var checker = new CreditChecker(store, Options.Create(new CreditCheckOptions()), TimeProvider.System);
        var before = await checker.CheckManyAsync([new CheckRequest(person, "procurement"), new CheckRequest(clean, "procurement")]);

        await harness.Publisher.SetStatusAsync(enterprise, "debtors", "e-1", EntryStatus.Repaired, "履行完毕");
        await RedisHarness.WaitForAsync(store, await harness.Publisher.GetSequenceAsync());
        var one = await checker.CheckAsync(new CheckRequest(person, "procurement"));
        var batch = await checker.CheckManyAsync([new CheckRequest(person, "procurement"), new CheckRequest(clean, "procurement")]);

        Assert.Equal(EntryState.InForce, Assert.Single(before[0].MatchedEntries).State);
        Assert.Equal(EntryState.Repaired, Assert.Single(one.MatchedEntries).State);
        Assert.Equal(EntryState.Repaired, Assert.Single(batch[0].MatchedEntries).State);
        Assert.Contains("关联企业“示例失信企业有限公司”已信用修复（履行完毕）", one.MatchedEntries[0].Entry.StatusReason, StringComparison.Ordinal);
        Assert.Equal(DecisionOutcome.Clear, batch[1].Outcome);
    }
}
