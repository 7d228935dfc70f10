using System.Collections.Frozen;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace CreditCheck.Server;

/// <summary>What a client may call.</summary>
[Flags]
public enum ClientScopes
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary>Checks and batches.</summary>
    Checks = 1,

    /// <summary>Feedback reports.</summary>
    Feedback = 2,
}

/// <summary>A client system resolved from its key, or the loopback caller when no client is configured.</summary>
/// <param name="Id">The client's id.</param>
/// <param name="Scopes">What it may call.</param>
/// <param name="ScenarioPatterns">The scenarios it may check; empty means all.</param>
/// <param name="Department">Its department, the default of requests that name none.</param>
/// <param name="RequestsPerSecond">Its rate; 0 unlimited.</param>
/// <param name="Burst">Requests at once above the rate.</param>
internal sealed record ApiClient(string Id, ClientScopes Scopes, IReadOnlyList<string> ScenarioPatterns, string? Department, int RequestsPerSecond, int Burst)
{
    /// <summary>The caller on the machine itself when no client is configured: may do everything, unlimited.</summary>
    public static readonly ApiClient Loopback = new("loopback", ClientScopes.Checks | ClientScopes.Feedback, [], null, 0, 0);

    /// <summary>Whether it may check this scenario: a pattern is a code, <c>code.*</c> (it and its descendants) or <c>*</c>.</summary>
    public bool MayCheck(string scenario)
    {
        if (ScenarioPatterns.Count == 0)
        {
            return true;
        }

        foreach (var pattern in ScenarioPatterns)
        {
            if (pattern == "*" || string.Equals(pattern, scenario, StringComparison.Ordinal))
            {
                return true;
            }

            if (pattern.EndsWith(".*", StringComparison.Ordinal))
            {
                var root = pattern[..^2];
                if (string.Equals(scenario, root, StringComparison.Ordinal)
                    || (scenario.Length > root.Length && scenario.StartsWith(root, StringComparison.Ordinal) && scenario[root.Length] == '.'))
                {
                    return true;
                }
            }
        }

        return false;
    }
}

/// <summary>The configured clients, found by the SHA-256 of the key a request presents. Thread-safe, immutable.</summary>
internal sealed class ApiClientRegistry
{
    private readonly FrozenDictionary<string, ApiClient> _byHash;

    public ApiClientRegistry(ServerOptions options)
    {
        var clients = new Dictionary<string, ApiClient>(StringComparer.Ordinal);
        foreach (var c in options.Clients)
        {
            var scopes = ClientScopes.None;
            foreach (var scope in c.Scopes)
            {
                scopes |= scope.Trim().ToUpperInvariant() switch
                {
                    "CHECKS" => ClientScopes.Checks,
                    "FEEDBACK" => ClientScopes.Feedback,
                    _ => ClientScopes.None,
                };
            }

            if (c.Scopes.Count == 0)
            {
                scopes = ClientScopes.Checks | ClientScopes.Feedback;
            }

            var rate = c.RequestsPerSecond;
            clients[c.KeyHash.Trim().ToUpperInvariant()] = new ApiClient(
                c.Id, scopes, [.. c.Scenarios.Select(s => s.Trim())], string.IsNullOrWhiteSpace(c.Department) ? c.Id : c.Department, rate, c.Burst ?? Math.Max(rate, 1));
        }

        _byHash = clients.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The configured client with this id, or null (a report relayed from another instance names its client).</summary>
    public ApiClient? FindById(string id) => _byHash.Values.FirstOrDefault(c => string.Equals(c.Id, id, StringComparison.Ordinal));

    /// <summary>Whether any client is configured; without one only loopback callers are served.</summary>
    public bool HasClients => _byHash.Count > 0;

    /// <summary>The ids of the configured clients, for the start-up message.</summary>
    public IEnumerable<string> Ids => _byHash.Values.Select(c => c.Id).Order(StringComparer.Ordinal);

    /// <summary>The client a key belongs to, or null. The key is hashed first, so the lookup's timing says
    /// nothing about any stored hash.</summary>
    public ApiClient? Find(ReadOnlySpan<char> key) => key.IsEmpty ? null : _byHash.GetValueOrDefault(Hash(key));

    /// <summary>SHA-256 of a key's UTF-8 bytes, as upper-case hex: the form <see cref="ClientOptions.KeyHash"/> holds.</summary>
    public static string Hash(ReadOnlySpan<char> key)
    {
        Span<byte> bytes = stackalloc byte[Encoding.UTF8.GetMaxByteCount(Math.Min(key.Length, 1024))];
        var written = Encoding.UTF8.GetBytes(key[..Math.Min(key.Length, 1024)], bytes);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(bytes[..written], hash);
        return Convert.ToHexString(hash);
    }

    /// <summary>Whether an address is the machine itself.</summary>
    public static bool IsLoopback(IPAddress? address) => address is not null && IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);

    /// <summary>A problem with the configured clients, or null.</summary>
    public static string? Validate(ServerOptions options)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var hashes = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < options.Clients.Count; i++)
        {
            var c = options.Clients[i];
            var at = string.Create(CultureInfo.InvariantCulture, $"CreditCheck:Server:Clients:{i}");
            if (string.IsNullOrWhiteSpace(c.Id) || !ids.Add(c.Id))
            {
                return $"{at}:Id is missing or given twice.";
            }

            if (c.KeyHash.Trim().Length != 64 || !c.KeyHash.Trim().All(char.IsAsciiHexDigit) || !hashes.Add(c.KeyHash.Trim()))
            {
                return $"{at}:KeyHash (client '{c.Id}') must be the SHA-256 of its key as 64 hex digits, once per client.";
            }

            if (c.Scopes.FirstOrDefault(s => s.Trim().ToUpperInvariant() is not ("CHECKS" or "FEEDBACK")) is { } scope)
            {
                return $"{at}:Scopes (client '{c.Id}'): '{scope}' is not checks or feedback.";
            }

            if (c.RequestsPerSecond < 0 || c.Burst is < 1)
            {
                return $"{at} (client '{c.Id}'): RequestsPerSecond must be 0 (unlimited) or more, Burst 1 or more.";
            }
        }

        if (options.MaxRequestBodyBytes is < 1024 or > 256L * 1024 * 1024)
        {
            return "CreditCheck:Server:MaxRequestBodyBytes must be between 1024 and 268435456.";
        }

        if (options.MaxStreamsPerConnection is < 1 or > 100_000)
        {
            return "CreditCheck:Server:MaxStreamsPerConnection must be between 1 and 100000.";
        }

        if (options.MaxRetainedDecisions < 1 || options.DecisionRetention <= TimeSpan.Zero)
        {
            return "CreditCheck:Server:MaxRetainedDecisions must be at least 1 and DecisionRetention positive.";
        }

        return null;
    }
}
