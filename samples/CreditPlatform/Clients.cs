using System.Collections.Concurrent;
using System.Text.Json;
using CreditCheck.Platform;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace ReferencePlatform;

/// <summary>One client the platform issued credentials to, and the lists it is entitled to ("*": all).</summary>
internal sealed record PlatformClient(string Client, string Secret, IReadOnlyList<string> Lists)
{
    private static readonly JsonSerializerOptions WebJson = new(JsonSerializerDefaults.Web);

    public bool AllLists => Lists.Contains("*");

    /// <summary>The lists a call may see: those asked (each must be entitled) or, when none is asked, all
    /// entitled (null: every list). Throws PERMISSION_DENIED naming a list it may not see.</summary>
    public ISet<string>? Effective(IEnumerable<string> requested)
    {
        var asked = requested.Where(l => !string.IsNullOrWhiteSpace(l)).ToHashSet(StringComparer.Ordinal);
        if (asked.Count == 0)
        {
            return AllLists ? null : Lists.ToHashSet(StringComparer.Ordinal);
        }

        if (!AllLists && asked.FirstOrDefault(l => !Lists.Contains(l)) is { } denied)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied,
                $"client '{Client}' is not entitled to list '{denied}' (entitled: {string.Join(", ", Lists)})"));
        }

        return asked;
    }

    /// <summary>Reads <c>[{"client":"…","secret":"…","lists":["…"]}]</c>.</summary>
    public static Dictionary<string, PlatformClient> Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"No clients file at '{path}': write [{{\"client\":\"…\",\"secret\":\"…\",\"lists\":[\"*\"]}}] there or pass --clients FILE.");
        }

        var clients = JsonSerializer.Deserialize<List<PlatformClient>>(File.ReadAllText(path), WebJson)
            ?? throw new InvalidOperationException($"'{path}' holds no clients.");
        foreach (var client in clients)
        {
            if (string.IsNullOrWhiteSpace(client.Client) || string.IsNullOrEmpty(client.Secret) || client.Lists is null)
            {
                throw new InvalidOperationException($"'{path}': every client needs \"client\", \"secret\" and \"lists\".");
            }
        }

        return clients.ToDictionary(c => c.Client, StringComparer.Ordinal);
    }
}

/// <summary>Verifies every gRPC call's credential (PlatformSignature) and refuses a replayed nonce; the
/// verified client travels in <c>context.UserState["client"]</c>.</summary>
internal sealed class SignatureInterceptor(Dictionary<string, PlatformClient> clients, TimeProvider time, ILogger<SignatureInterceptor> logger) : Interceptor
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _nonces = new(StringComparer.Ordinal);
    private DateTimeOffset _nextPurge;

    public static PlatformClient ClientOf(ServerCallContext context) => (PlatformClient)context.UserState["client"];

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Verify(context);
        return continuation(request, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Verify(context);
        return continuation(request, responseStream, context);
    }

    private void Verify(ServerCallContext context)
    {
        var headers = context.RequestHeaders;
        var id = headers.GetValue(PlatformSignature.ClientHeader);
        if (string.IsNullOrEmpty(id))
        {
            throw Refuse(context, $"{PlatformSignature.ClientHeader} is missing: every call carries the client id and its signature");
        }

        if (!clients.TryGetValue(id, out var client))
        {
            throw Refuse(context, $"unknown client '{id}'");
        }

        var now = time.GetUtcNow();
        var nonce = headers.GetValue(PlatformSignature.NonceHeader);
        if (PlatformSignature.Verify(client.Secret, id, context.Method, headers.GetValue(PlatformSignature.TimestampHeader), nonce,
                headers.GetValue(PlatformSignature.SignatureHeader), now) is { } problem)
        {
            throw Refuse(context, $"client '{id}': {problem}");
        }

        Purge(now);
        if (!_nonces.TryAdd(id + "\n" + nonce, now + 2 * PlatformSignature.MaxClockSkew))
        {
            throw Refuse(context, $"client '{id}': {PlatformSignature.NonceHeader} was used before (a replayed call)");
        }

        context.UserState["client"] = client;
    }

    private RpcException Refuse(ServerCallContext context, string message)
    {
        logger.LogWarning("Refused {Method} from {Peer}: {Reason}", context.Method, context.Peer, message);
        return new RpcException(new Status(StatusCode.Unauthenticated, message));
    }

    private void Purge(DateTimeOffset now)
    {
        if (now < _nextPurge)
        {
            return;
        }

        _nextPurge = now + TimeSpan.FromSeconds(30);
        foreach (var (nonce, expires) in _nonces)
        {
            if (expires < now)
            {
                _nonces.TryRemove(nonce, out _);
            }
        }
    }
}
