using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CreditCheck.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CreditCheck.Server;

/// <summary>Feedback on a check another instance of the service made. A decision is kept only by the instance that made
/// it (<see cref="DecisionLedger"/>, in memory), so behind a load balancer a report often reaches an instance that does
/// not know its check id. That instance asks the others on the namespace's relay channel (Redis pub/sub,
/// <c>cc:{ns}:relay</c>); the one that holds the decision claims the report, takes it as if it had arrived there, and
/// sends its answer back, which the asking instance gives its caller; every other instance says it holds no such
/// check. Only on Redis: there the instances share a namespace; the embedded store serves one instance.</summary>
/// <remarks>
/// <para>Nothing per check: the relay costs messages only when a report misses. No decision leaves its instance, so
/// what a report is checked against and records is what it would be had it reached that instance.</para>
/// <para>404 only when it is known: every instance on the namespace (each keeps its id fresh in
/// <c>cc:{ns}:relay:instances</c>) said it holds no such check. An instance that said nothing in time (stalled,
/// reconnecting, Redis slow) makes it a 503, and so does a claimed report not answered in time: reporting again is safe,
/// since a record's key is the same and a repeat is recognised (found from outside: a stalled instance's check was
/// answered 404 while that instance stored the report).</para>
/// <para>Messages are signed with a key derived from the namespace secret, which every instance has and a Redis user
/// alone does not: a message that does not verify is dropped (found from outside: a forged answer made the service
/// answer 202 for a report nobody stored).</para>
/// </remarks>
internal sealed class FeedbackRelay : BackgroundService
{
    /// <summary>How long an instance waits for the others to claim a report or say it is not theirs: a pub/sub round
    /// trip is milliseconds.</summary>
    public static readonly TimeSpan ClaimTimeout = TimeSpan.FromSeconds(1);

    // The claiming instance's own wait for the store (AcknowledgeTimeout) plus this margin for the answer's way back.
    private static readonly TimeSpan AnswerMargin = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan SubscribeRetry = TimeSpan.FromSeconds(5);

    // An instance's id in the presence hash is refreshed this often, and counts as present this long after.
    private static readonly TimeSpan PresenceRefresh = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan PresenceFresh = TimeSpan.FromSeconds(15);

    // Ids not refreshed for this long are removed by any instance (a restart leaves its old id behind).
    private static readonly TimeSpan PresenceForgotten = TimeSpan.FromHours(1);

    private const int SignatureBytes = 32;

    private readonly Guid _instance = Guid.NewGuid();
    private readonly ConcurrentDictionary<Guid, Pending> _pending = new();
    private readonly RedisCreditStore _store;
    private readonly DecisionLedger _ledger;
    private readonly ApiClientRegistry _clients;
    private readonly IServiceProvider _services;
    private readonly ILogger<FeedbackRelay> _logger;
    private readonly TimeProvider _time;
    private readonly TimeSpan _answerTimeout;
    private readonly RedisChannel _channel;
    private readonly RedisKey _presence;
    private readonly byte[] _signingKey;
    private volatile ISubscriber? _subscriber;
    private IDatabase? _database;
    private CancellationToken _stopping;

    // The presence hash as last read (every PresenceRefresh): an ask reads no key (found from outside: an HGETALL per
    // ask added about half a millisecond to every relayed report).
    private volatile IReadOnlyDictionary<Guid, long> _present = new Dictionary<Guid, long>();
    private bool _saidNoHdel;

    public FeedbackRelay(
        RedisCreditStore store, DecisionLedger ledger, ApiClientRegistry clients, IServiceProvider services, ServerOptions options,
        IOptions<FeedbackOptions> feedbackOptions, TimeProvider time, ILogger<FeedbackRelay> logger)
    {
        _store = store;
        _ledger = ledger;
        _clients = clients;
        _services = services;
        _time = time;
        _logger = logger;
        _answerTimeout = feedbackOptions.Value.AcknowledgeTimeout + AnswerMargin;
        _channel = RedisChannel.Literal(ChannelName(options.Namespace));
        _presence = ChannelName(options.Namespace) + ":instances";
        _signingKey = HMACSHA256.HashData(Encoding.UTF8.GetBytes(options.Secret ?? string.Empty), Encoding.UTF8.GetBytes("creditcheck feedback relay " + options.Namespace));
    }

    /// <summary>The namespace's relay channel, beside its wake-up channel <c>cc:{ns}:notify</c>.</summary>
    public static string ChannelName(string ns) => $"cc:{{{ns}}}:relay";

    /// <summary>Passes a report on a check this instance does not hold to the instance that does.</summary>
    /// <returns>That instance's answer or error; a 503 when the others could not be asked, or one of them did not say
    /// in time whether the check is its own, or the claiming one did not answer; null when every other instance said
    /// the check is not its own (or none is there, or the relay is not listening).</returns>
    public async ValueTask<(FeedbackAnswer? Answer, ApiError? Error)?> AskAsync(Guid checkId, FeedbackBody body, ApiClient client, CancellationToken cancellationToken)
    {
        if (_subscriber is not { } subscriber)
        {
            return null;
        }

        var id = Guid.NewGuid();
        var pending = new Pending();
        _pending[id] = pending;
        try
        {
            var others = PresentOthers();
            try
            {
                if (others.Count == 0 && _database is { } database)
                {
                    // Alone as last read, or an instance started since: read again (the one case an ask reads a key).
                    await ReadPresenceAsync(database).WaitAsync(ClaimTimeout, cancellationToken).ConfigureAwait(false);
                    others = PresentOthers();
                }

                if (others.Count == 0)
                {
                    return null; // alone on the namespace
                }

                pending.Expect(others);
                await subscriber.PublishAsync(_channel, Sign(new RelayMessage(RelayKind.Ask, id, _instance, null, client.Id, body, null, null)))
                    .WaitAsync(ClaimTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                // Another instance may hold the check: not "unknown", but not now (a retry is safe).
                Log.RelayFailed(_logger, checkId, e.Message);
                return (null, ApiError.RelayUnreachable(checkId));
            }

            try
            {
                await pending.Settled.Task.WaitAsync(ClaimTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                var silent = pending.Silent();
                Log.RelayFailed(_logger, checkId, string.Create(CultureInfo.InvariantCulture,
                    $"{silent.Count} of {others.Count} other instance(s) did not say within {ClaimTimeout.TotalSeconds:0} s whether they made the check ({string.Join(", ", silent)}); answered 503"));
                return (null, ApiError.RelayUnreachable(checkId));
            }

            if (!pending.Claimed)
            {
                return null; // every other instance said it is not theirs
            }

            try
            {
                var answer = await pending.Answered.Task.WaitAsync(_answerTimeout, cancellationToken).ConfigureAwait(false);
                Log.Relayed(_logger, checkId, answer.Error?.Status ?? 202);
                return (answer.Answer, answer.Error?.ToApiError());
            }
            catch (TimeoutException)
            {
                Log.RelayFailed(_logger, checkId, $"the instance that made the check claimed the report but did not answer within {_answerTimeout.TotalSeconds:0} s");
                return (null, ApiError.RelayTimeout(checkId, _answerTimeout));
            }
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        var said = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            ISubscriber? subscriber = null;
            try
            {
                var multiplexer = await _store.GetMultiplexerAsync(stoppingToken).ConfigureAwait(false);
                subscriber = multiplexer.GetSubscriber();
                await subscriber.SubscribeAsync(_channel, (_, message) => OnMessage(message)).ConfigureAwait(false);

                // A user may hold the channel but not PUBLISH: without it this instance could ask and answer nothing,
                // so it does not take part (found from outside: such an instance listened, and every report it relayed was 503).
                await subscriber.PublishAsync(_channel, Sign(new RelayMessage(RelayKind.Hello, Guid.NewGuid(), _instance, null, null, null, null, null))).ConfigureAwait(false);
                _database = multiplexer.GetDatabase();
                await RefreshPresenceAsync(_database).ConfigureAwait(false);
                _subscriber = subscriber; // the client subscribes again by itself after a reconnect
                Log.RelayListening(_logger, _channel.ToString());
                break;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is RedisException or TimeoutException or InvalidOperationException)
            {
                // NOPERM on an ACL user without the channel or PUBLISH, or Redis not reachable yet: feedback still works
                // on the instance that made each check. Said once, then retried quietly.
                if (!said)
                {
                    Log.RelayUnavailable(_logger, _channel.ToString(), e.Message);
                    said = true;
                }

                // Not listening while it may not answer (fire and forget: the connection may be down).
                _ = subscriber?.UnsubscribeAsync(_channel, flags: CommandFlags.FireAndForget);
            }

            await Task.Delay(SubscribeRetry, _time, stoppingToken).ConfigureAwait(false);
        }

        // Present while running: an asking instance expects an answer from each id fresh in the hash.
        using var timer = new PeriodicTimer(PresenceRefresh, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await RefreshPresenceAsync(_database!).ConfigureAwait(false);
                }
                catch (Exception e) when (e is RedisException or TimeoutException)
                {
                    // Stale for a while: the others stop expecting this instance's answer, which it still gives.
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (_subscriber is not null && _database is { } database)
        {
            try
            {
                // Gone: the others need not wait for this instance's answer.
                await database.HashDeleteAsync(_presence, _instance.ToString("N")).WaitAsync(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is RedisException or TimeoutException or OperationCanceledException)
            {
                // It goes stale on its own.
            }
        }
    }

    private async Task RefreshPresenceAsync(IDatabase database)
    {
        await database.HashSetAsync(_presence, _instance.ToString("N"), _time.GetUtcNow().ToUnixTimeMilliseconds()).ConfigureAwait(false);
        var forgotten = await ReadPresenceAsync(database).ConfigureAwait(false);
        if (forgotten.Count > 0)
        {
            try
            {
                await database.HashDeleteAsync(_presence, [.. forgotten]).ConfigureAwait(false);
            }
            catch (RedisServerException e) when (e.Message.StartsWith("NOPERM", StringComparison.Ordinal))
            {
                // A user set up before HDEL was among the rules: the old ids stay, ignored once stale (found from outside:
                // this failure made the instance retry its start, present but not listening).
                if (!_saidNoHdel)
                {
                    _saidNoHdel = true;
                    Log.RelayFailed(_logger, Guid.Empty, $"old instance ids in {_presence} cannot be removed ({e.Message}); they are ignored once stale — grant +hdel");
                }
            }
        }
    }

    /// <summary>Reads the presence hash into the snapshot asks use.</summary>
    /// <returns>The ids forgotten (not refreshed for <see cref="PresenceForgotten"/>, or unreadable), to remove.</returns>
    private async Task<List<RedisValue>> ReadPresenceAsync(IDatabase database)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var present = new Dictionary<Guid, long>();
        var forgotten = new List<RedisValue>();
        foreach (var entry in await database.HashGetAllAsync(_presence).ConfigureAwait(false))
        {
            if (Guid.TryParseExact(entry.Name.ToString(), "N", out var id) && entry.Value.TryParse(out long seen) && now - seen <= PresenceForgotten.TotalMilliseconds)
            {
                present[id] = seen;
            }
            else
            {
                forgotten.Add(entry.Name);
            }
        }

        _present = present;
        return forgotten;
    }

    /// <summary>The other instances that refreshed their id recently, from the last read of the presence hash.</summary>
    private HashSet<Guid> PresentOthers()
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        return [.. _present.Where(p => p.Key != _instance && now - p.Value <= PresenceFresh.TotalMilliseconds).Select(p => p.Key)];
    }

    private void OnMessage(RedisValue value)
    {
        if (_subscriber is null)
        {
            return; // not taking part yet (or not allowed to answer): another start attempt's subscription
        }

        RelayMessage? message;
        try
        {
            message = Verify((byte[])value!);
        }
        catch (JsonException e)
        {
            Log.RelayMessageUnreadable(_logger, e.Message);
            return;
        }

        if (message is null)
        {
            Log.RelayMessageUnreadable(_logger, "its signature does not verify under the namespace secret (sent by something that is not an instance of this namespace)");
            return;
        }

        switch (message)
        {
            case { Kind: RelayKind.Ask } ask when ask.From != _instance:
                _ = AnswerAsync(ask);
                break;
            case { Kind: RelayKind.Hello } hello when hello.From != _instance:
                // A new instance: expected to answer from now on, before the next read of the presence hash shows it.
                _present = new Dictionary<Guid, long>(_present) { [hello.From] = _time.GetUtcNow().ToUnixTimeMilliseconds() };
                break;
            case { Kind: RelayKind.Claim or RelayKind.NotMine } reply when reply.To == _instance && _pending.TryGetValue(reply.Id, out var pending):
                pending.Reply(reply.From, reply.Kind == RelayKind.Claim);
                break;
            case { Kind: RelayKind.Answer } answer when answer.To == _instance && _pending.TryGetValue(answer.Id, out var answered):
                if (answer.Answer is null == answer.Error is null || answer.Error is { Status: < 400 or > 599 })
                {
                    Log.RelayMessageUnreadable(_logger, "an answer that is neither a feedback answer nor an error");
                    return;
                }

                answered.Reply(answer.From, claimed: true);
                answered.Answered.TrySetResult(answer);
                break;
        }
    }

    /// <summary>Takes a report another instance received, when this instance made the check; says so otherwise.</summary>
    private async Task AnswerAsync(RelayMessage ask)
    {
        var checkId = ask.Body?.CheckId ?? Guid.Empty;
        try
        {
            var subscriber = _subscriber!;
            var client = ask.Client is not { } clientId ? null
                : _clients.FindById(clientId) ?? (clientId == ApiClient.Loopback.Id && !_clients.HasClients ? ApiClient.Loopback : null);
            if (client is null || ask.Body is null || _ledger.Find(checkId, client.Id) is null)
            {
                await subscriber.PublishAsync(_channel, Sign(new RelayMessage(RelayKind.NotMine, ask.Id, _instance, ask.From, null, null, null, null))).ConfigureAwait(false);
                return;
            }

            await subscriber.PublishAsync(_channel, Sign(new RelayMessage(RelayKind.Claim, ask.Id, _instance, ask.From, null, null, null, null))).ConfigureAwait(false);
            var service = _services.GetRequiredService<CheckService>();
            var (answer, error) = await service.ReportAsync(ask.Body, client, _stopping, mayRelay: false).ConfigureAwait(false);
            Log.AnsweredForAnother(_logger, checkId, error?.Status ?? 202);
            await subscriber.PublishAsync(_channel, Sign(new RelayMessage(RelayKind.Answer, ask.Id, _instance, ask.From, null, null, answer, RelayError.From(error)))).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // A task nobody awaits: whatever fails is logged, and the asking instance answers 503. A report taken here
            // stays taken: reported again, it is recognised as a repeat.
            Log.RelayFailed(_logger, checkId, e.Message);
        }
    }

    /// <summary>The message's JSON followed by its HMAC-SHA256 under the namespace's relay key.</summary>
    private byte[] Sign(RelayMessage message)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(message, HttpApi.Json);
        var signed = new byte[json.Length + SignatureBytes];
        json.CopyTo(signed, 0);
        HMACSHA256.HashData(_signingKey, json, signed.AsSpan(json.Length));
        return signed;
    }

    /// <summary>The message, or null when its signature does not verify.</summary>
    private RelayMessage? Verify(byte[] signed)
    {
        if (signed.Length <= SignatureBytes)
        {
            return null;
        }

        var json = signed.AsSpan(0, signed.Length - SignatureBytes);
        Span<byte> expected = stackalloc byte[SignatureBytes];
        HMACSHA256.HashData(_signingKey, json, expected);
        return CryptographicOperations.FixedTimeEquals(expected, signed.AsSpan(signed.Length - SignatureBytes))
            ? JsonSerializer.Deserialize<RelayMessage>(json, HttpApi.Json)
            : null;
    }

    /// <summary>One ask's replies: settled once an instance claims it, or every instance expected says it is not theirs.</summary>
    private sealed class Pending
    {
        private readonly Lock _gate = new();
        private HashSet<Guid> _waiting = [];

        public bool Claimed { get; private set; }

        public TaskCompletionSource Settled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<RelayMessage> Answered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Expect(HashSet<Guid> instances)
        {
            lock (_gate)
            {
                _waiting = [.. instances];
            }
        }

        public void Reply(Guid from, bool claimed)
        {
            lock (_gate)
            {
                _waiting.Remove(from);
                Claimed |= claimed;
                if (Claimed || _waiting.Count == 0)
                {
                    Settled.TrySetResult();
                }
            }
        }

        public List<Guid> Silent()
        {
            lock (_gate)
            {
                return [.. _waiting];
            }
        }
    }
}

/// <summary>What one relay message is.</summary>
internal enum RelayKind
{
    /// <summary>A report this instance cannot place: who made its check?</summary>
    Ask,

    /// <summary>I made it; the answer follows.</summary>
    Claim,

    /// <summary>The report's answer.</summary>
    Answer,

    /// <summary>Not mine.</summary>
    NotMine,

    /// <summary>An instance proving at its start that it may publish; ignored.</summary>
    Hello,
}

/// <summary>One message on the relay channel: an ask (from, client, body), a claim or a "not mine", or an answer (answer
/// or error), the last three addressed to the asking instance.</summary>
internal sealed record RelayMessage(RelayKind Kind, Guid Id, Guid From, Guid? To, string? Client, FeedbackBody? Body, FeedbackAnswer? Answer, RelayError? Error);

/// <summary>An <see cref="ApiError"/> on the relay channel.</summary>
internal sealed record RelayError(int Status, string Code, string Title, string TitleZh, IReadOnlyList<FieldProblem> Errors, int? AllProblems)
{
    public static RelayError? From(ApiError? error) =>
        error is null ? null : new(error.Status, error.Code, error.Title, error.TitleZh, error.Errors, error.AllProblems);

    public ApiError ToApiError() => new(Status, Code, Title, TitleZh, Errors) { AllProblems = AllProblems };
}
