using System.Globalization;
using CreditCheck.Stores;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using Proto = CreditCheck.Platform.Protocol;

namespace CreditCheck.Platform;

/// <summary>
/// Forwards the feedback hosts deliver to a Redis namespace (stream <c>cc:{ns}:feedback</c>) to the credit
/// platform with <c>ReportFeedback</c>, at least once and keyed: the platform stores each key once.
/// </summary>
/// <remarks>
/// Reads the stream as a consumer group (XREADGROUP; a dead consumer's records are claimed after
/// <see cref="FeedbackForwardingOptions.ClaimIdleTime"/> with XAUTOCLAIM) and acknowledges (XACK) only the
/// records the platform answered ACCEPTED or DUPLICATE. A record it REJECTED, or one that cannot be read,
/// is set aside in the dead-letter stream <c>cc:{ns}:feedback:dead</c> (fields <c>id</c>, <c>key</c>,
/// <c>record</c>, <c>reason</c>) and acknowledged in one step, once per record, and logged. While the platform is unreachable the batch
/// stays pending and is retried with backoff; after a crash the records still pending are sent again.
/// The stream is not trimmed unless <see cref="FeedbackForwardingOptions.TrimAcknowledgedOlderThan"/> is set.
/// </remarks>
public sealed class FeedbackForwarder : IDisposable
{
    // KEYS: the stream, its dead-letter stream (one hash slot: cc:{ns}:…). ARGV: group, id, key, record, reason.
    private const string SetAsideScript = """
        if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
        redis.call('XADD', KEYS[2], '*', 'id', ARGV[2], 'key', ARGV[3], 'record', ARGV[4], 'reason', ARGV[5])
        return 1
        """;

    private static readonly RedisValue KeyField = "key";
    private static readonly RedisValue RecordField = "record";
    private static readonly TimeSpan TrimInterval = TimeSpan.FromMinutes(1);

    private readonly IDatabase _database;
    private readonly RedisKey _stream;
    private readonly RedisKey _deadLetter;
    private readonly FeedbackForwardingOptions _options;
    private readonly PlatformChannel _channel;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _namespace;
    private bool _groupReady;
    private bool _ownPendingDone;
    private RedisValue _claimCursor = "0-0";
    private DateTimeOffset _lastTrim = DateTimeOffset.MinValue;
    private long _forwarded;
    private long _duplicates;
    private long _rejected;

    /// <summary>Creates a forwarder for one namespace.</summary>
    /// <param name="redis">The connection to the Redis that holds the namespace (left open).</param>
    /// <param name="namespace">The namespace whose feedback stream is forwarded.</param>
    /// <param name="options">The platform and how to forward.</param>
    /// <param name="loggerFactory">Optional logging.</param>
    /// <param name="time">The clock; null for the system clock.</param>
    /// <exception cref="InvalidOperationException">An option is missing or wrong.</exception>
    public FeedbackForwarder(IConnectionMultiplexer redis, string @namespace, FeedbackForwardingOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentException.ThrowIfNullOrWhiteSpace(@namespace);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _namespace = @namespace;
        _time = time ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<FeedbackForwarder>();
        _database = redis.GetDatabase();
        var stream = Redis.RedisFeedbackReader.StreamKey(@namespace);
        _stream = stream;
        _deadLetter = stream + ":dead";
        _channel = new PlatformChannel(options.Platform, _time);
    }

    /// <summary>What this forwarder has done since it was created, without reading Redis:
    /// <see cref="FeedbackForwardSummary.Pending"/> is 0 here (<see cref="GetSummaryAsync"/> reads it).</summary>
    public FeedbackForwardSummary Totals => new(Interlocked.Read(ref _forwarded), Interlocked.Read(ref _duplicates), Interlocked.Read(ref _rejected), 0);

    /// <summary>What this forwarder has done, with the records still pending read from Redis (delivered to a
    /// forwarder and not acknowledged, plus those not read yet) — e.g. after it was stopped.</summary>
    /// <returns>The summary.</returns>
    public async Task<FeedbackForwardSummary> GetSummaryAsync() => Totals with { Pending = await PendingAsync().ConfigureAwait(false) };

    /// <summary>Forwards until stopped: new records as they arrive, retrying through platform outages.</summary>
    /// <param name="cancellationToken">Stops forwarding; records in flight stay pending and are sent again later.</param>
    /// <returns>Completes when cancelled.</returns>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = TimeSpan.FromSeconds(1);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (await ForwardBatchAsync(cancellationToken).ConfigureAwait(false) == 0)
                {
                    await Task.Delay(_options.PollInterval, _time, cancellationToken).ConfigureAwait(false);
                }

                backoff = TimeSpan.FromSeconds(1);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is RpcException or RedisException or TimeoutException)
            {
                _ownPendingDone = false; // retry the same records first, not new ones
                ForwarderLog.Retrying(_logger, _namespace, Describe(e), backoff);
                await Task.Delay(backoff, _time, cancellationToken).ConfigureAwait(false);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.MaxBackoff.Ticks));
            }
        }
    }

    /// <summary>Forwards what the stream holds now (new records and any left pending), then returns. A failed
    /// call is retried with backoff for up to <paramref name="giveUpAfter"/>; the records stay pending.</summary>
    /// <param name="giveUpAfter">How long to keep retrying while the platform or Redis fails.</param>
    /// <param name="cancellationToken">Stops early; what was not acknowledged stays pending.</param>
    /// <returns>What this forwarder has done, and what is still pending.</returns>
    /// <exception cref="PlatformUnavailableException">The platform or Redis failed for longer than <paramref name="giveUpAfter"/>.</exception>
    /// <exception cref="RpcException">The platform refused this client (UNAUTHENTICATED, PERMISSION_DENIED) or does not implement the call.</exception>
    public async Task<FeedbackForwardSummary> ForwardAvailableAsync(TimeSpan giveUpAfter, CancellationToken cancellationToken = default)
    {
        var backoff = TimeSpan.FromSeconds(1);
        var failingSince = (DateTimeOffset?)null;
        while (true)
        {
            try
            {
                if (await ForwardBatchAsync(cancellationToken).ConfigureAwait(false) == 0)
                {
                    break;
                }

                failingSince = null;
                backoff = TimeSpan.FromSeconds(1);
            }
            catch (Exception e) when (IsTransient(e) && PlatformFailure.SchemeMismatch(e, _options.Platform.Address!) is null)
            {
                var now = _time.GetUtcNow();
                failingSince ??= now;
                if (now - failingSince >= giveUpAfter)
                {
                    throw new PlatformUnavailableException(_options.Platform.Address!, Describe(e), e);
                }

                _ownPendingDone = false; // retry the same records first, not new ones
                ForwarderLog.Retrying(_logger, _namespace, Describe(e), backoff);
                await Task.Delay(backoff, _time, cancellationToken).ConfigureAwait(false);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.MaxBackoff.Ticks));
            }
        }

        return await GetSummaryAsync().ConfigureAwait(false);
    }

    /// <summary>Closes the channel to the platform (not the Redis connection).</summary>
    public void Dispose() => _channel.Dispose();

    /// <summary>One batch: read, upload, acknowledge. Returns the number of stream entries handled (0: none waiting).</summary>
    private async Task<int> ForwardBatchAsync(CancellationToken cancellationToken)
    {
        if (!await EnsureGroupAsync().ConfigureAwait(false))
        {
            return 0;
        }

        var entries = await NextEntriesAsync().ConfigureAwait(false);
        if (entries.Length == 0)
        {
            await TrimAsync().ConfigureAwait(false);
            return 0;
        }

        var done = new List<RedisValue>(entries.Length);
        var byKey = new Dictionary<string, (List<RedisValue> Ids, string Json)>(StringComparer.Ordinal);
        var request = new Proto.ReportFeedbackRequest();
        foreach (var entry in entries)
        {
            if (entry.IsNull || entry.Values is not { Length: > 0 })
            {
                done.Add(entry.Id); // deleted from the stream while pending: nothing to send
                continue;
            }

            var key = (string?)Field(entry.Values, KeyField);
            var json = (string?)Field(entry.Values, RecordField);
            string? error;
            FeedbackRecord? record = null;
            if (json is null)
            {
                error = "it has no 'record' field";
            }
            else if ((record = FeedbackJson.Deserialize(json, out error)) is not null && record.Key != key)
            {
                error = $"its key field '{key}' differs from the record's key '{record.Key}'";
            }

            if (error is not null || record is null)
            {
                await SetAsideAsync(entry.Id, key, json, $"unreadable: {error}").ConfigureAwait(false);
                done.Add(entry.Id);
                continue;
            }

            if (byKey.TryGetValue(record.Key, out var known))
            {
                known.Ids.Add(entry.Id); // the sink wrote it twice (a retried batch): send once
                continue;
            }

            byKey[record.Key] = ([entry.Id], json!);
            request.Records.Add(FeedbackMapping.ToProto(record, json!));
        }

        if (request.Records.Count > 0)
        {
            var response = await _channel.Client.ReportFeedbackAsync(request, deadline: _channel.UnaryDeadline(), cancellationToken: cancellationToken).ConfigureAwait(false);
            foreach (var ack in response.Acks)
            {
                if (!byKey.Remove(ack.IdempotencyKey, out var sent))
                {
                    continue; // a key we did not send, or answered twice
                }

                switch (ack.Status)
                {
                    case Proto.FeedbackAck.Types.Status.Accepted:
                        _forwarded++;
                        done.AddRange(sent.Ids);
                        break;
                    case Proto.FeedbackAck.Types.Status.Duplicate:
                        _duplicates++;
                        done.AddRange(sent.Ids);
                        break;
                    case Proto.FeedbackAck.Types.Status.Rejected:
                        foreach (var id in sent.Ids)
                        {
                            await SetAsideAsync(id, ack.IdempotencyKey, sent.Json, $"rejected by the platform: {ack.Message}").ConfigureAwait(false);
                        }

                        done.AddRange(sent.Ids);
                        break;
                    default:
                        byKey[ack.IdempotencyKey] = sent; // no answer we understand: stays pending
                        break;
                }
            }

            if (byKey.Count > 0)
            {
                // Left pending: claimed again (by this forwarder or another) after ClaimIdleTime.
                _ownPendingDone = true;
                ForwarderLog.Unanswered(_logger, _namespace, byKey.Count, byKey.Keys.First());
            }
        }

        if (done.Count > 0)
        {
            await _database.StreamAcknowledgeAsync(_stream, _options.Group, [.. done]).ConfigureAwait(false);
        }

        await TrimAsync().ConfigureAwait(false);
        return entries.Length;
    }

    /// <summary>This consumer's own pending records first (after a restart), then others' idle ones, then new ones.</summary>
    private async Task<StreamEntry[]> NextEntriesAsync()
    {
        var count = _options.BatchSize;
        if (!_ownPendingDone)
        {
            var own = await _database.StreamReadGroupAsync(_stream, _options.Group, _options.Consumer, "0-0", count).ConfigureAwait(false);
            if (own.Length > 0)
            {
                return own;
            }

            _ownPendingDone = true;
        }

        var claimed = await _database.StreamAutoClaimAsync(_stream, _options.Group, _options.Consumer, (long)_options.ClaimIdleTime.TotalMilliseconds, _claimCursor, count).ConfigureAwait(false);
        _claimCursor = claimed.IsNull || claimed.NextStartId.IsNull ? "0-0" : claimed.NextStartId;
        if (!claimed.IsNull && claimed.ClaimedEntries is { Length: > 0 } entries)
        {
            return entries;
        }

        return await _database.StreamReadGroupAsync(_stream, _options.Group, _options.Consumer, StreamPosition.NewMessages, count).ConfigureAwait(false);
    }

    /// <summary>Creates the consumer group once the stream exists; false while it does not (nothing to forward).
    /// The stream is never created here: a mistyped namespace must not gain a stray key.</summary>
    private async Task<bool> EnsureGroupAsync()
    {
        if (_groupReady)
        {
            return true;
        }

        try
        {
            // From the start of the stream: feedback delivered before the first forwarder ran is sent too.
            await _database.StreamCreateConsumerGroupAsync(_stream, _options.Group, "0-0", createStream: false).ConfigureAwait(false);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
            // exists already
        }
        catch (RedisServerException e) when (e.Message.Contains("requires the key to exist", StringComparison.OrdinalIgnoreCase))
        {
            return false; // no feedback delivered yet
        }

        _groupReady = true;
        return true;
    }

    /// <summary>Sets a record aside once: the dead-letter entry is added and the record acknowledged in one step, and
    /// only if the record was still pending. A batch whose upload then fails, a forwarder killed in between, or another
    /// forwarder that claimed the record meanwhile do not set it aside again (found from outside: an unreadable record
    /// was dead-lettered again on every retry of a batch whose upload failed).</summary>
    private async Task SetAsideAsync(RedisValue id, string? key, string? json, string reason)
    {
        var added = (long)await _database.ScriptEvaluateAsync(SetAsideScript, [_stream, _deadLetter], [_options.Group, id, key ?? "", json ?? "", reason]).ConfigureAwait(false);
        if (added == 0)
        {
            return; // acknowledged already: set aside by an earlier attempt, or by another forwarder
        }

        _rejected++;
        ForwarderLog.SetAside(_logger, key ?? "(none)", (string?)id ?? "", _namespace, reason, (string)_deadLetter!);
    }

    /// <summary>Records not yet acknowledged: delivered and pending, plus those no consumer has read yet.</summary>
    private async Task<long> PendingAsync()
    {
        if (!await _database.KeyExistsAsync(_stream).ConfigureAwait(false))
        {
            return 0;
        }

        var groups = await _database.StreamGroupInfoAsync(_stream).ConfigureAwait(false);
        var group = groups.FirstOrDefault(g => g.Name == _options.Group);
        if (group.Name is null)
        {
            return 0;
        }

        var pending = (long)group.PendingMessageCount;
        return pending + (group.Lag ?? 0);
    }

    /// <summary>Trims entries older than the retention that every group has acknowledged: nothing at or after
    /// any group's oldest pending entry or its first undelivered one.</summary>
    private async Task TrimAsync()
    {
        if (_options.TrimAcknowledgedOlderThan is not { } retention)
        {
            return;
        }

        var now = _time.GetUtcNow();
        if (now - _lastTrim < TrimInterval)
        {
            return;
        }

        _lastTrim = now;
        var cut = new StreamId((ulong)Math.Max(0, (now - retention).ToUnixTimeMilliseconds()), 0);
        foreach (var group in await _database.StreamGroupInfoAsync(_stream).ConfigureAwait(false))
        {
            if (StreamId.TryParse(group.LastDeliveredId, out var delivered))
            {
                cut = StreamId.Min(cut, delivered.Next());
            }

            var pending = await _database.StreamPendingAsync(_stream, group.Name).ConfigureAwait(false);
            if (pending.PendingMessageCount > 0 && StreamId.TryParse(pending.LowestPendingMessageId, out var lowest))
            {
                cut = StreamId.Min(cut, lowest);
            }
        }

        if (cut.Milliseconds > 0)
        {
            var trimmed = await _database.StreamTrimByMinIdAsync(_stream, cut.ToString(), useApproximateMaxLength: true).ConfigureAwait(false);
            if (trimmed > 0)
            {
                ForwarderLog.Trimmed(_logger, _namespace, trimmed, cut.ToString());
            }
        }
    }

    private static RedisValue Field(NameValueEntry[] values, RedisValue name)
    {
        foreach (var value in values)
        {
            if (value.Name == name)
            {
                return value.Value;
            }
        }

        return RedisValue.Null;
    }

    /// <summary>Worth retrying: not a refusal of this client's credential or entitlement, which waiting does not fix.</summary>
    private static bool IsTransient(Exception e) =>
        e is RedisException or TimeoutException
        || (e is RpcException rpc && rpc.StatusCode is not (StatusCode.Unauthenticated or StatusCode.PermissionDenied or StatusCode.Unimplemented));

    private string Describe(Exception e) => PlatformFailure.Describe(e, _options.Platform.Address, _options.Platform.CallTimeout);

    /// <summary>A stream entry id, <c>ms-seq</c>.</summary>
    private readonly record struct StreamId(ulong Milliseconds, ulong Sequence)
    {
        public static bool TryParse(string? text, out StreamId id)
        {
            id = default;
            var dash = text?.IndexOf('-', StringComparison.Ordinal) ?? -1;
            if (dash < 0
                || !ulong.TryParse(text.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
                || !ulong.TryParse(text.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
            {
                return false;
            }

            id = new StreamId(ms, sequence);
            return true;
        }

        public static StreamId Min(StreamId a, StreamId b) =>
            a.Milliseconds < b.Milliseconds || (a.Milliseconds == b.Milliseconds && a.Sequence <= b.Sequence) ? a : b;

        public StreamId Next() => Sequence == ulong.MaxValue ? new(Milliseconds + 1, 0) : new(Milliseconds, Sequence + 1);

        public override string ToString() => Milliseconds.ToString(CultureInfo.InvariantCulture) + "-" + Sequence.ToString(CultureInfo.InvariantCulture);
    }
}
