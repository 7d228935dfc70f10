using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CreditCheck.Tests.Support;

/// <summary>Where a test's Redis runs: one <see cref="RedisServer"/> or a cluster of them (RedisCluster.cs).</summary>
public interface IRedisDeployment
{
    /// <summary>A StackExchange.Redis configuration for it that tolerates a node being down.</summary>
    string Configuration { get; }

    /// <summary>Every key matching the pattern, on every primary.</summary>
    Task<IReadOnlyList<string>> KeysAsync(string pattern);
}

/// <summary>
/// A real redis-server on a free loopback port, with its own data folder (append-only file, fsync
/// always) so that a kill and restart keeps the data. Stopped and deleted on dispose.
/// </summary>
public sealed class RedisServer : IRedisDeployment, IAsyncDisposable
{
    private readonly string _directory;
    private readonly string[] _extraArguments;
    private Process? _process;

    private RedisServer(int port, string directory, string[] extraArguments)
    {
        Port = port;
        _directory = directory;
        _extraArguments = extraArguments;
    }

    public int Port { get; }

    /// <summary>A StackExchange.Redis configuration for this server that tolerates it being down.</summary>
    public string Configuration => $"127.0.0.1:{Port},abortConnect=false,connectTimeout=2000,syncTimeout=5000,connectRetry=1";

    public static async Task<RedisServer> StartAsync(params string[] extraArguments)
    {
        // A free port can be taken between finding it and the server binding it (other tests start servers too; a
        // cluster node also binds port + 10000): a server that exits at start is tried again on another port.
        for (var attempt = 1; ; attempt++)
        {
            var directory = Path.Combine(Path.GetTempPath(), $"creditcheck-redis-{Guid.NewGuid():N}"); // a new one: a failed node may have written its nodes.conf
            Directory.CreateDirectory(directory);
            var server = new RedisServer(FreePort(cluster: extraArguments.Contains("--cluster-enabled")), directory, extraArguments);
            try
            {
                await server.RestartAsync();
                return server;
            }
            catch (InvalidOperationException) when (attempt < 5 && server._process is { HasExited: true })
            {
            }
        }
    }

    /// <summary>Starts the server (again) on the same port and folder.</summary>
    public async Task RestartAsync()
    {
        var executable = FindRedisServer() ?? throw new InvalidOperationException(
            "redis-server is not installed; install it with: sudo apt-get install -y redis-server (tests/run.sh does this).");
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                     "--dir", _directory, "--save", "", "--appendonly", "yes", "--appendfsync", "always", "--protected-mode", "yes", .. _extraArguments])
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await PingAsync())
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"redis-server did not start on port {Port} (exit code {(_process.HasExited ? _process.ExitCode : -1)}).");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Kills the server at once, as a crash would.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>Stops the server's process (SIGSTOP): connections stay open and nothing is answered, as a hung
    /// node behaves. <see cref="ContinueAsync"/> lets it go on; killing or disposing works either way.</summary>
    public Task FreezeAsync() => SignalAsync("-STOP");

    /// <summary>Lets a frozen server go on (SIGCONT).</summary>
    public Task ContinueAsync() => SignalAsync("-CONT");

    private async Task SignalAsync(string signal)
    {
        if (_process is not { HasExited: false } process)
        {
            throw new InvalidOperationException($"redis-server on port {Port} is not running.");
        }

        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) }, UseShellExecute = false })!;
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill {signal} {process.Id} exited with {kill.ExitCode}.");
        }
    }

    /// <summary>Every key matching the pattern (KEYS; fine for a test's small namespace).</summary>
    public async Task<IReadOnlyList<string>> KeysAsync(string pattern)
    {
        var reply = await CommandAsync("KEYS", pattern);
        return [.. reply.Split("\r\n").Where(line => line.Length > 0 && line[0] is not ('*' or '$'))];
    }

    /// <summary>Sends one command over a raw connection (for tests that set up ACL users etc.).</summary>
    public async Task<string> CommandAsync(params string[] arguments)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, Port);
        var stream = client.GetStream();
        var request = new StringBuilder().Append('*').Append(arguments.Length).Append("\r\n");
        foreach (var argument in arguments)
        {
            request.Append('$').Append(Encoding.UTF8.GetByteCount(argument)).Append("\r\n").Append(argument).Append("\r\n");
        }

        await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()));

        // Read until the reply is whole: INFO's is several KB and may arrive in more than one piece.
        var received = new List<byte>();
        var buffer = new byte[16384];
        while (!IsWholeReply(received, 0, out _))
        {
            var read = await stream.ReadAsync(buffer);
            if (read == 0)
            {
                break;
            }

            received.AddRange(buffer.AsSpan(0, read));
        }

        return Encoding.UTF8.GetString([.. received]).TrimEnd();
    }

    // Whether data[at..] holds one whole RESP2 reply; end: where it ends.
    private static bool IsWholeReply(List<byte> data, int at, out int end)
    {
        end = at;
        var lineEnd = -1;
        for (var i = at; i + 1 < data.Count; i++)
        {
            if (data[i] == '\r' && data[i + 1] == '\n')
            {
                lineEnd = i;
                break;
            }
        }

        if (lineEnd < 0)
        {
            return false;
        }

        var header = Encoding.ASCII.GetString([.. data.GetRange(at + 1, lineEnd - at - 1)]);
        end = lineEnd + 2;
        switch ((char)data[at])
        {
            case '$':
                var length = int.Parse(header, System.Globalization.CultureInfo.InvariantCulture);
                end += length < 0 ? 0 : length + 2;
                return length < 0 || data.Count >= end;
            case '*':
                var count = int.Parse(header, System.Globalization.CultureInfo.InvariantCulture);
                for (var i = 0; i < count; i++)
                {
                    if (!IsWholeReply(data, end, out end))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return true; // +, -, : are one line
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }

    private async Task<bool> PingAsync()
    {
        try
        {
            return (await CommandAsync("PING")) == "+PONG";
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>A port free now; for a cluster node, one whose bus port (+ 10000) exists and is free too.</summary>
    private static int FreePort(bool cluster)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = Bind(0);
            if (!cluster || attempt == 20 || (port + 10000 <= IPEndPoint.MaxPort && Bind(port + 10000) != 0))
            {
                return port;
            }
        }

        static int Bind(int port)
        {
            var listener = new TcpListener(IPAddress.Loopback, port);
            try
            {
                listener.Start();
                return ((IPEndPoint)listener.LocalEndpoint).Port;
            }
            catch (SocketException)
            {
                return 0;
            }
            finally
            {
                listener.Stop();
            }
        }
    }

    private static string? FindRedisServer() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator)
            .Append("/usr/bin")
            .Append("/usr/local/bin")
            .Select(d => Path.Combine(d, "redis-server"))
            .FirstOrDefault(File.Exists);
}

/// <summary>One redis-server per test class; tests isolate themselves by namespace.</summary>
public sealed class RedisFixture : IAsyncLifetime
{
    public RedisServer Server { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Server = await RedisServer.StartAsync();

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}
