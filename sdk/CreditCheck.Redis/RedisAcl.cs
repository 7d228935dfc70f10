namespace CreditCheck.Redis;

/// <summary>
/// The Redis ACL rights each side needs, as documented in the README. The SDK reads (the scripts it
/// runs read keys, and its pub/sub link subscribes to the namespace's wake-up channel) and appends
/// feedback to the namespace's feedback stream.
/// </summary>
public static class RedisAcl
{
    /// <summary>Command rules for the SDK's ACL user (keys <c>~cc:{ns}:*</c>, channel <c>&amp;cc:{ns}:notify</c>):
    /// reads, and <c>XADD</c> for delivering feedback to <c>cc:{ns}:feedback</c>.</summary>
    public static IReadOnlyList<string> SdkCommands { get; } =
    [
        "-@all", "+auth", "+ping", "+echo", "+info", "+client|setname", "+cluster|nodes",
        "+evalsha", "+eval", "+get", "+hget", "+hmget", "+hgetall", "+smembers", "+zrangebyscore", "+subscribe",
        "+xadd",
    ];

    /// <summary>Command rules for a user that only reads feedback (the platform's collector, the operator
    /// tool's <c>feedback export</c> and <c>report</c>): <c>XRANGE</c> on <c>cc:{ns}:feedback</c>.</summary>
    public static IReadOnlyList<string> FeedbackReaderCommands { get; } =
    [
        "-@all", "+auth", "+ping", "+echo", "+info", "+client|setname", "+cluster|nodes", "+xrange", "+xlen",
    ];

    /// <summary>Command rules for the <c>default</c> user when the SDK and publisher log in as named users:
    /// StackExchange.Redis 1.2.6 opens its links as <c>default</c> and can only switch the interactive
    /// one to a named user, so <c>default</c> keeps the handshake and the subscription to the wake-up
    /// channel (which carries only sequence numbers), and nothing else.</summary>
    public static IReadOnlyList<string> DefaultUserCommands { get; } =
    [
        "-@all", "+auth", "+ping", "+echo", "+info", "+client|setname", "+cluster|nodes", "+subscribe",
    ];
}
