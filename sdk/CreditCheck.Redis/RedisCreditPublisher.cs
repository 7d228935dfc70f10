using System.Buffers.Binary;
using CreditCheck.Catalog;
using CreditCheck.Stores;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CreditCheck.Redis;

/// <summary>
/// The write side of the Redis store: publishes the catalog and the lists. Every change is one
/// atomic script that also bumps the sequence, appends a change record and wakes the SDKs.
/// </summary>
/// <remarks>
/// An import stages the new data under a fresh generation, invisible to readers, and switches the
/// list to it in one step at the end; a failed, cancelled or killed import leaves the previous data
/// live, and the next import of the list clears what it left. Re-running an import writes nothing
/// and records no change. Thread-safe; one import per list at a time (a Redis lock enforces it
/// across processes).
/// </remarks>
public sealed partial class RedisCreditPublisher : ICreditPublisher, IAsyncDisposable
{
    // Renewed with every chunk; short, so that the lock of a killed import soon lapses.
    private static readonly TimeSpan LockLease = TimeSpan.FromSeconds(30);

    // Chunks sent and not yet answered: enough to keep Redis busy while the next one is encoded.
    private const int MaxChunksInFlight = 3;

    private readonly RedisConnection _connection;
    private readonly RedisStoreOptions _options;
    private readonly ILogger _logger;

    // The catalog last read, by version: one version has one content (publishing a changed catalog under a
    // published version is refused), so an upsert validates against it and its script only checks the version
    // is still current — one round trip instead of reading and parsing the catalog every time.
    private volatile VersionedCatalog? _catalog;

    private RedisCreditPublisher(RedisConnection connection, RedisStoreOptions options, ILogger logger)
    {
        _connection = connection;
        _options = options;
        _logger = logger;
    }

    private RedisKeys Keys => _connection.Keys;

    private string Prefix => _connection.Keys.Prefix;

    private string Keep => _options.ChangeLogLength.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Connects, and claims the namespace for this secret or checks that it was claimed with
    /// the same one.</summary>
    /// <param name="options">Connection, namespace and secret.</param>
    /// <param name="multiplexer">The host's own connection, or null to connect with <see cref="RedisStoreOptions.Configuration"/>.</param>
    /// <param name="loggerFactory">Optional logging.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    /// <exception cref="InvalidOperationException">The namespace was set up with a different secret, or Redis has the
    /// connection logged in as another user than the configured one (its password refused).</exception>
    public static async Task<RedisCreditPublisher> ConnectAsync(
        RedisStoreOptions options,
        IConnectionMultiplexer? multiplexer = null,
        ILoggerFactory? loggerFactory = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var validation = RedisStoreOptionsValidator.Check(options, requireConfiguration: multiplexer is null);
        if (validation.Failed)
        {
            throw new OptionsValidationException(nameof(RedisStoreOptions), typeof(RedisStoreOptions), validation.Failures);
        }

        var connection = await RedisConnection.ConnectAsync(options, multiplexer).ConfigureAwait(false);
        var publisher = new RedisCreditPublisher(connection, options, (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<RedisCreditPublisher>());
        try
        {
            await connection.VerifyUserAsync(options.OperationTimeout, TimeProvider.System, cancellationToken).ConfigureAwait(false);
            await publisher.ClaimNamespaceAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return publisher;
    }

    /// <summary>The catalog currently published, or null when none is.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    public async Task<CreditCatalog?> GetCatalogAsync(CancellationToken cancellationToken = default)
    {
        var json = await _connection.Database.HashGetAsync(Keys.Catalog, "json").WaitAsync(cancellationToken).ConfigureAwait(false);
        return json.IsNullOrEmpty ? null : CreditCatalog.Parse(json!);
    }

    /// <summary>The namespace's current change sequence.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    public async Task<long> GetSequenceAsync(CancellationToken cancellationToken = default)
    {
        var value = await _connection.Database.StringGetAsync(Keys.Sequence).WaitAsync(cancellationToken).ConfigureAwait(false);
        return value.IsNull ? 0 : (long)value;
    }

    /// <summary>How many entries each list holds (the committed view), and how many change records the log keeps.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    public async Task<(IReadOnlyDictionary<string, long> EntriesByList, long ChangeRecords)> CountAsync(CancellationToken cancellationToken = default)
    {
        var database = _connection.Database;
        var lists = await database.SetMembersAsync(Keys.Lists).WaitAsync(cancellationToken).ConfigureAwait(false);
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var list in lists)
        {
            counts[(string)list!] = await database.HashLengthAsync(Keys.ListIndex(list!)).WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        var changes = await database.SortedSetLengthAsync(Keys.Changes).WaitAsync(cancellationToken).ConfigureAwait(false);
        return (counts, changes);
    }

    /// <inheritdoc/>
    public async Task<long> PublishCatalogAsync(CreditCatalog catalog, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        // The epoch tells hosts a namespace set up anew (its lists imported since) from one gone back to an older copy.
        var result = await Run(RedisScripts.PublishCatalog, catalog.ToJson(), catalog.Version, Keep, Guid.NewGuid().ToString("N")).WaitAsync(cancellationToken).ConfigureAwait(false);
        if ((long)result < 0)
        {
            throw CatalogVersionTaken(catalog.Version, Keys.Namespace);
        }

        Log.CatalogPublished(_logger, catalog.Version, Keys.Namespace, (long)result);
        return (long)result;
    }

    /// <inheritdoc/>
    public async Task<long> UpsertAsync(ListRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var fresh = _catalog is null;
        var catalog = _catalog ?? await LoadCatalogAsync(cancellationToken).ConfigureAwait(false);
        for (var attempt = 0; ; attempt++)
        {
            if (ListEntryRules.Check(record, catalog.Catalog) is { } problem)
            {
                if (fresh)
                {
                    throw new ListEntryException(problem);
                }

                // Refused by the catalog kept from before: a newer one may allow it.
                (catalog, fresh) = (await LoadCatalogAsync(cancellationToken).ConfigureAwait(false), true);
                continue;
            }

            var (status, sequence) = await WriteAsync(record, expectedHash: string.Empty, catalog.Version, cancellationToken).ConfigureAwait(false);
            if (status != CatalogChanged || attempt == 2)
            {
                return status >= 0 ? sequence
                    : status == CatalogChanged ? throw new InvalidOperationException($"The catalog of namespace '{Keys.Namespace}' kept changing during the upsert; try again.")
                    : throw new InvalidOperationException("The entry changed concurrently; try again.");
            }

            (catalog, fresh) = (await LoadCatalogAsync(cancellationToken).ConfigureAwait(false), true);
        }
    }

    /// <inheritdoc/>
    public async Task<bool> RemoveAsync(SubjectId subject, string listCode, string entryId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(listCode);
        ArgumentException.ThrowIfNullOrEmpty(entryId);
        var key = _connection.SubjectKeys.StorageKey(subject);
        var result = (RedisResult[])(await Run(RedisScripts.Remove, listCode, key, entryId, Keep).WaitAsync(cancellationToken).ConfigureAwait(false))!;
        return (int)result[0] == 1;
    }

    /// <inheritdoc/>
    public async Task<bool> SetStatusAsync(SubjectId subject, string listCode, string entryId, EntryStatus status, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        if (!Enum.IsDefined(status))
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown entry status.");
        }

        var key = _connection.SubjectKeys.StorageKey(subject);

        // Read, change, write back only if nobody changed the entry meanwhile (compare-and-set).
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var current = await ReadEntryAsync(key, listCode, entryId, cancellationToken).ConfigureAwait(false);
            if (current is null)
            {
                return false;
            }

            var changed = current.Value.Entry with { Status = status, StatusReason = reason };
            var (result, _) = await WriteAsync(new ListRecord(subject, changed), current.Value.Hash, catalogVersion: string.Empty, cancellationToken).ConfigureAwait(false);
            if (result >= 0)
            {
                return true;
            }

            if (result == -2)
            {
                return false;
            }
        }

        throw new InvalidOperationException($"Entry '{entryId}' of list '{listCode}' kept changing concurrently; its status was not set.");
    }

    /// <summary>Closes the connection if the publisher opened it.</summary>
    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    /// <summary>The upsert script's answer when the catalog's version is no longer <c>catalogVersion</c>.</summary>
    private const int CatalogChanged = -3;

    private async Task<(int Status, long Sequence)> WriteAsync(ListRecord record, string expectedHash, string catalogVersion, CancellationToken cancellationToken)
    {
        var json = EntryCodec.Serialize(record.Entry);
        var fingerprint = _connection.SubjectKeys.Fingerprint(record.Subject);
        var result = (RedisResult[])(await Run(
            RedisScripts.Upsert,
            record.Entry.ListCode,
            _connection.SubjectKeys.StorageKey(record.Subject),
            record.Entry.EntryId,
            EntryCodec.ContentHash(json),
            json,
            FingerprintBytes(record.Subject),
            fingerprint.ToString("x16", System.Globalization.CultureInfo.InvariantCulture),
            expectedHash,
            record.Subject.Scheme == IdentifierScheme.OrganizationCode ? "1" : "0",
            Keep,
            catalogVersion).WaitAsync(cancellationToken).ConfigureAwait(false))!;
        return ((int)result[0], (long)result[1]);
    }

    private async Task<(ListEntry Entry, string Hash)?> ReadEntryAsync(string key, string listCode, string entryId, CancellationToken cancellationToken)
    {
        var result = (RedisResult[])(await _connection.EvaluateAsync(RedisScripts.Lookup, [Keys.Entries(key)], [Prefix]).WaitAsync(cancellationToken).ConfigureAwait(false))!;
        for (var i = 2; i + 1 < result.Length; i += 2)
        {
            var field = ((string)result[i]!).Split('\t');
            if (field.Length == 3 && field[0] == listCode && field[1] == entryId)
            {
                var json = (string)result[i + 1]!;
                return EntryCodec.Deserialize(json, out var error) is { } entry
                    ? (entry, EntryCodec.ContentHash(json))
                    : throw new InvalidOperationException($"Entry '{entryId}' of list '{listCode}' is unreadable in Redis ({error}); re-import it.");
            }
        }

        return null;
    }

    private byte[] FingerprintBytes(SubjectId subject)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, _connection.SubjectKeys.Fingerprint(subject));
        return bytes;
    }

    private async Task<CreditCatalog> RequireCatalogAsync(CancellationToken cancellationToken) =>
        (await LoadCatalogAsync(cancellationToken).ConfigureAwait(false)).Catalog;

    /// <summary>Reads the published catalog and its version, and keeps them for the next upsert.</summary>
    private async Task<VersionedCatalog> LoadCatalogAsync(CancellationToken cancellationToken)
    {
        var stored = await _connection.Database.HashGetAsync(Keys.Catalog, ["version", "json"]).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (stored[1].IsNullOrEmpty)
        {
            throw new InvalidOperationException($"Namespace '{Keys.Namespace}' has no catalog; publish one first.");
        }

        var catalog = CreditCatalog.Parse(stored[1]!);
        var loaded = new VersionedCatalog((string?)stored[0] ?? catalog.Version, catalog);
        _catalog = loaded;
        return loaded;
    }

    private sealed record VersionedCatalog(string Version, CreditCatalog Catalog);

    private async Task ClaimNamespaceAsync()
    {
        var database = _connection.Database;
        var mine = _connection.SubjectKeys.SecretFingerprint;

        // Read first: a namespace already set up (and checked by the manifest once) needs no write, so an
        // operator with a read-only ACL user can still open it for `status` and `check`.
        var meta = await database.HashGetAsync(Keys.Meta, ["fingerprint", "layout", "manifest"]).ConfigureAwait(false);
        var stored = (string?)meta[0];
        if (stored is null || meta[1].IsNull)
        {
            await database.HashSetAsync(Keys.Meta, "fingerprint", mine, When.NotExists).ConfigureAwait(false);
            await database.HashSetAsync(Keys.Meta, "layout", "1", When.NotExists).ConfigureAwait(false);
            stored = (string?)await database.HashGetAsync(Keys.Meta, "fingerprint").ConfigureAwait(false);
        }

        if (!string.Equals(stored, mine, StringComparison.Ordinal))
        {
            throw new SecretMismatchException(Keys.Namespace, stored, mine);
        }

        if ((string?)meta[2] != "1")
        {
            await AdoptUnmanifestedListsAsync().ConfigureAwait(false);
        }
    }

    /// <summary>A catalog whose version is published with other content: every host would take the two for
    /// one and decide by whichever it loaded.</summary>
    internal static CatalogValidationException CatalogVersionTaken(string version, string ns) => new(
        ns,
        [new CatalogProblem("$.version", $"version '{version}' is already published in namespace '{ns}' with different content; give the changed catalog a new version")]);

    /// <summary>What is wrong with each list's data in Redis (its filter source, index, generation and
    /// manifest checked in full, as a reader checks them at a resync), or nothing for a list that is whole.
    /// <c>creditcheck status</c> shows it; a replace import of the list rebuilds a damaged one.</summary>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>Per list with data: the damage, naming the key, or null.</returns>
    public async Task<IReadOnlyDictionary<string, string?>> CheckListsAsync(CancellationToken cancellationToken = default)
    {
        var database = _connection.Database;
        var lists = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var list in await database.SetMembersAsync(Keys.Lists).WaitAsync(cancellationToken).ConfigureAwait(false))
        {
            lists.Add(list!);
        }

        foreach (var entry in await database.HashGetAllAsync(Keys.Manifest).WaitAsync(cancellationToken).ConfigureAwait(false))
        {
            lists.Add(entry.Name!);
        }

        var result = new SortedDictionary<string, string?>(StringComparer.Ordinal);
        foreach (var list in lists)
        {
            result[list] = await CheckListAsync(list).WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    /// <summary>One list checked in full against its manifest; null when whole.</summary>
    private async Task<string?> CheckListAsync(string list)
    {
        var database = _connection.Database;
        try
        {
            var manifest = (string?)await database.HashGetAsync(Keys.Manifest, list).ConfigureAwait(false);
            var blob = (byte[]?)await database.StringGetAsync(Keys.ListFingerprints(list)).ConfigureAwait(false) ?? [];
            var entries = await database.HashLengthAsync(Keys.ListIndex(list)).ConfigureAwait(false);
            var generation = (long?)await database.HashGetAsync(Keys.Generations, list).ConfigureAwait(false) ?? 0;
            if (manifest is null && blob.Length == 0 && entries == 0)
            {
                return null; // a list never written
            }

            return ListIntegrity.Check(Keys, list, manifest, blob, entries, string.Empty, generation);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("WRONGTYPE", StringComparison.Ordinal))
        {
            return $"a key of list '{list}' holds the wrong kind of value ({e.Message})";
        }
    }

    /// <summary>A namespace written before manifests existed: records each list's manifest from its data as
    /// it is now (once), then marks the namespace, so that from here on readers verify every list.</summary>
    private async Task AdoptUnmanifestedListsAsync()
    {
        var database = _connection.Database;
        if ((string?)await database.HashGetAsync(Keys.Meta, "manifest").ConfigureAwait(false) == "1")
        {
            return;
        }

        foreach (var list in await database.SetMembersAsync(Keys.Lists).ConfigureAwait(false))
        {
            if (await database.HashExistsAsync(Keys.Manifest, list).ConfigureAwait(false))
            {
                continue;
            }

            var manifest = await ReadManifestFromDataAsync(list!).ConfigureAwait(false);
            await database.HashSetAsync(Keys.Manifest, list, manifest.ToString(), When.NotExists).ConfigureAwait(false);
        }

        await database.HashSetAsync(Keys.Meta, "manifest", "1").ConfigureAwait(false);
    }

    /// <summary>A list's manifest as its keys are now (its fingerprints read whole: once per adoption or repair).</summary>
    private async Task<ListManifest> ReadManifestFromDataAsync(string list)
    {
        var database = _connection.Database;
        var blob = (byte[]?)await database.StringGetAsync(Keys.ListFingerprints(list)).ConfigureAwait(false) ?? [];
        var entries = await database.HashLengthAsync(Keys.ListIndex(list)).ConfigureAwait(false);
        var generation = (string?)await database.HashGetAsync(Keys.Generations, list).ConfigureAwait(false) ?? "0";
        return new ListManifest(generation, entries, FilterChecksum.Of(blob));
    }

    private Task<RedisResult> Run(string script, params RedisValue[] arguments) =>
        _connection.EvaluateAsync(script, [Keys.Sequence], [Prefix, .. arguments]);

}
