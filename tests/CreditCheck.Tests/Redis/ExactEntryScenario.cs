using CreditCheck.Redis;
using CreditCheck.Stores;
using CreditCheck.Tests.Feedback;
using CreditCheck.Tests.Support;

namespace CreditCheck.Tests.Redis;

/// <summary>One subject's entry hash deleted by hand in a large list, checked at once — with the idle sample off, so
/// nothing but the check itself can find it: the single and the batch check are degraded naming the key, never Clear;
/// a true false positive of the filter and a subject removed from the list stay Clear; <c>verify</c> and a replace
/// import bring the answers back. On a single server or a cluster.</summary>
internal static class ExactEntryScenario
{
    private const string Scenario = "procurement";

    public static async Task RunAsync(IRedisDeployment deployment, Func<string, string, Task> delete, int listed)
    {
        var people = Enumerable.Range(0, listed).Select(SyntheticIds.Person).ToArray();
        IEnumerable<ListRecord> Export(Func<int, bool> keep) => Enumerable.Range(0, listed).Where(keep).Select(i => TestRecords.Debt(people[i], "p"));

        await using var harness = await RedisHarness.CreateAsync(deployment);
        var imported = await harness.Publisher.ImportListAsync("debtors", Export(_ => true), ImportMode.Replace);
        var logs = new LogCapture();
        var stores = new List<RedisCreditStore>();
        async Task<(RedisCreditStore Store, ICreditChecker Checker)> StartAsync()
        {
            // A generous timeout: on a loaded machine the proof (and the index search) must not run out of time here.
            var options = RedisHarness.Options(deployment, harness.Namespace, o => o.OperationTimeout = TimeSpan.FromSeconds(10));
            var store = new RedisCreditStore(options, new CreditCheckOptions(), null, TimeProvider.System, logs.Factory())
            {
                EntrySampleSize = 0, // no idle sample: only the check itself can find the deleted hash
                ProofScanBytes = 64 * 1024, // the proof scans the filter sources in several calls
            };
            stores.Add(store);
            await store.StartAsync();
            await RedisHarness.WaitForAsync(store, imported.Sequence, 10_000);
            return (store, EntryDamageScenario.Checker(store));
        }

        try
        {
            var (single, singleChecker) = await StartAsync();
            var (batch, batchChecker) = await StartAsync();

            // A clean subject the filter holds: a true false positive (none of these people is listed).
            var falsePositive = Enumerable.Range(1_000_000, 200_000).Select(SyntheticIds.Person).First(single.FilterHolds);

            // With the proof filter (the default), a false positive is ruled out locally, or (1 in ~800) proven in Redis.
            var cleanFirst = await singleChecker.CheckAsync(new CheckRequest(falsePositive, Scenario));
            Assert.Equal(DecisionOutcome.Clear, cleanFirst.Outcome);
            Assert.False(cleanFirst.IsDegraded, cleanFirst.DegradedReason);
            Assert.Equal(1, single.EmptyReadsRuledOut + single.EmptyReadProofs);

            // Every manifest still matches after this: only the check can tell.
            var deleted = EntryDamageScenario.EntryKey(harness.Namespace, people[5]);
            await delete(harness.Namespace, deleted);

            // The single check, at once.
            var proofsBefore = single.EmptyReadProofs;
            var hit = await singleChecker.CheckAsync(new CheckRequest(people[5], Scenario));
            Assert.Equal(DecisionOutcome.Review, hit.Outcome);
            Assert.True(hit.IsDegraded);
            Assert.Contains(deleted, hit.DegradedReason, StringComparison.Ordinal);
            Assert.Contains(deleted, single.Status.Damage, StringComparison.Ordinal);
            Assert.Contains(deleted, single.Status.LastError, StringComparison.Ordinal);
            Assert.Contains(deleted, ((IStoreHealth)single).Health.Damage, StringComparison.Ordinal);
            Assert.Contains(logs.Of(2111), e => e.Message.Contains(deleted, StringComparison.Ordinal));
            Assert.Equal(proofsBefore + 1, single.EmptyReadProofs);

            // The false positive on the other store (no damage known there yet), proven in Redis: Clear, not degraded.
            batch.UseProofFilter = false;
            var proofs = batch.EmptyReadProofs;
            var clean = await batchChecker.CheckAsync(new CheckRequest(falsePositive, Scenario));
            Assert.Equal(DecisionOutcome.Clear, clean.Outcome);
            Assert.False(clean.IsDegraded, clean.DegradedReason);
            Assert.Null(batch.Status.Damage);
            Assert.Equal(proofs + 1, batch.EmptyReadProofs);
            batch.UseProofFilter = true;

            // The batch check, at once: the deleted one among listed and clean subjects.
            var requests = people.Take(20).Append(falsePositive).Append(SyntheticIds.Person(2_000_000)).Select(p => new CheckRequest(p, Scenario)).ToArray();
            var decisions = await batchChecker.CheckManyAsync(requests);
            Assert.DoesNotContain(decisions.Take(20), d => d.Outcome == DecisionOutcome.Clear);
            Assert.True(decisions[5].IsDegraded);
            Assert.Contains(deleted, decisions[5].DegradedReason, StringComparison.Ordinal);
            Assert.Equal(DecisionOutcome.Denied, decisions[4].Outcome);
            Assert.Equal(DecisionOutcome.Clear, decisions[21].Outcome); // ruled out by the filter, whose source is whole
            Assert.Contains(deleted, batch.Status.Damage, StringComparison.Ordinal);

            // A list with a removal: a fingerprint in its source no longer proves the subject listed; the index does.
            var removed = await harness.Publisher.RemoveAsync(people[11], "debtors", "p");
            Assert.True(removed);
            var deletedToo = EntryDamageScenario.EntryKey(harness.Namespace, people[12]);
            await delete(harness.Namespace, deletedToo);
            var (third, thirdChecker) = await StartAsync();
            var thirdProofs = third.EmptyReadProofs;
            var gone = await thirdChecker.CheckAsync(new CheckRequest(people[11], Scenario));
            Assert.Equal(thirdProofs + 1, third.EmptyReadProofs); // its fingerprint is still in kb: the index tells
            Assert.Equal(DecisionOutcome.Clear, gone.Outcome);
            Assert.False(gone.IsDegraded, gone.DegradedReason);
            Assert.Equal(DecisionOutcome.Clear, (await thirdChecker.CheckAsync(new CheckRequest(falsePositive, Scenario))).Outcome);
            Assert.Null(third.Status.Damage);
            var hitToo = await thirdChecker.CheckAsync(new CheckRequest(people[12], Scenario));
            Assert.True(hitToo.IsDegraded);
            Assert.Equal(DecisionOutcome.Review, hitToo.Outcome);
            Assert.Contains(deletedToo, hitToo.DegradedReason, StringComparison.Ordinal);
            Assert.Contains(deletedToo, third.Status.Damage, StringComparison.Ordinal);

            // A list with removals too long to search in time: the subject removed by RemoveAsync is in the list's
            // removed set (rm:{list}), so it is told without a search and stays Clear.
            var (fourth, fourthChecker) = await StartAsync();
            fourth.MarkUnsearchable("debtors");
            var known = await fourthChecker.CheckAsync(new CheckRequest(people[11], Scenario));
            Assert.Equal(DecisionOutcome.Clear, known.Outcome);
            Assert.False(known.IsDegraded, known.DegradedReason);

            // Listed again (the upsert takes it out of the removed set), then its hash deleted: the set no longer vouches
            // for it, the index search finds it, and it is damage, not Clear.
            await harness.Publisher.UpsertAsync(TestRecords.Debt(people[11], "p"));
            var relisted = EntryDamageScenario.EntryKey(harness.Namespace, people[11]);
            await delete(harness.Namespace, relisted);
            var (fifth, fifthChecker) = await StartAsync();
            var hidden = await fifthChecker.CheckAsync(new CheckRequest(people[11], Scenario));
            Assert.Equal(DecisionOutcome.Review, hidden.Outcome);
            Assert.True(hidden.IsDegraded);
            Assert.Contains(relisted, hidden.DegradedReason, StringComparison.Ordinal);
            Assert.Contains(relisted, fifth.Status.Damage, StringComparison.Ordinal);

            // Removed once more (its hash holds no field of the list): in the set again, Clear on a store without that damage.
            Assert.True(await harness.Publisher.RemoveAsync(people[11], "debtors", "p"));
            var (sixth, sixthChecker) = await StartAsync();
            sixth.MarkUnsearchable("debtors");
            var removedAgain = await sixthChecker.CheckAsync(new CheckRequest(people[11], Scenario));
            Assert.Equal(DecisionOutcome.Clear, removedAgain.Outcome);
            Assert.False(removedAgain.IsDegraded, removedAgain.DegradedReason);

            // A removal the set does not know (made by an older version, or the set deleted): the removed subject
            // cannot be told from a deleted hash without the search, so it is degraded (not Clear), naming the index;
            // no damage is claimed.
            await delete(harness.Namespace, $"cc:{{{harness.Namespace}}}:rm:debtors");
            (fourth, fourthChecker) = await StartAsync();
            fourth.MarkUnsearchable("debtors");
            var untold = await fourthChecker.CheckAsync(new CheckRequest(people[11], Scenario));
            Assert.Equal(DecisionOutcome.Review, untold.Outcome);
            Assert.True(untold.IsDegraded);
            Assert.Contains($"cc:{{{harness.Namespace}}}:l:debtors", untold.DegradedReason, StringComparison.Ordinal);
            Assert.Contains("could not be told", untold.DegradedReason, StringComparison.Ordinal);
            Assert.Null(fourth.Status.Damage);

            // verify names them; a replace import of the full export (without the removed one) restores them.
            var found = await harness.Publisher.VerifyAsync();
            Assert.Equal(2L, Assert.Single(found.Lists).Missing);
            var repaired = await harness.Publisher.ImportListAsync("debtors", Export(i => i != 11), ImportMode.Replace);
            Assert.True((await harness.Publisher.VerifyAsync()).IsWhole);
            foreach (var store in stores)
            {
                await RedisHarness.WaitForAsync(store, repaired.Sequence, 10_000);
                await EntryDamageScenario.WaitForAsync(() => store.Status.Damage is null ? "whole" : null, "the store answering normally again", state: () => store.Status.Damage);
            }

            Assert.Equal(DecisionOutcome.Denied, (await singleChecker.CheckAsync(new CheckRequest(people[5], Scenario))).Outcome);
            Assert.Equal(DecisionOutcome.Denied, (await thirdChecker.CheckAsync(new CheckRequest(people[12], Scenario))).Outcome);
            Assert.Equal(DecisionOutcome.Clear, (await batchChecker.CheckAsync(new CheckRequest(people[11], Scenario))).Outcome);
            Assert.NotEmpty(logs.Of(2112));
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }
}
