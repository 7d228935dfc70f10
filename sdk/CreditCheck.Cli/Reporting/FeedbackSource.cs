using CreditCheck.Redis;
using CreditCheck.Stores;
using Microsoft.Extensions.Options;

namespace CreditCheck.Cli.Reporting;

/// <summary>The delivered feedback of a period, each key once, ordered by execution time then key.</summary>
/// <param name="Source">Where it was read, for the report and messages.</param>
/// <param name="Records">The records.</param>
/// <param name="Skipped">Entries of the Redis stream that could not be read and were left out.</param>
internal sealed record FeedbackSet(string Source, IReadOnlyList<FeedbackRecord> Records, long Skipped, FeedbackStreamState? Stream = null);

/// <summary>Reads delivered feedback from where <c>--store</c> says: the Redis stream <c>cc:{ns}:feedback</c>
/// (through <see cref="RedisFeedbackReader"/>) or the memory store's <see cref="MemoryFeedbackFile"/>.</summary>
internal static class FeedbackSource
{
    public static async Task<FeedbackSet> ReadAsync(StoreSettings settings, ReportPeriod period, TextWriter warnings, CancellationToken cancellationToken)
    {
        switch (settings.Kind)
        {
            case "memory":
                var data = settings.Data ?? throw new CliException(ExitCodes.Usage, "--store memory needs --data DIR.");
                if (!data.Exists)
                {
                    throw new CliException(ExitCodes.InvalidInput, $"The data folder '{data.FullName}' does not exist.");
                }

                var state = settings.State!;
                var store = MemoryFeedbackFile.Open(state, warnings);
                var source = settings.StateOption is null ? $"memory store in {data.FullName}" : $"memory store in {data.FullName} (state in {state.FullName})";
                return new FeedbackSet(source, await CollectAsync(store, period, cancellationToken).ConfigureAwait(false), 0);

            case "redis":
                await using (var reader = await ConnectAsync(settings, cancellationToken).ConfigureAwait(false))
                {
                    var records = await CollectAsync(reader, period, cancellationToken).ConfigureAwait(false);

                    // "0 records" must not hide an evicted stream (found from outside: allkeys-lru evicted it, and the
                    // export said "Wrote 0 feedback records" with exit 0).
                    var stream = await reader.CheckStreamAsync(cancellationToken).ConfigureAwait(false);
                    return new FeedbackSet($"redis namespace '{settings.Namespace}'", records, reader.Skipped, stream);
                }

            default:
                throw new CliException(ExitCodes.Usage, $"Unknown store '{settings.Kind}': use redis or memory.");
        }
    }

    /// <summary>Each key once (the first read) and a stable order, whatever the reader guarantees.</summary>
    public static async Task<IReadOnlyList<FeedbackRecord>> CollectAsync(IFeedbackReader reader, ReportPeriod period, CancellationToken cancellationToken)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var records = new List<FeedbackRecord>();
        await foreach (var record in reader.ReadAsync(period.Since, period.Until, cancellationToken).ConfigureAwait(false))
        {
            if (record.ExecutedAt >= period.Since && record.ExecutedAt < period.Until && seen.Add(record.Key))
            {
                records.Add(record);
            }
        }

        records.Sort(static (a, b) =>
        {
            var byTime = a.ExecutedAt.UtcTicks.CompareTo(b.ExecutedAt.UtcTicks);
            return byTime != 0 ? byTime : string.CompareOrdinal(a.Key, b.Key);
        });
        return records;
    }

    private static async Task<RedisFeedbackReader> ConnectAsync(StoreSettings settings, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(settings.Redis))
        {
            throw new CliException(ExitCodes.StoreUnavailable, "No store: pass --redis HOST:PORT, set CREDITCHECK_REDIS, or use --store memory --data DIR.");
        }

        if (string.IsNullOrEmpty(settings.Secret))
        {
            throw new CliException(ExitCodes.Usage, "The Redis store needs the namespace's secret: set CREDITCHECK_SECRET (or pass --secret).");
        }

        var options = settings.RedisOptions();
        try
        {
            await RedisOperatorStore.ProbeAsync(options, setUp: false).ConfigureAwait(false);
            return await RedisFeedbackReader.ConnectAsync(options, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (OptionsValidationException e)
        {
            throw new CliException(ExitCodes.Usage, string.Join(" ", e.Failures));
        }
    }
}
