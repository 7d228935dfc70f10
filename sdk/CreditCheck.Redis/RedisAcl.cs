namespace CreditCheck.Redis;

/// <summary>
/// The Redis ACL rights each side needs, as documented in the README. Every connection — commands and
/// the subscription alike — authenticates as the configured user, so the <c>default</c> user can be
/// switched off. The SDK reads (the scripts it runs read keys; its subscription listens on the
/// namespace's wake-up channel) and appends feedback to the namespace's feedback stream.
/// </summary>
public static class RedisAcl
{
    // What StackExchange.Redis sends while it connects: HELLO (RESP3) or AUTH, CLIENT SETNAME (and CLIENT SETINFO on Redis 7.2+, whose refusal it ignores),
    // ECHO and PING to check the link, INFO and CLUSTER NODES to learn the topology. Refused ones are
    // tolerated by the client, but allowing them keeps the server's ACL log clean.
    private static readonly string[] Handshake =
    [
        "-@all", "+hello", "+auth", "+ping", "+echo", "+info", "+client|setname", "+cluster|nodes",
        // Every side checks that Redis has it logged in as the configured user (RedisConnection.VerifyUserAsync).
        "+acl|whoami",
    ];

    /// <summary>Command rules for the SDK's ACL user (keys <c>~cc:{ns}:*</c>, channels <c>&amp;cc:{ns}:notify</c> and, for the
    /// service's feedback relay, <c>&amp;cc:{ns}:relay</c>):
    /// reads, <c>XADD</c> for delivering feedback to <c>cc:{ns}:feedback</c> with its key index <c>cc:{ns}:feedback:keys</c>
    /// (<c>XRANGE</c>, <c>ZSCORE</c>, <c>ZADD</c>, <c>ZREMRANGEBYSCORE</c>; and <c>WAIT</c>, <c>CLIENT ID</c>, <c>ROLE</c> for
    /// <see cref="RedisStoreOptions.FeedbackReplicas"/>), and the writes of check counts and
    /// commitments. A breach also lists the subject, which needs the publisher's rights.</summary>
    public static IReadOnlyList<string> SdkCommands { get; } =
    [
        .. Handshake,
        "+evalsha", "+eval", "+get", "+hget", "+hmget", "+hgetall", "+smembers", "+zrangebyscore", "+subscribe",
        "+xadd",
        // Each feedback key once per namespace (FeedbackKeyIndex): the scripts look a key up in cc:{ns}:feedback:keys
        // (ZSCORE) and read its entry (XRANGE), index what they append (ZADD, below) and prune what the stream no longer
        // holds (ZREMRANGEBYSCORE).
        "+xrange", "+zscore", "+zremrangebyscore",
        // The health check asks whether the feedback stream is there (XINFO STREAM); the delivered count is HINCRBY on meta (below).
        "+xinfo|stream",
        // RedisStoreOptions.FeedbackReplicas: WAIT for the replicas after the appends, CLIENT ID around it to
        // prove the appends and the WAIT ran on one connection, ROLE to say how many replicas are connected when too few confirm.
        "+wait", "+client|id", "+role",
        // Lookups on replicas (RedisReadPreference.PreferReplica): read-only scripts (EVALSHA_RO from
        // StackExchange.Redis 3.x), and READONLY, which the client sends to a cluster's replicas.
        "+evalsha_ro", "+eval_ro", "+readonly",
        // The scripts refuse to run while the namespace's slot is being moved between cluster nodes (CLUSTER KEYSLOT, NODES).
        "+cluster|keyslot",
        // StackExchange.Redis loads a script (SCRIPT LOAD) before it runs it by its hash; refused, it sends the text.
        "+script|load",
        // The integrity checks read key lengths (STRLEN of a filter source, HLEN of a list's index), and a
        // subject's entry key of the wrong type is named by its TYPE. A resync reads filter sources in pieces (GETRANGE).
        "+strlen", "+hlen", "+type", "+getrange",
        // The idle check of subjects' entry hashes samples each list's index and checks the entries it names.
        "+hrandfield", "+hexists",
        // An empty read of a subject the filter holds, found in a list with removals, is a removed subject (SISMEMBER of the list's removed set) or searches that list's index (HSCAN MATCH).
        "+hscan", "+sismember",
        // check counts (MULTI, HINCRBY, EXPIRE, EXEC) and commitments (their scripts, HGETALL/HMGET reads)
        "+multi", "+exec", "+hincrby", "+expire", "+hsetnx", "+hset", "+zadd", "+zrem",
        // The service's instances pass each other feedback on the checks each made, on cc:{ns}:relay (and the user
        // needs that channel: &cc:{ns}:relay), each keeping its id in cc:{ns}:relay:instances (HSET, HGETALL, HDEL).
        "+publish", "+hdel",
    ];

    /// <summary>Command rules for a user that only reads feedback (the platform's collector, the operator
    /// tool's <c>feedback export</c> and <c>report</c>): <c>XRANGE</c> and <c>XINFO STREAM</c> on <c>cc:{ns}:feedback</c>, a
    /// script reading the node's eviction facts (<c>INFO</c>), and
    /// <c>HGET</c> on <c>cc:{ns}:meta</c> (read-only, <c>%R~cc:{ns}:meta</c>) to check the secret.</summary>
    public static IReadOnlyList<string> FeedbackReaderCommands { get; } =
    [
        .. Handshake, "+xrange", "+xlen", "+hget",
        // Whether the stream is there and how many entries it ever had (XINFO STREAM): an evicted stream is not "no feedback";
        // and the node's maxmemory-policy and evicted_keys (INFO, in a script routed to the stream's node).
        "+xinfo|stream", "+eval", "+evalsha", "+script|load",
    ];
}
