using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace CreditCheck.Benchmarks.Support;

/// <summary>
/// A private redis-server for one run: a free port on 127.0.0.1 (never a fixed port, never another
/// address), its own temporary folder, no persistence (a benchmark measures the SDK, not fsync).
/// Killed on dispose, and also when the process exits or gets SIGTERM, SIGINT, SIGHUP or SIGQUIT,
/// so a failed or interrupted run does not leave a server behind.
/// </summary>
internal sealed class RedisServer : IAsyncDisposable
{
    private readonly string _directory;
    private readonly Process _process;
    private readonly PosixSignalRegistration[] _signals;
    private int _stopped;

    private RedisServer(int port, string directory, Process process)
    {
        Port = port;
        _directory = directory;
        _process = process;
        AppDomain.CurrentDomain.ProcessExit += OnExit;
        Console.CancelKeyPress += OnCancel;

        // A terminated run still takes its server down: SIGTERM and friends end the process without
        // ProcessExit, so stop the server first and then let the signal do what it does.
        _signals = [.. new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGHUP, PosixSignal.SIGQUIT }
            .Select(signal => PosixSignalRegistration.Create(signal, _ => Stop()))];
    }

    public int Port { get; }

    /// <summary>StackExchange.Redis configuration for this server.</summary>
    public string Configuration => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{Port},abortConnect=false,connectTimeout=2000,syncTimeout=5000");

    public string Version { get; private set; } = "?";

    /// <summary>How much of the server's memory is in transparent huge pages (<c>AnonHugePages</c> of
    /// <c>/proc/PID/smaps_rollup</c>), in bytes; null where that cannot be read.</summary>
    public long? HugePageBytes()
    {
        try
        {
            var line = File.ReadLines($"/proc/{_process.Id}/smaps_rollup").FirstOrDefault(l => l.StartsWith("AnonHugePages:", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Starts the server. With <paramref name="hugePages"/>, its heap is in transparent huge pages
    /// (jemalloc's <c>thp:always</c> and Redis's <c>disable-thp no</c>; the machine's THP mode must be
    /// <c>madvise</c> or <c>always</c>).</summary>
    public static async Task<RedisServer> StartAsync(bool hugePages = false, CancellationToken cancellationToken = default)
    {
        var executable = Find() ?? throw new InvalidOperationException(
            "redis-server is not installed; install it with: sudo apt-get install -y redis-server");
        var directory = Path.Combine(Path.GetTempPath(), $"creditcheck-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        var port = FreePort();
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--protected-mode", "yes",
                     "--dir", directory, "--save", "", "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning"])
        {
            start.ArgumentList.Add(argument);
        }

        if (hugePages)
        {
            start.Environment["MALLOC_CONF"] = "thp:always";
            start.ArgumentList.Add("--disable-thp");
            start.ArgumentList.Add("no");
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new RedisServer(port, directory, process);
        try
        {
            var deadline = Stopwatch.GetTimestamp() + (Stopwatch.Frequency * 10);
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var info = await server.TryCommandAsync("INFO", "server").ConfigureAwait(false);
                if (info is not null && Field(info, "process_id") is { } pid)
                {
                    // The port was free a moment ago; make sure the server answering is ours.
                    if (pid != process.Id.ToString(CultureInfo.InvariantCulture))
                    {
                        throw new InvalidOperationException($"Port {port} was taken by another redis-server (pid {pid}) before ours could bind it; run again.");
                    }

                    server.Version = Field(info, "redis_version") ?? "?";
                    return server;
                }

                if (process.HasExited || Stopwatch.GetTimestamp() > deadline)
                {
                    throw new InvalidOperationException($"redis-server did not start on 127.0.0.1:{port} (exit code {(process.HasExited ? process.ExitCode : -1)}).");
                }

                await Task.Delay(20, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public ValueTask DisposeAsync()
    {
        Stop();
        AppDomain.CurrentDomain.ProcessExit -= OnExit;
        Console.CancelKeyPress -= OnCancel;
        foreach (var signal in _signals)
        {
            signal.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    private void OnExit(object? sender, EventArgs e) => Stop();

    private void OnCancel(object? sender, ConsoleCancelEventArgs e) => Stop();

    private void Stop()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }

    private async Task<string?> TryCommandAsync(params string[] arguments)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port).ConfigureAwait(false);
            var stream = client.GetStream();
            var request = new StringBuilder().Append('*').Append(arguments.Length).Append("\r\n");
            foreach (var argument in arguments)
            {
                request.Append('$').Append(Encoding.UTF8.GetByteCount(argument)).Append("\r\n").Append(argument).Append("\r\n");
            }

            await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString())).ConfigureAwait(false);
            var buffer = new byte[16384];
            var read = await stream.ReadAsync(buffer).ConfigureAwait(false);
            return Encoding.UTF8.GetString(buffer, 0, read);
        }
        catch (SocketException)
        {
            return null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static string? Field(string info, string name)
    {
        var at = info.IndexOf(name + ":", StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        at += name.Length + 1;
        var end = info.IndexOf('\r', at);
        return end < 0 ? null : info[at..end];
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/bin")
            .Append("/usr/local/bin")
            .Select(d => Path.Combine(d, "redis-server"))
            .FirstOrDefault(File.Exists);
}
