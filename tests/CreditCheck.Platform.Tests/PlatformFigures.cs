using System.Diagnostics;
using System.Globalization;

namespace CreditCheck.Platform.Tests;

using CreditCheck.Platform.Tests.Support;

/// <summary>Figures for the platform link, not assertions: run on purpose with
/// <c>dotnet tests/CreditCheck.Platform.Tests/bin/Release/net10.0/CreditCheck.Platform.Tests.dll -method "*PlatformFigures*" -explicit only</c>.
/// Each prints its result and appends it to $TMPDIR/creditcheck-platform-figures.txt.</summary>
public sealed class PlatformFigures(ITestOutputHelper output)
{
    /// <summary>A change made at the platform (admin POST) until two hosts following the namespace answer
    /// it, through the relay (the tool, <c>platform sync</c>) and the namespace's change feed.</summary>
    [Fact(Explicit = true)]
    public async Task Change_at_the_platform_to_hosts_answering_it()
    {
        const int changes = 200;
        await using var platform = await PlatformProcess.StartAsync(PlatformProcess.CreateDataFolder(new Dictionary<string, string>
        {
            ["gen.csv"] = TestIds.Csv("court-dishonest-debtors", changes),
        }));
        await using var harness = await RelayHarness.StartAsync();
        await using var relay = harness.StartRelay(platform.Address);
        await harness.WaitForVersionAsync(1, TimeSpan.FromMinutes(2), () => relay.ToString());
        var hosts = new[] { await harness.HostAsync(), await harness.HostAsync() };
        var ids = Enumerable.Range(0, changes).Select(RelayTests.Id).ToList();
        foreach (var host in hosts)
        {
            await host.LookupManyAsync(ids); // warm: the hosts hold the subjects before they change
        }

        var samples = new List<double>();
        for (var i = 0; i < changes; i++)
        {
            var clock = Stopwatch.StartNew();
            await platform.SetStatusAsync("court-dishonest-debtors", $"gen-{i}", "修复", "已履行");
            foreach (var host in hosts)
            {
                while ((int)(await host.LookupAsync(ids[i])).Entries[0].Entry.Status != 3)
                {
                    if (clock.Elapsed > TimeSpan.FromSeconds(30))
                    {
                        // Seen 3 times in 20 runs before the host's cache kept a read overtaken by an invalidation (fixed in
                        // SubjectCache.Remember); if it comes back, say where the change stopped.
                        var mark = await harness.MarkAsync();
                        await using var pub = await harness.PublisherAsync();
                        var seq = await pub.GetSequenceAsync();
                        var fresh = await harness.HostAsync();
                        var freshStatus = (int)(await fresh.LookupAsync(ids[i])).Entries[0].Entry.Status;
                        var state = await platform.GetStateAsync();
                        Assert.Fail($"change {i} did not reach a host in 30 s: relay mark {mark}, redis seq {seq}, host0 seq {hosts[0].Status.Sequence} lastError {hosts[0].Status.LastError}, host1 seq {hosts[1].Status.Sequence}, fresh host status {freshStatus}, platform {state.ToJsonString()} relay: {relay}");
                    }
                    await Task.Delay(1);
                }
            }

            samples.Add(clock.Elapsed.TotalMilliseconds);
        }

        samples.Sort();
        var line = string.Create(CultureInfo.InvariantCulture,
            $"platform change -> 2 hosts answering it, {changes} changes: p50 {Percentile(samples, 0.50):F1} ms, p90 {Percentile(samples, 0.90):F1} ms, p99 {Percentile(samples, 0.99):F1} ms, max {samples[^1]:F1} ms (machine load average {LoadAverage()})");
        output.WriteLine(line);
        await File.AppendAllTextAsync(Path.Combine(Path.GetTempPath(), "creditcheck-platform-figures.txt"), line + "\n");
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";
}
