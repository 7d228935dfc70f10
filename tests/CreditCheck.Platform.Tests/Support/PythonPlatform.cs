using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace CreditCheck.Platform.Tests.Support;

/// <summary>python/platform_server.py (grpcio, stubs generated from the proto at start) as a process on free
/// loopback ports (Debian's python3 with python3-grpcio and python3-grpc-tools; tests/run.sh installs them).</summary>
public sealed partial class PythonPlatform : IAsyncDisposable
{
    /// <summary>An active entry of enterprise <paramref name="n"/> as the Python platform takes it (proto JSON names),
    /// for a test to change a field of before sending it.</summary>
    public static Dictionary<string, object> Entry(int n, string list, string id) => new()
    {
        ["subject"] = TestIds.Company(n),
        ["subjectKind"] = "SUBJECT_KIND_LEGAL_ENTITY",
        ["listCode"] = list,
        ["entryId"] = id,
        ["subjectName"] = $"示例测试企业{n}有限公司",
        ["listedOn"] = "2026-01-05T00:00:00+08:00",
        ["status"] = "ENTRY_STATUS_ACTIVE",
    };

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    // One connection per request: Python's http.server speaks HTTP/1.0 and closes the connection after each
    // answer, and a pooled connection whose close has not arrived yet fails the next POST with "The response
    // ended prematurely" (seen once in CI).
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30), DefaultRequestHeaders = { ConnectionClose = true } };
    private readonly string _directory;

    private PythonPlatform(Process process, string directory)
    {
        _process = process;
        _directory = directory;
    }

    public Uri Address { get; private set; } = null!;

    /// <summary>The process id, e.g. to stop it with SIGSTOP (a hung platform).</summary>
    public int ProcessId => _process.Id;

    public Uri AdminAddress { get; private set; } = null!;

    public string Output { get { lock (_output) { return _output.ToString(); } } }

    /// <summary>Starts it with a catalog (JSON), entries (a JSON array of proto-JSON entries) and the two
    /// clients of <see cref="PlatformProcess.CreateDataFolder"/>. <c>whenAhead</c>: what it sends a client ahead of
    /// it, <c>snapshot</c>, or <c>heartbeat</c> (no change, a heartbeat at its lower version).</summary>
    public static async Task<PythonPlatform> StartAsync(string catalogJson, string entriesJson, TimeSpan? queryDelay = null, string whenAhead = "snapshot")
    {
        var directory = Path.Combine(Path.GetTempPath(), $"creditcheck-pyplatform-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "catalog.json"), catalogJson);
        File.WriteAllText(Path.Combine(directory, "entries.json"), entriesJson);
        File.WriteAllText(Path.Combine(directory, "clients.json"), $$"""
            [{ "client": "{{PlatformProcess.Client}}", "secret": "{{PlatformProcess.Secret}}", "lists": ["*"] },
             { "client": "{{PlatformProcess.WageClient}}", "secret": "{{PlatformProcess.WageSecret}}", "lists": ["wage-arrears"] }]
            """);
        var interpreter = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        var start = new ProcessStartInfo(interpreter)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[
            Path.Combine(AppContext.BaseDirectory, "python", "platform_server.py"),
            "--proto-dir", Path.Combine(AppContext.BaseDirectory, "Protos"),
            "--stubs", Path.Combine(directory, "stubs"),
            "--catalog", Path.Combine(directory, "catalog.json"),
            "--entries", Path.Combine(directory, "entries.json"),
            "--clients", Path.Combine(directory, "clients.json"),
            "--heartbeat", "1",
            "--query-delay", (queryDelay ?? TimeSpan.Zero).TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--when-ahead", whenAhead])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        start.Environment["PYTHONUNBUFFERED"] = "1";
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{interpreter} could not be started.");
        var platform = new PythonPlatform(process, directory);
        var grpc = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var admin = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) => platform.Collect(e.Data, grpc, admin);
        process.ErrorDataReceived += (_, e) => platform.Collect(e.Data, null, null);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var ready = Task.WhenAll(grpc.Task, admin.Task);
        if (await Task.WhenAny(ready, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(60))) != ready)
        {
            var output = platform.Output;
            await platform.DisposeAsync();
            Assert.DoesNotContain("ModuleNotFoundError", output, StringComparison.Ordinal); // apt-get install python3-grpcio python3-grpc-tools (tests/run.sh)
            throw new InvalidOperationException($"The Python platform did not start:\n{output}");
        }

        platform.Address = new Uri("http://" + await grpc.Task);
        platform.AdminAddress = new Uri("http://" + await admin.Task);
        return platform;
    }

    /// <summary>POST /status: an entry's status (e.g. ENTRY_STATUS_REPAIRED); returns the new version.</summary>
    public async Task<long> SetStatusAsync(string list, string entryId, string status, string reason)
    {
        return await PostAsync("/status", new { listCode = list, entryId, status, reason });
    }

    /// <summary>POST /upsert: an entry in proto JSON; returns the new version.</summary>
    public async Task<long> UpsertAsync(object entry)
    {
        return await PostAsync("/upsert", entry);
    }

    /// <summary>POST /catalog: the platform's catalog; <paramref name="announce"/> false: its own at once (GetCatalog,
    /// snapshots) but no change says so yet. Returns the version.</summary>
    public async Task<long> SetCatalogAsync(string catalogJson, bool announce)
    {
        return await PostAsync("/catalog", new { catalogJson, announce });
    }

    /// <summary>POST /query-mode: how QueryMany answers from now on — ok, reverse (results reversed), drop (the last
    /// one left out), duplicate (the last one a copy of the first), unasked (the last one names a subject not asked),
    /// foreign (the first one carries an entry of another subject).</summary>
    public async Task SetQueryModeAsync(string mode)
    {
        await PostAsync("/query-mode", new { mode });
    }

    /// <summary>POST /ack-mode: whether ReportFeedback acknowledges every new record (all) or none, storing nothing (none).</summary>
    public async Task SetAckModeAsync(string mode)
    {
        await PostAsync("/ack-mode", new { mode });
    }

    /// <summary>POST /push: <paramref name="messages"/> (SyncMessages, proto JSON) sent as they are to every open Sync
    /// stream, after <paramref name="entries"/> are put in the platform's state (what queries answer) and its version
    /// moved to <paramref name="version"/> — no change is committed: a test plays the platform's stream itself.</summary>
    public async Task PushAsync(long version, IEnumerable<object> messages, IEnumerable<object>? entries = null)
    {
        await PostAsync("/push", new { version, messages, entries = entries ?? [] });
    }

    /// <summary>GET /feedback: the records it stored, each key once ({client, record}).</summary>
    public async Task<System.Text.Json.Nodes.JsonArray> GetFeedbackAsync() =>
        System.Text.Json.Nodes.JsonNode.Parse(await _http.GetStringAsync(new Uri(AdminAddress, "/feedback")))!.AsArray();

    // With a Content-Length (Python's http.server does not read chunked bodies).
    // A POST whose connection ends before the answer (seen now and then with http.server) is sent again only
    // if the platform's version shows it was not applied.
    private async Task<long> PostAsync(string path, object body)
    {
        var before = await StateVersionAsync();
        HttpResponseMessage response;
        for (var attempt = 1; ; attempt++)
        {
            using var content = new StringContent(System.Text.Json.JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
            try
            {
                response = await _http.PostAsync(new Uri(AdminAddress, path), content);
                break;
            }
            catch (HttpRequestException) when (attempt < 3)
            {
                if (await StateVersionAsync() is var now && now > before)
                {
                    return now;
                }
            }
        }

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {text}\n{Output}");
        return System.Text.Json.Nodes.JsonNode.Parse(text)!["version"]!.GetValue<long>();
    }

    private async Task<long> StateVersionAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return System.Text.Json.Nodes.JsonNode.Parse(await _http.GetStringAsync(new Uri(AdminAddress, "/state")))!["version"]!.GetValue<long>();
            }
            catch (HttpRequestException) when (attempt < 3)
            {
                await Task.Delay(100);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _http.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void Collect(string? line, TaskCompletionSource<string>? grpc, TaskCompletionSource<string>? admin)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (grpc is not null && GrpcLine().Match(line) is { Success: true } g)
        {
            grpc.TrySetResult(g.Groups[1].Value);
        }

        if (admin is not null && AdminLine().Match(line) is { Success: true } a)
        {
            admin.TrySetResult(a.Groups[1].Value);
        }
    }

    [GeneratedRegex(@"^PythonPlatform gRPC: (127\.0\.0\.1:\d+)")]
    private static partial Regex GrpcLine();

    [GeneratedRegex(@"^PythonPlatform admin: (127\.0\.0\.1:\d+)")]
    private static partial Regex AdminLine();
}
