using System.Diagnostics;
using System.Globalization;
using CreditCheck.Benchmarks.Support;
using CreditCheck.Stores;

namespace CreditCheck.Benchmarks.Local;

/// <summary>
/// <c>counter [--rounds N]</c>: the check counter's cost on the clean embedded check, measured A/B on a
/// loaded machine — the same checker over the same store without and with the counter, in alternating
/// rounds of 200,000 checks on one thread, so both see the same load; the fastest round of each is the
/// figure least disturbed by other processes. Prints ns per check of each and their ratio.
/// </summary>
internal static class CounterCostHarness
{
    private const int Checks = 200_000;

    public static async Task<int> RunAsync(string[] args)
    {
        var rounds = args.Length == 2 && args[0] == "--rounds" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20;
        var data = ListedData.Create(10_000);
        await using var sdk = await Sdk.StartInMemoryAsync(data);
        var requests = Enumerable.Range(0, 4096)
            .Select(n => new CheckRequest(SyntheticIds.Mixed(n, SyntheticIds.Ranges.CleanCompanies, SyntheticIds.Ranges.CleanPersons), ListedData.Scenario) { Department = "市政务服务中心" })
            .ToArray();
        var options = Microsoft.Extensions.Options.Options.Create(new CreditCheckOptions());
        await using var counter = new InMemoryCheckCounter(null, TimeProvider.System);
        var plain = new CreditChecker(sdk.Store, options, TimeProvider.System);
        var counted = new CreditChecker(sdk.Store, options, TimeProvider.System, counter: counter);

        double Round(CreditChecker checker)
        {
            var started = Stopwatch.GetTimestamp();
            for (var i = 0; i < Checks; i++)
            {
                _ = checker.CheckAsync(requests[i & 4095]).Result;
            }

            return Stopwatch.GetElapsedTime(started).TotalNanoseconds / Checks;
        }

        Round(plain); // warm-up, both
        Round(counted);
        var a = new List<double>();
        var b = new List<double>();
        for (var r = 0; r < rounds; r++)
        {
            a.Add(Round(plain));
            b.Add(Round(counted));
        }

        a.Sort();
        b.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"not counted: min {a[0]:F1} ns, median {a[a.Count / 2]:F1} ns; counted: min {b[0]:F1} ns, median {b[b.Count / 2]:F1} ns; ratio (min) {b[0] / a[0]:F3}, (median) {b[b.Count / 2] / a[a.Count / 2]:F3}; {rounds} rounds of {Checks:N0} checks"));
        return 0;
    }
}
