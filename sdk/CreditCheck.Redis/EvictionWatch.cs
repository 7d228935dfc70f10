using System.Globalization;

namespace CreditCheck.Redis;

/// <summary>
/// What a Redis node says of evictions (INFO: <c>maxmemory_policy</c>, <c>evicted_keys</c>, <c>run_id</c>)
/// against the mark a publisher's full verify left in <c>cc:{ns}:meta</c> field <c>verified</c>
/// (<c>run_id⇥evicted_keys⇥unix seconds</c>: the node and its eviction count when every entry was found
/// whole). A subject's entry hash evicted behind the manifests leaves its list looking whole; this tells
/// a store when that may have happened since the data was last verified.
/// </summary>
internal readonly record struct EvictionWatch(string? Policy, long? EvictedKeys, string? RunId)
{
    /// <summary>The fields wanted from INFO text (<c>name:value</c> lines, CRLF or LF); absent ones are null.</summary>
    public static EvictionWatch Parse(string? info)
    {
        string? policy = null, runId = null;
        long? evicted = null;
        foreach (var raw in (info ?? string.Empty).Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || line.StartsWith('#'))
            {
                continue;
            }

            var (name, value) = (line[..colon], line[(colon + 1)..].Trim());
            switch (name)
            {
                case "maxmemory_policy" when value.Length > 0:
                    policy = value;
                    break;
                case "evicted_keys" when long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count):
                    evicted = count;
                    break;
                case "run_id" when value.Length > 0:
                    runId = value;
                    break;
            }
        }

        return new EvictionWatch(policy, evicted, runId);
    }

    /// <summary>The mark a full verify writes now (before it walks the indexes: evictions during the walk
    /// stay above it).</summary>
    public string Mark(DateTimeOffset at) => string.Create(
        CultureInfo.InvariantCulture, $"{RunId}\t{EvictedKeys ?? 0}\t{at.ToUnixTimeSeconds()}");

    /// <summary>Why keys may have been evicted since the mark (null: not suspect, or nothing to tell: INFO
    /// refused). Suspect when this node evicted more keys than the mark records, or, when the mark is of
    /// another run (a restart, a failover, no verify yet), it evicted any since it started or its policy
    /// evicts any key (<c>allkeys-*</c>: what an earlier run evicted is no longer counted).</summary>
    public string? Suspicion(string? mark)
    {
        if (EvictedKeys is not { } evicted || RunId is null)
        {
            return null;
        }

        var parts = (mark ?? string.Empty).Split('\t');
        var markedRun = parts.Length >= 2 ? parts[0] : null;
        var marked = parts.Length >= 2 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var m) ? m : 0;
        var policy = Policy ?? "unknown";
        if (markedRun == RunId)
        {
            return evicted > marked
                ? string.Create(CultureInfo.InvariantCulture, $"Redis evicted {evicted - marked} keys since the data was last verified whole (evicted_keys {evicted}, verified at {marked}; maxmemory-policy {policy})")
                : null;
        }

        var since = markedRun is null ? "no full verify was recorded (creditcheck verify)" : $"the last full verify was on another Redis run ({markedRun})";
        if (evicted > 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"Redis evicted {evicted} keys since it started (run {RunId}, maxmemory-policy {policy}) and {since}");
        }

        return policy.StartsWith("allkeys-", StringComparison.Ordinal)
            ? $"Redis evicts any key under memory pressure (maxmemory-policy {policy}) and {since} on this run ({RunId})"
            : null;
    }
}
