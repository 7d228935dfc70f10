using System.Collections.Concurrent;
using System.Security.Authentication;
using Grpc.Core;

namespace CreditCheck.Platform;

/// <summary>A failure to reach or use the platform, described for the operator: whether the platform
/// answered at all, and a probable wrong scheme (https:// against plain HTTP/2, http:// against TLS). Public for
/// operator tools that call the platform themselves (the CLI does).</summary>
public static class PlatformFailure
{
    // Addresses that have answered a call in this process (scheme, host and port): their scheme is right, so a
    // failure on them later is the platform going away, not a scheme to change.
    private static readonly ConcurrentDictionary<string, bool> Answered = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>One line naming what went wrong.</summary>
    /// <param name="e">The failure.</param>
    /// <param name="address">The platform's address, to recognise a wrong scheme; optional.</param>
    /// <returns>The line.</returns>
    public static string Describe(Exception e, Uri? address = null) => Describe(e, address, null);

    /// <summary>The bilingual explanation when the failure looks like a wrong scheme, else null. Only a failure
    /// to set the connection up (TLS or HTTP/2 handshake) on an address that has never answered in this process
    /// looks so: a call cut mid-way, or any failure on an address that answered before, is the platform going
    /// away (retried).</summary>
    /// <param name="e">The failure.</param>
    /// <param name="address">The platform's address.</param>
    /// <returns>Chinese, then English; or null.</returns>
    public static string? SchemeMismatch(Exception e, Uri address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (Answered.ContainsKey(Key(address)))
        {
            return null;
        }

        var chain = Chain(e).ToList();
        var https = address.Scheme == Uri.UriSchemeHttps;
        if (https && chain.Any(x => x is AuthenticationException || x.Message.Contains("SSL", StringComparison.Ordinal)))
        {
            return $"协议可能不对：与 {address} 的 TLS 握手失败，平台似乎只接受明文 HTTP/2（h2c），请改用 http:// — the scheme is probably wrong: "
                + $"the TLS handshake with {address} failed (the platform seems to speak plain HTTP/2, h2c); try http:// ({Innermost(chain)})";
        }

        // "The response ended prematurely" alone is a connection cut after it was set up (seen from outside: the
        // platform stopped mid-call); a TLS server met with plain HTTP/2 fails the HTTP/2 handshake itself.
        if (!https && chain.Any(x => x.Message.Contains("HTTP/2 handshake", StringComparison.OrdinalIgnoreCase)
            || x.Message.Contains("PROTOCOL_ERROR", StringComparison.Ordinal)))
        {
            return $"协议可能不对：{address} 没有回应明文 HTTP/2，平台可能要求 TLS，请改用 https:// — the scheme is probably wrong: "
                + $"{address} did not answer plain HTTP/2 (the platform probably requires TLS); try https:// ({Innermost(chain)})";
        }

        return null;
    }

    /// <summary>Describes a failure; <paramref name="deadline"/> names the call timeout when known.</summary>
    internal static string Describe(Exception e, Uri? address, TimeSpan? deadline)
    {
        if (address is not null && SchemeMismatch(e, address) is { } scheme)
        {
            return scheme;
        }

        return e switch
        {
            // Grpc gives no detail for its own deadline: say what happened.
            RpcException { StatusCode: StatusCode.DeadlineExceeded } => NoAnswerWithin(deadline),
            // A status made by the client (no answer came): it carries the local exception.
            RpcException { Status.DebugException: not null } rpc => $"no answer from the platform ({rpc.StatusCode}: {rpc.Status.Detail})",
            RpcException rpc => $"the platform answered {rpc.StatusCode}: {rpc.Status.Detail}",
            _ => e.Message,
        };
    }

    /// <summary>The platform did not answer in time, naming the deadline.</summary>
    internal static string NoAnswerWithin(TimeSpan? deadline) => deadline is { } d
        ? $"the platform did not answer within the call deadline of {d.TotalSeconds:0.###} s (CallTimeout; DeadlineExceeded)"
        : "the platform did not answer within the call deadline (CallTimeout; DeadlineExceeded)";

    /// <summary>The address answered a call: its scheme is right.</summary>
    internal static void Answer(Uri address) => Answered.TryAdd(Key(address), true);

    private static string Key(Uri address) => address.GetLeftPart(UriPartial.Authority);

    private static string Innermost(List<Exception> chain) => chain[^1].Message;

    private static IEnumerable<Exception> Chain(Exception e)
    {
        for (Exception? x = e; x is not null; x = x is RpcException rpc ? rpc.Status.DebugException ?? rpc.InnerException : x.InnerException)
        {
            yield return x;
        }
    }
}
