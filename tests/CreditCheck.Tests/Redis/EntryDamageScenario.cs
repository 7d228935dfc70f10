using System.Text;
using CreditCheck.Redis;
using CreditCheck.Stores;
using CreditCheck.Tests.Feedback;
using CreditCheck.Tests.Support;
using Microsoft.Extensions.Options;

namespace CreditCheck.Tests.Redis;

/// <summary>A subject's entry hash deleted by hand while its list's manifest still matches, on a single server
/// or a cluster: the idle sample finds it, the subject is never answered Clear, <c>verify</c> names it, and a
/// replace import of the full export then a verify bring the answers back.</summary>
internal static class EntryDamageScenario
{
    public static readonly SubjectId[] People = [.. Enumerable.Range(0, 40).Select(SyntheticIds.Person)];

    public static IEnumerable<ListRecord> Export() => People.Select(p => TestRecords.Debt(p, "p"));

    public static ICreditChecker Checker(ICreditStore store) =>
        new CreditChecker(store, Options.Create(new CreditCheckOptions { OnUnavailable = UnavailablePolicy.FailClosed }), TimeProvider.System);

    /// <summary>The entry hash key of a subject in the namespace (the test secret's keyed hash).</summary>
    public static string EntryKey(string ns, SubjectId subject)
    {
        using var keys = new SubjectKeys(Encoding.UTF8.GetBytes(RedisHarness.Secret));
        return $"cc:{{{ns}}}:e:{keys.StorageKey(subject)}";
    }

    public static async Task<string> WaitForAsync(Func<string?> condition, string what, int seconds = 20, Func<string?>? state = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        string? seen;
        while ((seen = condition()) is null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(25);
        }

        return seen ?? throw new TimeoutException($"not seen within {seconds} s: {what} ({state?.Invoke()})");
    }

    public static async Task RunAsync(IRedisDeployment deployment, Func<string, string, Task> delete)
    {
        await using var harness = await RedisHarness.CreateAsync(deployment);
        var imported = await harness.Publisher.ImportListAsync("debtors", Export(), ImportMode.Replace);
        var logs = new LogCapture();
        await using var store = new RedisCreditStore(RedisHarness.Options(deployment, harness.Namespace), new CreditCheckOptions(), null, TimeProvider.System, logs.Factory())
        {
            EntrySampleSize = 64, // the whole of a 40-entry list: the deleted one is sampled at the first poll
        };
        await store.StartAsync();
        await RedisHarness.WaitForAsync(store, imported.Sequence, 10_000);
        Assert.Null(store.Status.Damage);
        var checker = Checker(store);
        Assert.Equal(DecisionOutcome.Denied, (await checker.CheckAsync(new CheckRequest(People[3], "procurement"))).Outcome);

        // People[5]'s entry hash goes behind the publisher's back; every manifest still matches.
        var key = EntryKey(harness.Namespace, People[5]);
        await delete(harness.Namespace, key);
        var damage = await WaitForAsync(() => store.Status.Damage, "the deleted entry hash reported");

        Assert.Contains(key, damage, StringComparison.Ordinal);
        Assert.Contains("found by sampling", damage, StringComparison.Ordinal);
        var decisions = await checker.CheckManyAsync([.. People.Select(p => new CheckRequest(p, "procurement"))]);
        Assert.DoesNotContain(decisions, d => d.Outcome == DecisionOutcome.Clear);
        var hit = await checker.CheckAsync(new CheckRequest(People[5], "procurement"));
        Assert.True(hit.IsDegraded);
        Assert.Equal(DecisionOutcome.Review, hit.Outcome);
        Assert.Contains(key, hit.DegradedReason, StringComparison.Ordinal);
        Assert.Equal(DecisionOutcome.Denied, (await checker.CheckAsync(new CheckRequest(People[6], "procurement"))).Outcome);
        var clean = await checker.CheckAsync(new CheckRequest(Subjects.Huawei, "procurement"));
        Assert.Equal(DecisionOutcome.Clear, clean.Outcome); // the filter rules it out: its source is whole
        Assert.False(clean.IsDegraded, clean.DegradedReason);
        Assert.NotEmpty(logs.Of(2111));
        Assert.Equal(damage, ((IStoreHealth)store).Health.Damage);

        // verify names it; a replace import of the full export restores it; verify then finds all whole.
        var found = await harness.Publisher.VerifyAsync();
        var list = Assert.Single(found.Lists);
        Assert.False(found.IsWhole);
        Assert.False(found.MarkWritten);
        Assert.Equal((40, 1L), (list.Checked, list.Missing));
        Assert.Contains(key, Assert.Single(list.FirstMissing), StringComparison.Ordinal);

        var summary = await harness.Publisher.ImportListAsync("debtors", Export(), ImportMode.Replace);
        var after = await harness.Publisher.VerifyAsync();
        await WaitForAsync(() => store.Status.Damage is null ? "whole" : null, "the store answering normally again");

        Assert.Equal(40, summary.Unchanged);
        Assert.True(after.IsWhole);
        Assert.True(after.MarkWritten);
        Assert.Equal(DecisionOutcome.Denied, (await checker.CheckAsync(new CheckRequest(People[5], "procurement"))).Outcome);
        Assert.NotEmpty(logs.Of(2112));
    }
}
