using System.Globalization;
using System.Runtime.CompilerServices;
using CreditCheck.Stores;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CreditCheck.Redis;

/// <summary>
/// Reads delivered feedback back from <c>cc:{ns}:feedback</c>, for the platform's statistics and the
/// operator tool's export and report: the records executed in a period, each key once.
/// </summary>
/// <remarks>
/// Stream entry ids are delivery times, never earlier than the execution (up to clock differences
/// between hosts and Redis), so a read starts at <c>since − </c><see cref="ClockMargin"/> and pages
/// forward with <c>XRANGE</c> to the end (a record may be delivered long after it was executed, e.g.
/// from a journal after an outage). An entry that cannot be read is skipped, logged and counted in
/// <see cref="Skipped"/>. Thread-safe; needs only <c>XRANGE</c> on the stream and <c>HGET</c> on the namespace's
/// <c>meta</c> key, where it checks the secret as every other reader does (<see cref="RedisAcl.FeedbackReaderCommands"/>).
/// </remarks>
public sealed class RedisFeedbackReader : IFeedbackReader, IAsyncDisposable
{
    private const int PageSize = 1000;
    private readonly RedisConnection _connection;
    private readonly RedisStoreOptions _options;
    private readonly ILogger _logger;
    private long _skipped;

    private RedisFeedbackReader(RedisConnection connection, RedisStoreOptions options, ILogger logger)
    {
        _connection = connection;
        _options = options;
        _logger = logger;
    }

    /// <summary>How far before <c>since</c> reading starts, for clock differences. Default 1 hour.</summary>
    public TimeSpan ClockMargin { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Stream entries skipped so far because they could not be read.</summary>
    public long Skipped => Interlocked.Read(ref _skipped);

    /// <summary>The key of a namespace's feedback stream (<c>cc:{ns}:feedback</c>), for tools that read it as a
    /// consumer group.</summary>
    /// <param name="namespace">The namespace.</param>
    /// <returns>The stream's key.</returns>
    public static string StreamKey(string @namespace) => new RedisKeys(@namespace).Feedback;

    /// <summary>Connects to the namespace's feedback stream.</summary>
    /// <param name="options">Connection, namespace and secret (as for the publisher).</param>
    /// <param name="multiplexer">The host's own connection, or null to connect with <see cref="RedisStoreOptions.Configuration"/>.</param>
    /// <param name="loggerFactory">Optional logging.</param>
    /// <param name="cancellationToken">Cancels the connection attempt.</param>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    /// <exception cref="InvalidOperationException">Redis has the connection logged in as another user than the
    /// configured one (its password refused).</exception>
    public static async Task<RedisFeedbackReader> ConnectAsync(
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

        var connection = await RedisConnection.ConnectAsync(options, multiplexer).WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await connection.VerifyUserAsync(options.OperationTimeout, TimeProvider.System, cancellationToken).ConfigureAwait(false);
            await VerifySecretAsync(connection).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return new RedisFeedbackReader(connection, options, (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<RedisFeedbackReader>());
    }

    /// <summary>A wrong secret or a mistyped namespace would read as "no feedback"; both are refused instead.</summary>
    private static async Task VerifySecretAsync(RedisConnection connection)
    {
        RedisValue stored;
        try
        {
            stored = await connection.Database.HashGetAsync(connection.Keys.Meta, "fingerprint").ConfigureAwait(false);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("NOPERM", StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"The feedback reader cannot check the secret: its ACL user may not HGET {connection.Keys.Meta} ({e.Message}). " +
                $"Grant '%R~{connection.Keys.Meta}' and the commands in RedisAcl.FeedbackReaderCommands.", e);
        }

        if (stored.IsNull)
        {
            throw new InvalidOperationException($"Namespace '{connection.Keys.Namespace}' has no data: no publisher has set it up (is the namespace mistyped?).");
        }

        if ((string?)stored != connection.SubjectKeys.SecretFingerprint)
        {
            throw new SecretMismatchException(connection.Keys.Namespace, stored, connection.SubjectKeys.SecretFingerprint);
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<FeedbackRecord> ReadAsync(DateTimeOffset since, DateTimeOffset until, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (until < since)
        {
            throw new ArgumentException($"The period ends ({until:O}) before it starts ({since:O}).", nameof(until));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var startMs = Math.Max(0, (since - ClockMargin).ToUnixTimeMilliseconds());
        var start = startMs.ToString(CultureInfo.InvariantCulture) + "-0";
        while (true)
        {
            var entries = await _connection.Database.StreamRangeAsync(_connection.Keys.Feedback, start, "+", PageSize)
                .WaitAsync(_options.OperationTimeout * 5, cancellationToken).ConfigureAwait(false);
            foreach (var entry in entries)
            {
                var id = (string)entry.Id!;
                start = Next(id);
                if (Decode(id, entry.Values) is { } record
                    && record.ExecutedAt >= since && record.ExecutedAt < until && seen.Add(record.Key))
                {
                    yield return record;
                }
            }

            if (entries.Length < PageSize)
            {
                yield break;
            }
        }
    }

    /// <summary>Whether the feedback stream may lose feedback or has lost some (<see cref="FeedbackStreamState"/>): its
    /// node's <c>maxmemory-policy</c> and <c>evicted_keys</c>, and the stream missing or created again although
    /// feedback was delivered to it. A reader finding no feedback should ask this before saying "none".</summary>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>What Redis said.</returns>
    public Task<FeedbackStreamState> CheckStreamAsync(CancellationToken cancellationToken = default) =>
        FeedbackStreamState.ReadAsync(_connection, _options.OperationTimeout * 5, cancellationToken);

    /// <summary>Closes the connection if the reader opened it.</summary>
    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    /// <summary>The smallest id after <paramref name="id"/> (<c>ms-seq</c>): XRANGE's exclusive start
    /// needs Redis 6.2, this works on every server with streams.</summary>
    private static string Next(string id)
    {
        var dash = id.IndexOf('-', StringComparison.Ordinal);
        var ms = ulong.Parse(id.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture);
        var sequence = ulong.Parse(id.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture);
        return sequence == ulong.MaxValue
            ? (ms + 1).ToString(CultureInfo.InvariantCulture) + "-0"
            : ms.ToString(CultureInfo.InvariantCulture) + "-" + (sequence + 1).ToString(CultureInfo.InvariantCulture);
    }

    private FeedbackRecord? Decode(string id, NameValueEntry[] fields)
    {
        string? key = null, json = null;
        foreach (var field in fields)
        {
            switch ((string)field.Name!)
            {
                case "key":
                    key = (string)field.Value!;
                    break;
                case "record":
                    json = (string)field.Value!;
                    break;
            }
        }

        string? error;
        if (json is null)
        {
            error = "it has no 'record' field";
        }
        else if (FeedbackJson.Deserialize(json, out error) is { } record)
        {
            if (record.Key == key)
            {
                return record;
            }

            error = $"its key field '{key}' differs from the record's key '{record.Key}'";
        }

        Interlocked.Increment(ref _skipped);
        Log.FeedbackEntryUnreadable(_logger, id, _options.Namespace, error ?? "unreadable");
        return null;
    }
}
