using System.IO.Pipelines;
using CreditCheck.Redis;
using StackExchange.Redis;

namespace CreditCheck.Tests.Redis;

/// <summary>Which exceptions a lookup treats as Redis failing (answered under the policy, naming the node) rather
/// than as a bug (the checker's "the store failed", logged with its stack).</summary>
public sealed class RedisFailureKindTests
{
    [Fact]
    public void IsRedisFailure_PipeWriterCompleted_IsARedisFailure()
    {
        // Found from outside: during a cluster failover the client's completed writer threw this, and the check was
        // decided as if the store had a bug (no node named, sequence 0).
        var error = Assert.Throws<InvalidOperationException>(() =>
        {
            var pipe = new Pipe();
            pipe.Writer.Complete();
            pipe.Writer.GetMemory();
        });

        Assert.True(RedisCreditStore.IsRedisFailure(error), error.ToString());
    }

    [Fact]
    public async Task IsRedisFailure_PipeWriterCompletedSeenThroughAnAwait_IsARedisFailure()
    {
        // What the store sees: the client's exception rethrown by the await of its task.
        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await Task.Yield();
            var pipe = new Pipe();
            await pipe.Writer.CompleteAsync();
            pipe.Writer.GetMemory();
        });

        Assert.True(RedisCreditStore.IsRedisFailure(error), error.ToString());
    }

    [Fact]
    public void IsRedisFailure_InvalidOperationFromOurOwnCode_IsNotARedisFailure()
    {
        // A bug of ours stays a bug: its stack is logged, whatever its message says.
        var error = Assert.Throws<InvalidOperationException>(() => OurBug());

        Assert.False(RedisCreditStore.IsRedisFailure(error));
    }

    [Fact]
    public void IsRedisFailure_RedisErrorsTimeoutsAndDisposal_AreRedisFailures()
    {
#pragma warning disable CS0618 // the constructors StackExchange.Redis 2.x has; 3.x marks them obsolete and keeps them
        Assert.True(RedisCreditStore.IsRedisFailure(new RedisConnectionException(ConnectionFailureType.SocketFailure, "down")));
        Assert.True(RedisCreditStore.IsRedisFailure(new RedisServerException("CLUSTERDOWN The cluster is down")));
#pragma warning restore CS0618
        Assert.True(RedisCreditStore.IsRedisFailure(new TimeoutException()));
        Assert.True(RedisCreditStore.IsRedisFailure(new ObjectDisposedException("multiplexer")));
        Assert.False(RedisCreditStore.IsRedisFailure(new InvalidOperationException("not thrown: no method threw it")));
    }

    private static void OurBug() => throw new InvalidOperationException("Writing is not allowed after writer was completed.");
}
