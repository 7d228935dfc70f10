using System.Buffers;
using System.Globalization;
using CreditCheck.Catalog;
using Microsoft.Extensions.Options;

namespace CreditCheck.Server;

/// <summary>The operations both APIs offer, on the SDK's own <see cref="ICreditChecker"/> and
/// <see cref="ICreditFeedback"/>: validate the request (a bad field is an <see cref="ApiError"/>, never an
/// exception), attribute it to the client, decide, keep the decision for feedback. No rule is decided here.</summary>
internal sealed class CheckService(
    ICreditChecker checker, ICreditFeedback feedback, CatalogSource catalogs, DecisionLedger ledger, IOptions<CreditCheckOptions> checkOptions,
    IOptions<FeedbackOptions> feedbackOptions, ILogger<CheckService> logger, FeedbackRelay? relay = null)
{
    private readonly int _maxBatch = checkOptions.Value.MaxBatchSize;

    // A batch's bad items named in one answer, at most this many (the answer stays small whatever the batch).
    private const int MaxBatchProblems = 100;

    /// <summary>The longest transaction reference, department or operator a check takes (the feedback report's own limit).</summary>
    private const int MaxTextLength = 1000;

    // Unicode's control characters (Cc): C0, DEL and C1.
    private static readonly SearchValues<char> ControlCharacters =
        SearchValues.Create([.. Enumerable.Range(0, 0x20).Concat(Enumerable.Range(0x7f, 0x21)).Select(c => (char)c)]);

    public CatalogSource Catalogs => catalogs;

    /// <summary>One check.</summary>
    public async ValueTask<(CreditDecision? Decision, ApiError? Error)> CheckAsync(CheckBody body, ApiClient client, CancellationToken cancellationToken)
    {
        if ((client.Scopes & ClientScopes.Checks) == 0)
        {
            return (null, ApiError.Scope(client.Id, "checks"));
        }

        var catalog = await catalogs.CurrentAsync(cancellationToken).ConfigureAwait(false);
        var error = TryBuild(body, client, catalog, string.Empty, out var request);
        if (error is not null)
        {
            return (null, error);
        }

        CreditDecision decision;
        try
        {
            decision = await checker.CheckAsync(request!, cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException e)
        {
            // The checker's own word on a scenario its catalog lacks (the catalog changed meanwhile).
            return (null, ApiError.Invalid("scenario", Plain(e), "应用场景不在服务事项清单中。"));
        }

        ledger.Add(request!, decision, client.Id);
        return (decision, null);
    }

    /// <summary>A batch, in one <see cref="ICreditChecker.CheckManyAsync"/> call (one store round trip).</summary>
    public async ValueTask<(IReadOnlyList<CreditDecision>? Decisions, ApiError? Error)> CheckManyAsync(
        IList<CheckBody?>? checks, ApiClient client, CancellationToken cancellationToken)
    {
        if ((client.Scopes & ClientScopes.Checks) == 0)
        {
            return (null, ApiError.Scope(client.Id, "checks"));
        }

        if (checks is null)
        {
            return (null, ApiError.Missing("checks"));
        }

        if (checks.Count > _maxBatch)
        {
            return (null, ApiError.BatchTooLarge(checks.Count, _maxBatch));
        }

        var catalog = await catalogs.CurrentAsync(cancellationToken).ConfigureAwait(false);
        var requests = new CheckRequest[checks.Count];
        ApiError? first = null;
        var mixed = false;
        var problems = new List<FieldProblem>();
        var (badChecks, allProblems) = (0, 0);
        for (var i = 0; i < requests.Length; i++)
        {
            // Every bad item is named, not only the first (found from outside: a tender's 200 bidders with several typos
            // took one round trip per typo).
            var body = checks[i];
            CheckRequest? request = null;
            var error = body is null ? ApiError.Missing($"checks[{i}]") : TryBuild(body, client, catalog, $"checks[{i}].", out request);
            if (error is not null)
            {
                mixed |= first is not null && (first.Code != error.Code || first.Status != error.Status);
                first ??= error;
                badChecks++;
                allProblems += error.Errors.Count;
                if (problems.Count < MaxBatchProblems)
                {
                    problems.AddRange(error.Errors.Take(MaxBatchProblems - problems.Count));
                }

                continue;
            }

            requests[i] = request!;
        }

        if (first is not null)
        {
            int? counted = null;
            if (allProblems > problems.Count)
            {
                counted = allProblems;
                // Found from outside: a batch with more bad checks than the answer names read as if those were all.
                problems.Add(new FieldProblem("checks",
                    string.Create(CultureInfo.InvariantCulture, $"{badChecks} of the {checks.Count} checks are invalid, with {allProblems} problems in all; only the first {MaxBatchProblems} are named."),
                    string.Create(CultureInfo.InvariantCulture, $"{checks.Count} 条中共 {badChecks} 条不合规（共 {allProblems} 处问题），仅列出前 {MaxBatchProblems} 处。")));
            }

            return (null, mixed
                ? new ApiError(400, "invalid-field", "Some checks of the batch are invalid.", "批量核查中有请求不合规。", problems) { AllProblems = counted }
                : first with { Errors = problems, AllProblems = counted });
        }

        IReadOnlyList<CreditDecision> decisions;
        try
        {
            decisions = await checker.CheckManyAsync(requests, cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException e)
        {
            return (null, ApiError.Invalid("checks", Plain(e), "批量核查请求不合规。"));
        }

        for (var i = 0; i < decisions.Count; i++)
        {
            ledger.Add(requests[i], decisions[i], client.Id); // the checker answers in the requests' order
        }

        return (decisions, null);
    }

    /// <summary>A feedback report on a decision this client was given; acknowledged as <see cref="ICreditFeedback.ReportAsync"/> does.</summary>
    /// <param name="body">The report.</param>
    /// <param name="client">The client reporting; only its own checks are found.</param>
    /// <param name="cancellationToken">The caller gone.</param>
    /// <param name="mayRelay">Whether a check this instance did not make is asked for among the other instances
    /// (<see cref="FeedbackRelay"/>); false for a report relayed here.</param>
    public async ValueTask<(FeedbackAnswer? Answer, ApiError? Error)> ReportAsync(FeedbackBody body, ApiClient client, CancellationToken cancellationToken, bool mayRelay = true)
    {
        if ((client.Scopes & ClientScopes.Feedback) == 0)
        {
            return (null, ApiError.Scope(client.Id, "feedback"));
        }

        if (body.CheckId is not { } checkId)
        {
            return (null, ApiError.Missing("checkId"));
        }

        if (ledger.Find(checkId, client.Id) is not { } decision)
        {
            // Behind a load balancer the check was often made by another instance, which keeps its decision.
            if (mayRelay && relay is not null && await relay.AskAsync(checkId, body, client, cancellationToken).ConfigureAwait(false) is { } relayed)
            {
                return relayed;
            }

            return (null, ApiError.UnknownCheck(checkId));
        }

        var report = FeedbackReport.For(decision) with
        {
            Department = body.Department ?? decision.Department,
            District = body.District,
            Operator = body.Operator ?? decision.Operator,
            TransactionReference = body.TransactionReference ?? decision.TransactionReference,
            ItemCode = body.ItemCode,
            ItemName = body.ItemName,
            ExecutedAt = body.ExecutedAt,
        };

        var measures = body.Measures ?? [];
        for (var i = 0; i < measures.Count; i++)
        {
            var field = $"measures[{i}]";
            if (measures[i] is not { } m)
            {
                return (null, ApiError.Missing(field));
            }

            if (string.IsNullOrWhiteSpace(m.Measure))
            {
                return (null, ApiError.Missing(field + ".measure"));
            }

            ExecutionResult result;
            switch (m.Result?.Trim().ToUpperInvariant())
            {
                case "EXECUTED": result = ExecutionResult.Executed; break;
                case "NOTEXECUTED" or "NOT_EXECUTED": result = ExecutionResult.NotExecuted; break;
                case "OVERRIDDEN": result = ExecutionResult.Overridden; break;
                default:
                    return (null, ApiError.Invalid(field + ".result", $"'{ApiError.Echo(m.Result)}' is not Executed, NotExecuted or Overridden.",
                        $"“{ApiError.Echo(m.Result)}”不是 Executed（已执行）、NotExecuted（未执行）或 Overridden（经批准不执行）。"));
            }

            try
            {
                report.Add(new MeasureFeedback(m.Measure.Trim(), result)
                {
                    Reason = m.Reason,
                    OverriddenBy = m.OverriddenBy,
                    Outcome = m.Outcome,
                    Amount = m.Amount,
                    EffectiveFrom = m.EffectiveFrom,
                    EffectiveUntil = m.EffectiveUntil,
                });
            }
            catch (FeedbackReportException e)
            {
                return (null, ApiError.Feedback(e));
            }
        }

        if (body.AllExecuted)
        {
            report.AllExecuted();
        }

        IReadOnlyList<FeedbackRecord> records;
        try
        {
            records = await feedback.ReportAsync(report, cancellationToken).ConfigureAwait(false);
        }
        catch (FeedbackReportException e)
        {
            return (null, ApiError.Feedback(e));
        }
        catch (ArgumentException e)
        {
            // Any other refusal of the SDK (a store's own rule): still the caller's 400, never a 500.
            return (null, ApiError.Invalid("measures", Plain(e), "反馈内容与核查结果不符或不合规。"));
        }
        catch (IOException e)
        {
            // Not acknowledged: the journal cannot be written, or (no journal) the store did not take the records in time.
            // The cause is the operator's (the store's address, its keys, its client's diagnostics: found from outside in
            // the answer's English title, while the Chinese said nothing of why); the caller learns why and what to do.
            Log.FeedbackNotAcknowledged(logger, checkId, e.Message);
            return (null, NotDurable());
        }

        return (new FeedbackAnswer(checkId, [.. records.Select(r => r.Key)],
            [.. records.Where(r => r.IsRepeat).Select(r => new FeedbackRepeat(r.Key, r.Result.ToString(), r.ReportedAt))]), null);
    }

    /// <summary>A report that was not made durable, said as the caller can act on it: why (the journal, or the store
    /// within the acknowledgement timeout) and to report again; the exception's own text goes to the log.</summary>
    private ApiError NotDurable()
    {
        var options = feedbackOptions.Value;
        var (reason, reasonZh) = options.JournalPath is not null
            ? ("the feedback journal could not be written (the operator finds the cause in the service's log)",
                "反馈日志无法写入（原因见服务日志）")
            : (string.Create(CultureInfo.InvariantCulture, $"the store did not take the feedback records within {options.AcknowledgeTimeout.TotalSeconds:0.###} s (CreditCheck:Feedback:AcknowledgeTimeout; the operator finds the cause in the service's log)"),
                string.Create(CultureInfo.InvariantCulture, $"存储未能在 {options.AcknowledgeTimeout.TotalSeconds:0.###} 秒内确认收到反馈记录（CreditCheck:Feedback:AcknowledgeTimeout；原因见服务日志）"));
        return ApiError.Unavailable(
            reason + "; the report is not acknowledged: report it again (its records keep their keys, so a repeat is not recorded twice).",
            reasonZh + "，本次反馈未受理，请重新报送（记录键不变，重复报送不会重复记录）。");
    }

    /// <summary>The check request a body describes, or the first problem with it.</summary>
    private static ApiError? TryBuild(CheckBody body, ApiClient client, CatalogView? catalog, string prefix, out CheckRequest? request)
    {
        request = null;
        if (string.IsNullOrWhiteSpace(body.Subject))
        {
            return ApiError.Missing(prefix + "subject");
        }

        SubjectKind? kind = body.Kind?.Trim().ToUpperInvariant() switch
        {
            null or "" => null,
            "ENTITY" or "LEGALENTITY" => SubjectKind.LegalEntity,
            "PERSON" or "NATURALPERSON" => SubjectKind.NaturalPerson,
            _ => (SubjectKind)(-1),
        };
        if (kind == (SubjectKind)(-1))
        {
            return ApiError.Invalid(prefix + "kind", $"'{ApiError.Echo(body.Kind)}' is not entity or person.", $"“{ApiError.Echo(body.Kind)}”不是 entity（法人）或 person（自然人）。");
        }

        if (!TryParseSubject(body.Subject, kind, out var subject, out var problem, out var problemZh))
        {
            return ApiError.InvalidSubject(prefix + "subject", problem, problemZh);
        }

        if (string.IsNullOrWhiteSpace(body.Scenario))
        {
            return ApiError.Missing(prefix + "scenario");
        }

        var scenario = body.Scenario.Trim();
        if (!Scenario.IsWellFormedCode(scenario))
        {
            return ApiError.MalformedScenario(prefix + "scenario", scenario, catalog?.TopLevel);
        }

        if (catalog is not null && !catalog.Knows(scenario))
        {
            return ApiError.UnknownScenario(prefix + "scenario", scenario, catalog.Catalog.Version, catalog.TopLevel, catalog.Catalog.SuggestScenario(scenario));
        }

        if (!client.MayCheck(scenario))
        {
            return ApiError.ScenarioNotAllowed(prefix + "scenario", client.Id, scenario);
        }

        // Kept with the decision for a day and carried into feedback: bounded, so that one client cannot fill the memory.
        foreach (var (field, text) in (ReadOnlySpan<(string, string?)>)[("transactionReference", body.TransactionReference), ("department", body.Department), ("operator", body.Operator)])
        {
            if (text is { Length: > MaxTextLength })
            {
                return ApiError.Invalid(prefix + field,
                    string.Create(CultureInfo.InvariantCulture, $"is {text.Length} characters long; at most {MaxTextLength} are kept."),
                    string.Create(CultureInfo.InvariantCulture, $"长度为 {text.Length} 个字符，最多 {MaxTextLength} 个。"));
            }

            // One line of text, carried into the feedback records and receipts (found from outside: a NUL was kept, and
            // the feedback report that defaults to it would then be refused).
            if (text is not null && text.AsSpan().IndexOfAny(ControlCharacters) is var at and >= 0)
            {
                return ApiError.Invalid(prefix + field,
                    string.Create(CultureInfo.InvariantCulture, $"holds the control character U+{(int)text[at]:X4} at position {at + 1}; it is one line of text."),
                    string.Create(CultureInfo.InvariantCulture, $"第 {at + 1} 个字符是控制字符（U+{(int)text[at]:X4}），应为单行文字。"));
            }
        }

        request = new CheckRequest(subject, scenario)
        {
            TransactionReference = body.TransactionReference,
            Department = string.IsNullOrWhiteSpace(body.Department) ? client.Department : body.Department,
            Operator = body.Operator,
        };
        return null;
    }

    /// <summary>Parses as the given kind, or as whichever kind the identifier is valid as.</summary>
    private static bool TryParseSubject(string text, SubjectKind? kind, out SubjectId subject, out string problem, out string problemZh)
    {
        if (kind is { } given)
        {
            var ok = SubjectId.TryParseDetailed(text, given, SubjectIdParseMode.Strict, out subject, out var error);
            (problem, problemZh) = (error?.Message ?? string.Empty, error?.ChineseMessage ?? string.Empty);
            return ok;
        }

        // The SDK's reading, as the CLI's: valid as neither kind gives both readings, the one more likely meant first.
        // (Choosing one reading misled: a person's number with a birth-month typo was answered with the 统一社会信用代码
        // check character that would make it valid — a different subject, found from outside.)
        if (SubjectId.TryParseEitherKind(text, SubjectIdParseMode.Strict, out subject, out var refused))
        {
            (problem, problemZh) = (string.Empty, string.Empty);
            return true;
        }

        (problem, problemZh) = refused.Code == SubjectIdErrorCode.AmbiguousKind
            ? ("is valid both as a 统一社会信用代码 and as a 居民身份证号码; say which with kind (entity or person).",
                "该代码既是有效的统一社会信用代码，也是有效的居民身份证号码，请用 kind 指明 entity（法人）或 person（自然人）。")
            : refused.Code == SubjectIdErrorCode.InvalidAsEitherKind
                ? (refused.Message + " If you know which is meant, say so with kind (entity or person).", refused.ChineseMessage + "如已知主体类型，请用 kind 指明 entity（法人）或 person（自然人）。")
                : (refused.Message, refused.ChineseMessage);
        return false;
    }

    /// <summary>An ArgumentException's message without the " (Parameter 'x')" suffix.</summary>
    private static string Plain(ArgumentException e) =>
        e.ParamName is { } name && e.Message.EndsWith($" (Parameter '{name}')", StringComparison.Ordinal) ? e.Message[..^($" (Parameter '{name}')".Length)] : e.Message;
}
