using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CreditCheck.Benchmarks.Support;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Proto = CreditCheck.Server.Grpc;

namespace CreditCheck.Benchmarks.Server;

/// <summary>
/// <c>server [--seconds S] [--workers N] [--json FILE]</c>: the service interface under load on loopback, against
/// the in-process SDK in the same run. Starts the built server (<c>sdk/CreditCheck.Server</c>, Release) as its
/// own process on a free port, on the embedded store with samples/data and one client key (no rate limit), and
/// measures, with the same request mix (1 % listed subjects from samples/data, the rest clean and distinct):
/// single checks/s at saturation with p50/p99 for the SDK in process, gRPC and HTTP; p99 at a fixed 5,000
/// checks/s (open loop: latency counted from each call's scheduled time); a 1,000-subject batch over HTTP
/// against <c>CheckManyAsync</c> in process. Every loop stops at its count or its time limit.
/// </summary>
internal static partial class ServerLoadHarness
{
    private const string Key = "benchmark-client-key-6b0c2f9e";
    private const string Scenario = "procurement.bid";
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = 5.0;
        var warmup = 10.0;
        var workers = 64;
        string? json = null;
        string? serverDll = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--seconds": seconds = Math.Clamp(double.Parse(args[++i], CultureInfo.InvariantCulture), 0.5, 60); break;
                case "--warmup": warmup = Math.Clamp(double.Parse(args[++i], CultureInfo.InvariantCulture), 0.5, 120); break;
                case "--workers": workers = Math.Clamp(int.Parse(args[++i], CultureInfo.InvariantCulture), 1, 1024); break;
                case "--json": json = args[++i]; break;
                case "--server": serverDll = Path.GetFullPath(args[++i]); break;
                default:
                    await Console.Error.WriteLineAsync("usage: … -- server [--seconds S (default 5)] [--warmup S (default 10)] [--workers N (default 64)] [--json FILE] [--server DLL (another build, e.g. the one before a change)]");
                    return 2;
            }
        }

        var root = RepoRoot();
        serverDll ??= Path.Combine(root, "sdk/CreditCheck.Server/bin/Release/net10.0/CreditCheck.Server.dll");
        if (!File.Exists(serverDll))
        {
            await Console.Error.WriteLineAsync($"Build the server first: dotnet build sdk/CreditCheck.Server -c Release ({serverDll} is missing).");
            return 2;
        }

        var data = Path.Combine(root, "samples/data");
        var requests = Mix(data, 65_536);
        var results = new Dictionary<string, object>();

        // The in-process baseline: the same SDK, store and data the server uses.
        var services = new ServiceCollection();
        services.AddCreditCheck().UseInMemory(o => o.DataDirectory = data);
        await using var provider = services.BuildServiceProvider();
        var checker = provider.GetRequiredService<ICreditChecker>();
        var parsed = requests.Select(r => new CheckRequest(SubjectId.Parse(r.Subject, r.Person ? SubjectKind.NaturalPerson : SubjectKind.LegalEntity), Scenario)).ToArray();

        await using var server = await StartServerAsync(serverDll, data);
        Console.WriteLine($"server: {server.BaseUrl} (pid {server.Process.Id}); {Environment.ProcessorCount} cores shared by client and server; {workers} concurrent callers; {seconds} s per loop after {warmup} s of warm-up per path");

        using var channel = GrpcChannel.ForAddress(server.BaseUrl, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true, PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan },
        });
        var grpc = new Proto.CreditCheckService.CreditCheckServiceClient(channel);
        var metadata = new Metadata { { "authorization", "Bearer " + Key } };
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = workers, PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = new Uri(server.BaseUrl),
            DefaultRequestVersion = HttpVersion.Version11,
        };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Key);
        var bodies = requests.Select(r => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { subject = r.Subject, kind = r.Person ? "person" : "entity", scenario = Scenario }))).ToArray();

        async ValueTask Sdk(int i) => await checker.CheckAsync(parsed[i & 0xFFFF]);
        async ValueTask Grpc(int i)
        {
            var r = requests[i & 0xFFFF];
            await grpc.CheckAsync(new Proto.CheckRequest { Subject = r.Subject, Kind = r.Person ? "person" : "entity", Scenario = Scenario }, metadata);
        }

        async ValueTask Http(int i)
        {
            using var content = new ByteArrayContent(bodies[i & 0xFFFF]);
            content.Headers.ContentType = new("application/json");
            using var response = await http.PostAsync("/v1/checks", content);
            response.EnsureSuccessStatusCode();
            await response.Content.CopyToAsync(Stream.Null);
        }

        // Warm up every path (connections, and the JIT: tier-1 code replaces tier-0 code in the background, which on
        // two busy cores takes seconds of load), then measure.
        await Saturate(Sdk, workers, warmup, 2_000_000);
        await Saturate(Grpc, workers, warmup, 200_000);
        await Saturate(Http, workers, warmup, 200_000);

        var max = 10_000_000;
        foreach (var (name, call) in new (string, Func<int, ValueTask>)[] { ("sdk", Sdk), ("grpc", Grpc), ("http", Http) })
        {
            // CPU time spent per check by the server process and by this (client) process: unlike the rate, it
            // hardly depends on what else runs on the machine, so it says what two quiet cores would do.
            server.Process.Refresh();
            var serverCpu = server.Process.TotalProcessorTime;
            var clientCpu = Process.GetCurrentProcess().TotalProcessorTime;
            var run = await Saturate(call, workers, seconds, max);
            server.Process.Refresh();
            var serverUs = name == "sdk" ? 0 : (server.Process.TotalProcessorTime - serverCpu).TotalMicroseconds / run.Count;
            var clientUs = (Process.GetCurrentProcess().TotalProcessorTime - clientCpu).TotalMicroseconds / run.Count;
            results[$"{name}_server_cpu_us_per_check"] = Math.Round(serverUs, 1);
            results[$"{name}_client_cpu_us_per_check"] = Math.Round(clientUs, 1);
            results[$"{name}_checks_per_sec_on_two_idle_cores"] = Math.Round(2_000_000 / (serverUs + clientUs));
            // How much of the two cores the loop actually got: well below 2 means other processes had the rest.
            var cores = run.PerSecond * (serverUs + clientUs) / 1_000_000;
            results[$"{name}_cores_used"] = Math.Round(cores, 2);
            Console.WriteLine($"{name,-5} CPU per check: server {serverUs:0.0} µs, client {clientUs:0.0} µs → {2_000_000 / (serverUs + clientUs):N0} checks/s if both had two cores to themselves; this loop got {cores:0.00} cores");
            results[$"{name}_checks_per_sec"] = Math.Round(run.PerSecond);
            results[$"{name}_p50_ms"] = run.Percentile(50);
            results[$"{name}_p99_ms"] = run.Percentile(99);
            Console.WriteLine($"{name,-5} saturation: {run.PerSecond,10:N0} checks/s  p50 {run.Percentile(50):0.000} ms  p99 {run.Percentile(99):0.000} ms  ({run.Count:N0} checks)");
        }

        foreach (var (name, call) in new (string, Func<int, ValueTask>)[] { ("sdk", Sdk), ("grpc", Grpc), ("http", Http) })
        {
            var run = await FixedRate(call, 5_000, seconds);
            results[$"{name}_p99_ms_at_5000"] = run.Percentile(99);
            results[$"{name}_p50_ms_at_5000"] = run.Percentile(50);
            results[$"{name}_errors_at_5000"] = run.Errors;
            Console.WriteLine($"{name,-5} at 5,000/s: p50 {run.Percentile(50):0.000} ms  p99 {run.Percentile(99):0.000} ms  ({run.Count:N0} checks, {run.Errors:N0} failed)");
        }

        // A 1,000-subject batch: one HTTP call against one CheckManyAsync in process.
        var batch = parsed.Take(1000).ToArray();
        var batchBody = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { checks = requests.Take(1000).Select(r => new { subject = r.Subject, kind = r.Person ? "person" : "entity", scenario = Scenario }) }));
        var sdkBatch = await Repeat(async () => await checker.CheckManyAsync(batch), 30, seconds);
        var httpBatch = await Repeat(async () =>
        {
            using var content = new ByteArrayContent(batchBody);
            content.Headers.ContentType = new("application/json");
            using var response = await http.PostAsync("/v1/checks:batch", content);
            response.EnsureSuccessStatusCode();
            await response.Content.CopyToAsync(Stream.Null);
        }, 30, seconds);
        results["batch1000_ms_sdk"] = sdkBatch.Percentile(50);
        results["batch1000_ms_http"] = httpBatch.Percentile(50);
        Console.WriteLine($"batch of 1,000: SDK {sdkBatch.Percentile(50):0.000} ms, HTTP {httpBatch.Percentile(50):0.000} ms (medians of {sdkBatch.Count} and {httpBatch.Count})");

        results["grpc_over_sdk"] = Math.Round((double)results["grpc_checks_per_sec"] / (double)results["sdk_checks_per_sec"], 4);
        results["http_over_sdk"] = Math.Round((double)results["http_checks_per_sec"] / (double)results["sdk_checks_per_sec"], 4);
        results["workers"] = workers;
        results["load_average"] = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
        results["cores"] = Environment.ProcessorCount;
        Console.WriteLine();
        Console.WriteLine("| figure | SDK in process | gRPC | HTTP/JSON | target |");
        Console.WriteLine("|---|---|---|---|---|");
        Console.WriteLine($"| single checks/s at saturation | {results["sdk_checks_per_sec"]:N0} | {results["grpc_checks_per_sec"]:N0} ({results["grpc_over_sdk"]:P1}) | {results["http_checks_per_sec"]:N0} ({results["http_over_sdk"]:P1}) | gRPC ≥ 20,000 |");
        Console.WriteLine($"| p50 / p99 at saturation (ms) | {results["sdk_p50_ms"]:0.000} / {results["sdk_p99_ms"]:0.000} | {results["grpc_p50_ms"]:0.000} / {results["grpc_p99_ms"]:0.000} | {results["http_p50_ms"]:0.000} / {results["http_p99_ms"]:0.000} | |");
        Console.WriteLine($"| p50 / p99 at 5,000 checks/s (ms) | {results["sdk_p50_ms_at_5000"]:0.000} / {results["sdk_p99_ms_at_5000"]:0.000} | {results["grpc_p50_ms_at_5000"]:0.000} / {results["grpc_p99_ms_at_5000"]:0.000} | {results["http_p50_ms_at_5000"]:0.000} / {results["http_p99_ms_at_5000"]:0.000} | p99 ≤ 5 ms |");
        Console.WriteLine($"| CPU µs per check, server + client | — + {results["sdk_client_cpu_us_per_check"]} | {results["grpc_server_cpu_us_per_check"]} + {results["grpc_client_cpu_us_per_check"]} | {results["http_server_cpu_us_per_check"]} + {results["http_client_cpu_us_per_check"]} | |");
        Console.WriteLine($"| 1,000-subject batch (ms, median) | {results["batch1000_ms_sdk"]:0.000} | — | {results["batch1000_ms_http"]:0.000} | |");
        if (json is not null)
        {
            await File.WriteAllTextAsync(json, JsonSerializer.Serialize(results, Indented));
        }

        return 0;
    }

    /// <summary>Requests in a fixed mix: every 100th a listed subject of samples/data, the rest distinct clean ones.</summary>
    private static (string Subject, bool Person)[] Mix(string data, int count)
    {
        var listed = File.ReadLines(Path.Combine(data, "entries.csv")).Skip(1)
            .Select(line => line.Split(','))
            .Select(cells => (Subject: cells[2], Person: cells[1] == "NaturalPerson"))
            .ToArray();
        var mix = new (string, bool)[count];
        for (var i = 0; i < count; i++)
        {
            mix[i] = i % 100 == 0
                ? listed[i / 100 % listed.Length]
                : i % 5 == 0 ? (SyntheticIds.PersonText(SyntheticIds.Ranges.CleanPersons + i), true) : (SyntheticIds.CompanyText(SyntheticIds.Ranges.CleanCompanies + i), false);
        }

        return mix;
    }

    /// <summary>Closed loop: <paramref name="workers"/> callers, each sending the next call when the last returns.</summary>
    private static async Task<Run> Saturate(Func<int, ValueTask> call, int workers, double seconds, int maxCount)
    {
        var latencies = new List<long>[workers];
        var next = -1;
        var stop = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            var own = latencies[w] = new List<long>(100_000);
            int i;
            while ((i = Interlocked.Increment(ref next)) < maxCount && Stopwatch.GetTimestamp() < stop)
            {
                var t = Stopwatch.GetTimestamp();
                await call(i);
                own.Add(Stopwatch.GetTimestamp() - t);
            }
        })));
        var elapsed = Stopwatch.GetElapsedTime(started);
        var all = latencies.SelectMany(l => l).ToArray();
        return new Run(all, all.Length / elapsed.TotalSeconds);
    }

    /// <summary>Open loop at a fixed rate: calls are started on schedule whatever the answers do; each latency
    /// counts from the call's scheduled time, so queueing shows. A failed call (e.g. the server resetting a
    /// connection that has more streams waiting than it allows) is counted, named once, and left out of the latencies.</summary>
    private static async Task<Run> FixedRate(Func<int, ValueTask> call, int perSecond, double seconds)
    {
        var total = (int)(perSecond * seconds);
        var latencies = new long[total];
        var pending = new Task[total];
        var interval = Stopwatch.Frequency / (double)perSecond;
        var start = Stopwatch.GetTimestamp();
        var errors = 0;

        async Task One(int i, long due)
        {
            try
            {
                await call(i);
                latencies[i] = Stopwatch.GetTimestamp() - due;
            }
            catch (Exception e) when (e is RpcException or HttpRequestException or IOException)
            {
                latencies[i] = -1;
                if (Interlocked.Increment(ref errors) == 1)
                {
                    await Console.Error.WriteLineAsync($"  first failed call at the fixed rate: {e.GetType().Name}: {e.Message.Split('\n')[0]}");
                }
            }
        }

        // A dedicated thread starts the calls that are due, then sleeps a millisecond (no spinning: the cores are
        // shared with the server).
        var dispatcher = new Thread(() =>
        {
            var sent = 0;
            while (sent < total)
            {
                var now = Stopwatch.GetTimestamp();
                while (sent < total && start + (long)(sent * interval) <= now)
                {
                    pending[sent] = One(sent, start + (long)(sent * interval));
                    sent++;
                }

                Thread.Sleep(1);
            }
        }) { IsBackground = true, Priority = ThreadPriority.AboveNormal };
        dispatcher.Start();
        await Task.Run(dispatcher.Join);
        await Task.WhenAll(pending);
        return new Run([.. latencies.Where(l => l >= 0)], total / Stopwatch.GetElapsedTime(start).TotalSeconds) { Errors = errors };
    }

    private static async Task<Run> Repeat(Func<Task> call, int count, double seconds)
    {
        await call();
        var stop = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        var latencies = new List<long>();
        while (latencies.Count < count && Stopwatch.GetTimestamp() < stop)
        {
            var t = Stopwatch.GetTimestamp();
            await call();
            latencies.Add(Stopwatch.GetTimestamp() - t);
        }

        return new Run([.. latencies], 0);
    }

    private static async Task<ServerProcess> StartServerAsync(string dll, string data)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, StandardOutputEncoding = Encoding.UTF8 };
        foreach (var a in new[] { dll, "--urls", "http://127.0.0.1:0", "--data", data })
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["CreditCheck__Server__Clients__0__Id"] = "benchmark";
        start.Environment["CreditCheck__Server__Clients__0__KeyHash"] = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Key)));
        start.Environment["CreditCheck__Server__Clients__0__RequestsPerSecond"] = "0";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(start)!;
        var address = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line && Address().Match(line) is { Success: true } m)
            {
                address.TrySetResult(m.Groups[1].Value);
            }
        };
        process.ErrorDataReceived += (_, e) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var first = await Task.WhenAny(address.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(60)));
        if (first != address.Task)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            throw new InvalidOperationException("The server did not start.");
        }

        return new ServerProcess(process, await address.Task);
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

    [GeneratedRegex(@"^CreditCheck 服务接口：(http://127\.0\.0\.1:\d+)")]
    private static partial Regex Address();

    private sealed record ServerProcess(Process Process, string BaseUrl) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
                await Process.WaitForExitAsync();
            }

            Process.Dispose();
        }
    }

    private sealed record Run(long[] Ticks, double PerSecond)
    {
        public int Count => Ticks.Length;

        public int Errors { get; init; }

        public double Percentile(double p)
        {
            if (Ticks.Length == 0)
            {
                return double.NaN;
            }

            var sorted = Ticks.Order().ToArray();
            var index = Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1);
            return Math.Round(sorted[index] * 1000.0 / Stopwatch.Frequency, 3);
        }
    }
}
