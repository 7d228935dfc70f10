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
            throw new CliException(ExitCodes.Usage, e.Message.Replace("CreditCheck:Platform:Address", "--platform", StringComparison.Ordinal)
                .Replace("CreditCheck:Platform:ClientId", "--client", StringComparison.Ordinal)
                .Replace("CreditCheck:Platform:Secret", "$" + SecretVariable, StringComparison.Ordinal));
        }

        return connection;
    }

    /// <summary>A platform failure as the operator reads it, with the exit code it maps to.</summary>
    public static CliException Failure(RpcException e, Uri address) => e.StatusCode switch
    {
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
            using var relay = new PlatformSyncRelay(options, publisher, new OperatorLogger(output));
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
                throw Failure(e, options.Platform.Address!);
            }
            catch (PlatformDataException e)
            {
                throw new CliException(ExitCodes.InvalidInput, $"平台数据被拒绝 — {e.Message}");
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
                    ["seconds"] = Math.Round(seconds, 3),
                });
            }
            else
            {
                var rate = summary.Entries > 0 ? $" ({summary.Entries / Math.Max(seconds, 0.001):N0} entries/s)" : "";
                output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Platform version {summary.Version}: {summary.Snapshots} snapshot(s) ({summary.Lists} lists, {summary.Entries:N0} entries), {summary.ChangesApplied:N0} changes applied in {seconds:F1} s{rate}."));
            }

            return ExitCodes.Ok;
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

    /// <summary>The relay's warnings and notes on the operator's screen.</summary>
    private sealed class OperatorLogger(CliOutput output) : ILogger<PlatformSyncRelay>
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
