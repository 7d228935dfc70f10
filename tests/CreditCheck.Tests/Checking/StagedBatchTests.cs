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

    /// <summary>Answers subjects with no entry at once (as the filter does) and the rest after a yield (as a
    /// Redis read does), recording what the checker handed it.</summary>
    private sealed class StagedStore(InMemoryCreditStore inner) : ICreditStore, IStagedBatchLookup
    {
        public int Batches { get; private set; }

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
            foreach (var i in remote)
            {
                lookups[i] = (await inner.LookupAsync(subjects[i], cancellationToken)) with { Source = LookupSource.Store };
            }
        }
    }
}
