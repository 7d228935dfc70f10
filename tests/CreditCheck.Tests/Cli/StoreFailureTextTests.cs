using CreditCheck.Cli;
using StackExchange.Redis;

namespace CreditCheck.Tests.Cli;

// The exceptions are made with the constructors StackExchange.Redis 2.x has; 3.x marks them obsolete (it prefers ones
// with CommandFlags, which 2.x lacks) and keeps them.
#pragma warning disable CS0618

/// <summary>What the operator reads when a cluster fails over under a command: the node that failed, in Chinese then
/// English, with the advice to retry; exit 3. Built from the client's own exceptions, as it throws them (no cluster
/// needed: the texts depend on the exception alone).</summary>
public sealed class StoreFailureTextTests
{
    private static readonly string[] Seeds = ["127.0.0.1:52945", "127.0.0.1:51325", "127.0.0.1:46549"];

    /// <summary>What the client's connect throws when a node of the cluster it discovered refuses (the seeds answered).</summary>
    private static RedisConnectionException DeadNode(string node) => new(
        ConnectionFailureType.UnableToConnect,
        "It was not possible to connect to the redis server(s). Error connecting right now. To allow this multiplexer to continue retrying until it's able to connect, use abortConnect=false in your connection string or AbortOnConnectFail=false; in your code.",
        new RedisConnectionException(
            ConnectionFailureType.UnableToConnect,
            $"UnableToConnect on {node}/Interactive, Initializing/NotStarted, last: NONE, origin: BeginConnectAsync, outstanding: 0, last-read: 0s ago, last-write: 0s ago, keep-alive: 60s, state: Connecting, mgr: 10 of 10 available, last-heartbeat: never, global: 0s ago, v: 2.13.23.0"));

    [Fact]
    public void Unreachable_ClusterNodeDeadAfterAFailover_NamesThatNodeAndAdvisesARetry_InBothLanguages()
    {
        // Found from outside: right after kill -9 of a primary the message blamed the three seeds (they were up), named
        // the dead node only inside the client's English text (in the Chinese half too) and gave no advice.
        var error = RedisOperatorStore.Unreachable(DeadNode("127.0.0.1:34911"), Seeds);

        Assert.Equal(3, error.ExitCode);
        var parts = error.Message.Split(" — ", 2);
        var (chinese, english) = (parts[0], parts[1]);
        Assert.StartsWith("无法连接 Redis 127.0.0.1:34911（无法建立连接；配置的地址：127.0.0.1:52945, 127.0.0.1:51325, 127.0.0.1:46549）", chinese, StringComparison.Ordinal);
        Assert.Contains("可能有主节点失效、正在故障切换：请数秒后重试", chinese, StringComparison.Ordinal);
        Assert.DoesNotContain("UnableToConnect", chinese, StringComparison.Ordinal);
        Assert.StartsWith("the store cannot be reached: Redis 127.0.0.1:34911 (UnableToConnect: UnableToConnect on 127.0.0.1:34911/Interactive, Initializing/NotStarted; configured: 127.0.0.1:52945", english, StringComparison.Ordinal);
        Assert.Contains("a primary may be failing over: retry in a few seconds", english, StringComparison.Ordinal);
        Assert.DoesNotContain("mgr:", error.Message, StringComparison.Ordinal); // not the client's dump
    }

    [Fact]
    public void Unreachable_TheOneServerConfigured_NamesItWithoutClusterAdvice()
    {
        var error = RedisOperatorStore.Unreachable(DeadNode("127.0.0.1:6390"), ["127.0.0.1:6390"]);

        Assert.Equal(3, error.ExitCode);
        Assert.StartsWith("无法连接 Redis 127.0.0.1:6390（无法建立连接） — the store cannot be reached: Redis 127.0.0.1:6390 (UnableToConnect: UnableToConnect on 127.0.0.1:6390/Interactive, Initializing/NotStarted)", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("故障切换", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unreachable_NoNodeInTheClientsText_NamesTheSeeds()
    {
        var error = RedisOperatorStore.Unreachable(new RedisConnectionException(ConnectionFailureType.UnableToConnect, "It was not possible to connect to the redis server(s)."), Seeds);

        Assert.StartsWith("无法连接 Redis 127.0.0.1:52945, 127.0.0.1:51325, 127.0.0.1:46549（无法建立连接）", error.Message, StringComparison.Ordinal);
        Assert.Contains("请数秒后重试", error.Message, StringComparison.Ordinal); // several seeds: a cluster
    }

    [Fact]
    public void Cause_ClusterDown_SaysAFailoverIsUnderWayAndToRetry_InBothLanguages()
    {
        // Found from outside: status on healthy shards during a failover said only "Redis 拒绝了命令（CLUSTERDOWN The cluster is down）".
        var (chinese, english) = StoreFailure.Cause(new RedisServerException("CLUSTERDOWN The cluster is down"));

        Assert.Equal("集群暂时不可用（CLUSTERDOWN：有主节点失效，正在故障切换），请稍后重试（通常数秒即可）", chinese);
        Assert.Equal("the cluster is down for now (CLUSTERDOWN The cluster is down: a primary failed and is being failed over); retry in a few seconds", english);
    }

    [Fact]
    public void Cause_ConnectionBroke_NamesTheNodeAndSaysTheFailureInChinese()
    {
        var (chinese, english) = StoreFailure.Cause(new RedisConnectionException(ConnectionFailureType.SocketFailure, "SocketFailure on 127.0.0.1:7002/Interactive, Idle/Faulted, last: GET"));

        Assert.Equal("与 Redis 127.0.0.1:7002 的连接中断（连接出错）", chinese);
        Assert.Equal("the connection to Redis 127.0.0.1:7002 broke (SocketFailure)", english);
    }
}
