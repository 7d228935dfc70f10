using StackExchange.Redis;

namespace CreditCheck.Redis;

/// <summary>What imports leave behind: the staging of an import that was not committed (dropped, or
/// collected by the next import of the list), and the superseded fields of one that was.</summary>
public sealed partial class RedisCreditPublisher
{
    private async Task CollectLeftoversAsync(string listCode, CancellationToken cancellationToken)
    {
        // An import that died before its commit left staged fields; one that died after it, garbage.
        await CollectStagedAsync(listCode, cancellationToken).ConfigureAwait(false);
        await CollectAsync(Keys.StagedFields(listCode), cancellationToken).ConfigureAwait(false); // as earlier versions listed them
        await CollectAsync(Keys.Garbage(listCode), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Drops what an import staged. <paramref name="entriesStaged"/> false: it staged no entry
    /// field (a re-import that changed nothing), so its staged index need not be scanned.</summary>
    private async Task DiscardStagingAsync(string listCode, bool entriesStaged)
    {
        try
        {
            if (entriesStaged)
            {
                await CollectStagedAsync(listCode, CancellationToken.None).ConfigureAwait(false);
            }

            // UNLINK frees a big staged index in the background instead of blocking Redis.
            await ImportDeadline.WithinAsync(
                _connection.Database.ExecuteAsync("UNLINK", Keys.StagedIndex(listCode), Keys.StagedFingerprints(listCode), Keys.StagedGarbage(listCode), Keys.StagedRemovals(listCode), Keys.Prefix + "stage:gen:" + listCode),
                "the discard of the staging").ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // Staged data is invisible; the next import of the list collects it.
            Log.DiscardFailed(_logger, e, listCode);
        }
    }

    private async Task CollectStagedAsync(string listCode, CancellationToken cancellationToken)
    {
        var cursor = "0";
        do
        {
            cancellationToken.ThrowIfCancellationRequested();
            cursor = (string)(await ImportDeadline.WithinAsync(Run(RedisScripts.CollectStaged, listCode, cursor), "a page of the collection of staged entries").ConfigureAwait(false))!;
        }
        while (cursor != "0");
    }

    private async Task CollectAsync(string source, CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var remaining = (long)await ImportDeadline.WithinAsync(_connection.EvaluateAsync(RedisScripts.Collect, [Keys.Sequence], [Prefix, source, 1000]), "a page of the collection of superseded entries").ConfigureAwait(false);
            if (remaining == 0)
            {
                return;
            }
        }
    }
}
