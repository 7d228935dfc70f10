namespace CreditCheck.Tests.Support;

/// <summary>One Redis Cluster (3 primaries, 3 replicas) per test class: six nodes take seconds to start.
/// Tests isolate themselves by namespace.</summary>
public sealed class RedisClusterFixture : IAsyncLifetime
{
    public RedisCluster Cluster { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Cluster = await RedisCluster.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }
    }
}
