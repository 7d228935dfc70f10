using System.Diagnostics;
using CreditCheck.Tests.Support;

namespace CreditCheck.Tests.Cli;

/// <summary>
/// The tool started as a process and killed (as <c>kill -9</c> would) while an import is staging: the
/// previous data stays live and intact, and the import run again lands whole.
/// </summary>
[Collection(CliTestGroup.Name)]
public sealed class ImportKillTests(RedisFixture redis)
{
    private const int OldRows = 1_000;
    private const int NewRows = 200_000;
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Import_KilledWhileStaging_OldDataStaysLiveAndTheRerunLands()
    {
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        // List A: subjects no generated row has (organization codes from 05000000), in force until 2099.
        var oldFile = cli.WriteCsv("a.csv", [.. Enumerable.Range(0, OldRows).Select(n => Rows.Entity(5_000_000 + n, entryId: $"a-{n}"))]);
        await cli.RunOkAsync("import", oldFile, "--list", CliSession.Debtors);
        var oldSequence = await cli.SequenceAsync();
        var bigFile = cli.PathOf("big.csv");
        await cli.RunOkAsync("generate", "--count", NewRows.ToString(System.Globalization.CultureInfo.InvariantCulture), "--out", bigFile);
        var newOnly = File.ReadLines(bigFile).Skip(150_001).First().Split(',')[2]; // gen-150000's subject
        var oldSubject = Rows.Company(5_000_000);

        var prefix = $"cc:{{{cli.Namespace}}}:";
        var lockKey = prefix + "lock:" + CliSession.Debtors;
        async Task<IReadOnlyList<string>> StagedKeysAsync() => await redis.Server.KeysAsync(prefix + "stage:*");

        // 1. Start the big import and kill it once it is staging.
        using (var killed = CliProcess.Start(cli, "import", bigFile, "--list", CliSession.Debtors, "--json"))
        {
            try
            {
                var clock = Stopwatch.StartNew();
                while ((await StagedKeysAsync()).Count == 0)
                {
                    Assert.False(killed.Process.HasExited, $"The import ended before it was seen staging: {killed}");
                    Assert.True(clock.Elapsed < StepTimeout, $"The import was not seen staging within {StepTimeout}: {killed}");
                    await Task.Delay(10);
                }

                await Task.Delay(100); // let a few chunks land
                Assert.False(killed.Process.HasExited, $"The import ended before it could be killed: {killed}");
                killed.Process.Kill(entireProcessTree: true);
                await killed.Process.WaitForExitAsync().WaitAsync(StepTimeout);
            }
            finally
            {
                killed.Stop();
            }

            Assert.DoesNotContain("\"added\"", killed.Output, StringComparison.Ordinal); // it never reported a commit
        }

        // 2. The old data is live and intact; nothing of the new file is visible, though staged data was left behind.
        Assert.NotEmpty(await StagedKeysAsync());
        Assert.Equal(OldRows, await cli.EntriesAsync());
        Assert.Equal(oldSequence, await cli.SequenceAsync());
        Assert.Equal("Denied", await cli.OutcomeAsync(oldSubject));
        Assert.Equal("Denied", await cli.OutcomeAsync(Rows.Company(5_000_000 + OldRows - 1)));
        Assert.Equal("Clear", await cli.OutcomeAsync(newOnly));
        Assert.Empty(await cli.LookupAsync(newOnly));
        Assert.Equal("a-0", Assert.Single(await cli.LookupAsync(oldSubject)).EntryId);

        // 3. Run again. The killed process may still hold the list's import lock (a lease): the tool
        //    then says so (exit 4) and changes nothing; once the lease is gone, the import runs.
        var rerun = await cli.RunAsync("import", bigFile, "--list", CliSession.Debtors, "--json");
        if (rerun.ExitCode == Exit.Conflict)
        {
            Assert.Contains("Another import", rerun.Error, StringComparison.Ordinal);
            Assert.Equal(OldRows, await cli.EntriesAsync());
            Assert.Equal(":1", await redis.Server.CommandAsync("DEL", lockKey)); // the lease ends
            using var completed = CliProcess.Start(cli, "import", bigFile, "--list", CliSession.Debtors, "--json");
            try
            {
                await completed.Process.WaitForExitAsync().WaitAsync(StepTimeout);
            }
            finally
            {
                completed.Stop();
            }

            Assert.True(completed.Process.ExitCode == Exit.Ok, completed.ToString());
            rerun = new CliResult(completed.Process.ExitCode, completed.Output, completed.Error);
        }

        // 4. The new data landed whole; list A, absent from the file, is gone; no staging is left.
        Assert.True(rerun.ExitCode == Exit.Ok, rerun.ToString());
        Assert.Equal((NewRows, OldRows), (rerun.Json["added"]!.GetValue<int>(), rerun.Json["removed"]!.GetValue<int>()));
        Assert.Equal(NewRows, await cli.EntriesAsync());
        Assert.Equal(rerun.Json["sequence"]!.GetValue<long>(), await cli.SequenceAsync());
        Assert.Equal("Clear", await cli.OutcomeAsync(oldSubject));
        Assert.Equal("gen-150000", Assert.Single(await cli.LookupAsync(newOnly)).EntryId);
        Assert.Empty(await StagedKeysAsync());
        // Every entry field left in the subjects' hashes is a live one: what the killed import staged was collected.
        const string countFields = "local n = 0 for _, k in ipairs(redis.call('KEYS', ARGV[1])) do n = n + redis.call('HLEN', k) end return n";
        Assert.Equal($":{NewRows}", await redis.Server.CommandAsync("EVAL", countFields, "0", prefix + "e:*"));
        Assert.Equal(":0", await redis.Server.CommandAsync("EXISTS", lockKey));
    }
}
