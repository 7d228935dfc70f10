using System.Collections.Frozen;
using System.Globalization;

namespace CreditCheck.Redis;

/// <summary>A single change this host applied that the namespace then lost (a failover to a lagging replica, a restore
/// from an older copy): the subject's filter fingerprint, its list and storage key, the change's sequence, and the
/// list's generation in the data that lost it (an import of the list since then makes a new one).</summary>
internal sealed record LostEntry(ulong Fingerprint, string List, string Key, long Sequence, long StaleGeneration);

/// <summary>The subjects of lost single changes, by filter fingerprint. The filter is rebuilt from the older data, which
/// may not list such a subject (a lost upsert of a new listing), so each is answered by the unavailability policy,
/// naming the change, until the change is made again or its list imported again (found by review: 2152 named the
/// change, and the subject was answered Clear). Immutable: the feed replaces it, lookups read it.</summary>
internal sealed class LostEntries
{
    private readonly FrozenDictionary<ulong, LostEntry> _byFingerprint;

    private LostEntries(IEnumerable<LostEntry> entries) =>
        _byFingerprint = entries.GroupBy(e => e.Fingerprint).ToFrozenDictionary(g => g.Key, g => g.MaxBy(e => e.Sequence)!);

    /// <summary>The set of <paramref name="entries"/>, or null when there are none.</summary>
    public static LostEntries? Of(IEnumerable<LostEntry> entries) => entries.ToList() is { Count: > 0 } list ? new LostEntries(list) : null;

    /// <summary>This set and <paramref name="more"/>.</summary>
    public static LostEntries? Union(LostEntries? lost, IEnumerable<LostEntry> more) => Of((lost?._byFingerprint.Values ?? []).Concat(more));

    /// <summary>The set without the entries <paramref name="madeAgain"/> picks, or null when none is left.</summary>
    public LostEntries? Without(Func<LostEntry, bool> madeAgain) =>
        _byFingerprint.Values.Any(madeAgain) ? Of(_byFingerprint.Values.Where(e => !madeAgain(e))) : this;

    /// <summary>The lost entry of a subject with this fingerprint, if any.</summary>
    public LostEntry? Find(ulong fingerprint) => _byFingerprint.GetValueOrDefault(fingerprint);

    /// <summary>The reason a subject of <paramref name="entry"/> is not answered from the data, for its decision.</summary>
    public static string Reason(string entriesKey, LostEntry entry) =>
        $"The single change {entry.Sequence.ToString(CultureInfo.InvariantCulture)} on list '{entry.List}' for this subject ({entriesKey}), which this host applied, " +
        "was lost by the namespace (a failover to a replica that lacked it, or a restore from an older copy): until it is made again, or the list imported again, the subject is not answered from the older data.";

    /// <summary>The store's damage text: which changes were lost and what makes them whole.</summary>
    public string Describe() =>
        $"single change(s) {string.Join(", ", _byFingerprint.Values.OrderBy(e => e.Sequence).Select(e => $"{e.Sequence.ToString(CultureInfo.InvariantCulture)} (list '{e.List}', subject key {e.Key})"))} " +
        "that this host applied were lost by the namespace; their subjects are answered by the unavailability policy until each change is made again or its list imported again";
}
