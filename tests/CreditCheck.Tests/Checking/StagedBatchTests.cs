using CreditCheck.Stores;
using CreditCheck.Tests.Support;
using Microsoft.Extensions.Options;

namespace CreditCheck.Tests.Checking;

/// <summary>The checker's staged batch path (what the Redis store uses): the lookup slots and flags it hands
/// a store are pooled, so one batch's answers must never reach the next.</summary>
public sealed class StagedBatchTests
{
    [Fact]
    public async Task BatchesOfChangingSizes_EachDecidedFromItsOwnAnswers_FlagsAllClearOnEntry()
    {
        var harness = new CheckerHarness();
        await harness.ListAsync(Subjects.Tencent, "debtors");
        var store = new StagedStore(harness.Store);
        var checker = new CreditChecker(store, Options.Create(new CreditCheckOptions()), harness.Time);
        SubjectId[][] batches =
        [
            [Subjects.Alibaba, Subjects.Tencent, Subjects.Huawei, Subjects.Person, Subjects.OtherPerson],
            [Subjects.Tencent, Subjects.Tencent],
            [Subjects.Huawei, Subjects.Alibaba, Subjects.Person, Subjects.Tencent, Subjects.OtherPerson, Subjects.Huawei, Subjects.Alibaba],
            [Subjects.Alibaba],
        ];

        foreach (var batch in batches)
        {
            var decisions = await checker.CheckManyAsync([.. batch.Select(s => new CheckRequest(s, "procurement"))]);

            Assert.Equal(batch.Select(s => s == Subjects.Tencent ? DecisionOutcome.Denied : DecisionOutcome.Clear), decisions.Select(d => d.Outcome));
            Assert.Equal(batch.Select(s => s.Masked), decisions.Select(d => d.Subject));
            Assert.Equal(batch.Select(s => s == Subjects.Tencent ? DecisionPath.Store : DecisionPath.LocalFilter), decisions.Select(d => d.Path));
        }

        Assert.Equal(batches.Length, store.Batches);
        Assert.True(store.FlagsClearOnEntry);
        Assert.True(store.SlotsAtLeastBatch);
    }

    [Fact]
    public async Task LocalStageThrows_TheErrorWaitsForTheStoresRead_SoNoLaterBatchGetsItsSlotsWritten()
    {
        var harness = new CheckerHarness();
        await harness.ListAsync(Subjects.Tencent, "debtors");
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var store = new StagedStore(harness.Store, release.Task);
        var checker = new CreditChecker(store, Options.Create(new CreditCheckOptions()), harness.Time);

        // Alibaba is answered locally with an unknown scenario (the caller's mistake); Tencent is still being read.
        var pending = checker.CheckManyAsync([new CheckRequest(Subjects.Tencent, "procurement"), new CheckRequest(Subjects.Alibaba, "no-such-scenario")]).AsTask();
        await Task.Delay(50);
        Assert.False(pending.IsCompleted); // the error waits for the read that writes into the pooled slots
        release.SetResult();
        await Assert.ThrowsAsync<ArgumentException>(() => pending);
        Assert.True(store.ReadsFinished == store.Batches);

        var after = await checker.CheckManyAsync([new CheckRequest(Subjects.Alibaba, "procurement"), new CheckRequest(Subjects.Tencent, "procurement")]);
        Assert.Equal([DecisionOutcome.Clear, DecisionOutcome.Denied], after.Select(d => d.Outcome));
    }

    /// <summary>Answers subjects with no entry at once (as the filter does) and the rest after a yield (as a
    /// Redis read does), recording what the checker handed it.</summary>
    private sealed class StagedStore(InMemoryCreditStore inner, Task? remoteGate = null) : ICreditStore, IStagedBatchLookup
    {
        public int Batches { get; private set; }

        public int ReadsFinished { get; private set; }

        public bool FlagsClearOnEntry { get; private set; } = true;

        public bool SlotsAtLeastBatch { get; private set; } = true;

        public ValueTask<SubjectLookup> LookupAsync(SubjectId subject, CancellationToken cancellationToken = default) =>
            inner.LookupAsync(subject, cancellationToken);

        public ValueTask<IReadOnlyList<SubjectLookup>> LookupManyAsync(IReadOnlyList<SubjectId> subjects, CancellationToken cancellationToken = default) =>
            inner.LookupManyAsync(subjects, cancellationToken);

        public async ValueTask LookupManyAsync(IReadOnlyList<SubjectId> subjects, SubjectLookup[] lookups, bool[] answered, CancellationToken cancellationToken)
        {
            Batches++;
            FlagsClearOnEntry &= answered.Take(subjects.Count).All(flag => !flag);
            SlotsAtLeastBatch &= lookups.Length >= subjects.Count && answered.Length >= subjects.Count;
            var remote = new List<int>();
            for (var i = 0; i < subjects.Count; i++)
            {
                var lookup = await inner.LookupAsync(subjects[i], cancellationToken);
                if (lookup.Entries.Count == 0)
                {
                    lookups[i] = lookup with { Source = LookupSource.LocalFilter };
                    answered[i] = true;
                }
                else
                {
                    remote.Add(i);
                }
            }

            await Task.Yield();
            if (remoteGate is not null)
            {
                await remoteGate;
            }

            foreach (var i in remote)
            {
                lookups[i] = (await inner.LookupAsync(subjects[i], cancellationToken)) with { Source = LookupSource.Store };
            }

            ReadsFinished++;
        }
    }
}
