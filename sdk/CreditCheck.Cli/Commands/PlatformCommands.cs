using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using CreditCheck.Platform;
using CreditCheck.Redis;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace CreditCheck.Cli.Commands;

/// <summary><c>creditcheck platform …</c>: the link to a credit platform (信用平台). <c>sync</c> keeps the
/// Redis namespace equal to the platform's lists; <c>forward-feedback</c> (the feedback forwarder) joins
/// this group in <see cref="Create"/>.</summary>
internal static class PlatformCommands
{
    /// <summary>The platform refused this client (credential or entitlement).</summary>
    public const int PlatformRefused = 7;

    public const string SecretVariable = "CREDITCHECK_PLATFORM_SECRET";

    // Options every platform subcommand takes: where the platform is and who this client is.
    private static readonly Option<string> PlatformAddress = new("--platform")
    {
        Description = "The platform's gRPC address, e.g. https://credit.example.gov.cn (http:// only on loopback or a trusted network).",
        Required = true,
    };

    private static readonly Option<string?> ClientId = new("--client")
    {
        Description = "The client id the platform issued (default: $CREDITCHECK_PLATFORM_CLIENT); the secret is read from $" + SecretVariable + ".",
    };

    public static Command Create(CommandContext context)
    {
        var group = new Command("platform", "The link to a credit platform (信用平台): lists in (sync), feedback out.");
        group.Subcommands.Add(CreateSync(context));
        group.Subcommands.Add(PlatformForwardCommand.Create(context));
        return group;
    }

    /// <summary>The platform connection from the options and the environment.</summary>
    public static PlatformConnectionOptions Connection(ParseResult parse, CommandContext context, IEnumerable<string>? lists = null)
    {
        var connection = new PlatformConnectionOptions
        {
            Address = Uri.TryCreate(parse.GetValue(PlatformAddress), UriKind.Absolute, out var address) ? address : null,
            ClientId = parse.GetValue(ClientId) ?? context.Environment.GetValueOrDefault("CREDITCHECK_PLATFORM_CLIENT") ?? "",
            Secret = context.Environment.GetValueOrDefault(SecretVariable) ?? "",
        };
        foreach (var list in lists ?? [])
        {
            connection.Lists.Add(list);
        }

        try
        {
            connection.Validate();
        }
        catch (InvalidOperationException e)
        {
            throw InvalidConnection(e);
        }

        return connection;
    }

    /// <summary>A connection option the platform commands cannot use, in the operator's terms (bilingual).</summary>
    public static CliException InvalidConnection(InvalidOperationException e)
    {
        var english = e.Message.Replace("CreditCheck:Platform:Address", "--platform", StringComparison.Ordinal)
            .Replace("CreditCheck:Platform:ClientId", "--client", StringComparison.Ordinal)
            .Replace("CreditCheck:Platform:Secret", "$" + SecretVariable, StringComparison.Ordinal);
        var chinese = english.StartsWith("$" + SecretVariable, StringComparison.Ordinal) ? $"未设置平台密钥：请在环境变量 {SecretVariable} 中设置平台颁发的密钥"
            : english.StartsWith("--client", StringComparison.Ordinal) ? "未指定客户端标识：请用 --client 或环境变量 CREDITCHECK_PLATFORM_CLIENT 指定平台颁发的客户端标识"
            : english.StartsWith("--platform", StringComparison.Ordinal) ? "--platform 不是有效地址（例如 https://credit.example.gov.cn）"
            : "平台连接设置无效";
        return new CliException(ExitCodes.Usage, chinese, english);
    }

    /// <summary>The platform cannot be reached, or its address's scheme is probably wrong.</summary>
    public static CliException Unreachable(PlatformUnavailableException e) =>
        e.Message.IndexOf("协议可能不对", StringComparison.Ordinal) is var at and >= 0
            ? new CliException(ExitCodes.StoreUnavailable, e.Message[at..])
            : new CliException(ExitCodes.StoreUnavailable, $"无法连接信用平台 {e.Platform}", e.Message);

    /// <summary>The relay's and the forwarder's log on the operator's screen (warnings and errors).</summary>
    public static ILoggerFactory OperatorLogging(CliOutput output) => new OperatorLoggerFactory(output);

    /// <summary>A platform failure as the operator reads it, with the exit code it maps to. <paramref name="callTimeout"/>
    /// is the deadline each call was given (named when the platform did not answer within it).</summary>
    public static CliException Failure(RpcException e, Uri address, TimeSpan callTimeout) => e.StatusCode switch
    {
        _ when PlatformFailure.SchemeMismatch(e, address) is { } wrong => new CliException(ExitCodes.StoreUnavailable, wrong),
        // The platform took the call and did not answer in time: reachable, so not said "cannot be reached".
        StatusCode.DeadlineExceeded => new CliException(ExitCodes.StoreUnavailable,
            string.Create(CultureInfo.InvariantCulture, $"信用平台 {address} 未在调用时限（{callTimeout.TotalSeconds:0.###} 秒）内答复 — the platform {address} did not answer within the call deadline of {callTimeout.TotalSeconds:0.###} s (DeadlineExceeded)")),
        StatusCode.Unauthenticated => new CliException(PlatformRefused, $"平台拒绝了本客户端的凭据 — the platform {address} refused this client's credential: {e.Status.Detail}"),
        StatusCode.PermissionDenied => new CliException(PlatformRefused, $"平台拒绝访问 — the platform {address} refused access: {e.Status.Detail}"),
        _ => new CliException(ExitCodes.StoreUnavailable, $"无法连接信用平台 — the platform {address} cannot be reached ({e.StatusCode}: {e.Status.Detail})"),
    };

    private static Command CreateSync(CommandContext context)
    {
        var lists = new Option<string?>("--lists") { Description = "Comma-separated list codes to follow (default: every list the client is entitled to)." };
        var once = new Option<bool>("--once") { Description = "Bring the namespace up to the platform's current version and exit (default: follow until Ctrl+C)." };
        var command = new Command("sync", "Keep the Redis namespace equal to the platform's lists: a snapshot when needed, then every change in order; resumes from the version recorded in the namespace.")
        {
            PlatformAddress, ClientId, lists, once,
        };
        command.SetAction(async (parse, ct) =>
        {
            var wanted = (parse.GetValue(lists) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var options = new PlatformSyncOptions();
            var connection = Connection(parse, context, wanted);
            options.Platform.Address = connection.Address;
            options.Platform.ClientId = connection.ClientId;
            options.Platform.Secret = connection.Secret;
            foreach (var list in connection.Lists)
            {
                options.Platform.Lists.Add(list);
            }

            await using var store = await context.OpenStoreAsync(parse, ct, setUp: true); // the platform sets the namespace up
            var publisher = store.Publisher as RedisCreditPublisher
                ?? throw new CliException(ExitCodes.Usage, "platform sync keeps a Redis namespace: pass --redis HOST:PORT (not --store memory).");
            var json = parse.GetValue(GlobalOptions.Json);
            var output = context.Output;
            using var logging = OperatorLogging(output);
            using var relay = new PlatformSyncRelay(options, publisher, logging.CreateLogger<PlatformSyncRelay>());
            var progress = new ProgressLines(output, json);
            relay.Progress = progress;
            if (!json)
            {
                output.Out.WriteLine($"Syncing {store.Description} from {options.Platform.Address} as '{options.Platform.ClientId}'{(parse.GetValue(once) ? " (once)" : " (until Ctrl+C)")}.");
            }

            var clock = Stopwatch.StartNew();
            PlatformSyncSummary summary;
            try
            {
                summary = parse.GetValue(once) ? await relay.SyncOnceAsync(ct) : await relay.RunAsync(ct);
            }
            catch (RpcException e)
            {
                throw Failure(e, options.Platform.Address!, options.Platform.CallTimeout);
            }
            catch (PlatformDataException e)
            {
                throw new CliException(ExitCodes.InvalidInput, $"平台数据被拒绝 — {e.Message}");
            }
            catch (PlatformUnavailableException e)
            {
                throw Unreachable(e);
            }

            var seconds = clock.Elapsed.TotalSeconds;
            if (json)
            {
                output.WriteJson(new JsonObject
                {
                    ["version"] = summary.Version,
                    ["snapshots"] = summary.Snapshots,
                    ["lists"] = summary.Lists,
                    ["entries"] = summary.Entries,
                    ["changes"] = summary.ChangesApplied,
                    ["refused"] = summary.Refused,
                    ["refusedKey"] = publisher.PlatformRefusalsKey,
                    ["seconds"] = Math.Round(seconds, 3),
                });
            }
            else
            {
                var rate = summary.Entries > 0 ? $" ({summary.Entries / Math.Max(seconds, 0.001):N0} entries/s)" : "";
                output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Platform version {summary.Version}: {summary.Snapshots} snapshot(s) ({summary.Lists} lists, {summary.Entries:N0} entries), {summary.ChangesApplied:N0} changes applied in {seconds:F1} s{rate}."));
                if (summary.Refused > 0)
                {
                    output.Out.WriteLine($"平台的 {summary.Refused} 项变更或快照条目无法应用，已跳过并留存于 {publisher.PlatformRefusalsKey}（主体可识别的快照条目按无法读取保存，核查结果为需人工核查）— {summary.Refused} change(s) or snapshot entries the SDK refused were passed over and set aside in {publisher.PlatformRefusalsKey}; a refused snapshot entry whose subject can be keyed is stored as unreadable, so its subject is answered Review (see the warnings above).");
                }
            }

            // Partly done: every other change was applied; the refused ones are set aside for the platform to fix.
            return summary.Refused > 0 ? ExitCodes.SomeLinesInvalid : ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>A line per second while a snapshot is applied, and one when it is done.</summary>
    private sealed class ProgressLines(CliOutput output, bool json) : IProgress<PlatformSyncProgress>
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private long _lastSnapshot;
        private TimeSpan _last = TimeSpan.FromSeconds(-1);

        public void Report(PlatformSyncProgress value)
        {
            if (json)
            {
                return;
            }

            lock (this)
            {
                if (value.SnapshotVersion > 0)
                {
                    _lastSnapshot = value.SnapshotVersion;
                    if (_clock.Elapsed - _last >= TimeSpan.FromSeconds(1))
                    {
                        _last = _clock.Elapsed;
                        output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"  snapshot {value.SnapshotVersion}: {value.SnapshotEntries:N0} / {value.SnapshotTotal:N0} entries"));
                    }
                }
                else if (_lastSnapshot > 0)
                {
                    output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  snapshot {_lastSnapshot} applied; at version {value.Version}"));
                    _lastSnapshot = 0;
                }
            }
        }
    }

    private sealed class OperatorLoggerFactory(CliOutput output) : ILoggerFactory
    {
        public void AddProvider(ILoggerProvider provider)
        {
        }

        public ILogger CreateLogger(string categoryName) => new OperatorLogger(output);

        public void Dispose()
        {
        }
    }

    /// <summary>The relay's and the forwarder's warnings and errors on the operator's screen.</summary>
    private sealed class OperatorLogger(CliOutput output) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                output.Error.WriteLine($"creditcheck: {(logLevel >= LogLevel.Error ? "error" : "warning")}: {formatter(state, exception)}");
            }
        }
    }
}
