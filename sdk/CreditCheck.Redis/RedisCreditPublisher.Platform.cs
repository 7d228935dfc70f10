using StackExchange.Redis;

namespace CreditCheck.Redis;

public sealed partial class RedisCreditPublisher
{
    /// <summary>Reads where the namespace stands against a credit platform (hash <c>cc:{ns}:platform</c>,
    /// written by the platform link's sync relay after each change it applied).</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The mark; <c>(0, 0)</c> for a namespace never synchronized.</returns>
    public async Task<RedisPlatformMark> GetPlatformMarkAsync(CancellationToken cancellationToken = default)
    {
        var values = await _connection.Database.HashGetAsync(Keys.Platform, ["version", "snapshot", "behind", "lists", "history"]).WaitAsync(cancellationToken).ConfigureAwait(false);
        return new RedisPlatformMark(values[0].IsNull ? 0 : (long)values[0], values[1].IsNull ? 0 : (long)values[1])
        {
            Behind = values[2].IsNull ? null : (string?)values[2],
            Lists = values[3].IsNull ? null : (string?)values[3],
            History = values[4].IsNull ? null : (string?)values[4],
        };
    }

    /// <summary>Records where the namespace stands against a credit platform: <c>version</c> and
    /// <c>snapshot</c> always; <c>behind</c>, <c>lists</c> and <c>history</c> when set, removed when null.</summary>
    /// <param name="mark">The platform version applied, the snapshot being applied (0: none), why the namespace is behind and the lists followed.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when Redis has the mark.</returns>
    public Task SetPlatformMarkAsync(RedisPlatformMark mark, CancellationToken cancellationToken = default)
    {
        var transaction = _connection.Database.CreateTransaction();
        var fields = new List<HashEntry> { new("version", mark.Version), new("snapshot", mark.SnapshotInProgress) };
        var removed = new List<RedisValue>();
        foreach (var (name, value) in (ReadOnlySpan<(string, string?)>)[("behind", mark.Behind), ("lists", mark.Lists), ("history", mark.History)])
        {
            if (value is null)
            {
                removed.Add(name);
            }
            else
            {
                fields.Add(new(name, value));
            }
        }

        _ = transaction.HashSetAsync(Keys.Platform, [.. fields]);
        if (removed.Count > 0)
        {
            _ = transaction.HashDeleteAsync(Keys.Platform, [.. removed]);
        }

        return transaction.ExecuteAsync().WaitAsync(cancellationToken);
    }

    /// <summary>Sets aside a change from the credit platform that can never be applied (list
    /// <c>cc:{ns}:platform:refused</c>, newest last, for an operator to read with <c>LRANGE</c>).</summary>
    /// <param name="json">The refused change and why, as one JSON object.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>How many changes are set aside now.</returns>
    public Task<long> AddPlatformRefusalAsync(string json, CancellationToken cancellationToken = default) =>
        _connection.Database.ListRightPushAsync(PlatformRefusalsKey, json).WaitAsync(cancellationToken);

    /// <summary>The Redis list holding the platform's changes set aside (<c>cc:{ns}:platform:refused</c>).</summary>
    public string PlatformRefusalsKey => Keys.Platform + ":refused";

    /// <summary>Stores an entry of the credit platform that the SDK cannot take (a field it refuses) as an entry that
    /// cannot be read, under its subject, list and entry id: hosts answer its subject as for any unreadable entry (never
    /// better than Review), not as not listed. The stored value names the list, the entry and why; it replaces what the
    /// namespace held for that entry of that subject. A later write of a readable entry replaces it.</summary>
    /// <param name="subject">The entry's subject.</param>
    /// <param name="listCode">The entry's list.</param>
    /// <param name="entryId">The entry's id.</param>
    /// <param name="reason">Why it cannot be taken.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The namespace's change sequence after the write.</returns>
    public async Task<long> SetUnreadableAsync(SubjectId subject, string listCode, string entryId, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(listCode);
        ArgumentException.ThrowIfNullOrEmpty(entryId);
        ArgumentNullException.ThrowIfNull(reason);
        // No subjectKind: the store's reader reports it unreadable (EntryCodec.Deserialize) and names the field.
        var json = new System.Text.Json.Nodes.JsonObject { ["entryId"] = entryId, ["listCode"] = listCode, ["unreadable"] = reason }.ToJsonString();
        var fingerprint = _connection.SubjectKeys.Fingerprint(subject);
        var result = (RedisResult[])(await Run(
            RedisScripts.Upsert,
            listCode,
            _connection.SubjectKeys.StorageKey(subject),
            entryId,
            EntryCodec.ContentHash(json),
            json,
            FingerprintBytes(subject),
            fingerprint.ToString("x16", System.Globalization.CultureInfo.InvariantCulture),
            string.Empty,
            subject.Scheme == IdentifierScheme.OrganizationCode ? "1" : "0",
            Keep,
            string.Empty).WaitAsync(cancellationToken).ConfigureAwait(false))!;
        return (int)result[0] >= 0 ? (long)result[1] : throw new InvalidOperationException($"Entry '{entryId}' of list '{listCode}' changed concurrently; it was not marked unreadable.");
    }

    /// <summary>Whether list <paramref name="listCode"/> holds an entry with id <paramref name="entryId"/> (of any subject).
    /// Scans the list's index: for the rare entry whose subject cannot be keyed.</summary>
    /// <param name="listCode">The list.</param>
    /// <param name="entryId">The entry id.</param>
    /// <param name="cancellationToken">Cancels the scan.</param>
    /// <returns>True when the list holds such an entry.</returns>
    public async Task<bool> HoldsEntryAsync(string listCode, string entryId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(listCode);
        ArgumentException.ThrowIfNullOrEmpty(entryId);
        // Index fields are "storage key<TAB>entry id"; the entry id's glob characters are escaped.
        var pattern = "*\t" + string.Concat(entryId.Select(c => c is '*' or '?' or '[' or ']' or '\\' ? "\\" + c : new string(c, 1)));
        await foreach (var _ in _connection.Database.HashScanAsync(Keys.ListIndex(listCode), pattern, 1000).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            return true;
        }

        return false;
    }
}

/// <summary>Where a Redis namespace stands against a credit platform.</summary>
/// <param name="Version">The platform version last applied in full (0: none).</param>
/// <param name="SnapshotInProgress">The version of a snapshot whose application began and did not finish
/// (0: none); the relay then asks for a snapshot again.</param>
public readonly record struct RedisPlatformMark(long Version, long SnapshotInProgress)
{
    /// <summary>Why the namespace is behind the platform (field <c>behind</c>: a snapshot begun and not
    /// finished, a change retried after a transient failure, the platform's version gone backwards); null
    /// when it has caught up.</summary>
    public string? Behind { get; init; }

    /// <summary>The lists the namespace holds from the platform (field <c>lists</c>: <c>*</c> for every list
    /// of the platform, else the codes sorted and comma-separated — those asked, or those the client is
    /// entitled to when it is entitled to fewer); null when not recorded.</summary>
    public string? Lists { get; init; }

    /// <summary>The platform history <see cref="Version"/> belongs to (field <c>history</c>); null when the
    /// platform states none. A platform restored from an older state starts a new one.</summary>
    public string? History { get; init; }
}
