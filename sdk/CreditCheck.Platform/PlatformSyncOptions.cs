namespace CreditCheck.Platform;

/// <summary>How the sync relay follows the platform (section <c>CreditCheck:Platform</c> for the connection).</summary>
public sealed class PlatformSyncOptions
{
    /// <summary>The platform's address, this client's id and secret, and the lists to follow.</summary>
    public PlatformConnectionOptions Platform { get; } = new();

    /// <summary>The first wait before reconnecting after a disconnect or an error; doubled up to <see cref="MaxReconnectDelay"/>.</summary>
    public TimeSpan MinReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between reconnection attempts.</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A stream silent for this long (no change, no heartbeat) counts as lost and is reopened.</summary>
    public TimeSpan StreamIdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Checks the options; throws naming the first problem.</summary>
    /// <exception cref="InvalidOperationException">An option is missing or wrong.</exception>
    public void Validate()
    {
        Platform.Validate();
        if (MinReconnectDelay <= TimeSpan.Zero || MaxReconnectDelay < MinReconnectDelay)
        {
            throw new InvalidOperationException("CreditCheck:Platform: MinReconnectDelay must be positive and not above MaxReconnectDelay.");
        }

        if (StreamIdleTimeout <= TimeSpan.Zero)
        {
            throw new InvalidOperationException("CreditCheck:Platform:StreamIdleTimeout must be positive.");
        }
    }
}

/// <summary>Where the relay is, reported while it works (a snapshot's progress, changes applied).</summary>
/// <param name="Version">The platform version the namespace holds.</param>
/// <param name="SnapshotVersion">The snapshot being applied (0: none).</param>
/// <param name="SnapshotEntries">Entries of that snapshot written so far.</param>
/// <param name="SnapshotTotal">Entries in that snapshot.</param>
/// <param name="ChangesApplied">Changes applied since the relay started.</param>
public readonly record struct PlatformSyncProgress(long Version, long SnapshotVersion, long SnapshotEntries, long SnapshotTotal, long ChangesApplied);

/// <summary>What a sync did.</summary>
/// <param name="Version">The platform version the namespace holds at the end.</param>
/// <param name="Snapshots">Snapshots applied.</param>
/// <param name="Lists">Lists replaced by those snapshots.</param>
/// <param name="Entries">Entries written by those snapshots.</param>
/// <param name="ChangesApplied">Changes applied.</param>
public sealed record PlatformSyncSummary(long Version, int Snapshots, int Lists, long Entries, long ChangesApplied)
{
    /// <summary>Changes and snapshot entries the SDK refused (they can never be applied as sent), set aside in
    /// <c>cc:{ns}:platform:refused</c> and passed over; a refused snapshot entry whose subject can be keyed is stored as
    /// unreadable, so that its subject is answered Review.</summary>
    public long Refused { get; init; }
}
