using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace CreditCheck.Server.Tests.Support;

/// <summary>Runs a case of the Python clients kept in python/ (Debian's python3 with python3-requests,
/// python3-grpcio and python3-grpc-tools; tests/run.sh installs them).</summary>
public static class Python
{
    private static readonly string Interpreter = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    /// <summary>The case's JSON result; fails the test with the script's output when it did not pass.</summary>
    public static async Task<JsonElement> RunAsync(string script, string @case, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(Interpreter)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "python", script));
        start.ArgumentList.Add(@case);
        start.Environment["PYTHONIOENCODING"] = "utf-8";
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        start.Environment["NO_PROXY"] = "127.0.0.1,localhost";
        start.Environment["no_proxy"] = "127.0.0.1,localhost";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{Interpreter} could not be started.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        var output = await stdout;
        var errors = await stderr;
        if (errors.Contains("ModuleNotFoundError", StringComparison.Ordinal))
        {
            Assert.Fail($"The Python clients need Debian's packages: sudo apt-get install -y python3-requests python3-grpcio python3-grpc-tools (tests/run.sh does this).\n{errors}");
        }

        Assert.True(process.ExitCode == 0, $"{script} {@case} failed (exit {process.ExitCode}):\n{output}\n{errors}");
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(lines);
        return JsonDocument.Parse(lines[^1]).RootElement.Clone();
    }
}
