using CreditCheck.Tests.Support;

namespace CreditCheck.Tests.Checking;

/// <summary>CheckInBatchesAsync: any number of requests, at most one batch size per CheckManyAsync call.</summary>
public sealed class CheckInBatchesTests
{
    [Theory]
    [InlineData(1, 7)]
    [InlineData(3, 7)]
    [InlineData(7, 7)]
    [InlineData(10, 7)]
    public async Task DecisionsComeBackInRequestOrder_WhateverTheBatchSize(int batchSize, int count)
    {
        var harness = new CheckerHarness();
        await harness.ListAsync(Subjects.Tencent, "debtors");
        var subjects = new[] { Subjects.Alibaba, Subjects.Tencent, Subjects.Huawei, Subjects.Person, Subjects.Tencent, Subjects.OtherPerson, Subjects.Alibaba };
        var requests = subjects.Take(count).Select(s => new CheckRequest(s, "procurement")).ToArray();

        var decisions = await harness.Checker.CheckInBatchesAsync(requests, batchSize);

        Assert.Equal(count, decisions.Count);
        Assert.Equal(
            requests.Select(r => r.Subject == Subjects.Tencent ? DecisionOutcome.Denied : DecisionOutcome.Clear),
            decisions.Select(d => d.Outcome));
        Assert.Equal(requests.Select(r => r.Subject.Masked), decisions.Select(d => d.Subject));
    }

    [Fact]
    public async Task BatchSizeBelowOne_IsRefused() =>
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () =>
            await new CheckerHarness().Checker.CheckInBatchesAsync([new CheckRequest(Subjects.Tencent, "procurement")], 0));
}
