using System.Buffers;
using System.Reflection;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace CreditCheck.Server;

/// <summary>
/// HTTP/1.1 and prior-knowledge h2c (cleartext HTTP/2, what gRPC clients send to <c>http://</c>) on one
/// cleartext port. Kestrel picks HTTP/1.1 for every cleartext connection of an <c>Http1AndHttp2</c> endpoint
/// (there is no ALPN without TLS; dotnet/aspnetcore#56984). This connection middleware reads — without
/// consuming — the first bytes of each connection: the 24-byte HTTP/2 client preface (RFC 9113 §3.4) selects
/// HTTP/2 for that connection, anything else (an HTTP/1.1 request line) goes on as HTTP/1.1, its bytes intact.
/// With TLS, ALPN decides and this middleware only sees a ClientHello, which is not the preface.
/// </summary>
/// <remarks>
/// The per-connection protocol is told to Kestrel through its connection feature <c>HttpProtocolsFeature</c>
/// (the one its TLS middleware sets from <c>TlsHandshakeCallbackOptions.HttpProtocols</c>), found once by
/// reflection. Should a Kestrel version lack it, <see cref="IsAvailable"/> is false, the service says so at
/// start, and gRPC needs TLS (ALPN) or an HTTP/2-only endpoint.
/// .NET 10 has no supported way to do this: dotnet/aspnetcore#56984 is open, and the pull request that would build
/// the same preface check into Kestrel (dotnet/aspnetcore#67782) was not merged when this was last checked. The
/// check runs once per connection, not per request: it costs nothing measurable under load.
/// </remarks>
internal static class Http2PriorKnowledge
{
    private static readonly TimeSpan SniffTimeout = TimeSpan.FromSeconds(30);

    private static readonly byte[] Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();

    private static readonly Type? FeatureType =
        typeof(KestrelServerOptions).Assembly.GetType("Microsoft.AspNetCore.Server.Kestrel.Core.Internal.HttpProtocolsFeature");

    private static readonly ConstructorInfo? FeatureConstructor = FeatureType?.GetConstructor(
        BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance, [typeof(HttpProtocols)]);

    /// <summary>Whether this Kestrel lets a connection's protocol be chosen per connection.</summary>
    public static bool IsAvailable => FeatureConstructor is not null;

    /// <summary>The connection middleware.</summary>
    public static Func<ConnectionDelegate, ConnectionDelegate> Middleware => next => async connection =>
    {
        // A connection that sends nothing is not waited for forever here: past the timeout it goes on as
        // HTTP/1.1, where Kestrel's own request-header timeout applies.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed);
        timeout.CancelAfter(SniffTimeout);
        if (await StartsWithPrefaceAsync(connection.Transport.Input, timeout.Token).ConfigureAwait(false))
        {
            connection.Features[FeatureType!] = FeatureConstructor!.Invoke([HttpProtocols.Http2]);
        }

        await next(connection).ConfigureAwait(false);
    };

    /// <summary>Waits until the bytes read so far match the preface (true) or cannot (false); consumes nothing.</summary>
    private static async ValueTask<bool> StartsWithPrefaceAsync(System.IO.Pipelines.PipeReader input, CancellationToken cancellationToken)
    {
        var head = new byte[Preface.Length];
        while (true)
        {
            System.IO.Pipelines.ReadResult read;
            try
            {
                read = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return false;
            }

            var buffer = read.Buffer;
            var length = (int)Math.Min(buffer.Length, Preface.Length);
            buffer.Slice(0, length).CopyTo(head);
            var matches = head.AsSpan(0, length).SequenceEqual(Preface.AsSpan(0, length));
            if (!matches || length == Preface.Length || read.IsCompleted || read.IsCanceled)
            {
                // Nothing consumed and nothing examined: the HTTP layer's first read returns these bytes at once.
                input.AdvanceTo(buffer.Start);
                return matches && length == Preface.Length;
            }

            // A prefix of the preface so far: wait for more.
            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }
}
