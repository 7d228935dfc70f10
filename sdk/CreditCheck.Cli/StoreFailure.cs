using CreditCheck.Redis;
using StackExchange.Redis;

namespace CreditCheck.Cli;

/// <summary>A store failure said in one line, Chinese then English, without the client's diagnostics dump (queue
/// counters, thread-pool figures, a link), and what it left behind, checked rather than assumed.</summary>
internal static class StoreFailure
{
    /// <summary>How long the tool waits, after a failure, for Redis to answer the check of what is left.</summary>
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(10);

    /// <summary>What failed, in a few words each.</summary>
    public static (string Chinese, string English) Cause(Exception e) => e switch
    {
        RedisConnectionException c => ($"与 Redis {Server(c.Message)}的连接中断（{Chinese(c.FailureType)}）", $"the connection to Redis {Server(c.Message)}broke ({c.FailureType})"),
        // Found from outside: during a failover, healthy shards' status said only "Redis 拒绝了命令（CLUSTERDOWN …）".
        RedisServerException s when s.Message.StartsWith("CLUSTERDOWN", StringComparison.Ordinal) => (
            "集群暂时不可用（CLUSTERDOWN：有主节点失效，正在故障切换），请稍后重试（通常数秒即可）",
            $"the cluster is down for now ({Brief(s.Message)}: a primary failed and is being failed over); retry in a few seconds"),
        RedisTimeoutException => ("Redis 未及时应答", "Redis did not answer in time"),
        TimeoutException t when t.Message.StartsWith("Redis did not answer", StringComparison.Ordinal) => ("Redis 在限定时间内未应答（连接中断或 Redis 停顿）", t.Message),
        TimeoutException => ("Redis 未及时应答", "Redis did not answer in time"),
        RedisServerException s => ($"Redis 拒绝了命令（{Brief(s.Message)}）", Brief(s.Message)),
        _ => ($"存储出错（{Brief(e.Message)}）", Brief(e.Message)),
    };

    /// <summary>Whether Redis refused the user's rights (a command, a key or a channel outside its ACL), from a command
    /// or from within a script: a setting to correct, not a store out of reach.</summary>
    public static bool IsPermission(Exception e) => e is RedisServerException
        && (e.Message.StartsWith("NOPERM", StringComparison.Ordinal)
            || e.Message.Contains("can't run this command", StringComparison.Ordinal)
            || e.Message.Contains("no permissions to", StringComparison.Ordinal));

    /// <summary>The error prefix of a write refused because the namespace's own keys are damaged (RedisScripts).</summary>
    public const string DamagePrefix = "CCDAMAGE ";

    /// <summary>Whether a write was refused because the namespace's change sequence key is missing: damage to say as
    /// such (exit 7), not a store out of reach.</summary>
    public static bool IsDamage(Exception e) => e is RedisServerException && e.Message.StartsWith(DamagePrefix, StringComparison.Ordinal);

    /// <summary>A connection failure type in words, for the Chinese half (its English name stays in the English one).</summary>
    public static string Chinese(ConnectionFailureType type) => type switch
    {
        ConnectionFailureType.UnableToConnect or ConnectionFailureType.UnableToResolvePhysicalConnection => "无法建立连接",
        ConnectionFailureType.SocketFailure => "连接出错",
        ConnectionFailureType.SocketClosed => "连接被对方关闭",
        ConnectionFailureType.AuthenticationFailure => "认证失败（用户或密码不对）",
        ConnectionFailureType.ConnectionDisposed => "连接已关闭",
        ConnectionFailureType.Loading => "Redis 正在加载数据",
        ConnectionFailureType.ProtocolFailure => "协议错误",
        ConnectionFailureType.InternalFailure => "客户端内部错误",
        _ => "连接失败",
    };

    /// <summary>The nodes a client failure names ("UnableToConnect on 127.0.0.1:7002/Interactive, …"), in it and in its
    /// inner exceptions (bounded), each once: the nodes that failed, not the configured seeds.</summary>
    public static IReadOnlyList<string> Nodes(Exception e)
    {
        var nodes = new List<string>();
        var current = e;
        for (var depth = 0; current is not null && depth < 10; depth++, current = current.InnerException)
        {
            foreach (System.Text.RegularExpressions.Match match in System.Text.RegularExpressions.Regex.Matches(current.Message, @" on ([^\s/,]+:\d+)/"))
            {
                if (!nodes.Contains(match.Groups[1].Value, StringComparer.Ordinal))
                {
                    nodes.Add(match.Groups[1].Value);
                }
            }
        }

        return nodes;
    }

    /// <summary>The server a client message names ("… on 127.0.0.1:6379/Interactive …"), with a trailing space; or nothing.</summary>
    private static string Server(string message)
    {
        var match = System.Text.RegularExpressions.Regex.Match(message, @" on ([^\s/,]+:\d+)");
        return match.Success ? match.Groups[1].Value + " " : "";
    }

    /// <summary>The first line of the client's message, cut before its diagnostics.</summary>
    public static string Brief(string message)
    {
        var line = message.Split('\n', 2)[0].TrimEnd('\r');
        foreach (var marker in (string[])[", command=", " (Please", ", mc:", ", mgr:", ", outstanding:", "; IOCP:", ", last-in:"])
        {
            var at = line.IndexOf(marker, StringComparison.Ordinal);
            if (at > 0)
            {
                line = line[..at];
            }
        }

        return line.Length > 200 ? line[..200] + "…" : line;
    }

    /// <summary>After a failed import: whether the data before is still there, checked (bounded) against the sequence
    /// read before the import. Chinese and English, each a clause.</summary>
    public static async Task<(string Chinese, string English)> StateAfterAsync(RedisCreditPublisher publisher, long sequenceBefore)
    {
        try
        {
            using var timeout = new CancellationTokenSource(CheckTimeout);
            var health = await publisher.CheckNamespaceAsync(timeout.Token).ConfigureAwait(false);
            if (health.IsLost)
            {
                return (
                    $"Redis 已丢失命名空间 '{health.Namespace}' 的全部数据（缺少 {string.Join("、", health.MissingKeys.Take(4))} 等；Redis 未持久化而重启、被清空或键被淘汰，{health.EvictionFacts}），原有数据已不存在：请开启持久化并设置 maxmemory-policy noeviction，重新发布目录（creditcheck catalog publish）并重新导入全部名单",
                    $"Redis lost namespace '{health.Namespace}' (missing: {string.Join(", ", health.MissingKeys.Take(4))}; Redis restarted without persistence, was flushed, or evicted the keys; {health.EvictionFacts}): the data before is gone. "
                        + "Turn persistence on and set maxmemory-policy noeviction, publish the catalog again (creditcheck catalog publish) and import every list");
            }

            if (health.MissingKeys.Count > 0)
            {
                var missing = new RedisDataMissingException(health);
                return (missing.ChineseMessage, missing.Message);
            }

            var sequence = await publisher.GetSequenceAsync(timeout.Token).ConfigureAwait(false);
            return sequence == sequenceBefore
                ? ("未导入任何数据，原有数据不变（已核对：变更序号仍为 " + sequence + "）；请在存储恢复后重新导入",
                    $"nothing was imported, the data before stays (checked: the sequence is still {sequence}). Import again once the store is back")
                : ($"导入期间存储的变更序号由 {sequenceBefore} 变为 {sequence}：本次导入可能已提交，或有其他变更；请运行 creditcheck status 与 creditcheck verify 核对",
                    $"the store's sequence moved from {sequenceBefore} to {sequence} during the import: the import may have been committed, or something else changed; run 'creditcheck status' and 'creditcheck verify' to see");
        }
        catch (Exception e) when (e is RedisException or TimeoutException or OperationCanceledException)
        {
            return (
                "未导入任何数据（除非未获应答的正是提交本身）；Redis 未应答，无法核对原有数据是否完好：请在 Redis 恢复后运行 creditcheck status 与 creditcheck verify，再重新导入",
                "nothing was imported (unless what went unanswered was the commit itself); Redis did not answer, so whether the data before is intact could not be checked: run 'creditcheck status' and 'creditcheck verify' once Redis is back, then import again");
        }
    }
}
