namespace CreditCheck.Redis;

/// <summary>
/// The key layout of one namespace. Every key starts with <c>cc:{ns}:</c>; the braces make
/// <c>ns</c> the hash tag, so all keys of a namespace live in one Redis Cluster slot and multi-key
/// scripts stay legal there.
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

    /// <summary>String: counter of import generations.</summary>
    public string Generations => Prefix + "generations";

    /// <summary>Hash: list code → version, bumped by every single-entry change (imports check it).</summary>
    public string Versions => Prefix + "versions";

    /// <summary>Hash of one subject: <c>list⇥entryId⇥generation</c> → entry JSON. Readers read it whole
    /// (HGETALL) and select fields by the lists' committed generations.</summary>
    public string Entries(string subjectKey) => Prefix + "e:" + subjectKey;

    /// <summary>Hash of one list, the committed view: <c>subjectKey⇥entryId</c> → <c>generation⇥contentHash</c>.
    /// An entry field is visible only while this index names its generation.</summary>
    public string ListIndex(string list) => Prefix + "l:" + list;

    /// <summary>String of one list: 8-byte filter fingerprints of its subjects (the SDK's filter source).</summary>
    public string ListFingerprints(string list) => Prefix + "kb:" + list;

    /// <summary>Staging of an import: next index, next fingerprints, staged fields, pending cleanup.</summary>
    public string StagedIndex(string list) => Prefix + "stage:l:" + list;

    public string StagedFingerprints(string list) => Prefix + "stage:kb:" + list;

    public string StagedFields(string list) => Prefix + "stage:fields:" + list;

    public string StagedGarbage(string list) => Prefix + "stage:gc:" + list;

    public string StagedRemovals(string list) => Prefix + "stage:removed:" + list;

    /// <summary>Hash: list code → its committed import generation. Readers take, of each entry's fields,
    /// the newest generation not above it; staged fields lie above it until the commit.</summary>
    public string CommittedGenerations => Prefix + "gens";

    /// <summary>List of fields made invisible by a committed import, deleted after the commit.</summary>
    public string Garbage(string list) => Prefix + "gc:" + list;

    /// <summary>String: lock held by the import of a list.</summary>
    public string ImportLock(string list) => Prefix + "lock:" + list;

    /// <summary>The prefix of subject entry keys, for scripts that build them.</summary>
    public string EntriesPrefix => Prefix + "e:";

    public string ListIndexPrefix => Prefix + "l:";
}
