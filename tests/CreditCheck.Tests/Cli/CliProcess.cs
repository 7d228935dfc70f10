using System.Diagnostics;
using System.Text;

namespace CreditCheck.Tests.Cli;

/// <summary>The tool run as a real process (<c>dotnet CreditCheck.Cli.dll ARGS</c>), for tests that kill it
/// or kill what it talks to while it runs.</summary>
/// <remarks>Its output is drained as it comes, so it never blocks on a full pipe.</remarks>
internal sealed class CliProcess : IDisposable
{
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _error = new();

    private CliProcess(Process process)
    {
        Process = process;
        process.OutputDataReceived += (_, e) => Append(_output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(_error, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Process Process { get; }

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

    public string Error
    {
        get
        {
            lock (_error)
            {
                return _error.ToString();
            }
        }
    }

    /// <summary>Starts <c>dotnet CreditCheck.Cli.dll ARGS</c> with the session's environment only.</summary>
    public static CliProcess Start(CliSession cli, params string[] args)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(CliAssembly());
        foreach (var argument in args)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("CREDITCHECK_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in cli.Environment)
        {
            start.Environment[name] = value;
        }

        return new CliProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start."));
    }

    /// <summary>Waits, at most <paramref name="timeout"/>, for the process to end (killing it if it has not),
    /// and gives what it wrote.</summary>
    public async Task<CliResult> ExitAsync(TimeSpan timeout)
    {
        using var wait = new CancellationTokenSource(timeout);
        try
        {
            await Process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            // still running: stopped below, and the result says it was killed
        }

        Stop();
        return new CliResult(Process.ExitCode, Output, Error);
    }

    /// <summary>Kills the process if it still runs and waits (bounded) for its output to end.</summary>
    public void Stop()
    {
        try
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
            }

            if (Process.WaitForExit(10_000))
            {
                Process.WaitForExit(); // and the redirected output has been read to its end
            }
        }
        catch (InvalidOperationException)
        {
            // not started or already gone
        }
    }

    public void Dispose()
    {
        Stop();
        Process.Dispose();
    }

    public override string ToString() =>
        $"{(Process.HasExited ? $"exit {Process.ExitCode}" : "running")}{Environment.NewLine}stdout:{Environment.NewLine}{Output}{Environment.NewLine}stderr:{Environment.NewLine}{Error}";

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>The tool's assembly: copied beside the tests by the project reference, or in its own bin folder.</summary>
    private static string CliAssembly()
    {
        var beside = Path.Combine(AppContext.BaseDirectory, "CreditCheck.Cli.dll");
        if (File.Exists(beside) && File.Exists(Path.Combine(AppContext.BaseDirectory, "CreditCheck.Cli.runtimeconfig.json")))
        {
            return beside;
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var bin = Path.Combine(directory.FullName, "sdk", "CreditCheck.Cli", "bin");
            if (Directory.Exists(bin))
            {
                var built = Directory.EnumerateFiles(bin, "CreditCheck.Cli.dll", SearchOption.AllDirectories)
                    .Where(p => File.Exists(Path.ChangeExtension(p, ".runtimeconfig.json")))
                    .OrderByDescending(File.GetLastWriteTimeUtc)
                    .FirstOrDefault();
                if (built is not null)
                {
                    return built;
                }
            }
        }

        throw new InvalidOperationException("CreditCheck.Cli.dll was not found beside the tests nor under sdk/CreditCheck.Cli/bin; build sdk/CreditCheck.Cli first.");
    }

    private static void Append(StringBuilder builder, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (builder)
        {
            builder.AppendLine(line);
        }
    }
}
