using Microsoft.Extensions.Primitives;

namespace CreditCheck.Server;

/// <summary>Resolves the caller of every path but <c>/healthz</c>, <c>/readyz</c> and <c>/openapi/*</c> (the API in
/// any letter case, the gRPC service, an unknown path) to a configured client from
/// <c>Authorization: Bearer &lt;key&gt;</c> (gRPC: the same metadata), or — when no client is configured — to the
/// loopback caller. Anyone else gets 401 or 403 (gRPC: UNAUTHENTICATED or PERMISSION_DENIED). Runs before the
/// rate limiter, which partitions by client.</summary>
internal sealed class ClientAuthentication(RequestDelegate next, ApiClientRegistry clients)
{
    public Task InvokeAsync(HttpContext context)
    {
        // Every path but the open ones asks for the key, in any letter case: routing matches paths in any case, and
        // asking only on paths starting with exactly "/v1/" (or the gRPC service's exact name) let GET /V1/catalog and
        // gRPC /CreditCheck.v1.CreditCheckService/GetCatalog through without a key (found from outside).
        if (IsOpen(context.Request.Path))
        {
            return next(context);
        }

        ApiClient? client;
        ApiError? error = null;
        if (!clients.HasClients)
        {
            client = ApiClientRegistry.IsLoopback(context.Connection.RemoteIpAddress) ? ApiClient.Loopback : null;
            error = client is null ? ApiError.NotLoopback() : null;
        }
        else
        {
            var key = BearerKey(context.Request.Headers.Authorization, out var otherScheme);
            client = clients.Find(key);
            error = client is null ? ApiError.Unauthorized(!key.IsEmpty, otherScheme) : null;
        }

        if (client is null)
        {
            return WriteErrorAsync(context, error!);
        }

        context.Features.Set(new ClientFeature(client));
        return next(context);
    }

    /// <summary>Writes an error as problem+json, or for a gRPC call as a trailers-only gRPC status.</summary>
    public static Task WriteErrorAsync(HttpContext context, ApiError error)
    {
        if (context.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true)
        {
            var response = context.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/grpc";
            response.Headers["grpc-status"] = ((int)Grpc.CreditCheckGrpcService.StatusOf(error.Status)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            response.Headers["grpc-message"] = Uri.EscapeDataString(Grpc.CreditCheckGrpcService.Message(error));
            response.Headers["problem-type"] = "urn:creditcheck:problem:" + error.Code;
            return Task.CompletedTask;
        }

        return HttpApi.WriteProblemAsync(context, error);
    }

    /// <summary>The paths anyone may call: liveness, readiness and the OpenAPI document.</summary>
    private static bool IsOpen(PathString path) =>
        path.Equals("/healthz", StringComparison.OrdinalIgnoreCase)
        || path.Equals("/readyz", StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/openapi", StringComparison.OrdinalIgnoreCase);

    /// <summary>The key of <c>Authorization: Bearer &lt;key&gt;</c>; for any other header, empty, with the scheme it used
    /// (<c>Basic</c>; empty for a value without one or several headers; null for no header) so the answer can say what
    /// to send instead. Found from outside: a client
    /// library's Basic authentication was answered as if no header had been sent.</summary>
    private static ReadOnlySpan<char> BearerKey(StringValues header, out string? otherScheme)
    {
        otherScheme = null;
        if (header.Count == 0)
        {
            return [];
        }

        var value = header.Count == 1 ? header[0].AsSpan().Trim() : [];
        if (value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return value[7..].Trim();
        }

        // Only the scheme's name is repeated, never what follows it (a password, a key sent bare).
        var space = value.IndexOf(' ');
        var scheme = space > 0 ? value[..space] : [];
        otherScheme = header.Count == 1 && scheme.Length is > 0 and <= 20 && !scheme.ContainsAnyExcept(SchemeCharacters) ? scheme.ToString() : string.Empty;
        return [];
    }

    private static readonly System.Buffers.SearchValues<char> SchemeCharacters =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/!#$%&'*^`|");
}
