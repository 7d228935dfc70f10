using System.Net;
using System.Net.Sockets;

namespace CreditCheck.Platform.Tests.Support;

/// <summary>A TCP proxy in front of a platform that fails the way a platform going down does, at chosen moments
/// (connections closed with FIN, as by a process that exits): <see cref="CutNextCall"/> closes the connection when
/// the client starts its next call (an HTTP/2 HEADERS frame), once the platform's half of the HTTP/2 handshake has
/// reached the client — a call cut mid-way, "the response ended prematurely"; <see cref="Down"/> closes every
/// connection and accepts new ones only to close them (the HTTP/2 handshake fails); <see cref="Stall"/> passes
/// nothing on (a platform that does not answer).</summary>
public sealed class CuttingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _open = [];
    private volatile bool _cutNext;
    private volatile bool _down;
    private volatile bool _stalled;
    private int _cuts;

    public CuttingProxy(Uri target)
    {
        _target = target.Port;
        _listener.Start();
        _ = Task.Run(AcceptAsync);
    }

    /// <summary>The proxy's address (plain HTTP/2, as the target's).</summary>
    public Uri Address => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    /// <summary>Calls cut so far.</summary>
    public int Cuts => Volatile.Read(ref _cuts);

    /// <summary>The next call a client starts is cut (once).</summary>
    public void CutNextCall() => _cutNext = true;

    public void Down()
    {
        _down = true;
        CloseAll();
    }

    public void Up() => _down = false;

    public void Stall() => _stalled = true;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        CloseAll();
        _stop.Dispose();
    }

    private void CloseAll()
    {
        lock (_open)
        {
            foreach (var client in _open)
            {
                Close(client);
            }

            _open.Clear();
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            var buffer = new byte[64 * 1024];
            if (_down)
            {
                try
                {
                    _ = await client.GetStream().ReadAsync(buffer); // the client's preface, then nothing back
                }
                catch (IOException)
                {
                }

                Close(client);
                return;
            }

            using var upstream = new TcpClient();
            await upstream.ConnectAsync(IPAddress.Loopback, _target);
            lock (_open)
            {
                _open.Add(client);
                _open.Add(upstream);
            }

            var fromClient = client.GetStream();
            var toPlatform = upstream.GetStream();
            var answered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var back = PumpAsync(toPlatform, fromClient, answered);
            var frames = new List<byte>();
            var preface = 24; // "PRI * HTTP/2.0…" comes before the first frame
            try
            {
                int read;
                while ((read = await fromClient.ReadAsync(buffer)) > 0)
                {
                    frames.AddRange(buffer.AsSpan(0, read));
                    var call = false;
                    while (true)
                    {
                        if (preface > 0)
                        {
                            var skip = Math.Min(preface, frames.Count);
                            frames.RemoveRange(0, skip);
                            preface -= skip;
                            if (preface > 0)
                            {
                                break;
                            }
                        }

                        if (frames.Count < 9)
                        {
                            break;
                        }

                        var length = (frames[0] << 16) | (frames[1] << 8) | frames[2];
                        if (frames.Count < 9 + length)
                        {
                            break;
                        }

                        call |= frames[3] == 1; // HEADERS: a call starts
                        frames.RemoveRange(0, 9 + length);
                    }

                    if (call && _cutNext)
                    {
                        _cutNext = false;
                        Interlocked.Increment(ref _cuts);
                        await answered.Task.WaitAsync(TimeSpan.FromSeconds(10)); // the client has the platform's SETTINGS
                        await Task.Delay(200);
                        Close(client);
                        Close(upstream);
                        return;
                    }

                    if (!_stalled)
                    {
                        await toPlatform.WriteAsync(buffer.AsMemory(0, read));
                    }
                }
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException or TimeoutException)
            {
            }

            Close(upstream);
            await back;
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, TaskCompletionSource answered)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer)) > 0)
            {
                if (!_stalled)
                {
                    await to.WriteAsync(buffer.AsMemory(0, read));
                    answered.TrySetResult();
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
        {
        }

        Close(to.Socket);
    }

    /// <summary>An orderly close (FIN), as when the platform's process exits.</summary>
    private static void Close(TcpClient client)
    {
        if (client.Client is { } socket)
        {
            Close(socket);
        }
    }

    private static void Close(Socket socket)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Both);
            socket.Close();
        }
        catch (Exception e) when (e is ObjectDisposedException or SocketException)
        {
        }
    }
}
