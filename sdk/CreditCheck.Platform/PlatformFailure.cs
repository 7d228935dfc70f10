using System.Security.Authentication;
using Grpc.Core;

namespace CreditCheck.Platform;

/// <summary>A failure to reach or use the platform, described for the operator: whether the platform
/// answered at all, and a probable wrong scheme (https:// against plain HTTP/2, http:// against TLS). Public for
/// operator tools that call the platform themselves (the CLI does).</summary>
public static class PlatformFailure
{
    /// <summary>One line naming what went wrong.</summary>
    /// <param name="e">The failure.</param>
    /// <param name="address">The platform's address, to recognise a wrong scheme; optional.</param>
    /// <returns>The line.</returns>
    public static string Describe(Exception e, Uri? address = null)
    {
        if (address is not null && SchemeMismatch(e, address) is { } scheme)
        {
            return scheme;
        }

        return e switch
        {
            // A status made by the client (no answer came): it carries the local exception.
            RpcException { Status.DebugException: not null } rpc => $"no answer from the platform ({rpc.StatusCode}: {rpc.Status.Detail})",
            RpcException rpc => $"the platform answered {rpc.StatusCode}: {rpc.Status.Detail}",
            _ => e.Message,
        };
    }

    /// <summary>The bilingual explanation when the failure looks like a wrong scheme, else null.</summary>
    /// <param name="e">The failure.</param>
    /// <param name="address">The platform's address.</param>
    /// <returns>Chinese, then English; or null.</returns>
    public static string? SchemeMismatch(Exception e, Uri address)
    {
        var chain = Chain(e).ToList();
        var https = address.Scheme == Uri.UriSchemeHttps;
        if (https && chain.Any(x => x is AuthenticationException || x.Message.Contains("SSL", StringComparison.Ordinal)))
        {
            return $"协议可能不对：与 {address} 的 TLS 握手失败，平台似乎只接受明文 HTTP/2（h2c），请改用 http:// — the scheme is probably wrong: "
                + $"the TLS handshake with {address} failed (the platform seems to speak plain HTTP/2, h2c); try http:// ({Innermost(chain)})";
        }

        if (!https && chain.Any(x => x.Message.Contains("HTTP/2 handshake", StringComparison.OrdinalIgnoreCase)
            || x.Message.Contains("PROTOCOL_ERROR", StringComparison.Ordinal)
            || x.Message.Contains("response ended prematurely", StringComparison.OrdinalIgnoreCase)))
        {
            return $"协议可能不对：{address} 没有回应明文 HTTP/2，平台可能要求 TLS，请改用 https:// — the scheme is probably wrong: "
                + $"{address} did not answer plain HTTP/2 (the platform probably requires TLS); try https:// ({Innermost(chain)})";
        }

        return null;
    }

    private static string Innermost(List<Exception> chain) => chain[^1].Message;

    private static IEnumerable<Exception> Chain(Exception e)
    {
        for (Exception? x = e; x is not null; x = x is RpcException rpc ? rpc.Status.DebugException ?? rpc.InnerException : x.InnerException)
        {
            yield return x;
        }
    }
}
