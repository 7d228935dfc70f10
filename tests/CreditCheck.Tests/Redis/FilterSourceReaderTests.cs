using CreditCheck.Redis;
using CreditCheck.Tests.Support;
using StackExchange.Redis;

namespace CreditCheck.Tests.Redis;

/// <summary>
/// <see cref="FilterSourceReader"/> against a real server when a piece fails while others are in flight: the
/// error goes up only after every piece sent has ended (none left running into a filter the caller drops, none
/// failing unobserved), nothing after the failed piece is added, and a later read of the repaired data succeeds.
/// </summary>
public sealed class FilterSourceReaderTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Fact]
    public async Task PieceFailing_WhileOthersAreInFlight_EveryPieceEndsBeforeTheErrorGoesUp_AndALaterReadSucceeds()
    {
        var keys = new RedisKeys("r" + Guid.NewGuid().ToString("N")[..12]);
        await using var multiplexer = await ConnectionMultiplexer.ConnectAsync(redis.Server.Configuration);
        var database = multiplexer.GetDatabase();
        var fingerprints = Enumerable.Range(1, 200).SelectMany(i => BitConverter.GetBytes((ulong)i * 0x9E3779B97F4A7C15UL)).ToArray();
        await database.StringSetAsync(keys.ListFingerprints("first"), fingerprints[..8]);
        await database.HashSetAsync(keys.ListFingerprints("broken"), "not", "a filter source"); // GETRANGE on it: WRONGTYPE
        await database.StringSetAsync(keys.ListFingerprints("last"), fingerprints);
        FilterSourceReader.Source[] sources = [new("first", 8), new("broken", 80), new("last", fingerprints.Length)];
        var sent = new List<Task>();
        var filter = new SplitBlockBloomFilter(300);

        var failure = await Assert.ThrowsAsync<RedisServerException>(() => FilterSourceReader.ReadAsync(
            database, keys, sources, filter, TimeSpan.FromSeconds(30), TimeProvider.System, pieceBytes: 8, piecesInFlight: 32, pieceSent: sent.Add));

        Assert.StartsWith("WRONGTYPE", failure.Message, StringComparison.Ordinal);
        // 32 sent at once, one more when the first piece was taken: the broken list's ten and 22 of the last list's
        // were in flight together when its first piece failed.
        Assert.Equal(33, sent.Count);
        Assert.All(sent, piece => Assert.True(piece.IsCompleted, "a piece was still running when the error went up"));
        Assert.Equal(1, filter.Count); // the first piece only: nothing is added after the failed one

        // Repaired (the list written as a filter source), the same read succeeds whole.
        await database.KeyDeleteAsync(keys.ListFingerprints("broken"));
        await database.StringSetAsync(keys.ListFingerprints("broken"), fingerprints[..80]);
        var again = new SplitBlockBloomFilter(300);
        var reads = await FilterSourceReader.ReadAsync(database, keys, sources, again, TimeSpan.FromSeconds(30), TimeProvider.System, pieceBytes: 8, piecesInFlight: 32);

        Assert.Equal([8L, 80L, fingerprints.Length], reads.Select(r => r.Bytes));
        Assert.Equal(1 + 10 + 200, again.Count);
    }
}
