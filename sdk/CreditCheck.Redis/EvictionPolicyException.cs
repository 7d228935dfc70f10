namespace CreditCheck.Redis;

/// <summary>Redis may evict keys under memory pressure and <see cref="RedisStoreOptions.RequireNoEviction"/>
/// is set: an evicted list would make listed subjects look clean, so the store does not start.</summary>
public sealed class EvictionPolicyException : InvalidOperationException
{
    /// <summary>Names the namespace and the policy found.</summary>
    /// <param name="ns">The namespace.</param>
    /// <param name="policy">The server's <c>maxmemory-policy</c>.</param>
    public EvictionPolicyException(string ns, string policy)
        : base($"Redis serving namespace '{ns}' has maxmemory-policy '{policy}': it may evict list data, and an evicted list would make listed subjects look clean. "
            + "Set maxmemory-policy noeviction (CONFIG SET maxmemory-policy noeviction, and in redis.conf), or unset RedisStoreOptions.RequireNoEviction to start with a warning.")
    {
        Policy = policy;
    }

    /// <summary>The server's <c>maxmemory-policy</c>.</summary>
    public string Policy { get; }
}
