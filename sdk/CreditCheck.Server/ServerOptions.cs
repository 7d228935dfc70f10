namespace CreditCheck.Server;

/// <summary>Options of the service, bound from the configuration section <c>CreditCheck:Server</c>
/// (appsettings.json, environment variables such as <c>CreditCheck__Server__Clients__0__Id</c>, or the command line).</summary>
public sealed class ServerOptions
{
    /// <summary>The configuration section bound.</summary>
    public const string SectionName = "CreditCheck:Server";

    /// <summary>A StackExchange.Redis configuration string; when set the service answers from that Redis
    /// (<c>--redis</c>) instead of the embedded store. Default: none.</summary>
    public string? Redis { get; set; }

    /// <summary>The Redis namespace (<c>--namespace</c>). Default <c>default</c>.</summary>
    public string Namespace { get; set; } = "default";

    /// <summary>The namespace's shared secret; set it through the environment (<c>CREDITCHECK_SECRET</c> or
    /// <c>CreditCheck__Server__Secret</c>), never on the command line. Never logged.</summary>
    public string? Secret { get; set; }

    /// <summary>The list files the embedded store starts from (<c>--data</c>). Default: the sample data
    /// (samples/data, copied next to the service).</summary>
    public string? DataDirectory { get; set; }

    /// <summary>The client systems allowed to call. With none, only loopback callers are served.</summary>
    public IList<ClientOptions> Clients { get; } = [];

    /// <summary>Set when TLS ends at a reverse proxy in front of the service: only then may it listen on a
    /// non-loopback address over plain http. Default false.</summary>
    public bool BehindTlsProxy { get; set; }

    /// <summary>The largest request body, in bytes (HTTP bodies and gRPC messages). Default 4 MiB; 1 KiB – 256 MiB.</summary>
    public long MaxRequestBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>How many calls one HTTP/2 connection may carry at once (its streams; a gRPC channel is usually one
    /// connection, and a client such as grpcio queues calls beyond this in its own process). Default 100, Kestrel's
    /// own. Raise it for clients that keep more calls in flight on one channel; each client's rate limit and the
    /// request size limits apply to every call. 1 – 100,000.</summary>
    public int MaxStreamsPerConnection { get; set; } = 100;

    /// <summary>How many decisions are kept for feedback (a report names its check id). Default 200,000;
    /// the oldest go first.</summary>
    public int MaxRetainedDecisions { get; set; } = 200_000;

    /// <summary>How long a decision is kept for feedback. Default 24 hours.</summary>
    public TimeSpan DecisionRetention { get; set; } = TimeSpan.FromHours(24);
}

/// <summary>One client system (a department's approval, procurement or trading system) and what it may do.</summary>
public sealed class ClientOptions
{
    /// <summary>The client's id, used in logs and as its rate-limit partition; required.</summary>
    public string Id { get; set; } = string.Empty;

    /// <summary>SHA-256 of the client's key, as 64 hex digits (<c>printf %s "$KEY" | sha256sum</c>, or
    /// <c>dotnet CreditCheck.Server.dll hash-key</c>); the key itself is never configured. Required.</summary>
    public string KeyHash { get; set; } = string.Empty;

    /// <summary>What it may call: <c>checks</c> and/or <c>feedback</c>. Default both.</summary>
    public IList<string> Scopes { get; } = [];

    /// <summary>Scenario patterns it may check (<c>procurement.bid</c>, <c>procurement.*</c>, <c>*</c>).
    /// Default: every scenario.</summary>
    public IList<string> Scenarios { get; } = [];

    /// <summary>The department its checks and feedback are attributed to when a request names none.
    /// Default: the client's id.</summary>
    public string? Department { get; set; }

    /// <summary>Requests per second it may make (a batch counts as one). Default 1,000; 0 means unlimited.</summary>
    public int RequestsPerSecond { get; set; } = 1_000;

    /// <summary>Requests it may make at once above the rate. Default: one second's worth.</summary>
    public int? Burst { get; set; }
}
