namespace CreditCheck.Platform;

/// <summary>How the feedback forwarder reads the namespace's feedback stream and uploads it.</summary>
public sealed class FeedbackForwardingOptions
{
    /// <summary>The platform, this client's id and its secret.</summary>
    public PlatformConnectionOptions Platform { get; } = new();

    /// <summary>The stream's consumer group. Forwarders of the same namespace to the same platform share
    /// it (each record goes to one of them); a second platform needs a group of its own.</summary>
    public string Group { get; set; } = "platform-forwarder";

    /// <summary>This forwarder's name in the group. Keep it stable across restarts: a restarted forwarder
    /// re-sends its own unacknowledged records at once; others' are claimed after <see cref="ClaimIdleTime"/>.
    /// Default: the machine name.</summary>
    public string Consumer { get; set; } = Environment.MachineName;

    /// <summary>Records per <c>ReportFeedback</c> call.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>How long a record may stay delivered-but-unacknowledged to another consumer (one that died)
    /// before this one claims it (XAUTOCLAIM).</summary>
    public TimeSpan ClaimIdleTime { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often an idle forwarder looks for new records.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between attempts while the platform is unreachable (waits double from 1 s).</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Null (the default): the stream is never trimmed, because the operator tool's <c>report</c>
    /// and <c>feedback export</c> read it by period. Set: entries older than this that every consumer group
    /// of the stream has acknowledged are trimmed (XTRIM MINID); choose it longer than any period reported.</summary>
    public TimeSpan? TrimAcknowledgedOlderThan { get; set; }

    /// <summary>Checks that the options can be used; throws naming the first problem.</summary>
    /// <exception cref="InvalidOperationException">An option is missing or wrong.</exception>
    public void Validate()
    {
        Platform.Validate();
        if (string.IsNullOrWhiteSpace(Group))
        {
            throw new InvalidOperationException("CreditCheck:Platform:FeedbackForwarding:Group is empty.");
        }

        if (string.IsNullOrWhiteSpace(Consumer))
        {
            throw new InvalidOperationException("CreditCheck:Platform:FeedbackForwarding:Consumer is empty.");
        }

        if (BatchSize is < 1 or > 10_000)
        {
            throw new InvalidOperationException($"CreditCheck:Platform:FeedbackForwarding:BatchSize must be 1 to 10000 (was {BatchSize}).");
        }

        if (ClaimIdleTime <= TimeSpan.Zero || PollInterval <= TimeSpan.Zero || MaxBackoff <= TimeSpan.Zero)
        {
            throw new InvalidOperationException("CreditCheck:Platform:FeedbackForwarding: ClaimIdleTime, PollInterval and MaxBackoff must be positive.");
        }

        if (TrimAcknowledgedOlderThan is { } retention && retention <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"CreditCheck:Platform:FeedbackForwarding:TrimAcknowledgedOlderThan must be positive (was {retention}).");
        }
    }
}
