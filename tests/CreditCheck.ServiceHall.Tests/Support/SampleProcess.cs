using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace CreditCheck.ServiceHall.Tests.Support;

/// <summary>The ServiceHall sample as its own process (<c>dotnet ServiceHall.dll …</c>), as a newcomer runs it;
/// killed on dispose.</summary>
public sealed partial class SampleProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private SampleProcess(Process process) => _process = process;

    /// <summary>The address the sample printed, e.g. http://127.0.0.1:41234.</summary>
    public string BaseUrl { get; private set; } = string.Empty;

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

    /// <summary>Starts the sample and waits (bounded) until it prints where it listens.</summary>
    public static async Task<SampleProcess> StartAsync(params string[] arguments)
    {
        var process = Start(arguments);
        var sample = new SampleProcess(process);
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) => sample.Collect(e.Data, listening);
        process.ErrorDataReceived += (_, e) => sample.Collect(e.Data, null);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var exited = process.WaitForExitAsync();
        var first = await Task.WhenAny(listening.Task, exited, Task.Delay(TimeSpan.FromSeconds(45)));
        if (first != listening.Task)
        {
            var why = first == exited ? $"exited with code {process.ExitCode}" : "did not print its address within 45 s";
            await sample.DisposeAsync();
            throw new InvalidOperationException($"The ServiceHall sample {why}. Its output:\n{sample.Output}");
        }

        sample.BaseUrl = await listening.Task;
        return sample;
    }

    /// <summary>Runs the sample to its end (bounded), for arguments it should refuse.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(params string[] arguments)
    {
        using var process = Start(arguments);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(45));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("The ServiceHall sample did not exit within 45 s.");
        }

        return (process.ExitCode, await stdout + await stderr);
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

    private static Process Start(string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ServiceHall.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
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

    [GeneratedRegex(@"^服务大厅综合窗口：(http://127\.0\.0\.1:\d+)")]
    private static partial Regex Listening();
}
