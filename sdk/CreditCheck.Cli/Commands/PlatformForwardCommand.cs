using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using CreditCheck.Platform;
using CreditCheck.Redis;
using Grpc.Core;
using StackExchange.Redis;

namespace CreditCheck.Cli.Commands;

/// <summary><c>platform forward-feedback --platform URL --client ID [--once]</c>: forwards the namespace's
/// feedback stream to the credit platform (secret from <c>CREDITCHECK_PLATFORM_SECRET</c>).</summary>
internal static class PlatformForwardCommand
{
    public static Command Create(CommandContext context)
    {
        var platform = new Option<string>("--platform") { Description = "The credit platform's gRPC address, e.g. https://credit.example.gov.cn.", Required = true };
        var client = new Option<string?>("--client") { Description = "The client id the platform issued (default: $CREDITCHECK_PLATFORM_CLIENT); the secret is read from $" + PlatformCommands.SecretVariable + "." };
        var once = new Option<bool>("--once") { Description = "Forward what the stream holds now, print the summary and exit (default: keep forwarding until Ctrl+C)." };
        var batch = new Option<int>("--batch") { Description = "Records per upload (default 500).", DefaultValueFactory = _ => 500 };
        var consumer = new Option<string?>("--consumer") { Description = "This forwarder's name in the consumer group (default: the machine name); keep it stable across restarts." };
        var claimIdle = new Option<int>("--claim-idle-seconds") { Description = "Claim records another forwarder took but has not acknowledged for this long (it died; default 60).", DefaultValueFactory = _ => 60 };
        var retain = new Option<int?>("--retain-days") { Description = "Trim entries older than this many days that the platform acknowledged (default: never trim; 'report' and 'feedback export' read the stream)." };
        var giveUp = new Option<int>("--give-up-after") { Description = "With --once: seconds to keep retrying an unreachable platform before exiting (default 60); nothing is lost.", DefaultValueFactory = _ => 60 };
        var command = new Command("forward-feedback", "Forward the feedback hosts delivered to the credit platform (反馈上报), each record once per key.")
        {
            platform, client, once, batch, consumer, claimIdle, retain, giveUp,
        };
        command.SetAction(async (parse, ct) =>
        {
            var settings = GlobalOptions.Settings(parse, context.Environment);
            if (settings.Kind != "redis")
            {
                throw new CliException(ExitCodes.Usage, "forward-feedback 只支持 Redis 存储", "forward-feedback reads the Redis feedback stream; --store memory has none.");
            }

            if (string.IsNullOrWhiteSpace(settings.Redis))
            {
                throw new CliException(ExitCodes.StoreUnavailable, "未指定存储：请用 --redis HOST:PORT 或设置 CREDITCHECK_REDIS", "No store: pass --redis HOST:PORT or set CREDITCHECK_REDIS.");
            }

            var options = new FeedbackForwardingOptions
            {
                BatchSize = parse.GetValue(batch),
                ClaimIdleTime = TimeSpan.FromSeconds(parse.GetValue(claimIdle)),
                TrimAcknowledgedOlderThan = parse.GetValue(retain) is { } days ? TimeSpan.FromDays(days) : null,
            };
            var address = parse.GetValue(platform);
            options.Platform.Address = Uri.TryCreate(address, UriKind.Absolute, out var uri) ? uri
                : throw new CliException(ExitCodes.Usage, $"--platform '{address}' 不是有效地址（例如 https://credit.example.gov.cn）", $"--platform '{address}' is not an absolute address such as https://credit.example.gov.cn.");
            options.Platform.ClientId = parse.GetValue(client) ?? context.Environment.GetValueOrDefault("CREDITCHECK_PLATFORM_CLIENT") ?? "";
            options.Platform.Secret = context.Environment.GetValueOrDefault(PlatformCommands.SecretVariable) ?? "";
            options.Consumer = parse.GetValue(consumer) ?? options.Consumer;
            try
            {
                options.Validate();
            }
            catch (InvalidOperationException e)
            {
                throw PlatformCommands.InvalidConnection(e);
            }

            if (string.IsNullOrEmpty(settings.Secret))
            {
                throw new CliException(ExitCodes.Usage, "未设置命名空间密钥：请设置 CREDITCHECK_SECRET（或 --secret）", "The Redis store needs the namespace's secret: set CREDITCHECK_SECRET (or pass --secret).");
            }

            // As every other command: a namespace that does not exist is refused (exit 5, nothing created), and so
            // is a wrong secret (exit 4) — either would otherwise forward nothing and report "0 pending".
            var storeOptions = settings.RedisOptions();
            await RedisOperatorStore.ProbeAsync(storeOptions, setUp: false);
            using var redis = await ConnectAsync(settings);
            await (await RedisFeedbackReader.ConnectAsync(storeOptions, redis, cancellationToken: ct)).DisposeAsync();


            // Retries, records set aside (4202, naming the key), timeouts and refusals on the operator's screen.
            using var logging = PlatformCommands.OperatorLogging(context.Output);
            using var forwarder = new FeedbackForwarder(redis, settings.Namespace, options, logging);
            var started = Stopwatch.StartNew();
            FeedbackForwardSummary summary;
            var stopped = false;
            try
            {
                if (parse.GetValue(once))
                {
                    summary = await forwarder.ForwardAvailableAsync(TimeSpan.FromSeconds(Math.Max(0, parse.GetValue(giveUp))), ct);
                }
                else
                {
                    using var progress = new CancellationTokenSource();
                    var reporter = ReportProgressAsync(context, forwarder, progress.Token);
                    try
                    {
                        await FollowAsync(forwarder, options.PollInterval, ct);
                    }
                    finally
                    {
                        await progress.CancelAsync();
                        await reporter;
                    }

                    summary = await forwarder.GetSummaryAsync();
                }
            }
            catch (Exception e) when (ct.IsCancellationRequested && e is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled })
            {
                // Ctrl+C or SIGTERM (both cancel ct, Program.cs): what was done so far, and what is still pending in Redis (records in flight
                // stay pending and are sent by the next run).
                summary = await forwarder.GetSummaryAsync();
                stopped = true;
            }
            catch (PlatformUnavailableException e) when (e.Message.Contains("协议可能不对", StringComparison.Ordinal))
            {
                throw PlatformCommands.Unreachable(e);
            }
            catch (PlatformUnavailableException e) when (e.InnerException is RpcException { StatusCode: StatusCode.DeadlineExceeded })
            {
                throw new CliException(ExitCodes.StoreUnavailable, $"信用平台 {e.Platform} 未在调用时限内答复，未确认的反馈保留在 Redis 中，下次运行会重新上报", e.Message);
            }
            catch (PlatformUnavailableException e)
            {
                throw new CliException(ExitCodes.StoreUnavailable, $"无法连接信用平台 {e.Platform}，未确认的反馈保留在 Redis 中，下次运行会重新上报", e.Message);
            }
            catch (RpcException e)
            {
                throw PlatformCommands.Failure(e, options.Platform.Address, options.Platform.CallTimeout);
            }

            Report(context, parse.GetValue(GlobalOptions.Json), summary, started.Elapsed, settings.Namespace);

            // A pass that ends with records the platform did not acknowledge is not done: a script running --once must be
            // able to tell (found from outside: it exited 0, the pending count only in the summary). Nothing is lost.
            var leftPending = parse.GetValue(once) && !stopped && summary.Pending > 0;
            if (leftPending)
            {
                context.Output.Error.WriteLine($"{summary.Pending} 条反馈未获信用平台确认（或在本次运行中新增），保留在 Redis 中，下次运行会重新上报。");
                context.Output.Error.WriteLine($"{summary.Pending} record(s) were not acknowledged by the platform (or arrived during the run); they stay in Redis and the next run sends them again.");
            }

            return summary.Rejected > 0 || leftPending ? ExitCodes.SomeLinesInvalid : ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Forwards until Ctrl+C, retrying through outages (logged), like <see cref="FeedbackForwarder.RunAsync"/>; but a
    /// refused credential or entitlement ends it (exit 7), as with --once: waiting does not fix it.</summary>
    private static async Task FollowAsync(FeedbackForwarder forwarder, TimeSpan poll, CancellationToken cancellationToken)
    {
        while (true)
        {
            await forwarder.ForwardAvailableAsync(TimeSpan.MaxValue, cancellationToken);
            await Task.Delay(poll, cancellationToken);
        }
    }

    private static async Task ReportProgressAsync(CommandContext context, FeedbackForwarder forwarder, CancellationToken cancellationToken)
    {
        var last = default(FeedbackForwardSummary);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(10));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var now = forwarder.Totals;
                if (now != last)
                {
                    context.Output.Error.WriteLine($"已上报 {now.Forwarded} 条，重复 {now.Duplicates} 条，拒收 {now.Rejected} 条 — forwarded {now.Forwarded}, duplicates {now.Duplicates}, rejected {now.Rejected}");
                    last = now;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // stopped with the forwarder
        }
    }

    private static void Report(CommandContext context, bool json, FeedbackForwardSummary summary, TimeSpan elapsed, string ns)
    {
        var rate = elapsed > TimeSpan.Zero ? (summary.Forwarded + summary.Duplicates) / elapsed.TotalSeconds : 0;
        if (json)
        {
            context.Output.WriteJson(new JsonObject
            {
                ["forwarded"] = summary.Forwarded,
                ["duplicates"] = summary.Duplicates,
                ["rejected"] = summary.Rejected,
                ["pending"] = summary.Pending,
                ["seconds"] = Math.Round(elapsed.TotalSeconds, 3),
                ["recordsPerSecond"] = Math.Round(rate),
            });
            return;
        }

        context.Output.Out.WriteLine($"反馈上报：新上报 {summary.Forwarded} 条，平台已有 {summary.Duplicates} 条，拒收 {summary.Rejected} 条（见 cc:{{{ns}}}:feedback:dead），待上报 {summary.Pending} 条；用时 {elapsed.TotalSeconds:F1} 秒（{rate:F0} 条/秒）。");
        context.Output.Out.WriteLine($"Feedback forwarded: {summary.Forwarded} new, {summary.Duplicates} duplicates, {summary.Rejected} rejected (set aside in cc:{{{ns}}}:feedback:dead), {summary.Pending} pending; {elapsed.TotalSeconds:F1} s ({rate:F0} records/s).");
    }

    /// <summary>One short attempt first, so an unreachable Redis is one line naming it.</summary>
    private static async Task<ConnectionMultiplexer> ConnectAsync(StoreSettings settings)
    {
        ConfigurationOptions configuration;
        try
        {
            configuration = RedisConfiguration.Parse(settings.Redis!);
        }
        catch (ArgumentException e)
        {
            var message = e.Message.Split(" (Parameter", 2)[0];
            throw new CliException(ExitCodes.Usage, $"Redis 连接设置无效：{message}", message);
        }

        configuration.AbortOnConnectFail = true;
        configuration.ConnectTimeout = 3000;
        configuration.User = settings.User ?? configuration.User;
        configuration.Password = settings.Password ?? configuration.Password;
        try
        {
            var redis = await ConnectionMultiplexer.ConnectAsync(configuration);
            redis.GetDatabase(); // a connection that later drops reconnects on its own
            return redis;
        }
        catch (RedisConnectionException e)
        {
            var servers = string.Join(", ", configuration.EndPoints);
            throw new CliException(ExitCodes.StoreUnavailable, $"无法连接 Redis {servers}（{e.FailureType}）", $"the store cannot be reached: Redis {servers} ({e.Message})");
        }
    }
}
