using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using StackExchange.Redis;

namespace CreditCheck.Redis;

/// <summary>
/// A plain connection to one Redis server that writes commands back to back and reads their replies
/// in order (RESP2). An import stages its rows through it: StackExchange.Redis 1.2.6 spends several
/// microseconds of client time on every command, and a Lua script doubles Redis's time per row, while
/// here a row costs a few hundred nanoseconds of copying. Not thread-safe: one import uses it.
/// </summary>
internal sealed class RespPipe : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly TimeSpan _timeout;
    private readonly CancellationTokenSource _deadline = new();
    private readonly ArrayBufferWriter<byte> _output = new(1 << 16);
    private byte[] _input = new byte[1 << 16];
    private int _inputStart;
    private int _inputEnd;

    private RespPipe(Socket socket, Stream stream, TimeSpan timeout)
    {
        _socket = socket;
        _stream = stream;
        _timeout = timeout;
    }

    /// <summary>Connects to <paramref name="endPoint"/> as the multiplexer does (TLS, password, ACL user,
    /// database), or returns null when that cannot be done here (a proxy, a certificate only the host's
    /// own validation accepts …), so that the caller uses the multiplexer.</summary>
    public static async Task<RespPipe?> TryOpenAsync(EndPoint endPoint, ConfigurationOptions configuration, string? user, string? password)
    {
        if (configuration.Proxy != Proxy.None || !string.IsNullOrEmpty(configuration.ServiceName))
        {
            return null; // a proxy or sentinel: the multiplexer knows how to talk to it
        }

        var (host, port) = endPoint switch
        {
            DnsEndPoint dns => (dns.Host, dns.Port),
            IPEndPoint ip => (ip.Address.ToString(), ip.Port),
            _ => (null, 0),
        };
        if (host is null)
        {
            return null;
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream? stream = null;
        RespPipe? pipe = null;
        var handedOver = false;
        try
        {
            using var timeout = new CancellationTokenSource(Math.Max(configuration.ConnectTimeout, 1000));
            await socket.ConnectAsync(host, port, timeout.Token).ConfigureAwait(false);
            stream = new NetworkStream(socket, ownsSocket: false);
            if (configuration.Ssl)
            {
                var tls = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = tls;
                await tls.AuthenticateAsClientAsync(
                    new SslClientAuthenticationOptions { TargetHost = configuration.SslHost ?? host, EnabledSslProtocols = configuration.SslProtocols ?? default },
                    timeout.Token).ConfigureAwait(false);
            }

            pipe = new RespPipe(socket, stream, TimeSpan.FromMilliseconds(Math.Max(configuration.SyncTimeout, 30_000)));
            var secret = password ?? configuration.Password;
            var replies = 1;
            if (user is not null)
            {
                pipe.Command("AUTH", user, secret ?? string.Empty);
                replies++;
            }
            else if (!string.IsNullOrEmpty(secret))
            {
                pipe.Command("AUTH", secret);
                replies++;
            }

            if (configuration.DefaultDatabase is > 0 and var database)
            {
                pipe.Command("SELECT", database.ToString(CultureInfo.InvariantCulture));
                replies++;
            }

            pipe.Command("PING");
            await pipe.FlushAsync().ConfigureAwait(false);
            for (var i = 0; i < replies; i++)
            {
                await pipe.ReadAsync(null).ConfigureAwait(false);
            }

            handedOver = true;
            return pipe;
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or TimeoutException or System.Security.Authentication.AuthenticationException or RedisReplyException)
        {
            return null; // the multiplexer, which did connect, stages instead
        }
        finally
        {
            if (!handedOver)
            {
                if (pipe is not null)
                {
                    await pipe.DisposeAsync().ConfigureAwait(false);
                }
                else
                {
                    if (stream is not null)
                    {
                        await stream.DisposeAsync().ConfigureAwait(false);
                    }

                    socket.Dispose();
                }
            }
        }
    }

    /// <summary>Starts a command of <paramref name="arguments"/> arguments (the name included).</summary>
    public void Begin(int arguments) => Header((byte)'*', arguments);

    public void Argument(string text)
    {
        Header((byte)'$', Encoding.UTF8.GetByteCount(text));
        var span = _output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length) + 2);
        var written = Encoding.UTF8.GetBytes(text, span);
        span[written] = (byte)'\r';
        span[written + 1] = (byte)'\n';
        _output.Advance(written + 2);
    }

    public void Argument(ReadOnlySpan<byte> bytes)
    {
        Header((byte)'$', bytes.Length);
        var span = _output.GetSpan(bytes.Length + 2);
        bytes.CopyTo(span);
        span[bytes.Length] = (byte)'\r';
        span[bytes.Length + 1] = (byte)'\n';
        _output.Advance(bytes.Length + 2);
    }

    /// <summary>One argument made of two parts written back to back (a key prefix and a key).</summary>
    public void Argument(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second)
    {
        var length = first.Length + second.Length;
        Header((byte)'$', length);
        var span = _output.GetSpan(length + 2);
        first.CopyTo(span);
        second.CopyTo(span[first.Length..]);
        span[length] = (byte)'\r';
        span[length + 1] = (byte)'\n';
        _output.Advance(length + 2);
    }

    /// <summary>One argument made of parts joined by tabs (the fields of the key layout), written
    /// without building it first.</summary>
    public void Joined(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second) => Joined(2, first, second, default, default);

    public void Joined(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, ReadOnlySpan<byte> third) => Joined(3, first, second, third, default);

    public void Joined(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, ReadOnlySpan<byte> third, ReadOnlySpan<byte> fourth) => Joined(4, first, second, third, fourth);

    public void Command(params ReadOnlySpan<string> parts)
    {
        Begin(parts.Length);
        foreach (var part in parts)
        {
            Argument(part);
        }
    }

    public async Task FlushAsync()
    {
        if (_output.WrittenCount == 0)
        {
            return;
        }

        _deadline.CancelAfter(_timeout);
        try
        {
            await _stream.WriteAsync(_output.WrittenMemory, _deadline.Token).ConfigureAwait(false);
            await _stream.FlushAsync(_deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e)
        {
            throw new TimeoutException($"Redis did not take the import's staging commands within {_timeout.TotalSeconds:F0} s.", e);
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            throw new StagingConnectionException($"The import's connection to Redis failed: {e.Message}", e);
        }

        _deadline.TryReset();
        _output.ResetWrittenCount();
    }

    /// <summary>Reads one reply. Bulk strings go to <paramref name="bulks"/> (null for a nil one), in
    /// order, also inside arrays; the return value is the integer of an integer reply, or the number
    /// of elements of an array. An error reply throws <see cref="RedisReplyException"/>.</summary>
    public async ValueTask<long> ReadAsync(ReplyValues? bulks)
    {
        while (true)
        {
            var mark = bulks?.Mark();
            if (TryParse(_input.AsSpan(_inputStart, _inputEnd - _inputStart), bulks, out var value, out var used, out var error))
            {
                _inputStart += used;
                return error is null ? value : throw new RedisReplyException(error);
            }

            bulks?.Reset(mark!.Value); // parsed again once more data is in
            if (!await FillAsync().ConfigureAwait(false))
            {
                throw new StagingConnectionException("Redis closed the connection.");
            }
        }
    }

    /// <summary>Reads <paramref name="count"/> replies that are not looked at (only checked for errors).</summary>
    public async ValueTask SkipAsync(int count)
    {
        string? firstError = null;
        while (count > 0)
        {
            // As many whole replies as the buffer holds, without an await each.
            while (count > 0 && TryParse(_input.AsSpan(_inputStart, _inputEnd - _inputStart), null, out _, out var used, out var error))
            {
                _inputStart += used;
                firstError ??= error;
                count--;
            }

            // Each reply still to come is at least 4 bytes (":1\r\n").
            if (count > 0 && !await FillAsync((count * 4) - (_inputEnd - _inputStart)).ConfigureAwait(false))
            {
                throw new StagingConnectionException("Redis closed the connection.");
            }
        }

        if (firstError is not null)
        {
            throw new RedisReplyException(firstError);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync().ConfigureAwait(false);
        _socket.Dispose();
        _deadline.Dispose();
    }

    private void Joined(int parts, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, ReadOnlySpan<byte> third, ReadOnlySpan<byte> fourth)
    {
        var length = first.Length + second.Length + third.Length + fourth.Length + parts - 1;
        Header((byte)'$', length);
        var span = _output.GetSpan(length + 2);
        first.CopyTo(span);
        var at = first.Length;
        span[at++] = (byte)'\t';
        second.CopyTo(span[at..]);
        at += second.Length;
        if (parts > 2)
        {
            span[at++] = (byte)'\t';
            third.CopyTo(span[at..]);
            at += third.Length;
        }

        if (parts > 3)
        {
            span[at++] = (byte)'\t';
            fourth.CopyTo(span[at..]);
            at += fourth.Length;
        }

        span[at] = (byte)'\r';
        span[at + 1] = (byte)'\n';
        _output.Advance(at + 2);
    }

    private static long Number(ReadOnlySpan<byte> text) =>
        Utf8Parser.TryParse(text, out long value, out var used) && used == text.Length ? value : throw new StagingConnectionException("Redis sent a malformed number.");

    private void Header(byte type, long value)
    {
        var span = _output.GetSpan(24);
        span[0] = type;
        Utf8Formatter.TryFormat(value, span[1..], out var written);
        span[written + 1] = (byte)'\r';
        span[written + 2] = (byte)'\n';
        _output.Advance(written + 3);
    }

    /// <summary>Parses one whole reply at the start of <paramref name="data"/>, or returns false when
    /// the data ends before the reply does.</summary>
    private static bool TryParse(ReadOnlySpan<byte> data, ReplyValues? bulks, out long value, out int used, out string? error)
    {
        value = 0;
        used = 0;
        error = null;
        var end = data.IndexOf("\r\n"u8);
        if (end < 0)
        {
            return false;
        }

        var text = data[1..end];
        used = end + 2;
        switch (data[0])
        {
            case (byte)'+':
                return true;
            case (byte)'-':
                error = Encoding.UTF8.GetString(text);
                return true;
            case (byte)':':
                value = Number(text);
                return true;
            case (byte)'$':
                var length = Number(text);
                if (length < 0)
                {
                    bulks?.AddNull();
                    return true;
                }

                if (data.Length < used + length + 2)
                {
                    return false;
                }

                bulks?.Add(data.Slice(used, (int)length));
                used += (int)length + 2;
                return true;
            case (byte)'*':
                value = Number(text);
                for (var i = 0; i < value; i++)
                {
                    if (!TryParse(data[used..], bulks, out _, out var part, out var inner))
                    {
                        return false;
                    }

                    used += part;
                    error ??= inner;
                }

                return true;
            default:
                throw new StagingConnectionException($"Redis sent an unexpected reply type '{(char)data[0]}'.");
        }
    }

    /// <summary>Reads more of the replies: at least <paramref name="minimum"/> bytes (when the caller
    /// knows that many are coming, one wait instead of one per network packet).</summary>
    private async ValueTask<bool> FillAsync(int minimum = 1)
    {
        if (_inputStart > 0)
        {
            _input.AsSpan(_inputStart, _inputEnd - _inputStart).CopyTo(_input);
            _inputEnd -= _inputStart;
            _inputStart = 0;
        }

        minimum = Math.Max(1, Math.Min(minimum, 1 << 20));
        if (_input.Length - _inputEnd < minimum)
        {
            Array.Resize(ref _input, Math.Max(_input.Length * 2, _inputEnd + minimum)); // a reply longer than the buffer
        }

        // A bounded wait: a Redis that stops answering fails the import instead of hanging it.
        _deadline.CancelAfter(_timeout);
        int read;
        try
        {
            read = await _stream.ReadAtLeastAsync(_input.AsMemory(_inputEnd), minimum, throwOnEndOfStream: false, _deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e)
        {
            throw new TimeoutException($"Redis did not answer the import's staging commands within {_timeout.TotalSeconds:F0} s.", e);
        }
        catch (Exception e) when (e is IOException and not StagingConnectionException or SocketException)
        {
            throw new StagingConnectionException($"The import's connection to Redis failed: {e.Message}", e);
        }

        if (!_deadline.TryReset())
        {
            throw new TimeoutException($"Redis did not answer the import's staging commands within {_timeout.TotalSeconds:F0} s.");
        }

        _inputEnd += read;
        return read > 0;
    }
}

/// <summary>The bulk strings of replies, kept in one buffer (a nil one has no bytes and
/// <see cref="IsNull"/>).</summary>
internal sealed class ReplyValues
{
    private readonly List<(int Start, int Length)> _items = [];
    private byte[] _data = new byte[1 << 14];
    private int _used;

    public ReadOnlySpan<byte> this[int index] => _items[index].Length < 0 ? default : _data.AsSpan(_items[index].Start, _items[index].Length);

    public bool IsNull(int index) => _items[index].Length < 0;

    public void Add(ReadOnlySpan<byte> value)
    {
        if (_used + value.Length > _data.Length)
        {
            Array.Resize(ref _data, Math.Max(_data.Length * 2, _used + value.Length));
        }

        value.CopyTo(_data.AsSpan(_used));
        _items.Add((_used, value.Length));
        _used += value.Length;
    }

    public void AddNull() => _items.Add((_used, -1));

    public (int Items, int Used) Mark() => (_items.Count, _used);

    public void Reset((int Items, int Used) mark)
    {
        _items.RemoveRange(mark.Items, _items.Count - mark.Items);
        _used = mark.Used;
    }
}

/// <summary>Redis answered a staging command with an error (out of memory, no permission …).</summary>
internal sealed class RedisReplyException(string message) : Exception(message);

/// <summary>The import's own connection to Redis failed while staging (an I/O error, as the
/// multiplexer's connection failures are).</summary>
internal sealed class StagingConnectionException : IOException
{
    public StagingConnectionException(string message)
        : base(message)
    {
    }

    public StagingConnectionException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
