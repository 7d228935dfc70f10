using System.CommandLine;
using System.Text;
using System.Text.Json.Nodes;
using CreditCheck.Cli.Reporting;
using CreditCheck.Redis;
using CreditCheck.Stores;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CreditCheck.Cli.Commands;

/// <summary>
/// <c>feedback report CHECK-ID SUBJECT --scenario CODE [--executed CODE[=RESULT]] [--not-executed CODE=REASON]
/// [--overridden CODE=BY=REASON] [--all-executed] …</c>: a script or a non-.NET system reports what it executed
/// for a check it was answered. The decision is made again under the same check id (the records keep their
/// keys) and reported through the SDK's <see cref="ICreditFeedback"/>, which validates the report against it and
/// delivers it to the store's feedback sink: the Redis stream, or the memory store's <c>feedback.jsonl</c>.
/// </summary>
internal static class FeedbackReportCommand
{
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(10);

    public static Command Create(CommandContext context)
    {
        var checkId = new Argument<string>("CHECK-ID") { Description = "The check id the decision carried (checkId in check --json)." };
        var subject = new Argument<string>("SUBJECT") { Description = "The subject checked: 统一社会信用代码 or 居民身份证号码." };
        var scenario = new Option<string>("--scenario") { Description = "The scenario checked, e.g. procurement.bid.", Required = true };
        var kind = SubjectArguments.Kind();
        var executed = new Option<string[]>("--executed") { Description = "A measure executed: CODE, or CODE=what was done (repeatable).", AllowMultipleArgumentsPerToken = false };
        var notExecuted = new Option<string[]>("--not-executed") { Description = "A measure not executed: CODE=REASON (repeatable)." };
        var overridden = new Option<string[]>("--overridden") { Description = "A measure overridden: CODE=BY=REASON (repeatable)." };
        var allExecuted = new Option<bool>("--all-executed") { Description = "Every measure the decision applied was executed." };
        var department = new Option<string?>("--department") { Description = "The executing department (执行部门)." };
        var clerk = new Option<string?>("--operator") { Description = "The clerk (经办人)." };
        var reference = new Option<string?>("--reference") { Description = "The transaction reference (办件编号)." };
        var district = new Option<string?>("--district") { Description = "The administrative division code (行政区划)." };
        var itemCode = new Option<string?>("--item-code") { Description = "The matter code (事项编码)." };
        var itemName = new Option<string?>("--item-name") { Description = "The matter name (事项名称)." };
        var replicas = new Option<int>("--replicas") { Description = "Redis: replicas that must confirm the report before it counts as delivered (WAIT; default 0, at most 16).", DefaultValueFactory = _ => 0 };
        var command = new Command("report", "Report what was executed for a check (反馈), from a script or a system that is not .NET.")
        {
            checkId, subject, scenario, kind, executed, notExecuted, overridden, allExecuted, department, clerk, reference, district, itemCode, itemName, replicas,
        };
        command.SetAction(async (parse, ct) =>
        {
            if (!Guid.TryParse(parse.GetValue(checkId), out var id) || id == Guid.Empty)
            {
                throw new CliException(ExitCodes.Usage, $"核查编号 '{parse.GetValue(checkId)}' 不是 UUID — CHECK-ID '{parse.GetValue(checkId)}' is not a UUID (the checkId of check --json).");
            }

            var who = SubjectArguments.Parse(parse.GetValue(subject)!, SubjectArguments.ParseKind(parse.GetValue(kind)), lenient: true);
            var request = new CheckRequest(who, parse.GetValue(scenario)!)
            {
                Department = parse.GetValue(department),
                Operator = parse.GetValue(clerk),
                TransactionReference = parse.GetValue(reference),
                PresetCheckId = id,
            };
            FeedbackReport Report(CreditDecision decision)
            {
                var report = FeedbackReport.For(decision) with { District = parse.GetValue(district), ItemCode = parse.GetValue(itemCode), ItemName = parse.GetValue(itemName) };
                if (parse.GetValue(allExecuted))
                {
                    report = report.AllExecuted();
                }

                foreach (var item in parse.GetValue(executed) ?? [])
                {
                    var (code, rest) = Split(item, "--executed", "CODE or CODE=RESULT", parts: 2, required: false);
                    report = report.Executed(code, rest.FirstOrDefault());
                }

                foreach (var item in parse.GetValue(notExecuted) ?? [])
                {
                    var (code, rest) = Split(item, "--not-executed", "CODE=REASON", parts: 2, required: true);
                    report = report.NotExecuted(code, rest[0]);
                }

                foreach (var item in parse.GetValue(overridden) ?? [])
                {
                    var (code, rest) = Split(item, "--overridden", "CODE=BY=REASON", parts: 3, required: true);
                    report = report.Overridden(code, rest[0], rest[1]);
                }

                return report;
            }

            var settings = GlobalOptions.Settings(parse, context.Environment);
            IReadOnlyList<FeedbackRecord> records;
            string destination;
            try
            {
                (records, destination) = settings.Kind == "redis"
                    ? await ReportToRedisAsync(settings, parse.GetValue(replicas), request, Report, ct)
                    : await ReportToMemoryAsync(context, parse, request, Report, ct);
            }
            catch (FeedbackReportException e)
            {
                throw new CliException(ExitCodes.InvalidInput,
                    $"反馈与该次核查不符，未记录：{string.Concat(e.Problems.Select(p => p.ChineseMessage))} — the report does not fit the decision, nothing was recorded: {e.Message}");
            }
            catch (ArgumentException e)
            {
                throw new CliException(ExitCodes.InvalidInput, $"反馈与该次核查不符，未记录 — the report does not fit the decision, nothing was recorded: {e.Message}");
            }

            if (parse.GetValue(GlobalOptions.Json))
            {
                context.Output.WriteJson(new JsonObject
                {
                    ["checkId"] = id.ToString(),
                    ["records"] = new JsonArray([.. records.Select(r => (JsonNode)new JsonObject { ["key"] = r.Key, ["measure"] = r.MeasureCode, ["result"] = r.Result.ToString() })]),
                    ["destination"] = destination,
                });
            }
            else
            {
                context.Output.Out.WriteLine($"已记录 {records.Count} 条反馈（{destination}） — recorded {records.Count} feedback records in {destination}.");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static (string Code, string[] Values) Split(string item, string option, string form, int parts, bool required)
    {
        var split = item.Split('=', parts, StringSplitOptions.TrimEntries);
        if (split[0].Length == 0 || (required && split.Length < parts) || split.Skip(1).Any(p => p.Length == 0))
        {
            throw new CliException(ExitCodes.Usage, $"{option} '{item}' 格式应为 {form} — {option} '{item}' is not {form}.");
        }

        return (split[0], split[1..]);
    }

    /// <summary>The memory store: decided on the folder's state, delivered to the <see cref="InMemoryFeedbackStore"/>
    /// over <c>feedback.jsonl</c> in the state folder (<c>--state</c>, by default <c>DIR/.creditcheck</c>), which <c>feedback export</c> and <c>report</c> read.</summary>
    private static async Task<(IReadOnlyList<FeedbackRecord>, string)> ReportToMemoryAsync(
        CommandContext context, ParseResult parse, CheckRequest request, Func<CreditDecision, FeedbackReport> build, CancellationToken cancellationToken)
    {
        await using var store = await context.OpenStoreAsync(parse, cancellationToken);
        var checker = new CreditChecker(await store.OpenReaderAsync(cancellationToken));
        var decision = await checker.CheckAsync(request, cancellationToken);

        // The store over the file appends what is delivered to it (a repeated key is kept once).
        var state = GlobalOptions.Settings(parse, context.Environment).State!;
        var sink = MemoryFeedbackFile.Open(state, context.Output.Error);
        await using var feedback = new CreditFeedback(new FeedbackOptions(), sink, TimeProvider.System, null);
        var records = await feedback.ReportAsync(build(decision), cancellationToken);
        if (!await feedback.FlushAsync(DeliveryTimeout, cancellationToken))
        {
            throw new CliException(ExitCodes.InternalError, "反馈未能写入 — the feedback could not be delivered to the memory store.");
        }

        var path = MemoryFeedbackFile.PathInState(state);
        return (records, path);
    }

    /// <summary>Redis: the SDK as a host embeds it (<c>AddCreditCheck().UseRedis(…)</c>), so the records go
    /// through its feedback delivery into the namespace's stream <c>cc:{ns}:feedback</c>.</summary>
    private static async Task<(IReadOnlyList<FeedbackRecord>, string)> ReportToRedisAsync(
        StoreSettings settings, int replicas, CheckRequest request, Func<CreditDecision, FeedbackReport> build, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(settings.Redis))
        {
            throw new CliException(ExitCodes.StoreUnavailable, "未指定存储：请用 --redis HOST:PORT、设置 CREDITCHECK_REDIS，或用 --store memory --data DIR", "No store: pass --redis HOST:PORT, set CREDITCHECK_REDIS, or use --store memory --data DIR.");
        }

        if (string.IsNullOrEmpty(settings.Secret))
        {
            throw new CliException(ExitCodes.Usage, "The Redis store needs the namespace's secret: set CREDITCHECK_SECRET (or pass --secret).");
        }

        var services = new ServiceCollection();
        services.AddCreditCheck().UseRedis(settings.Redis, o =>
        {
            o.Namespace = settings.Namespace;
            o.Secret = settings.Secret;
            o.User = settings.User;
            o.Password = settings.Password;
            o.FeedbackReplicas = replicas;
        });
        await using var provider = services.BuildServiceProvider();
        var hosted = provider.GetServices<IHostedService>().ToList();
        foreach (var service in hosted)
        {
            await service.StartAsync(cancellationToken);
        }

        try
        {
            var decision = await provider.GetRequiredService<ICreditChecker>().CheckAsync(request, cancellationToken);
            if (decision.IsDegraded)
            {
                throw new CliException(ExitCodes.StoreUnavailable, $"无法读取名单数据，未记录反馈 — the store could not answer, nothing was recorded: {decision.DegradedReason}");
            }

            var records = await provider.GetRequiredService<ICreditFeedback>().ReportAsync(build(decision), cancellationToken);
            var feedback = provider.GetRequiredService<CreditFeedback>();
            if (!await feedback.FlushAsync(DeliveryTimeout, cancellationToken))
            {
                // With --replicas the records may be on the primary, unconfirmed: a rerun gives the same keys, repeats are dropped.
                throw new CliException(ExitCodes.StoreUnavailable,
                    $"反馈未能送达 Redis，请重试 — the feedback could not be delivered to Redis in time; run the command again (same keys, repeats are dropped): {feedback.Status.LastError ?? "no answer"}");
            }

            return (records, $"redis namespace '{settings.Namespace}'");
        }
        finally
        {
            foreach (var service in Enumerable.Reverse(hosted))
            {
                await service.StopAsync(CancellationToken.None);
            }
        }
    }
}
