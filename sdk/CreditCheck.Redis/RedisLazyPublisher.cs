using CreditCheck.Catalog;
using CreditCheck.Stores;
using Microsoft.Extensions.Logging;

namespace CreditCheck.Redis;

/// <summary>The publisher a Redis host gets for its own writes (a commitment's breach): connected on first use,
/// on the store's connection. Its user needs the publisher's ACL rights on the namespace.</summary>
internal sealed class RedisLazyPublisher(RedisCreditStore store, RedisStoreOptions options, ILoggerFactory? loggerFactory) : ICreditPublisher, IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private RedisCreditPublisher? _publisher;

    public async Task<long> PublishCatalogAsync(CreditCatalog catalog, CancellationToken cancellationToken = default) =>
        await (await GetAsync(cancellationToken).ConfigureAwait(false)).PublishCatalogAsync(catalog, cancellationToken).ConfigureAwait(false);

    public async Task<long> UpsertAsync(ListRecord record, CancellationToken cancellationToken = default) =>
        await (await GetAsync(cancellationToken).ConfigureAwait(false)).UpsertAsync(record, cancellationToken).ConfigureAwait(false);

    public async Task<bool> RemoveAsync(SubjectId subject, string listCode, string entryId, CancellationToken cancellationToken = default) =>
        await (await GetAsync(cancellationToken).ConfigureAwait(false)).RemoveAsync(subject, listCode, entryId, cancellationToken).ConfigureAwait(false);

    public async Task<bool> SetStatusAsync(SubjectId subject, string listCode, string entryId, EntryStatus status, string reason, CancellationToken cancellationToken = default) =>
        await (await GetAsync(cancellationToken).ConfigureAwait(false)).SetStatusAsync(subject, listCode, entryId, status, reason, cancellationToken).ConfigureAwait(false);

    public Task<ImportSummary> ImportListAsync(string listCode, IEnumerable<ListRecord> records, ImportMode mode, CancellationToken cancellationToken = default) =>
        ImportListAsync(listCode, records, mode, null, cancellationToken);

    public async Task<ImportSummary> ImportListAsync(string listCode, IEnumerable<ListRecord> records, ImportMode mode, IProgress<ImportProgress>? progress, CancellationToken cancellationToken = default) =>
        await (await GetAsync(cancellationToken).ConfigureAwait(false)).ImportListAsync(listCode, records, mode, progress, cancellationToken).ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        if (_publisher is not null)
        {
            await _publisher.DisposeAsync().ConfigureAwait(false);
        }

        _gate.Dispose();
    }

    private async Task<RedisCreditPublisher> GetAsync(CancellationToken cancellationToken)
    {
        if (_publisher is { } ready)
        {
            return ready;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_publisher is null)
            {
                var connection = await store.GetConnectionAsync().ConfigureAwait(false);
                _publisher = await RedisCreditPublisher.ConnectAsync(options, connection.Multiplexer, loggerFactory, cancellationToken).ConfigureAwait(false);
            }

            return _publisher;
        }
        finally
        {
            _gate.Release();
        }
    }
}
