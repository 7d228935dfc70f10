namespace CreditCheck.Platform;

/// <summary>The query-through store: where the platform is, and how long answers are cached.</summary>
public sealed class PlatformStoreOptions
{
    /// <summary>The platform, this client's id and its secret (<see cref="PlatformConnectionOptions.CallTimeout"/>
    /// bounds each query: past it the check is decided under <c>OnUnavailable</c>).</summary>
    public PlatformConnectionOptions Platform { get; } = new();

    /// <summary>How long the answer for a listed subject stays in the <c>IDistributedCache</c>.</summary>
    public TimeSpan ListedTtl { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a "not listed" answer stays cached; shorter, since a new listing must show soon.</summary>
    public TimeSpan NotListedTtl { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the <c>Sync</c> stream that invalidates the cache may stay silent (no change, no heartbeat)
    /// before it counts as lost: the cache is bypassed and the stream opened again. Default 30 s, as the relay's.</summary>
    public TimeSpan StreamIdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Prefix of the cache keys; hosts sharing a cache and a client share answers.</summary>
    public string CacheKeyPrefix { get; set; } = "creditcheck:platform:";

    /// <summary>Checks that the options can be used; throws naming the first problem.</summary>
    /// <exception cref="InvalidOperationException">An option is missing or wrong.</exception>
    public void Validate()
    {
        Platform.Validate();
        if (ListedTtl <= TimeSpan.Zero || NotListedTtl <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"CreditCheck:Platform: ListedTtl and NotListedTtl must be positive (were {ListedTtl} and {NotListedTtl}).");
        }

        if (StreamIdleTimeout <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"CreditCheck:Platform:StreamIdleTimeout must be positive (was {StreamIdleTimeout}).");
        }

        if (string.IsNullOrEmpty(CacheKeyPrefix))
        {
            throw new InvalidOperationException("CreditCheck:Platform:CacheKeyPrefix is empty.");
        }
    }
}
