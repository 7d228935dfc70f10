using CreditCheck.Catalog;
using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using CreditCheck.Cli.Reporting;
using Spectre.Console;

namespace CreditCheck.Cli.Commands;

/// <summary><c>commitments list [--overdue] | record --subject ID --matter CODE --due DATE --promise TEXT [--department D]
/// | fulfil ID | breach ID --reason TEXT</c>: the 信用承诺 kept in the store (DOMAIN §8).</summary>
internal static class CommitmentCommands
{
    public static Command Create(CommandContext context)
    {
        var commitments = new Command("commitments", "Credit commitments (信用承诺): list, record, mark fulfilled (已履约) or breached (未履约, which lists the subject on broken-commitments).");
        commitments.Subcommands.Add(List(context));
        commitments.Subcommands.Add(Record(context));
        commitments.Subcommands.Add(Fulfil(context));
        commitments.Subcommands.Add(Breach(context));
        return commitments;
    }

    private static Command List(CommandContext context)
    {
        var overdue = new Option<bool>("--overdue") { Description = "Only open commitments past their due day (逾期未履约)." };
        var command = new Command("list", "List the commitments, oldest first.") { overdue };
        command.SetAction(async (parse, ct) =>
        {
            await using var store = await context.OpenStoreAsync(parse, ct);
            var service = await ServiceAsync(store, ct);
            var all = await service.ListAsync(parse.GetValue(overdue), ct);
            var today = Today();
            if (parse.GetValue(GlobalOptions.Json))
            {
                context.Output.WriteJson(new JsonArray([.. all.Select(c => (JsonNode)Json(c, today))]));
                return ExitCodes.Ok;
            }

            if (all.Count == 0)
            {
                context.Output.Out.WriteLine(parse.GetValue(overdue) ? "没有逾期未履约的承诺。" : "没有信用承诺记录。");
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("编号", "主体", "事项", "承诺内容", "部门", "期限", "状态");
            foreach (var c in all)
            {
                table.AddRow(
                    Markup.Escape(c.Id),
                    Markup.Escape(c.SubjectName is null ? c.Subject.Masked : $"{c.SubjectName} {c.Subject.Masked}"),
                    Markup.Escape(c.MatterName ?? c.MatterCode),
                    Markup.Escape(c.Promise),
                    Markup.Escape(c.Department ?? "—"),
                    c.DueOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    Markup.Escape(StatusText(c, today)));
            }

            context.Output.Console.Write(table);
            context.Output.Out.WriteLine($"共 {all.Count} 条。");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The catalog's scenario of 告知承诺 (证明事项、许可事项).</summary>
    private const string CommitmentScenario = "licensing.commitment";

    private static Command Record(CommandContext context)
    {
        var subject = new Option<string>("--subject") { Description = "统一社会信用代码 or 居民身份证号码 of who promised.", Required = true };
        var kind = SubjectArguments.Kind();
        var name = new Option<string?>("--name") { Description = "The subject's name, for display." };
        var matter = new Option<string>("--matter") { Description = "The matter's code (事项编码).", Required = true };
        var matterName = new Option<string?>("--matter-name") { Description = "The matter's name (事项名称)." };
        var due = new Option<string>("--due") { Description = "The last day to keep the promise: 2026-12-31, 2026/12/31, 2026年12月31日 or 20261231.", Required = true };
        var promise = new Option<string>("--promise") { Description = "What was promised (materials and their deadline, or conditions to be verified).", Required = true };
        var department = new Option<string?>("--department") { Description = "The receiving department (受理部门)." };
        var scenario = new Option<string>("--scenario")
        {
            Description = "The scenario the subject is checked in first: a subject the 告知承诺 route is not open to there (a 失信 record, a broken promise) is refused.",
            DefaultValueFactory = _ => CommitmentScenario,
        };
        var pastDue = new Option<bool>("--allow-past-due") { Description = "Record a commitment taken earlier whose due day has passed (overdue at once); otherwise a past --due is refused as a typo." };
        var command = new Command("record", "Record a commitment taken by a system of its own (the approval adapter records its routes itself).")
        {
            subject, kind, name, matter, matterName, due, promise, department, scenario, pastDue,
        };
        command.SetAction(async (parse, ct) =>
        {
            var id = SubjectArguments.Parse(parse.GetValue(subject)!, SubjectArguments.ParseKind(parse.GetValue(kind)));
            var dueOn = DateOnly.FromDateTime(ReportPeriod.ParseTime("--due", parse.GetValue(due)!).ToOffset(ReportPeriod.ChinaOffset).DateTime);
            Require("--matter", parse.GetValue(matter));
            Require("--promise", parse.GetValue(promise));
            var today = CreditCommitments.Today(TimeProvider.System.GetUtcNow());
            if (dueOn < today && !parse.GetValue(pastDue))
            {
                throw new CliException(ExitCodes.InvalidInput,
                    $"--due {dueOn:yyyy-MM-dd} 已过（今天是 {today:yyyy-MM-dd}），记录后即逾期；补录以前作出的承诺请加 --allow-past-due",
                    $"--due {dueOn:yyyy-MM-dd} is already past (today is {today:yyyy-MM-dd}, China Standard Time), so the commitment would be overdue at once; to record one taken earlier, add --allow-past-due.");
            }

            await using var store = await context.OpenStoreAsync(parse, ct);

            // Found from outside: a court-listed enterprise, 不适用告知承诺制, was recorded without a word.
            CreditDecision decision;
            try
            {
                decision = await new CreditChecker(await store.OpenReaderAsync(ct)).CheckAsync(new CheckRequest(id, parse.GetValue(scenario)!), ct);
            }
            catch (ArgumentException e) when (e.Message.Contains("is not in catalog", StringComparison.Ordinal))
            {
                // Found from outside: an unknown --scenario was an "internal error (ArgumentException)", exit 70.
                throw new CliException(ExitCodes.InvalidInput, "应用场景不在名单目录中", e.Message);
            }

            if (decision.IsDegraded || decision.Outcome is not (DecisionOutcome.Clear or DecisionOutcome.Benefit)
                || decision.VoidedMeasures.Any(m => m.Measure.Effect == MeasureEffect.Commitment)) // voided: a record ends good standing here (found by review: a Clear with 告知承诺 voided was recorded)
            {
                throw new CliException(ExitCodes.InvalidInput,
                    $"{id.Masked} 在“{decision.Scenario}”中不适用告知承诺：{decision.Explanation}",
                    $"The 告知承诺 route is not open to {id.Masked} in {decision.Scenario} ({decision.Outcome}{(decision.IsDegraded ? ", degraded: " + decision.DegradedReason : "")}); nothing was recorded.");
            }

            var service = await ServiceAsync(store, ct);
            var recorded = await service.RecordAsync(
                new NewCommitment(id, parse.GetValue(matter)!, parse.GetValue(promise)!, dueOn)
                {
                    SubjectName = parse.GetValue(name),
                    MatterName = parse.GetValue(matterName),
                    Department = parse.GetValue(department),
                    TakenEarlier = parse.GetValue(pastDue), // the SDK's rule: a past due day only for a promise taken earlier
                },
                ct);
            Write(context, parse, recorded, $"已记录信用承诺 {recorded.Id}：{recorded.Subject.Masked}，{recorded.MatterName ?? recorded.MatterCode}，期限 {recorded.DueOn:yyyy-MM-dd}。");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Fulfil(CommandContext context)
    {
        var id = new Argument<string>("ID") { Description = "The commitment's id (commitments list shows it)." };
        var command = new Command("fulfil", "Mark an open commitment fulfilled (已履约).") { id };
        command.SetAction(async (parse, ct) =>
        {
            await using var store = await context.OpenStoreAsync(parse, ct);
            var service = await ServiceAsync(store, ct);
            var done = await Change(() => service.FulfilAsync(parse.GetValue(id)!, ct));
            Write(context, parse, done, $"信用承诺 {done.Id} 已履约（{done.Subject.Masked}，{done.MatterName ?? done.MatterCode}）。");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Breach(CommandContext context)
    {
        var id = new Argument<string>("ID") { Description = "The commitment's id (commitments list shows it)." };
        var reason = new Option<string>("--reason") { Description = "Why, as the department confirmed it (e.g. 逾期未补齐材料, 核查发现承诺不实).", Required = true };
        var command = new Command("breach", "Mark an open commitment breached (未履约 or 虚假承诺) and list the subject on broken-commitments: its next 告知承诺 and 容缺受理 are refused until repair.")
        {
            id, reason,
        };
        command.SetAction(async (parse, ct) =>
        {
            Require("--reason", parse.GetValue(reason));
            await using var store = await context.OpenStoreAsync(parse, ct);
            var service = await ServiceAsync(store, ct);
            var broken = await Change(() => service.BreachAsync(parse.GetValue(id)!, parse.GetValue(reason)!, ct));
            await store.SaveAsync(ct);
            Write(context, parse, broken, $"信用承诺 {broken.Id} 未履约：{broken.Subject.Masked} 已列入 {CreditCommitments.ListCode}（条目 commitment-{broken.Id}），信用修复前不适用告知承诺、不予容缺受理。");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task<ICreditCommitments> ServiceAsync(OperatorStore store, CancellationToken cancellationToken) =>
        new CreditCommitments(await store.OpenCommitmentsAsync(cancellationToken), store.Publisher, TimeProvider.System);

    private static async Task<CreditCommitment> Change(Func<Task<CreditCommitment>> change)
    {
        try
        {
            return await change();
        }
        catch (KeyNotFoundException e)
        {
            throw new CliException(ExitCodes.NotFound, "没有该编号的信用承诺", e.Message);
        }
        catch (InvalidOperationException e)
        {
            throw new CliException(ExitCodes.Conflict, "该信用承诺已不是履约中状态，或无法列入名单", e.Message);
        }
    }

    private static void Require(string option, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new CliException(ExitCodes.Usage, $"{option} 不能为空", $"{option} is blank.");
        }
    }

    private static void Write(CommandContext context, ParseResult parse, CreditCommitment commitment, string text)
    {
        if (parse.GetValue(GlobalOptions.Json))
        {
            context.Output.WriteJson(Json(commitment, Today()));
        }
        else
        {
            context.Output.Out.WriteLine(text);
        }
    }

    private static DateOnly Today() => CreditCommitments.Today(TimeProvider.System.GetUtcNow());

    private static string StatusText(CreditCommitment c, DateOnly today) => c.Status switch
    {
        CommitmentStatus.Fulfilled => "已履约",
        CommitmentStatus.Breached => $"未履约（{c.Reason}）",
        _ when c.IsOverdue(today) => "逾期未履约",
        _ => "履约中",
    };

    /// <summary>A commitment for scripts; the subject masked as everywhere in the tool's output.</summary>
    private static JsonObject Json(CreditCommitment c, DateOnly today) => new()
    {
        ["id"] = c.Id,
        ["subject"] = c.Subject.Masked,
        ["subjectKind"] = c.Subject.Kind.ToString(),
        ["subjectName"] = c.SubjectName,
        ["matterCode"] = c.MatterCode,
        ["matterName"] = c.MatterName,
        ["promise"] = c.Promise,
        ["materials"] = new JsonArray([.. c.Materials.Select(m => (JsonNode)m)]),
        ["department"] = c.Department,
        ["checkId"] = c.CheckId?.ToString(),
        ["recordedAt"] = c.RecordedAt.ToString("O", CultureInfo.InvariantCulture),
        ["dueOn"] = c.DueOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["status"] = c.Status.ToString(),
        ["overdue"] = c.IsOverdue(today),
        ["closedAt"] = c.ClosedAt?.ToString("O", CultureInfo.InvariantCulture),
        ["reason"] = c.Reason,
    };
}
