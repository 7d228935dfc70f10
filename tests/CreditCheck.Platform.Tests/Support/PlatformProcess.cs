using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace CreditCheck.Platform.Tests.Support;

/// <summary>The reference platform (samples/CreditPlatform) as its own process on free loopback ports, as a
/// user runs it (<c>dotnet CreditPlatform.dll --urls … --data DIR</c>), with its admin endpoints as methods.
/// <see cref="KillAsync"/> is a <c>kill -9</c>; <see cref="RestartAsync"/> starts it again on the same
/// ports and data folder (an outage, a truncated change log). Killed on dispose; the data folder is kept
/// unless it was made by <see cref="CreateDataFolder"/> (then deleted with the platform).</summary>
public sealed partial class PlatformProcess : IAsyncDisposable
{
    /// <summary>A client entitled to every list, written by <see cref="CreateDataFolder"/>.</summary>
    public const string Client = "dept-all";
    public const string Secret = "secret-all-0123456789";

    /// <summary>A client entitled only to <c>wage-arrears</c>.</summary>
    public const string WageClient = "dept-wage";
    public const string WageSecret = "secret-wage-0123456789";

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> Created = new(StringComparer.Ordinal);
    private readonly StringBuilder _output = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };
    private readonly bool _ownsData;
    private Process? _process;

    private PlatformProcess(string data, bool ownsData)
    {
        DataDirectory = data;
        _ownsData = ownsData;
    }

    public string DataDirectory { get; }

    public int GrpcPort { get; private set; }

    public int AdminPort { get; private set; }

    /// <summary>The gRPC address (h2c), e.g. http://127.0.0.1:41234.</summary>
    public Uri Address => new($"http://127.0.0.1:{GrpcPort}");

    public Uri AdminAddress => new($"http://127.0.0.1:{AdminPort}");

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>A temporary data folder: the given list files (name → content; none: samples/data's) and
    /// clients.json with <see cref="Client"/> (all lists) and <see cref="WageClient"/> (wage-arrears).</summary>
    public static string CreateDataFolder(IReadOnlyDictionary<string, string>? files = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"creditcheck-platform-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        Created[directory] = true;
        if (files is null)
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "data")).Where(f => f.EndsWith(".csv", StringComparison.Ordinal) || f.EndsWith(".json", StringComparison.Ordinal)))
            {
                File.Copy(file, Path.Combine(directory, Path.GetFileName(file)));
            }
        }
        else
        {
            foreach (var (name, content) in files)
            {
                File.WriteAllText(Path.Combine(directory, name), content, new UTF8Encoding(false));
            }
        }

        File.WriteAllText(Path.Combine(directory, "clients.json"), $$"""
            [
              { "client": "{{Client}}", "secret": "{{Secret}}", "lists": ["*"] },
              { "client": "{{WageClient}}", "secret": "{{WageSecret}}", "lists": ["wage-arrears"] }
            ]
            """);
        return directory;
    }

    /// <summary>Starts the platform on a data folder (null: a new one from <see cref="CreateDataFolder"/>).</summary>
    public static async Task<PlatformProcess> StartAsync(string? dataDirectory = null, params string[] arguments)
    {
        var data = dataDirectory ?? CreateDataFolder();
        var platform = new PlatformProcess(data, ownsData: Created.ContainsKey(data));
        try
        {
            await platform.RunAsync(["--urls", "http://127.0.0.1:0", .. arguments]);
        }
        catch
        {
            await platform.DisposeAsync();
            throw;
        }

        return platform;
    }

    /// <summary>Kills the process at once (no shutdown, like <c>kill -9</c>).</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    /// <summary>Stops the process as a service manager does (SIGTERM: a clean stop) and waits for its end.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false })
        {
            using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }

            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
    }

    /// <summary>Kills it if running and starts it again on the same ports and data folder.</summary>
    public async Task RestartAsync(params string[] arguments)
    {
        await KillAsync();
        await RunAsync([
            "--urls", $"http://127.0.0.1:{GrpcPort}",
            "--admin-urls", $"http://127.0.0.1:{AdminPort}",
            .. arguments]);
    }

    /// <summary>Adds or replaces entries (list-file field names: list, kind, subject, name, …, entryId); returns the new version.</summary>
    public async Task<long> UpsertAsync(params object[] entries)
    {
        var response = await _http.PostAsJsonAsync(new Uri(AdminAddress, "/admin/entries"), new { entries });
        return (await ReadAsync(response))["version"]!.GetValue<long>();
    }

    /// <summary>Changes an entry's status (Active, UnderObjection, Repaired, Revoked or 恢复/异议/修复/撤销); returns the new version.</summary>
    public async Task<long> SetStatusAsync(string list, string entryId, string status, string reason = "test")
    {
        var response = await _http.PostAsJsonAsync(new Uri(AdminAddress, $"/admin/entries/{list}/{entryId}/status"), new { status, reason });
        return (await ReadAsync(response))["version"]!.GetValue<long>();
    }

    public async Task<long> RemoveAsync(string list, string entryId)
    {
        var response = await _http.DeleteAsync(new Uri(AdminAddress, $"/admin/entries/{list}/{entryId}"));
        return (await ReadAsync(response))["version"]!.GetValue<long>();
    }

    /// <summary>GET /admin/state: version, oldestKeptVersion, entries, subscribers, feedback.</summary>
    public async Task<JsonNode> GetStateAsync() => await ReadAsync(await _http.GetAsync(new Uri(AdminAddress, "/admin/state")));

    /// <summary>GET /admin/feedback: every record received, each as { client, receivedAt, record }.</summary>
    public async Task<JsonArray> GetFeedbackAsync() => (JsonArray)await ReadAsync(await _http.GetAsync(new Uri(AdminAddress, "/admin/feedback")));

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        _http.Dispose();
        if (_ownsData)
        {
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>An entry in the admin endpoint's form (the list-file field names).</summary>
    public static object Entry(string list, string subject, string entryId, string kind = "LegalEntity", string status = "Active", string name = "示例测试有限公司") => new Dictionary<string, string>
    {
        ["list"] = list,
        ["kind"] = kind,
        ["subject"] = subject,
        ["name"] = name,
        ["authority"] = "测试认定部门",
        ["reference"] = "测试〔2026〕1号",
        ["listedOn"] = "2026-01-05",
        ["validFrom"] = "2026-01-05",
        ["validUntil"] = "2030-01-04",
        ["status"] = status,
        ["summary"] = "测试",
        ["entryId"] = entryId,
    };

    private static async Task<JsonNode> ReadAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"The platform answered {(int)response.StatusCode}: {body}");
        }

        return JsonNode.Parse(body)!;
    }

    private async Task RunAsync(string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[Path.Combine(AppContext.BaseDirectory, "CreditPlatform.dll"), "--data", DataDirectory, .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet could not be started.");
        _process?.Dispose();
        _process = process;
        var grpc = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var admin = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) => Collect(e.Data, grpc, admin);
        process.ErrorDataReceived += (_, e) => Collect(e.Data, null, null);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var ready = Task.WhenAll(grpc.Task, admin.Task);
        var exited = process.WaitForExitAsync();
        var first = await Task.WhenAny(ready, exited, Task.Delay(TimeSpan.FromSeconds(120)));
        if (first != ready)
        {
            var why = first == exited ? $"exited with code {process.ExitCode}" : "did not print its addresses within 120 s";
            await KillAsync();
            throw new InvalidOperationException($"The platform {why}. Its output:\n{Output}");
        }

        GrpcPort = await grpc.Task;
        AdminPort = await admin.Task;
    }

    private void Collect(string? line, TaskCompletionSource<int>? grpc, TaskCompletionSource<int>? admin)
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
            grpc.TrySetResult(int.Parse(g.Groups[1].Value, CultureInfo.InvariantCulture));
        }

        if (admin is not null && AdminLine().Match(line) is { Success: true } a)
        {
            admin.TrySetResult(int.Parse(a.Groups[1].Value, CultureInfo.InvariantCulture));
        }
    }

    [GeneratedRegex(@"^CreditPlatform gRPC \(h2c\): http://127\.0\.0\.1:(\d+)")]
    private static partial Regex GrpcLine();

    [GeneratedRegex(@"^CreditPlatform admin: http://127\.0\.0\.1:(\d+)")]
    private static partial Regex AdminLine();
}
