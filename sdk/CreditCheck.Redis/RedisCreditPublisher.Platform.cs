namespace CreditCheck.Redis;

public sealed partial class RedisCreditPublisher
{
    /// <summary>Reads where the namespace stands against a credit platform (hash <c>cc:{ns}:platform</c>,
    /// written by the platform link's sync relay after each change it applied).</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The mark; <c>(0, 0)</c> for a namespace never synchronized.</returns>
    public async Task<RedisPlatformMark> GetPlatformMarkAsync(CancellationToken cancellationToken = default)
    {
        var values = await _connection.Database.HashGetAsync(Keys.Platform, ["version", "snapshot"]).WaitAsync(cancellationToken).ConfigureAwait(false);
        return new RedisPlatformMark(values[0].IsNull ? 0 : (long)values[0], values[1].IsNull ? 0 : (long)values[1]);
    }

    /// <summary>Records where the namespace stands against a credit platform.</summary>
    /// <param name="mark">The platform version applied and the snapshot being applied (0: none).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when Redis has the mark.</returns>
    public Task SetPlatformMarkAsync(RedisPlatformMark mark, CancellationToken cancellationToken = default) =>
        _connection.Database.HashSetAsync(Keys.Platform,
        [
            new("version", mark.Version),
            new("snapshot", mark.SnapshotInProgress),
        ]).WaitAsync(cancellationToken);
}

/// <summary>Where a Redis namespace stands against a credit platform.</summary>
/// <param name="Version">The platform version last applied in full (0: none).</param>
/// <param name="SnapshotInProgress">The version of a snapshot whose application began and did not finish
/// (0: none); the relay then asks for a snapshot again.</param>
public readonly record struct RedisPlatformMark(long Version, long SnapshotInProgress);
