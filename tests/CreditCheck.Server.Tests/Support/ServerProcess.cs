using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace CreditCheck.Server.Tests.Support;

/// <summary>The built service as its own process (<c>dotnet CreditCheck.Server.dll …</c>) on a free loopback
/// port, as a user runs it; killed on dispose.</summary>
public sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServerProcess(Process process) => _process = process;

    /// <summary>e.g. http://127.0.0.1:41234</summary>
    public string BaseUrl { get; private set; } = string.Empty;

    /// <summary>The server's process id (a test stops and continues it with SIGSTOP and SIGCONT).</summary>
    public int ProcessId => _process.Id;

    /// <summary>e.g. 127.0.0.1:41234, for gRPC.</summary>
    public string Target => BaseUrl["http://".Length..];

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

    public static async Task<ServerProcess> StartAsync(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var process = Start(environment, ["--urls", "http://127.0.0.1:0", .. arguments]);
        var server = new ServerProcess(process);
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) => server.Collect(e.Data, listening);
        process.ErrorDataReceived += (_, e) => server.Collect(e.Data, null);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var exited = process.WaitForExitAsync();
        var first = await Task.WhenAny(listening.Task, exited, Task.Delay(TimeSpan.FromSeconds(60)));
        if (first != listening.Task)
        {
            var why = first == exited ? $"exited with code {process.ExitCode}" : "did not print its address within 60 s";
            await server.DisposeAsync();
            throw new InvalidOperationException($"The server {why}. Its output:\n{server.Output}");
        }

        server.BaseUrl = await listening.Task;
        return server;
    }

    /// <summary>Runs the server to its end (bounded), for arguments it should refuse.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        using var process = Start(environment, arguments);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("The server did not exit within 60 s.");
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>Kills the process at once (SIGKILL, as kill -9): nothing of it runs after this.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
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
    }

    private static Process Start(IReadOnlyDictionary<string, string> environment, string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "CreditCheck.Server.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return Process.Start(start) ?? throw new InvalidOperationException("dotnet could not be started.");
    }

    private void Collect(string? line, TaskCompletionSource<string>? listening)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (listening is not null && Listening().Match(line) is { Success: true } match)
        {
            listening.TrySetResult(match.Groups[1].Value);
        }
    }

    [GeneratedRegex(@"^CreditCheck 服务接口：(http://127\.0\.0\.1:\d+)")]
    private static partial Regex Listening();
}
