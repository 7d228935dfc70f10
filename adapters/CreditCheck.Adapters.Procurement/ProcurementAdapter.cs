using System.Globalization;
using Microsoft.Extensions.Options;

namespace CreditCheck.Adapters.Procurement;

/// <summary>
/// Screens every supplier of a procurement project at a stage in one call — consortium members included —
/// and keeps the query record of each (财库〔2016〕125号); reports back what the platform did.
/// </summary>
/// <remarks>
/// Register with <c>services.AddCreditCheck().UseRedis(...).AddProcurementAdapter()</c> and inject it; a
/// thread-safe singleton. All members of all suppliers are checked in one
/// <see cref="ICreditChecker.CheckManyAsync"/> call (one pipelined round trip on Redis), in batches of
/// <see cref="CreditCheckOptions.MaxBatchSize"/> when there are more.
/// <example>
/// <code>
/// var screening = await procurement.ScreenAsync(new ProcurementProject
/// {
///     ProjectId = "CG-2026-118", Stage = ProcurementStage.BidOpening,
///     Suppliers = [Supplier.Of("示例供应商有限公司", SubjectId.Parse("91510104MAK50F914T", SubjectKind.LegalEntity))],
/// });
/// foreach (var s in screening.Excluded) Console.WriteLine($"{s.Supplier.Name}: {s.Reasons[0].Text}（{s.Reasons[0].LegalBasis}）");
/// await screening.WriteEvidenceAsync("/data/CG-2026-118/credit");
/// </code>
/// </example>
/// </remarks>
public sealed class ProcurementAdapter
{
    private readonly ICreditChecker _checker;
    private readonly ProcurementOptions _options;
    private readonly TimeProvider _time;
    private readonly int _maxBatch;
    private readonly ICreditFeedback? _feedback;
    private readonly IEvidenceSigner? _signer;

    /// <summary>Creates the adapter; dependency injection calls this.</summary>
    /// <param name="checker">The checker.</param>
    /// <param name="options">The adapter's options.</param>
    /// <param name="checkOptions">The checker's options (for its batch size).</param>
    /// <param name="time">The clock (for a project without suppliers).</param>
    /// <param name="feedback">Where feedback goes; required only by <see cref="ReportAsync"/>.</param>
    /// <param name="signer">Signs an evidence receipt of every check when registered (<c>.AddEvidenceReceipts(...)</c>).</param>
    public ProcurementAdapter(
        ICreditChecker checker,
        IOptions<ProcurementOptions> options,
        IOptions<CreditCheckOptions> checkOptions,
        TimeProvider time,
        ICreditFeedback? feedback = null,
        IEvidenceSigner? signer = null)
    {
        ArgumentNullException.ThrowIfNull(checker);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(checkOptions);
        ArgumentNullException.ThrowIfNull(time);
        _checker = checker;
        _options = options.Value;
        _maxBatch = checkOptions.Value.MaxBatchSize;
        _time = time;
        _feedback = feedback;
        _signer = signer;
    }

    /// <summary>Screens every supplier of the project at its stage.</summary>
    /// <param name="project">The project, its stage and its suppliers.</param>
    /// <param name="cancellationToken">Cancels the checks.</param>
    /// <returns>Eligible and excluded suppliers with reasons, and the evidence of each.</returns>
    /// <exception cref="ArgumentException">The project is incomplete (no project number, a supplier without
    /// name or members, an empty identifier), an enterprise takes part twice (alone and in a consortium, or in two
    /// consortia, by the same code or once by its 统一社会信用代码 and once by the 组织机构代码 it embeds; the message
    /// names both places), or the stage's scenario is not in the catalog.</exception>
    public async ValueTask<ProcurementScreening> ScreenAsync(ProcurementProject project, CancellationToken cancellationToken = default)
    {
        Validate(project);
        var scenario = _options.StageScenarios[project.Stage];
        var requests = new List<CheckRequest>();
        foreach (var supplier in project.Suppliers)
        {
            foreach (var member in supplier.Members)
            {
                requests.Add(new CheckRequest(member.Subject, scenario)
                {
                    TransactionReference = project.ProjectId,
                    Department = project.Department,
                    Operator = project.Operator,
                });
            }
        }

        var decisions = await _checker.CheckInBatchesAsync(requests, _maxBatch, cancellationToken).ConfigureAwait(false);
        var screened = new List<SupplierScreening>(project.Suppliers.Count);
        var next = 0;
        for (var i = 0; i < project.Suppliers.Count; i++)
        {
            var supplier = project.Suppliers[i];
            var checks = new MemberCheck[supplier.Members.Count];
            for (var m = 0; m < checks.Length; m++)
            {
                var decision = decisions[next++];
                checks[m] = new MemberCheck(supplier.Members[m], decision) { Receipt = _signer?.Sign(decision) };
            }

            screened.Add(ScreeningRules.Decide(supplier, i + 1, checks, project, scenario, _options.QueryChannel));
        }

        return new ProcurementScreening
        {
            Project = project,
            Scenario = scenario,
            ScreenedAt = decisions.Count == 0 ? _time.GetUtcNow() : decisions.Min(d => d.EvaluatedAt),
            Suppliers = screened,
        };
    }

    /// <summary>Reports what was done (反馈), one report per member check: the refusals of excluded suppliers
    /// executed, and their benefits not executed because they were refused; other benefits executed when the
    /// procurement file applies them, otherwise not executed with the reason; a member with no measure reported as checked.</summary>
    /// <param name="screening">The screening acted on.</param>
    /// <param name="feedback">Who, where, and which benefits the procurement file applies; optional.</param>
    /// <param name="cancellationToken">Cancels waiting for the acknowledgement.</param>
    /// <returns>The feedback records, in supplier and member order.</returns>
    /// <exception cref="InvalidOperationException">No <see cref="ICreditFeedback"/> is registered.</exception>
    public async ValueTask<IReadOnlyList<FeedbackRecord>> ReportAsync(
        ProcurementScreening screening, ProcurementFeedback? feedback = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(screening);
        feedback ??= new ProcurementFeedback();
        var sink = _feedback ?? throw new InvalidOperationException(
            "No ICreditFeedback is registered, so feedback cannot be reported: resolve the adapter from the services AddCreditCheck set up, or pass the ICreditFeedback they hold.");
        var records = new List<FeedbackRecord>();
        foreach (var supplier in screening.Suppliers)
        {
            foreach (var (member, decision) in supplier.Checks)
            {
                var report = FeedbackReport.For(decision) with
                {
                    SubjectName = member.Name, // the supplier's name as given, clean or listed (found by review: a clean one had none)
                    ItemCode = screening.Project.ProjectId,
                    ItemName = screening.Project.ProjectName,
                    District = feedback.District,
                    Operator = feedback.Operator ?? decision.Operator,
                    ExecutedAt = feedback.ExecutedAt,
                };
                foreach (var applied in decision.AppliedMeasures)
                {
                    var code = applied.Measure.Code;
                    if (!applied.Measure.IsBenefit)
                    {
                        report.Executed(code, supplier.Status == SupplierStatus.Excluded
                            ? (supplier.Supplier.IsConsortium ? "已拒绝该联合体参与" : "已拒绝其参与")
                            : "已人工核查");
                    }
                    else if (supplier.Status == SupplierStatus.Excluded)
                    {
                        // Not the procurement file's doing (found by review: reported "采购文件未规定该激励措施").
                        report.NotExecuted(code, supplier.Supplier.IsConsortium ? "已拒绝该联合体参与，不适用该激励措施" : "已拒绝其参与，不适用该激励措施");
                    }
                    else if (feedback.AppliedBenefits.Contains(code))
                    {
                        report.Executed(code, "已按采购文件适用");
                    }
                    else
                    {
                        report.NotExecuted(code, feedback.BenefitNotAppliedReason);
                    }
                }

                records.AddRange(await sink.ReportAsync(report, cancellationToken).ConfigureAwait(false));
            }
        }

        return records;
    }

    private static void Validate(ProcurementProject project)
    {
        ArgumentNullException.ThrowIfNull(project);
        if (string.IsNullOrWhiteSpace(project.ProjectId))
        {
            throw new ArgumentException("The project has no ProjectId (项目编号).", nameof(project));
        }

        if (!Enum.IsDefined(project.Stage))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Project {project.ProjectId}: Stage {(int)project.Stage} is not a procurement stage."), nameof(project));
        }

        if (project.Suppliers is null)
        {
            throw new ArgumentException($"Project {project.ProjectId}: Suppliers is null; use an empty list.", nameof(project));
        }

        // Found from outside: an enterprise bidding alone and in a consortium, or in two, was accepted and checked once per
        // place. A supplier takes part in a project once: alone, or as a member of one consortium — by whichever of its
        // codes (SubjectIdentity: a 统一社会信用代码 and the 组织机构代码 it embeds are one enterprise, also found from outside).
        var seen = new Dictionary<SubjectId, (int Supplier, int Member)>();
        for (var i = 0; i < project.Suppliers.Count; i++)
        {
            var supplier = project.Suppliers[i] ?? throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Project {project.ProjectId}: supplier {i + 1} is null."), nameof(project));
            for (var m = 0; m < supplier.Members.Count; m++)
            {
                var member = supplier.Members[m];
                if (member is null || member.Subject.IsEmpty || string.IsNullOrWhiteSpace(member.Name))
                {
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                        $"Project {project.ProjectId}: supplier {i + 1} ({supplier.Name}), member {m + 1}, needs a name and an identifier parsed with SubjectId.Parse."), nameof(project));
                }

                var key = SubjectIdentity.Key(member.Subject);
                if (!seen.TryAdd(key, (i, m)))
                {
                    var (first, firstMember) = seen[key];
                    var earlier = project.Suppliers[first].Members[firstMember];
                    var where = first == i ? $"twice in supplier {i + 1} ({supplier.Name})" : $"in supplier {first + 1} ({project.Suppliers[first].Name}) and again in supplier {i + 1} ({supplier.Name})";
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                        $"Project {project.ProjectId}: {SubjectIdentity.TakesPart(earlier.Name, earlier.Subject, member.Name, member.Subject)} {where}; a supplier takes part once, alone or as a member of one consortium."), nameof(project));
                }
            }
        }
    }
}

/// <summary>Details of a procurement feedback report.</summary>
public sealed record ProcurementFeedback
{
    /// <summary>The operator; the project's when not set.</summary>
    public string? Operator { get; init; }

    /// <summary>The administrative district (行政区划).</summary>
    public string? District { get; init; }

    /// <summary>When the screening was acted on; the report time when not set.</summary>
    public DateTimeOffset? ExecutedAt { get; init; }

    /// <summary>Codes of the benefit measures the procurement file applies (e.g. <c>deposit-reduction</c>,
    /// <c>bidding-credit-bonus</c>); other benefits are reported not executed. Default: none.</summary>
    public IReadOnlySet<string> AppliedBenefits { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>The reason reported for a benefit not applied. Default 采购文件未规定该激励措施.</summary>
    public string BenefitNotAppliedReason { get; init; } = "采购文件未规定该激励措施";
}
