namespace CreditCheck.Redis;

/// <summary>
/// The key layout of one namespace. Every key starts with <c>cc:{ns}:</c>; the braces make
/// <c>ns</c> the hash tag, so all keys of a namespace live in one Redis Cluster slot and multi-key
/// scripts stay legal there. Keys only the scripts touch are named there, not here:
/// <c>generations</c> (counter of import generations), <c>gens</c> (list → committed generation: readers keep, of each
/// entry's fields, the newest not above it) and <c>kb:{list}</c> (8-byte filter fingerprints of a
/// list's subjects, the SDK's filter source).
/// </summary>
internal sealed class RedisKeys
{
    public RedisKeys(string ns)
    {
        Prefix = $"cc:{{{ns}}}:";
        Namespace = ns;
    }

    public string Namespace { get; }

    /// <summary><c>cc:{ns}:</c></summary>
    public string Prefix { get; }

    /// <summary>Hash: <c>fingerprint</c> of the secret, <c>layout</c> version, <c>orgKeys</c> flag.</summary>
    public string Meta => Prefix + "meta";

    /// <summary>Hash: <c>json</c> and <c>version</c> of the catalog.</summary>
    public string Catalog => Prefix + "catalog";

    /// <summary>String: the change sequence (INCR).</summary>
    public string Sequence => Prefix + "seq";

    /// <summary>Sorted set: change records scored by sequence; trimmed.</summary>
    public string Changes => Prefix + "changes";

    /// <summary>Pub/sub channel: "sequence N is out" — a wake-up, never the only path.</summary>
    public string Notify => Prefix + "notify";

    /// <summary>Set: the lists that hold data.</summary>
    public string Lists => Prefix + "lists";

    /// <summary>Per list: committed generation, index length, fingerprint count and checksum (<see cref="ListManifest"/>).</summary>
    public string Manifest => Prefix + "manifest";

    /// <summary>Hash: list → count of single-entry changes (the scripts increment it; an import checks it did not move).</summary>
    public string Versions => Prefix + "versions";

    /// <summary>Per list: its committed generation.</summary>
    public string Generations => Prefix + "gens";

    /// <summary>A list's 8-byte filter fingerprints, the SDK's filter source.</summary>
    public string ListFingerprints(string list) => Prefix + "kb:" + list;

    /// <summary>Set of one list: the subjects removed from it altogether since its last import (their fingerprints stay
    /// in <see cref="ListFingerprints"/> until a replace import rebuilds it).</summary>
    public string ListRemoved(string list) => Prefix + "rm:" + list;

    /// <summary>Hash of one subject: <c>list⇥entryId⇥generation</c> → entry JSON. Readers read it whole
    /// (HGETALL) and select fields by the lists' committed generations.</summary>
    public string Entries(string subjectKey) => Prefix + "e:" + subjectKey;

    /// <summary>Hash of one list, the committed view: <c>subjectKey⇥entryId</c> → <c>generation⇥contentHash</c>.
    /// An entry field is visible only while this index names its generation.</summary>
    public string ListIndex(string list) => Prefix + "l:" + list;

    /// <summary>Staging of an import: next index, next fingerprints, staged fields, pending cleanup.</summary>
    public string StagedIndex(string list) => Prefix + "stage:l:" + list;

    public string StagedFingerprints(string list) => Prefix + "stage:kb:" + list;

    public string StagedFields(string list) => Prefix + "stage:fields:" + list;

    public string StagedGarbage(string list) => Prefix + "stage:gc:" + list;

    public string StagedRemovals(string list) => Prefix + "stage:removed:" + list;

    /// <summary>List of fields made invisible by a committed import, deleted after the commit.</summary>
    public string Garbage(string list) => Prefix + "gc:" + list;

    /// <summary>String: lock held by the import of a list.</summary>
    public string ImportLock(string list) => Prefix + "lock:" + list;

    /// <summary>Stream of delivered feedback: fields <c>key</c> (idempotency key) and <c>record</c>
    /// (the record's JSON); the entry id's time is the delivery time. Never trimmed by the SDK.</summary>
    public string Feedback => Prefix + "feedback";

    /// <summary>Sorted set indexing <see cref="Feedback"/> by idempotency key: member the key, score its entry's id
    /// (<see cref="FeedbackKeyIndex"/>); pruned with the stream.</summary>
    public string FeedbackKeys => Prefix + "feedback:keys";

    /// <summary>Hash: where the namespace stands against a credit platform (kept by the platform link's sync
    /// relay): <c>version</c> (the platform version last applied), <c>snapshot</c> (a snapshot being applied,
    /// 0: none). See <see cref="RedisCreditPublisher.GetPlatformMarkAsync"/>.</summary>
    public string Platform => Prefix + "platform";
    /// <summary>Hash of one day's check counts (China Standard Time): <c>c⇥department⇥scenario</c> → checks and
    /// <c>h⇥department⇥scenario</c> → hits, incremented by every host's counter; expires after 400 days.</summary>
    public string Counts(DateOnly day) => Prefix + "counts:" + day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Hash: commitment id → the commitment's JSON (a person's identifier sealed, see <see cref="RedisCommitmentStore"/>).</summary>
    public string Commitments => Prefix + "commitments";

    /// <summary>Sorted set of the open commitments: member = id, score = the due day's number.</summary>
    public string OpenCommitments => Prefix + "commitments:open";

    /// <summary>The prefix of subject entry keys (the benchmark's naive integration builds keys with it).</summary>
    public string EntriesPrefix => Prefix + "e:";

}
