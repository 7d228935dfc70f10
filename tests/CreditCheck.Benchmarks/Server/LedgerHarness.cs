using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Reflection;
using System.Runtime.Loader;
using System.Text.Json;
using CreditCheck.Benchmarks.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CreditCheck.Benchmarks.Server;

/// <summary>
/// <c>ledger --baseline DLL [--server DLL] [--decisions N] [--rounds R] [--json FILE]</c>: what the service's
/// decision ledger (kept for feedback) costs the process, for two builds of the service in one process, rounds
/// alternating: the heap it holds when full (<c>GC.GetTotalMemory</c> after a full collection, before and after
/// filling it with N decisions, default 200,000 = <c>MaxRetainedDecisions</c>), then the GC's work while 3 × N more
/// checks are made and kept (the full ledger evicting its oldest): collections, total pause and the longest pause.
/// The decisions are the SDK's own, made in process over samples/data with the server harness's request mix (every
/// 100th a listed subject, the rest distinct clean ones, each request's texts fresh strings as a parsed request's are).
/// Each build's <c>CreditCheck.Server.dll</c> is loaded in its own load context (its ledger is internal; reached by
/// reflection), sharing this process's SDK.
/// </summary>
internal static class LedgerHarness
{
    private const string Scenario = "procurement.bid";
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static async Task<int> RunAsync(string[] args)
    {
        string? baseline = null;
        string? server = null;
        string? json = null;
        var decisions = 200_000;
        var rounds = 3;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--baseline": baseline = Path.GetFullPath(args[++i]); break;
                case "--server": server = Path.GetFullPath(args[++i]); break;
                case "--decisions": decisions = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
                case "--rounds": rounds = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
                case "--json": json = args[++i]; break;
                default:
                    await Console.Error.WriteLineAsync("usage: … -- ledger --baseline DLL (a build before a change) [--server DLL (default: this tree's Release build)] [--decisions N (default 200,000)] [--rounds R (default 3)] [--json FILE]");
                    return 2;
            }
        }

        var root = RepoRoot();
        server ??= Path.Combine(root, "sdk/CreditCheck.Server/bin/Release/net10.0/CreditCheck.Server.dll");
        foreach (var dll in new[] { baseline, server })
        {
            if (dll is null || !File.Exists(dll))
            {
                await Console.Error.WriteLineAsync($"Missing server build: {dll ?? "--baseline DLL"} (dotnet build sdk/CreditCheck.Server -c Release [-o DIR]).");
                return 2;
            }
        }

        var services = new ServiceCollection();
        services.AddCreditCheck().UseInMemory(o => o.DataDirectory = Path.Combine(root, "samples/data"));
        await using var provider = services.BuildServiceProvider();
        var checker = provider.GetRequiredService<ICreditChecker>();
        var listed = File.ReadLines(Path.Combine(root, "samples/data/entries.csv")).Skip(1)
            .Select(line => line.Split(','))
            .Select(cells => (Subject: cells[2], Kind: cells[1] == "NaturalPerson" ? SubjectKind.NaturalPerson : SubjectKind.LegalEntity))
            .ToArray();
        var next = 0;
        async ValueTask<(CheckRequest, CreditDecision)> CheckAsync()
        {
            var i = next++;
            var (text, kind) = i % 100 == 0 ? listed[i / 100 % listed.Length]
                : i % 5 == 0 ? (SyntheticIds.PersonText(SyntheticIds.Ranges.CleanPersons + (i % 5_000_000)), SubjectKind.NaturalPerson)
                : (SyntheticIds.CompanyText(SyntheticIds.Ranges.CleanCompanies + (i % 50_000_000)), SubjectKind.LegalEntity);
            var request = new CheckRequest(SubjectId.Parse(new string(text), kind), new string(Scenario)) { Department = "benchmark" };
            return (request, await checker.CheckAsync(request));
        }

        var builds = new[] { ("baseline", Load(baseline!)), ("server", Load(server)) };
        using var pauses = new GcPauses();
        var results = new Dictionary<string, object> { ["decisions"] = decisions, ["rounds"] = rounds };
        var figures = builds.ToDictionary(b => b.Item1, _ => new List<(double Bytes, double Seconds, int Gen0, int Gen1, int Gen2, double PauseMs, double MaxPauseMs)>());
        for (var round = 0; round < rounds; round++)
        {
            foreach (var (name, build) in round % 2 == 0 ? builds : builds.Reverse())
            {
                var ledger = build.Create();
                await CheckAsync(); // the first call's JIT out of the figures
                var before = GC.GetTotalMemory(forceFullCollection: true);
                for (var i = 0; i < decisions; i++)
                {
                    var (request, decision) = await CheckAsync();
                    build.Add(ledger, request, decision);
                }

                var bytes = (double)(GC.GetTotalMemory(forceFullCollection: true) - before) / decisions;

                // Steady state: a full ledger, every check kept and the oldest evicted.
                var (gen0, gen1, gen2) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
                var paused = GC.GetTotalPauseDuration();
                pauses.Reset();
                var clock = Stopwatch.StartNew();
                for (var i = 0; i < 3 * decisions; i++)
                {
                    var (request, decision) = await CheckAsync();
                    build.Add(ledger, request, decision);
                }

                var seconds = clock.Elapsed.TotalSeconds;
                var figure = (bytes, seconds, GC.CollectionCount(0) - gen0, GC.CollectionCount(1) - gen1, GC.CollectionCount(2) - gen2,
                    (GC.GetTotalPauseDuration() - paused).TotalMilliseconds, pauses.LongestMs);
                figures[name].Add(figure);
                GC.KeepAlive(ledger);
                Console.WriteLine($"{name,-8} round {round + 1}: {bytes:N0} bytes per kept decision ({bytes * decisions / 1048576:N1} MiB for {decisions:N0}); " +
                    $"{3 * decisions:N0} more checks kept in {seconds:0.00} s: GCs gen0 {figure.Item3}, gen1 {figure.Item4}, gen2 {figure.Item5}; " +
                    $"paused {figure.Item6:N0} ms in all, longest {figure.Item7:0.0} ms");
            }
        }

        foreach (var (name, list) in figures)
        {
            results[$"{name}_bytes_per_decision"] = Math.Round(list.Min(f => f.Bytes));
            results[$"{name}_mib_full"] = Math.Round(list.Min(f => f.Bytes) * decisions / 1048576, 1);
            results[$"{name}_steady_seconds"] = Math.Round(list.Min(f => f.Seconds), 2);
            results[$"{name}_steady_gc_pause_ms"] = Math.Round(list.Min(f => f.PauseMs));
            results[$"{name}_steady_longest_pause_ms"] = Math.Round(list.Min(f => f.MaxPauseMs), 1);
            results[$"{name}_steady_gen2_collections"] = list.Min(f => f.Gen2);
        }

        results["server_over_baseline_bytes"] = Math.Round((double)results["server_bytes_per_decision"] / (double)results["baseline_bytes_per_decision"], 3);
        results["server_over_baseline_pause"] = Math.Round((double)results["server_steady_gc_pause_ms"] / Math.Max(1, (double)results["baseline_steady_gc_pause_ms"]), 3);
        results["load_average"] = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
        Console.WriteLine();
        Console.WriteLine("best of the rounds: " + string.Join(", ", results.Select(r => $"{r.Key} {r.Value}")));
        if (json is not null)
        {
            await File.WriteAllTextAsync(json, JsonSerializer.Serialize(results, Indented));
        }

        return 0;
    }

    /// <summary>A build's <c>DecisionLedger</c>: its constructor and its <c>Add</c>, whichever signature it has.</summary>
    private static LedgerBuild Load(string dll)
    {
        var context = new ServerContext(dll);
        var assembly = context.LoadFromAssemblyPath(dll);
        var ledgerType = assembly.GetType("CreditCheck.Server.DecisionLedger", throwOnError: true)!;
        var optionsType = assembly.GetType("CreditCheck.Server.ServerOptions", throwOnError: true)!;
        var add = ledgerType.GetMethod("Add", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)!;
        return new LedgerBuild(
            () => Activator.CreateInstance(ledgerType, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance, null,
                [Activator.CreateInstance(optionsType)!, TimeProvider.System], null)!,
            add.GetParameters().Length == 3
                ? (ledger, request, decision) => add.Invoke(ledger, [request, decision, "benchmark"])
                : (ledger, _, decision) => add.Invoke(ledger, [decision, "benchmark"]));
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CreditCheck.sln")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }

    private sealed record LedgerBuild(Func<object> Create, Action<object, CheckRequest, CreditDecision> Add);

    /// <summary>Loads one server build; everything else (the SDK above all) is this process's own.</summary>
    private sealed class ServerContext(string dll) : AssemblyLoadContext(Path.GetFileName(Path.GetDirectoryName(dll)))
    {
        protected override Assembly? Load(AssemblyName assemblyName) => null;
    }

    /// <summary>The runtime's GC suspension events: each pause from suspending the threads to restarting them.</summary>
    private sealed class GcPauses : EventListener
    {
        private long _suspendedAt;
        private long _longestTicks;

        public double LongestMs => TimeSpan.FromTicks(Interlocked.Read(ref _longestTicks)).TotalMilliseconds;

        public void Reset() => Interlocked.Exchange(ref _longestTicks, 0);

        protected override void OnEventSourceCreated(EventSource source)
        {
            if (source.Name == "Microsoft-Windows-DotNETRuntime")
            {
                EnableEvents(source, EventLevel.Informational, (EventKeywords)0x1); // GC
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs e)
        {
            switch (e.EventName)
            {
                case "GCSuspendEEBegin_V1":
                    Interlocked.Exchange(ref _suspendedAt, e.TimeStamp.Ticks);
                    break;
                case "GCRestartEEEnd_V1":
                    var at = Interlocked.Read(ref _suspendedAt);
                    var pause = e.TimeStamp.Ticks - at;
                    if (at != 0 && pause > Interlocked.Read(ref _longestTicks))
                    {
                        Interlocked.Exchange(ref _longestTicks, pause);
                    }

                    break;
            }
        }
    }
}
