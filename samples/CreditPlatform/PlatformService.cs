using System.Globalization;
using CreditCheck.Platform.Protocol;
using Grpc.Core;

namespace ReferencePlatform;

/// <summary>The contract's service (Protos/platform.proto) over <see cref="PlatformState"/>.</summary>
internal sealed class PlatformService(PlatformState state, FeedbackStore feedback, PlatformSettings settings, TimeProvider time, ILogger<PlatformService> logger)
    : CreditCheck.Platform.Protocol.CreditPlatform.CreditPlatformBase
{
    private const int ChunkSize = 2000;
    private static readonly string RunId = TimeProvider.System.GetUtcNow().ToString("HHmmssfff", CultureInfo.InvariantCulture);
    private static long _queries;

    public override async Task Sync(SyncRequest request, IServerStreamWriter<SyncMessage> responseStream, ServerCallContext context)
    {
        var client = SignatureInterceptor.ClientOf(context);
        var lists = client.Effective(request.Lists);
        var subscriber = state.Subscribe(request.LastAppliedVersion, lists, live: true);
        logger.LogInformation("Sync from {Client} at version {Version}: {Start}", client.Client, request.LastAppliedVersion,
            subscriber.Snapshot is null ? $"{subscriber.Backlog.Count} changes" : "a snapshot");
        try
        {
            var cancel = context.CancellationToken;
            if (subscriber.Snapshot is { } snapshot)
            {
                await WriteSnapshotAsync(snapshot, responseStream, cancel);
            }

            foreach (var change in subscriber.Backlog.Where(c => Visible(c, lists)))
            {
                await responseStream.WriteAsync(new SyncMessage { Change = change }, cancel);
            }

            // Where the client now is, even when nothing it may see has changed.
            var seen = subscriber.StartVersion;
            await responseStream.WriteAsync(Heartbeat(seen), cancel);
            var reader = subscriber.Changes.Reader;
            while (!cancel.IsCancellationRequested)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancel);
                wait.CancelAfter(settings.Heartbeat);
                try
                {
                    var change = await reader.ReadAsync(wait.Token);
                    seen = change.Version;
                    if (Visible(change, lists))
                    {
                        await responseStream.WriteAsync(new SyncMessage { Change = change }, cancel);
                    }
                }
                catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
                {
                    await responseStream.WriteAsync(Heartbeat(seen), cancel);
                }
            }
        }
        catch (System.Threading.Channels.ChannelClosedException e)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, $"the stream ended ({e.InnerException?.Message ?? "the platform is stopping"}); resume from your version"));
        }
        finally
        {
            state.Unsubscribe(subscriber);
        }
    }

    public override async Task FetchSnapshot(FetchSnapshotRequest request, IServerStreamWriter<SyncMessage> responseStream, ServerCallContext context)
    {
        var lists = SignatureInterceptor.ClientOf(context).Effective(request.Lists);
        var subscriber = state.Subscribe(0, lists, live: false);
        await WriteSnapshotAsync(subscriber.Snapshot!, responseStream, context.CancellationToken);
    }

    public override Task<GetCatalogResponse> GetCatalog(GetCatalogRequest request, ServerCallContext context)
    {
        var client = SignatureInterceptor.ClientOf(context);
        var response = new GetCatalogResponse { Version = state.Version, CatalogJson = state.CatalogJson, History = state.History };
        if (!client.AllLists)
        {
            response.Lists.AddRange(client.Lists.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)); // what a Sync without lists carries
        }

        return Task.FromResult(response);
    }

    public override Task<QueryResponse> Query(QueryRequest request, ServerCallContext context) =>
        Task.FromResult(Answer(request, SignatureInterceptor.ClientOf(context)));

    public override Task<QueryManyResponse> QueryMany(QueryManyRequest request, ServerCallContext context)
    {
        var client = SignatureInterceptor.ClientOf(context);
        var response = new QueryManyResponse();
        response.Results.AddRange(request.Queries.Select(q => Answer(q, client)));
        return Task.FromResult(response);
    }

    public override Task<ReportFeedbackResponse> ReportFeedback(ReportFeedbackRequest request, ServerCallContext context)
    {
        var client = SignatureInterceptor.ClientOf(context);
        var response = new ReportFeedbackResponse();
        response.Acks.AddRange(request.Records.Select(r => feedback.Store(r, client.Client)));
        return Task.FromResult(response);
    }

    private QueryResponse Answer(QueryRequest request, PlatformClient client)
    {
        var lists = client.Effective(request.Lists);
        var (version, entries) = state.Query(request.Subject.Trim().ToUpperInvariant(), lists);
        // Unique across restarts: the day, this run's start time and a counter.
        var id = $"Q{time.GetUtcNow():yyyyMMdd}-{RunId}-{Interlocked.Increment(ref _queries):D6}";
        var response = new QueryResponse { RequestId = id, Version = version, Subject = request.Subject };
        response.Entries.AddRange(entries);
        return response;
    }

    private static async Task WriteSnapshotAsync(Snapshot snapshot, IServerStreamWriter<SyncMessage> stream, CancellationToken cancel)
    {
        var begin = new SnapshotBegin { Version = snapshot.Version, History = snapshot.History, CatalogJson = snapshot.CatalogJson, TotalEntries = snapshot.Lists.Values.Sum(l => (long)l.Count) };
        begin.Lists.AddRange(snapshot.Lists.Keys.Order(StringComparer.Ordinal));
        await stream.WriteAsync(new SyncMessage { SnapshotBegin = begin }, cancel);
        foreach (var (list, entries) in snapshot.Lists.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            foreach (var chunk in entries.Chunk(ChunkSize))
            {
                var message = new SnapshotChunk { ListCode = list };
                message.Entries.AddRange(chunk);
                await stream.WriteAsync(new SyncMessage { SnapshotChunk = message }, cancel);
            }
        }

        await stream.WriteAsync(new SyncMessage { SnapshotEnd = new SnapshotEnd { Version = snapshot.Version } }, cancel);
    }

    private static bool Visible(Change change, ISet<string>? lists) => lists is null || change.OperationCase switch
    {
        Change.OperationOneofCase.Upsert => lists.Contains(change.Upsert.ListCode),
        Change.OperationOneofCase.Remove => lists.Contains(change.Remove.ListCode),
        Change.OperationOneofCase.Status => lists.Contains(change.Status.Entry.ListCode),
        _ => true,
    };

    private SyncMessage Heartbeat(long version) => new()
    {
        Heartbeat = new Heartbeat { Version = version, History = state.History, SentAt = time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture) },
    };
}
