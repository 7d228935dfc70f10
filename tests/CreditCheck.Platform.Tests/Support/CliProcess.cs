using System.Diagnostics;
using System.Text;

namespace CreditCheck.Platform.Tests.Support;

/// <summary>The operator tool (<c>dotnet CreditCheck.Cli.dll …</c>) as its own process, e.g.
/// <c>platform sync</c>; its output collected as it comes, so a test can wait for a line and kill it.</summary>
public sealed class CliProcess : IAsyncDisposable
{
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _error = new();

    private CliProcess(Process process) => Process = process;

    public Process Process { get; }

    public string Output { get { lock (_output) { return _output.ToString(); } } }

    public string Error { get { lock (_error) { return _error.ToString(); } } }

    /// <summary>Starts the tool with the environment the platform commands read.</summary>
    public static CliProcess Start(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "CreditCheck.Cli.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var cli = new CliProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet could not be started."));
        cli.Process.OutputDataReceived += (_, e) => Append(cli._output, e.Data);
        cli.Process.ErrorDataReceived += (_, e) => Append(cli._error, e.Data);
        cli.Process.BeginOutputReadLine();
        cli.Process.BeginErrorReadLine();
        return cli;
    }

    /// <summary>Runs the tool to its end (bounded) and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(IReadOnlyDictionary<string, string> environment, TimeSpan timeout, params string[] arguments)
    {
        await using var cli = Start(environment, arguments);
        await cli.WaitForExitAsync(timeout);
        return (cli.Process.ExitCode, cli.Output, cli.Error);
    }

    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await Process.WaitForExitAsync().WaitAsync(timeout);
            Process.WaitForExit(); // the output's last lines
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The tool did not exit within {timeout.TotalSeconds:F0} s.\n{this}");
        }
    }

    /// <summary>Waits until the output holds a line matching <paramref name="predicate"/>.</summary>
    public async Task WaitForOutputAsync(Func<string, bool> predicate, TimeSpan timeout)
    {
        var until = Stopwatch.StartNew();
        while (!predicate(Output))
        {
            if (Process.HasExited && !predicate(Output))
            {
                throw new InvalidOperationException($"The tool exited ({Process.ExitCode}) before the expected output.\n{this}");
            }

            if (until.Elapsed > timeout)
            {
                throw new TimeoutException($"The tool did not print the expected output within {timeout.TotalSeconds:F0} s.\n{this}");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Kills it at once (like <c>kill -9</c>).</summary>
    public async Task KillAsync()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            await Process.WaitForExitAsync();
        }
    }

    public override string ToString() => $"stdout:\n{Output}\nstderr:\n{Error}";

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        Process.Dispose();
    }

    private static void Append(StringBuilder buffer, string? line)
    {
        if (line is not null)
        {
            lock (buffer)
            {
                buffer.AppendLine(line);
            }
        }
    }
}
