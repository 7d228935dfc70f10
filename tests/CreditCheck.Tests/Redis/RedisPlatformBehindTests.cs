using CreditCheck.Redis;
using CreditCheck.Stores;
using CreditCheck.Tests.Feedback;
using CreditCheck.Tests.Support;
using Microsoft.Extensions.Options;

namespace CreditCheck.Tests.Redis;

/// <summary>The platform link's sync relay marks a namespace behind its credit platform (field <c>behind</c> of
/// <c>cc:{ns}:platform</c>) while a snapshot is half applied or a change cannot be applied yet. Found from outside:
/// hosts never read the mark, so a subject the platform listed in a change not yet applied was answered Clear.</summary>
public sealed class RedisPlatformBehindTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private static readonly SubjectId Listed = SyntheticIds.Company(61);
    private static readonly SubjectId NotListedHere = SyntheticIds.Company(62);

    [Fact]
    public async Task BehindItsPlatform_NoSubjectIsAnsweredClear_UntilTheMarkIsCleared()
    {
        await using var harness = await RedisHarness.CreateAsync(redis.Server);
        var imported = await harness.Publisher.ImportListAsync("debtors", [TestRecords.Debt(Listed, "p-1")], ImportMode.Replace);
        var logs = new LogCapture();
        await using var store = new RedisCreditStore(RedisHarness.Options(redis.Server, harness.Namespace, o => o.PollInterval = TimeSpan.FromMilliseconds(100)), new CreditCheckOptions(), null, TimeProvider.System, logs.Factory());
        await store.StartAsync(TestContext.Current.CancellationToken);
        await RedisHarness.WaitForAsync(store, imported.Sequence);
        var checker = new CreditChecker(store, Options.Create(new CreditCheckOptions { OnUnavailable = UnavailablePolicy.FailClosed }), TimeProvider.System);
        Assert.Equal(DecisionOutcome.Clear, (await checker.CheckAsync(new CheckRequest(NotListedHere, "procurement"))).Outcome);

        var mark = $"cc:{{{harness.Namespace}}}:platform";
        await redis.Server.CommandAsync("HSET", mark, "version", "0", "snapshot", "7", "behind", "snapshot 7 begun and not applied in full");
        await WaitAsync(() => store.Status.PlatformBehind is not null);

        var clean = await checker.CheckAsync(new CheckRequest(NotListedHere, "procurement"));
        var batch = await checker.CheckManyAsync([new CheckRequest(NotListedHere, "procurement"), new CheckRequest(Listed, "procurement")]);
        var listed = await checker.CheckAsync(new CheckRequest(Listed, "procurement"));

        Assert.Equal(DecisionOutcome.Review, clean.Outcome);
        Assert.Equal(DecisionPath.Policy, clean.Path);
        Assert.Contains("behind its credit platform: snapshot 7 begun and not applied in full", clean.DegradedReason, StringComparison.Ordinal);
        Assert.Equal(DecisionOutcome.Review, batch[0].Outcome);
        Assert.True(batch[0].IsDegraded);
        Assert.Equal(DecisionOutcome.Denied, batch[1].Outcome);
        Assert.Equal(DecisionOutcome.Denied, listed.Outcome);
        Assert.Contains("behind its credit platform", ((IStoreHealth)store).Health.Damage, StringComparison.Ordinal);
        Assert.Single(logs.Of(2150));

        await redis.Server.CommandAsync("HDEL", mark, "behind");
        await WaitAsync(() => store.Status.PlatformBehind is null);

        var after = await checker.CheckAsync(new CheckRequest(NotListedHere, "procurement"));
        Assert.Equal(DecisionOutcome.Clear, after.Outcome);
        Assert.False(after.IsDegraded);
        Assert.Null(((IStoreHealth)store).Health.Damage);
        Assert.Single(logs.Of(2151));
    }

    [Fact]
    public async Task BehindItsPlatformBeforeTheFirstSync_TheFirstAnswersAreDegraded()
    {
        await using var harness = await RedisHarness.CreateAsync(redis.Server);
        await harness.Publisher.ImportListAsync("debtors", [TestRecords.Debt(Listed, "p-1")], ImportMode.Replace);
        await redis.Server.CommandAsync("HSET", $"cc:{{{harness.Namespace}}}:platform", "version", "0", "snapshot", "3", "behind", "snapshot 3 begun and not applied in full");

        await using var store = await harness.StartStoreAsync();
        var checker = new CreditChecker(store, Options.Create(new CreditCheckOptions { OnUnavailable = UnavailablePolicy.FailClosed }), TimeProvider.System);
        var clean = await checker.CheckAsync(new CheckRequest(NotListedHere, "procurement"));

        Assert.Equal(DecisionOutcome.Review, clean.Outcome);
        Assert.Contains("behind its credit platform", clean.DegradedReason, StringComparison.Ordinal);
    }

    private static async Task WaitAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.True(condition(), "the store did not see the mark change within 10 s");
    }
}
