using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using CreditCheck.Stores;
using StackExchange.Redis;

namespace CreditCheck.Redis;

/// <summary>
/// Commitments in the namespace: the hash <c>cc:{ns}:commitments</c> (id → JSON) and the sorted set
/// <c>cc:{ns}:commitments:open</c> (open ids scored by due day). Adding and closing are one script each,
/// so a commitment is closed once even when two hosts race. Redis never holds a person's identity number in
/// clear: it is sealed with AES-GCM under a key derived from the namespace's secret (an enterprise's
/// 统一社会信用代码 is public and kept whole).
/// </summary>
/// <remarks><c>UseRedis</c> registers it; the operator tool builds it over its store.</remarks>
public sealed class RedisCommitmentStore : ICommitmentStore
{
    // KEYS[1] commitments hash, KEYS[2] open set, KEYS[3] meta; ARGV id, json, due. Integer replies: the same on RESP2
    // and RESP3. Only into a namespace a publisher set up (as feedback: a mistyped one would keep it where no one looks).
    private const string AddLua = """
        if not redis.call('HGET', KEYS[3], 'fingerprint') then
          return redis.error_reply('NONAMESPACE no publisher has set this namespace up in Redis (' .. KEYS[3] .. ' holds no fingerprint: a mistyped namespace, or one flushed and not published again); the commitment was not recorded')
        end
        if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
        redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
        return 1
        """;

    private const string CloseLua = """
        if redis.call('ZREM', KEYS[2], ARGV[1]) == 0 then return 0 end
        redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
        return 1
        """;

    private const string SealedPrefix = "aesgcm:";

    private readonly RedisCreditStore _store;
    private readonly RedisStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly byte[] _sealKey;

    /// <summary>Commitments on <paramref name="store"/>'s connection.</summary>
    /// <param name="store">The store whose connection it uses.</param>
    /// <param name="options">The namespace, the secret, and <see cref="RedisStoreOptions.OperationTimeout"/> (a call waits five times it).</param>
    /// <param name="time">The clock for the timeouts; null for the system clock.</param>
    public RedisCommitmentStore(RedisCreditStore store, RedisStoreOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _options = options;
        _time = time ?? TimeProvider.System;
        _sealKey = HMACSHA256.HashData(Encoding.UTF8.GetBytes(options.Secret ?? string.Empty), "creditcheck/commitments/seal/v1"u8);
    }

    /// <inheritdoc/>
    public async Task AddAsync(CreditCommitment commitment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(commitment);
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var added = await connection.Database.ScriptEvaluateAsync(
            AddLua,
            [connection.Keys.Commitments, connection.Keys.OpenCommitments, connection.Keys.Meta],
            [commitment.Id, Serialize(commitment), commitment.DueOn.DayNumber]).WaitAsync(Timeout, _time, cancellationToken).ConfigureAwait(false);
        if ((long)added != 1)
        {
            throw new InvalidOperationException($"A commitment with the id {commitment.Id} exists already in namespace '{_options.Namespace}'.");
        }
    }

    /// <inheritdoc/>
    public async Task<CreditCommitment?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var json = await connection.Database.HashGetAsync(connection.Keys.Commitments, id).WaitAsync(Timeout, _time, cancellationToken).ConfigureAwait(false);
        return json.IsNull ? null : Deserialize(id, json.ToString());
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<CreditCommitment>> ListAsync(bool openOnly, CancellationToken cancellationToken)
    {
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var database = connection.Database;
        if (!openOnly)
        {
            var all = await database.HashGetAllAsync(connection.Keys.Commitments).WaitAsync(Timeout, _time, cancellationToken).ConfigureAwait(false);
            return [.. all.Select(e => Deserialize(e.Name.ToString(), e.Value.ToString()))];
        }

        var ids = await database.SortedSetRangeByScoreAsync(connection.Keys.OpenCommitments).WaitAsync(Timeout, _time, cancellationToken).ConfigureAwait(false);
        if (ids.Length == 0)
        {
            return [];
        }

        var values = await database.HashGetAsync(connection.Keys.Commitments, ids).WaitAsync(Timeout, _time, cancellationToken).ConfigureAwait(false);
        return [.. ids.Zip(values).Where(p => !p.Second.IsNull).Select(p => Deserialize(p.First.ToString(), p.Second.ToString()))];
    }

    /// <inheritdoc/>
    public async Task<bool> CloseAsync(CreditCommitment closed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(closed);
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var done = await connection.Database.ScriptEvaluateAsync(
            CloseLua,
            [connection.Keys.Commitments, connection.Keys.OpenCommitments],
            [closed.Id, Serialize(closed)]).WaitAsync(Timeout, _time, cancellationToken).ConfigureAwait(false);
        return (long)done == 1;
    }

    private TimeSpan Timeout => _options.OperationTimeout * 5;

    private Task<RedisConnection> ConnectAsync(CancellationToken cancellationToken) =>
        _store.GetConnectionAsync().WaitAsync(Timeout, _time, cancellationToken);

    private string Serialize(CreditCommitment c) => JsonSerializer.Serialize(
        new StoredCommitment(c.Id, c.Subject.Kind, Seal(c.Subject), c.Subject.Masked, c.SubjectName, c.MatterCode, c.MatterName, c.Promise, c.Materials, c.Department, c.CheckId, c.RecordedAt, c.DueOn, c.Status, c.ClosedAt, c.Reason),
        CommitmentJsonContext.Default.StoredCommitment);

    // A damaged record is an error naming it: a commitment never silently disappears from a list.
    private CreditCommitment Deserialize(string id, string json)
    {
        StoredCommitment? s;
        try
        {
            s = JsonSerializer.Deserialize(json, CommitmentJsonContext.Default.StoredCommitment);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Commitment {id} in {_options.Namespace}'s commitments hash is not readable JSON: {e.Message}", e);
        }

        if (s is null || s.Subject is null || s.MatterCode is null || s.Promise is null)
        {
            throw new InvalidDataException($"Commitment {id} in {_options.Namespace}'s commitments hash lacks its subject, matter or promise.");
        }

        var text = Unseal(id, s.Subject);
        if (!SubjectId.TryParse(text, s.SubjectKind, SubjectIdParseMode.LenientCheckCharacter, out var subject, out var why))
        {
            throw new InvalidDataException($"Commitment {id} in {_options.Namespace}'s commitments hash has an invalid subject: {why}");
        }

        return new CreditCommitment
        {
            Id = s.Id,
            Subject = subject,
            SubjectName = s.SubjectName,
            MatterCode = s.MatterCode,
            MatterName = s.MatterName,
            Promise = s.Promise,
            Materials = s.Materials ?? [],
            Department = s.Department,
            CheckId = s.CheckId,
            RecordedAt = s.RecordedAt,
            DueOn = s.DueOn,
            Status = s.Status,
            ClosedAt = s.ClosedAt,
            Reason = s.Reason,
        };
    }

    private string Seal(SubjectId subject)
    {
        if (subject.Kind != SubjectKind.NaturalPerson)
        {
            return subject.Value;
        }

        var plain = Encoding.UTF8.GetBytes(subject.Value);
        var sealedBytes = new byte[12 + 16 + plain.Length];
        RandomNumberGenerator.Fill(sealedBytes.AsSpan(0, 12));
        using var aes = new AesGcm(_sealKey, 16);
        aes.Encrypt(sealedBytes.AsSpan(0, 12), plain, sealedBytes.AsSpan(28), sealedBytes.AsSpan(12, 16));
        return SealedPrefix + Convert.ToBase64String(sealedBytes);
    }

    private string Unseal(string id, string stored)
    {
        if (!stored.StartsWith(SealedPrefix, StringComparison.Ordinal))
        {
            return stored;
        }

        try
        {
            var bytes = Convert.FromBase64String(stored[SealedPrefix.Length..]);
            var plain = new byte[bytes.Length - 28];
            using var aes = new AesGcm(_sealKey, 16);
            aes.Decrypt(bytes.AsSpan(0, 12), bytes.AsSpan(28), bytes.AsSpan(12, 16), plain);
            return Encoding.UTF8.GetString(plain);
        }
        catch (Exception e) when (e is FormatException or CryptographicException or OverflowException or ArgumentException)
        {
            throw new InvalidDataException($"Commitment {id}: the person's sealed identifier cannot be opened with this namespace's secret ({e.GetType().Name}).", e);
        }
    }
}

internal sealed record StoredCommitment(
    string Id,
    SubjectKind SubjectKind,
    string Subject,
    string Masked,
    string? SubjectName,
    string MatterCode,
    string? MatterName,
    string Promise,
    IReadOnlyList<string>? Materials,
    string? Department,
    Guid? CheckId,
    DateTimeOffset RecordedAt,
    DateOnly DueOn,
    CommitmentStatus Status,
    DateTimeOffset? ClosedAt,
    string? Reason);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StoredCommitment))]
internal sealed partial class CommitmentJsonContext : JsonSerializerContext;
