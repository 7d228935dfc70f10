using System.Collections.Concurrent;
using System.Text.Json;
using CreditCheck.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CreditCheck.Server;

/// <summary>Feedback on a check another instance of the service made. A decision is kept only by the instance that made
/// it (<see cref="DecisionLedger"/>, in memory), so behind a load balancer a report often reaches an instance that does
/// not know its check id. That instance asks the others on the namespace's relay channel (Redis pub/sub,
/// <c>cc:{ns}:relay</c>); the one that holds the decision claims the report, takes it as if it had arrived there, and
/// sends its answer back, which the asking instance gives its caller. Only on Redis: there the instances share a
/// namespace; the embedded store serves one instance.</summary>
/// <remarks>Nothing per check: the relay costs a message only when a report misses. No decision leaves its instance,
/// so what a report is checked against and records is what it would be had it reached that instance. An instance that
/// holds no such decision stays silent; with no claim within <see cref="ClaimTimeout"/> the report is unknown (404).
/// A claimed report not answered in time is a 503: reporting again is safe, since a record's key is the same and a
/// repeat is recognised.</remarks>
internal sealed class FeedbackRelay : BackgroundService
{
    /// <summary>How long an instance waits for another to claim a report: a pub/sub round trip is milliseconds.</summary>
    public static readonly TimeSpan ClaimTimeout = TimeSpan.FromSeconds(1);

    // The claiming instance's own wait for the store (AcknowledgeTimeout) plus this margin for the answer's way back.
    private static readonly TimeSpan AnswerMargin = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan SubscribeRetry = TimeSpan.FromSeconds(5);

    private readonly Guid _instance = Guid.NewGuid();
    private readonly ConcurrentDictionary<Guid, Pending> _pending = new();
    private readonly RedisCreditStore _store;
    private readonly DecisionLedger _ledger;
    private readonly ApiClientRegistry _clients;
    private readonly IServiceProvider _services;
    private readonly ILogger<FeedbackRelay> _logger;
    private readonly TimeSpan _answerTimeout;
    private readonly RedisChannel _channel;
    private volatile ISubscriber? _subscriber;
    private volatile bool _cluster;
    private CancellationToken _stopping;

    public FeedbackRelay(
        RedisCreditStore store, DecisionLedger ledger, ApiClientRegistry clients, IServiceProvider services, ServerOptions options,
        IOptions<FeedbackOptions> feedbackOptions, ILogger<FeedbackRelay> logger)
    {
        _store = store;
        _ledger = ledger;
        _clients = clients;
        _services = services;
        _logger = logger;
        _answerTimeout = feedbackOptions.Value.AcknowledgeTimeout + AnswerMargin;
        _channel = RedisChannel.Literal(ChannelName(options.Namespace));
    }

    /// <summary>The namespace's relay channel, beside its wake-up channel <c>cc:{ns}:notify</c>.</summary>
    public static string ChannelName(string ns) => $"cc:{{{ns}}}:relay";

    /// <summary>Whether this instance listens on the relay channel (and so may ask the others).</summary>
    public bool IsListening => _subscriber is not null;

    /// <summary>Passes a report on a check this instance does not hold to the instance that does.</summary>
    /// <returns>That instance's answer or error; a 503 when the others could not be asked or the claiming one did not
    /// answer; null when no instance claimed it (or the relay is not listening).</returns>
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
            long listeners;
            try
            {
                listeners = await subscriber.PublishAsync(_channel, Serialize(new RelayMessage(RelayKind.Ask, id, _instance, null, client.Id, body, null, null)))
                    .WaitAsync(ClaimTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                // Another instance may hold the check: not "unknown", but not now (a retry is safe).
                Log.RelayFailed(_logger, checkId, e.Message);
                return (null, ApiError.RelayUnreachable(checkId));
            }

            // On one server PUBLISH counts every listener, this instance included: alone, it need not wait. A cluster
            // counts only the node's own listeners.
            if (listeners <= 1 && !_cluster)
            {
                return null;
            }

            try
            {
                await pending.Claimed.Task.WaitAsync(ClaimTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return null;
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
            try
            {
                var multiplexer = await _store.GetMultiplexerAsync(stoppingToken).ConfigureAwait(false);
                _cluster = multiplexer.GetServers().Any(s => s.ServerType == ServerType.Cluster);
                var subscriber = multiplexer.GetSubscriber();
                await subscriber.SubscribeAsync(_channel, (_, message) => OnMessage(message)).ConfigureAwait(false);
                _subscriber = subscriber; // the client subscribes again by itself after a reconnect
                Log.RelayListening(_logger, _channel.ToString());
                return;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is RedisException or TimeoutException or InvalidOperationException)
            {
                // NOPERM on an ACL user without the channel, or Redis not reachable yet: feedback still works on the
                // instance that made each check. Said once, then retried quietly.
                if (!said)
                {
                    Log.RelayUnavailable(_logger, _channel.ToString(), e.Message);
                    said = true;
                }
            }

            await Task.Delay(SubscribeRetry, stoppingToken).ConfigureAwait(false);
        }
    }

    private void OnMessage(RedisValue value)
    {
        RelayMessage? message;
        try
        {
            message = JsonSerializer.Deserialize<RelayMessage>((byte[])value!, HttpApi.Json);
        }
        catch (JsonException e)
        {
            Log.RelayMessageUnreadable(_logger, e.Message);
            return;
        }

        switch (message)
        {
            case { Kind: RelayKind.Ask } ask when ask.From != _instance:
                _ = AnswerAsync(ask);
                break;
            case { Kind: RelayKind.Claim } claim when claim.To == _instance && _pending.TryGetValue(claim.Id, out var claimed):
                claimed.Claimed.TrySetResult();
                break;
            case { Kind: RelayKind.Answer } answer when answer.To == _instance && _pending.TryGetValue(answer.Id, out var answered):
                answered.Claimed.TrySetResult();
                answered.Answered.TrySetResult(answer);
                break;
        }
    }

    /// <summary>Takes a report another instance received, when this instance made the check.</summary>
    private async Task AnswerAsync(RelayMessage ask)
    {
        if (ask.Body?.CheckId is not { } checkId || ask.Client is not { } clientId)
        {
            return;
        }

        var client = _clients.FindById(clientId) ?? (clientId == ApiClient.Loopback.Id && !_clients.HasClients ? ApiClient.Loopback : null);
        if (client is null || _ledger.Find(checkId, client.Id) is null)
        {
            return; // another instance's check, or none's
        }

        try
        {
            var subscriber = _subscriber!;
            await subscriber.PublishAsync(_channel, Serialize(new RelayMessage(RelayKind.Claim, ask.Id, _instance, ask.From, null, null, null, null))).ConfigureAwait(false);
            var service = _services.GetRequiredService<CheckService>();
            var (answer, error) = await service.ReportAsync(ask.Body, client, _stopping, mayRelay: false).ConfigureAwait(false);
            Log.AnsweredForAnother(_logger, checkId, error?.Status ?? 202);
            await subscriber.PublishAsync(_channel, Serialize(new RelayMessage(RelayKind.Answer, ask.Id, _instance, ask.From, null, null, answer, RelayError.From(error)))).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // A task nobody awaits: whatever fails is logged, and the asking instance answers 503. A report taken here
            // stays taken: reported again, it is recognised as a repeat.
            Log.RelayFailed(_logger, checkId, e.Message);
        }
    }

    private static byte[] Serialize(RelayMessage message) => JsonSerializer.SerializeToUtf8Bytes(message, HttpApi.Json);

    private sealed class Pending
    {
        public TaskCompletionSource Claimed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<RelayMessage> Answered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
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
}

/// <summary>One message on the relay channel: an ask (from, client, body), a claim, or an answer (answer or error),
/// the last two addressed to the asking instance.</summary>
internal sealed record RelayMessage(RelayKind Kind, Guid Id, Guid From, Guid? To, string? Client, FeedbackBody? Body, FeedbackAnswer? Answer, RelayError? Error);

/// <summary>An <see cref="ApiError"/> on the relay channel.</summary>
internal sealed record RelayError(int Status, string Code, string Title, string TitleZh, IReadOnlyList<FieldProblem> Errors, int? AllProblems)
{
    public static RelayError? From(ApiError? error) =>
        error is null ? null : new(error.Status, error.Code, error.Title, error.TitleZh, error.Errors, error.AllProblems);

    public ApiError ToApiError() => new(Status, Code, Title, TitleZh, Errors) { AllProblems = AllProblems };
}
