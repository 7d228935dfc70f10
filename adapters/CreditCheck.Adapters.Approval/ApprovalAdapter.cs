using System.Globalization;
using CreditCheck.Catalog;
using Microsoft.Extensions.Options;

namespace CreditCheck.Adapters.Approval;

/// <summary>
/// Routes approval applications (行政审批, service-hall windows) by the credit of everyone in them: the
/// green channel, 容缺受理, 告知承诺, strict review or refusal, each with its reasons and legal basis; and
/// reports back what the clerk did.
/// </summary>
/// <remarks>
/// Register with <c>services.AddCreditCheck().UseInMemory(...).AddApprovalAdapter(o => ...)</c> and inject
/// it; a thread-safe singleton. Every party of an application (enterprise, person, legal representative)
/// is checked in one <see cref="ICreditChecker.CheckManyAsync"/> call, and so is a whole day's batch.
/// <example>
/// <code>
/// var result = await approval.RouteAsync(new ApprovalApplication
/// {
///     ApplicationId = "XK-2026-0001", MatterCode = "330100-XK-017", MatterName = "食品经营许可",
///     Enterprise = SubjectId.Parse("91110105336900600J", SubjectKind.LegalEntity),
///     MissingMaterials = ["场地租赁合同"],
/// });
/// Console.WriteLine(result.Summary);   // 容缺受理：先予受理，场地租赁合同须于2026年12月12日前补齐。
/// await approval.ReportAsync(result, ApprovalHandling.Followed("已容缺受理"));
/// </code>
/// </example>
/// </remarks>
public sealed class ApprovalAdapter
{
    private readonly ICreditChecker _checker;
    private readonly ApprovalOptions _options;
    private readonly MatterResolver _matters;
    private readonly int _maxBatch;
    private readonly ICreditFeedback? _feedback;
    private readonly ICreditCommitments? _commitments;

    /// <summary>Creates the adapter; dependency injection calls this.</summary>
    /// <param name="checker">The checker.</param>
    /// <param name="options">The adapter's options.</param>
    /// <param name="maps">The host's matter maps; may be empty.</param>
    /// <param name="checkOptions">The checker's options (for its batch size).</param>
    /// <param name="feedback">Where feedback goes; required only by <see cref="ReportAsync"/>.</param>
    public ApprovalAdapter(
        ICreditChecker checker,
        IOptions<ApprovalOptions> options,
        IEnumerable<IMatterScenarioMap> maps,
        IOptions<CreditCheckOptions> checkOptions,
        ICreditFeedback? feedback = null)
        : this(checker, options, maps, checkOptions, feedback, null)
    {
    }

    /// <summary>Creates the adapter with the store's commitments, so that a followed 告知承诺 or 容缺受理 route is
    /// recorded as a 信用承诺 when reported; dependency injection calls this.</summary>
    /// <param name="checker">The checker.</param>
    /// <param name="options">The adapter's options.</param>
    /// <param name="maps">The host's matter maps; may be empty.</param>
    /// <param name="checkOptions">The checker's options (for its batch size).</param>
    /// <param name="feedback">Where feedback goes; required only by <see cref="ReportAsync"/>.</param>
    /// <param name="commitments">Where commitments are recorded; null to record none.</param>
    public ApprovalAdapter(
        ICreditChecker checker,
        IOptions<ApprovalOptions> options,
        IEnumerable<IMatterScenarioMap> maps,
        IOptions<CreditCheckOptions> checkOptions,
        ICreditFeedback? feedback,
        ICreditCommitments? commitments)
    {
        ArgumentNullException.ThrowIfNull(checker);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(maps);
        ArgumentNullException.ThrowIfNull(checkOptions);
        _checker = checker;
        _options = options.Value;
        _matters = new MatterResolver(_options, maps);
        _maxBatch = checkOptions.Value.MaxBatchSize;
        _feedback = feedback;
        _commitments = commitments;
    }

    /// <summary>Routes one application, checking all its parties in one call.</summary>
    /// <param name="application">The application.</param>
    /// <param name="cancellationToken">Cancels the checks.</param>
    /// <returns>The route with its reasons.</returns>
    /// <exception cref="ArgumentException">The application is incomplete or inconsistent (no applicant, an
    /// identifier of the wrong kind, a blank material), or its matter maps to no scenario of the catalog.</exception>
    /// <exception cref="InvalidOperationException">Two matter maps answer for the same matter.</exception>
    public async ValueTask<ApprovalResult> RouteAsync(ApprovalApplication application, CancellationToken cancellationToken = default)
    {
        var results = await RouteManyAsync([application], cancellationToken).ConfigureAwait(false);
        return results[0];
    }

    /// <summary>Routes many applications (a day's intake), checking every party of all of them in one
    /// call (in batches of <see cref="CreditCheckOptions.MaxBatchSize"/> when there are more).</summary>
    /// <param name="applications">The applications.</param>
    /// <param name="cancellationToken">Cancels the checks.</param>
    /// <returns>One route per application, in order.</returns>
    /// <exception cref="ArgumentException">An application is incomplete or inconsistent, or its matter maps to
    /// no scenario of the catalog; the message names the application.</exception>
    /// <exception cref="InvalidOperationException">Two matter maps answer for the same matter.</exception>
    public async ValueTask<IReadOnlyList<ApprovalResult>> RouteManyAsync(IReadOnlyList<ApprovalApplication> applications, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(applications);
        var matters = new ResolvedMatter[applications.Count];
        var requests = new List<CheckRequest>();
        var owners = new List<(int Application, ApplicationParty Party)>();
        for (var i = 0; i < applications.Count; i++)
        {
            var application = applications[i] ?? throw new ArgumentException($"Application {i} of the batch is null.", nameof(applications));
            Validate(application);
            matters[i] = _matters.Resolve(application);
            foreach (var (party, subject) in Parties(application))
            {
                requests.Add(new CheckRequest(subject, matters[i].Scenario)
                {
                    TransactionReference = application.ApplicationId,
                    Department = application.Department,
                    Operator = application.Operator,
                });
                owners.Add((i, party));
            }
        }

        var decisions = await CheckAsync(requests, matters, applications, cancellationToken).ConfigureAwait(false);
        var byApplication = new List<PartyDecision>[applications.Count];
        for (var i = 0; i < decisions.Count; i++)
        {
            (byApplication[owners[i].Application] ??= []).Add(new PartyDecision(owners[i].Party, decisions[i]));
        }

        var results = new ApprovalResult[applications.Count];
        for (var i = 0; i < results.Length; i++)
        {
            results[i] = RouteRules.Decide(applications[i], matters[i], byApplication[i], _options);
        }

        return results;
    }

    /// <summary>Reports what the clerk did with a route (反馈), one report per check of the application. When the
    /// clerk followed a 容缺受理 or 告知承诺 route, the principal applicant's promise is then recorded as a 信用承诺
    /// (<see cref="ICreditCommitments"/>): the missing materials and their deadline, or the conditions to be
    /// verified within <see cref="ApprovalOptions.CommitmentReviewDays"/>; find it by the check id with
    /// <see cref="ICreditCommitments.ListAsync"/>. Reporting the same route again records no second commitment.</summary>
    /// <param name="result">The route acted on.</param>
    /// <param name="handling">What the clerk did.</param>
    /// <param name="cancellationToken">Cancels waiting for the acknowledgement.</param>
    /// <returns>The feedback records, in the order of the application's checks.</returns>
    /// <exception cref="InvalidOperationException">No <see cref="ICreditFeedback"/> is registered.</exception>
    /// <exception cref="CommitmentNotRecordedException">The feedback was recorded but the commitment could not be (the
    /// store could not be written or read); the exception holds both and the store's exception. Report again once
    /// the store is back.</exception>
    public async ValueTask<IReadOnlyList<FeedbackRecord>> ReportAsync(ApprovalResult result, ApprovalHandling handling, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(handling);
        var feedback = _feedback ?? throw new InvalidOperationException(
            "No ICreditFeedback is registered, so feedback cannot be reported: resolve the adapter from the services AddCreditCheck set up, or pass the ICreditFeedback they hold.");
        var records = new List<FeedbackRecord>();
        var principal = RouteRules.Principal(result.Decisions).Party;
        var reportedBefore = false;
        foreach (var (party, decision) in result.Decisions)
        {
            var report = FeedbackReport.For(decision) with
            {
                SubjectName = NameOf(result.Application, party) ?? decision.MatchedEntries.Select(m => m.Entry.SubjectName).FirstOrDefault(n => !string.IsNullOrEmpty(n)),
                ItemCode = result.Application.MatterCode,
                ItemName = result.MatterName,
                District = handling.District,
                Operator = handling.Operator ?? decision.Operator,
                ExecutedAt = handling.ExecutedAt,
            };
            foreach (var applied in decision.AppliedMeasures)
            {
                AddMeasure(report, party, applied, result, handling);
            }

            var reported = await feedback.ReportAsync(report, cancellationToken).ConfigureAwait(false);
            if (party == principal)
            {
                reportedBefore = reported.Count > 0 && reported.All(r => r.IsRepeat);
            }

            records.AddRange(reported);
        }

        // After the feedback: a retried report repeats feedback keys (dropped as repeats), never a commitment. Found from
        // outside: a second report of the same followed route recorded a second open commitment for the one promise, and
        // the one the clerk did not close went overdue (约谈、公示, a breach lists the subject). A report the feedback says
        // was made before records the promise only if the first did not get that far (no commitment of the check yet).
        if (_commitments is not null && handling.Action == ClerkAction.Followed && Promise(result, handling) is { } promise)
        {
            try
            {
                if (!(reportedBefore && await RecordedAsync(_commitments, promise.CheckId, cancellationToken).ConfigureAwait(false)))
                {
                    await _commitments.RecordAsync(promise, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is not (OperationCanceledException or ArgumentException))
            {
                // Found from outside: Redis down after the feedback was accepted threw the store's raw exception, and the
                // host could not tell what was kept. Say it, and that the report can be repeated (see above).
                throw new CommitmentNotRecordedException(NotRecorded(result, records, promise, e), e, records, promise);
            }
        }

        return records;
    }

    private static string NotRecorded(ApprovalResult result, List<FeedbackRecord> records, NewCommitment promise, Exception e)
    {
        var principal = RouteRules.Principal(result.Decisions).Decision;
        var effect = result.Route == ApprovalRoute.Commitment ? MeasureEffect.Commitment : MeasureEffect.TolerantAcceptance;
        var measure = principal.AppliedMeasures.FirstOrDefault(m => m.Measure.Effect == effect)?.Measure.Code is { } code ? $", measure {code}" : string.Empty;
        return string.Create(CultureInfo.InvariantCulture,
            $"Application {result.Application.ApplicationId}: the feedback was recorded ({records.Count} record(s), keys {string.Join(", ", records.Select(r => r.Key))}), but the commitment was not recorded: subject {promise.Subject.Masked}, matter {promise.MatterCode}, route {result.Route}{measure}, due {promise.DueOn:yyyy-MM-dd} ({e.GetType().Name}: {e.Message}). Nothing recorded is lost: report the same route again once the commitment store is back; the feedback is recognised as a repeat and the commitment is recorded once.");
    }

    /// <summary>Whether a commitment of the check is recorded already (open or closed); read only when a report is repeated.</summary>
    private static async Task<bool> RecordedAsync(ICreditCommitments commitments, Guid? checkId, CancellationToken cancellationToken) =>
        (await commitments.ListAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Any(c => c.CheckId == checkId);

    private NewCommitment? Promise(ApprovalResult result, ApprovalHandling handling)
    {
        var principal = result.Decisions.FirstOrDefault(d => d.Party == ApplicationParty.Enterprise)
            ?? result.Decisions.FirstOrDefault(d => d.Party == ApplicationParty.Person);
        if (principal is null)
        {
            return null;
        }

        var application = result.Application;
        var matter = result.MatterName ?? application.MatterCode;
        var decided = principal.Decision.EvaluatedAt.ToOffset(TimeSpan.FromHours(8));
        var (promise, due, materials) = result.Route switch
        {
            ApprovalRoute.TolerantAcceptance when result.FollowUpDeadline is { } deadline =>
                ($"容缺受理：{string.Join("、", result.FollowUpMaterials)}于{deadline.ToString("yyyy年M月d日", CultureInfo.InvariantCulture)}前补齐", deadline, result.FollowUpMaterials),
            ApprovalRoute.Commitment =>
                ($"告知承诺：书面承诺符合“{matter}”的办理条件，接受事后核查", DateOnly.FromDateTime(decided.DateTime).AddDays(_options.CommitmentReviewDays), (IReadOnlyList<string>)[]),
            _ => (null, default, []),
        };
        if (promise is null)
        {
            return null;
        }

        var (subject, name) = principal.Party == ApplicationParty.Enterprise
            ? (application.Enterprise!.Value, application.EnterpriseName)
            : (application.Person!.Value, application.PersonName);
        return new NewCommitment(subject, application.MatterCode, promise, due)
        {
            // The promise was taken at the window when the route was given: a clerk reporting after its due day records
            // it as taken earlier, overdue at once (the SDK refuses a past due day otherwise).
            TakenEarlier = true,
            SubjectName = name,
            MatterName = result.MatterName,
            Materials = materials,
            Department = application.Department,
            CheckId = principal.Decision.CheckId,
        };
    }

    /// <summary>The name the application gives a party, or null.</summary>
    private static string? NameOf(ApprovalApplication application, ApplicationParty party) => party switch
    {
        ApplicationParty.Enterprise => application.EnterpriseName,
        ApplicationParty.Person => application.PersonName,
        _ => application.LegalRepresentativeName,
    };

    private static void AddMeasure(FeedbackReport report, ApplicationParty party, AppliedMeasure applied, ApprovalResult result, ApprovalHandling handling)
    {
        var code = applied.Measure.Code;
        switch (handling.Action)
        {
            case ClerkAction.NotFollowed:
                report.NotExecuted(code, handling.Reason!);
                break;
            case ClerkAction.Overridden:
                report.Overridden(code, handling.OverriddenBy!, handling.Reason!);
                break;
            default:
                // By party (found by review: a legal representative's own 告知承诺 was reported executed because the
                // enterprise's was used); the route uses the principal applicant's benefits only.
                var principal = RouteRules.Principal(result.Decisions).Party;
                if (applied.Measure.IsBenefit && party != principal)
                {
                    report.NotExecuted(code, $"激励措施按{RouteRules.Label(principal)}适用，本次未对{RouteRules.Label(party)}适用");
                }
                else if (applied.Measure.IsBenefit && !result.UsedBenefits.Contains((party, code)))
                {
                    report.NotExecuted(code, $"本次按“{result.RouteName}”办理，未适用该激励措施");
                }
                else
                {
                    report.Executed(code, handling.Outcome ?? result.RouteName);
                }

                break;
        }
    }

    private async ValueTask<IReadOnlyList<CreditDecision>> CheckAsync(
        List<CheckRequest> requests, ResolvedMatter[] matters, IReadOnlyList<ApprovalApplication> applications, CancellationToken cancellationToken)
    {
        try
        {
            return await _checker.CheckInBatchesAsync(requests, _maxBatch, cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException e)
        {
            // The engine names the unknown scenario; say which matters were mapped to it.
            var mappings = Enumerable.Range(0, applications.Count)
                .Select(i => $"{applications[i].MatterCode} → {matters[i].Scenario}")
                .Distinct(StringComparer.Ordinal)
                .Take(10);
            throw new ArgumentException($"{e.Message} Matter mappings in this batch: {string.Join(", ", mappings)}.", nameof(applications), e);
        }
    }

    private IEnumerable<(ApplicationParty Party, SubjectId Subject)> Parties(ApprovalApplication application)
    {
        if (application.Enterprise is { } enterprise)
        {
            yield return (ApplicationParty.Enterprise, enterprise);
        }

        if (application.Person is { } person)
        {
            yield return (ApplicationParty.Person, person);
        }

        // Found from outside: the applicant named again as the legal representative was checked twice, every record of
        // theirs shown twice (申请人…, 法定代表人…) and reported twice. One check answers for both.
        if (_options.CheckLegalRepresentative && application.LegalRepresentative is { } representative && representative != application.Person)
        {
            yield return (ApplicationParty.LegalRepresentative, representative);
        }
    }

    private static void Validate(ApprovalApplication application)
    {
        var id = application.ApplicationId;
        if (string.IsNullOrWhiteSpace(id))
        {
            throw new ArgumentException("An application has no ApplicationId (办件编号).", nameof(application));
        }

        if (string.IsNullOrWhiteSpace(application.MatterCode))
        {
            throw new ArgumentException($"Application {id} has no MatterCode (事项编码).", nameof(application));
        }

        if (!Enum.IsDefined(application.MatterKind))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Application {id}: MatterKind {(int)application.MatterKind} is not a matter kind."), nameof(application));
        }

        if (application.Enterprise is null && application.Person is null)
        {
            throw new ArgumentException($"Application {id} names no applicant: set Enterprise, Person or both.", nameof(application));
        }

        CheckSubject(id, "Enterprise", application.Enterprise, SubjectKind.LegalEntity);
        CheckSubject(id, "Person", application.Person, SubjectKind.NaturalPerson);
        CheckSubject(id, "LegalRepresentative", application.LegalRepresentative, SubjectKind.NaturalPerson);
        if (application.LegalRepresentative is not null && application.Enterprise is null)
        {
            throw new ArgumentException($"Application {id} names a LegalRepresentative but no Enterprise it represents.", nameof(application));
        }

        var missing = application.MissingMaterials
            ?? throw new ArgumentException($"Application {id}: MissingMaterials is null; use an empty list.", nameof(application));
        var materials = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < missing.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(missing[i]))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"Application {id}: MissingMaterials[{i}] is blank; name the material."), nameof(application));
            }

            // Found from outside: a material named twice was asked for twice (须补齐 a、a) and promised twice.
            if (!materials.TryAdd(missing[i].Trim(), i))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"Application {id}: MissingMaterials[{materials[missing[i].Trim()]}] and [{i}] are the same material ('{missing[i].Trim()}'); name each once."), nameof(application));
            }
        }
    }

    private static void CheckSubject(string id, string field, SubjectId? subject, SubjectKind kind)
    {
        if (subject is not { } value)
        {
            return;
        }

        if (value.IsEmpty)
        {
            throw new ArgumentException($"Application {id}: {field} is an empty id; parse it with SubjectId.Parse.", nameof(subject));
        }

        if (value.Kind != kind)
        {
            throw new ArgumentException($"Application {id}: {field} must be a {kind} id, but {value.Masked} is a {value.Kind}.", nameof(subject));
        }
    }
}
