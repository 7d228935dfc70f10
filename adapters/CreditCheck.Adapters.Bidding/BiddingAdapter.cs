using System.Globalization;
using Microsoft.Extensions.Options;

namespace CreditCheck.Adapters.Bidding;

/// <summary>
/// Qualifies every bidder of a tender in one call: bidders under a bidding restriction are disqualified,
/// watch-list bidders flagged for review, and red-list bidders earn the credit points (信用加分) the tender's
/// rules give — the credit component of the bid score. A consortium (联合体, <see cref="Bidder.Consortium"/>) has
/// every member checked: one disqualified member disqualifies it, one flagged member flags it
/// (《中华人民共和国招标投标法》第三十一条), and it scores as <see cref="CreditScoringRules.ConsortiumScoring"/> says.
/// Reports back what was done.
/// </summary>
/// <remarks>
/// Register with <c>services.AddCreditCheck().UseRedis(...).AddBiddingAdapter()</c> and inject it; a
/// thread-safe singleton. All bidders (every member of a consortium) are checked in one <see cref="ICreditChecker.CheckManyAsync"/> call
/// (in batches of <see cref="CreditCheckOptions.MaxBatchSize"/> when there are more).
/// <example>
/// <code>
/// var rules = new CreditScoringRules { Cap = 3 };
/// rules.PointsPerList["tax-grade-a"] = 2;
/// rules.PointsPerList["contract-honoring"] = 1;
/// var result = await bidding.QualifyAsync(new Tender { TenderId = "ZB-2026-031", Bidders = bidders, Scoring = rules });
/// foreach (var b in result.QualifiedOutright) Console.WriteLine($"{b.Bidder.Name}: +{b.CreditScore}");
/// foreach (var b in result.FlaggedForReview) Console.WriteLine($"{b.Bidder.Name}: 需核查 — {b.Reasons[0].Text}");
/// </code>
/// </example>
/// </remarks>
public sealed class BiddingAdapter
{
    private readonly ICreditChecker _checker;
    private readonly BiddingOptions _options;
    private readonly int _maxBatch;
    private readonly ICreditFeedback? _feedback;

    /// <summary>Creates the adapter; dependency injection calls this.</summary>
    /// <param name="checker">The checker.</param>
    /// <param name="options">The adapter's options.</param>
    /// <param name="checkOptions">The checker's options (for its batch size).</param>
    /// <param name="feedback">Where feedback goes; required only by <see cref="ReportAsync"/>.</param>
    public BiddingAdapter(ICreditChecker checker, IOptions<BiddingOptions> options, IOptions<CreditCheckOptions> checkOptions, ICreditFeedback? feedback = null)
    {
        ArgumentNullException.ThrowIfNull(checker);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(checkOptions);
        _checker = checker;
        _options = options.Value;
        _maxBatch = checkOptions.Value.MaxBatchSize;
        _feedback = feedback;
    }

    /// <summary>Qualifies every bidder of the tender at its stage and scores their credit.</summary>
    /// <param name="tender">The tender, its bidders and scoring rules.</param>
    /// <param name="cancellationToken">Cancels the checks.</param>
    /// <returns>Each bidder's status, reasons and credit score.</returns>
    /// <exception cref="ArgumentException">The tender is incomplete (no number, a bidder or consortium member without
    /// a name or identifier), an enterprise takes part twice (listed twice, alone and in a consortium, or in two
    /// consortia, by the same code or once by its 统一社会信用代码 and once by the 组织机构代码 it embeds; the message
    /// names both places), its scoring rules are invalid, or the stage's scenario is not in
    /// the catalog.</exception>
    public async ValueTask<TenderQualification> QualifyAsync(Tender tender, CancellationToken cancellationToken = default)
    {
        Validate(tender);
        var rules = tender.Scoring ?? _options.DefaultScoring;
        var problems = BiddingOptionsValidator.Check(rules).ToList();
        if (problems.Count > 0)
        {
            throw new ArgumentException($"Tender {tender.TenderId}: the scoring rules are invalid: {string.Join(" ", problems)}", nameof(tender));
        }

        var scenario = _options.StageScenarios[tender.Stage];
        var requests = tender.Bidders.SelectMany(b => b.Members).Select(m => new CheckRequest(m.Subject, scenario)
        {
            TransactionReference = tender.TenderId,
            Department = tender.Department,
            Operator = tender.Operator,
        }).ToList();

        var decisions = await _checker.CheckInBatchesAsync(requests, _maxBatch, cancellationToken).ConfigureAwait(false);
        var qualified = new List<BidderQualification>(tender.Bidders.Count);
        var next = 0;
        for (var i = 0; i < tender.Bidders.Count; i++)
        {
            var bidder = tender.Bidders[i];
            var count = bidder.Members.Count;
            qualified.Add(QualificationRules.Decide(bidder, i + 1, [.. decisions.Skip(next).Take(count)], rules));
            next += count;
        }

        return new TenderQualification
        {
            Tender = tender,
            Scenario = scenario,
            Scoring = rules,
            Bidders = qualified,
        };
    }

    /// <summary>Reports what was done (反馈), one report per bidder — for a consortium, one per member, each under
    /// the member's name: restrictions executed (disqualified, or referred for review; a consortium member's
    /// <c>已否决该联合体投标</c>); the credit bonus executed with the points given, or not executed when the tender
    /// gives none for the bidder's lists (or, in a consortium, the rule scored another member); other benefits
    /// executed when the tender applies them.</summary>
    /// <param name="qualification">The qualification acted on.</param>
    /// <param name="feedback">Who, where, and which other benefits the tender applies; optional.</param>
    /// <param name="cancellationToken">Cancels waiting for the acknowledgement.</param>
    /// <returns>The feedback records, in bidder and member order.</returns>
    /// <exception cref="InvalidOperationException">No <see cref="ICreditFeedback"/> is registered.</exception>
    public async ValueTask<IReadOnlyList<FeedbackRecord>> ReportAsync(
        TenderQualification qualification, BiddingFeedback? feedback = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(qualification);
        feedback ??= new BiddingFeedback();
        var sink = _feedback ?? throw new InvalidOperationException(
            "No ICreditFeedback is registered, so feedback cannot be reported: resolve the adapter from the services AddCreditCheck set up, or pass the ICreditFeedback they hold.");
        var records = new List<FeedbackRecord>();
        foreach (var bidder in qualification.Bidders)
        {
            var consortium = bidder.Bidder.IsConsortium;
            var disqualified = bidder.Status == BidderStatus.Disqualified;
            for (var m = 0; m < bidder.Members.Count; m++)
            {
                var check = bidder.Members[m];
                var decision = check.Decision;
                var report = FeedbackReport.For(decision) with
                {
                    SubjectName = check.Member.Name, // the bidder's (or member's) name as given, clean or listed
                    ItemCode = qualification.Tender.TenderId,
                    ItemName = qualification.Tender.Name,
                    District = feedback.District,
                    Operator = feedback.Operator ?? decision.Operator,
                    ExecutedAt = feedback.ExecutedAt,
                };
                foreach (var applied in decision.AppliedMeasures)
                {
                    var code = applied.Measure.Code;
                    if (!applied.Measure.IsBenefit)
                    {
                        report.Executed(code, disqualified ? (consortium ? "已否决该联合体投标" : "已否决其投标") : "已提交评标委员会核查");
                    }
                    else if (code == qualification.Scoring.BonusMeasure)
                    {
                        if (disqualified)
                        {
                            report.NotExecuted(code, consortium ? "已否决该联合体投标" : "投标人已被否决");
                        }
                        else if (check.CreditScore == 0)
                        {
                            report.NotExecuted(code, "招标文件未对该名单规定信用加分");
                        }
                        else if (bidder.ScoredMember != m)
                        {
                            // The consortium earns one bonus, the scored member's: counted once, not once per member.
                            report.NotExecuted(code, qualification.Scoring.ConsortiumScoring == ConsortiumScoring.LeadMember
                                ? "招标文件规定联合体按牵头人的得分计信用加分，未按该成员得分计"
                                : "招标文件规定联合体按各成员中的最低得分计信用加分，未按该成员得分计");
                        }
                        else
                        {
                            report.Executed(code, string.Create(CultureInfo.InvariantCulture, $"{(consortium ? "联合体" : string.Empty)}信用加分 {bidder.CreditScore:0.##} 分"));
                        }
                    }
                    else if (consortium && disqualified)
                    {
                        report.NotExecuted(code, "已否决该联合体投标");
                    }
                    else if (feedback.AppliedBenefits.Contains(code))
                    {
                        report.Executed(code, "已按招标文件适用");
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

    private static void Validate(Tender tender)
    {
        ArgumentNullException.ThrowIfNull(tender);
        if (string.IsNullOrWhiteSpace(tender.TenderId))
        {
            throw new ArgumentException("The tender has no TenderId (招标项目编号).", nameof(tender));
        }

        if (!Enum.IsDefined(tender.Stage))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Tender {tender.TenderId}: Stage {(int)tender.Stage} is not a bidding stage."), nameof(tender));
        }

        if (tender.Bidders is null)
        {
            throw new ArgumentException($"Tender {tender.TenderId}: Bidders is null; use an empty list.", nameof(tender));
        }

        // Found from outside: a bidder listed twice was checked twice, its credit points and their feedback counted twice.
        // An enterprise takes part in a tender once: alone, or as a member of one consortium — by whichever of its codes
        // (SubjectIdentity: a 统一社会信用代码 and the 组织机构代码 it embeds are one enterprise, also found from outside).
        var seen = new Dictionary<SubjectId, (int Bidder, int Member)>();
        for (var i = 0; i < tender.Bidders.Count; i++)
        {
            var bidder = tender.Bidders[i];
            if (bidder is null || string.IsNullOrWhiteSpace(bidder.Name) || (!bidder.IsConsortium && bidder.Subject.IsEmpty))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"Tender {tender.TenderId}: bidder {i + 1} ({bidder?.Name}) needs a name and an identifier parsed with SubjectId.Parse."), nameof(tender));
            }

            for (var m = 0; m < bidder.Members.Count; m++)
            {
                var member = bidder.Members[m];
                if (member is null || member.Subject.IsEmpty || string.IsNullOrWhiteSpace(member.Name))
                {
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                        $"Tender {tender.TenderId}: bidder {i + 1} ({bidder.Name}), member {m + 1}, needs a name and an identifier parsed with SubjectId.Parse."), nameof(tender));
                }

                var key = SubjectIdentity.Key(member.Subject);
                if (!seen.TryAdd(key, (i, m)))
                {
                    var (firstBidder, firstMember) = seen[key];
                    var first = tender.Bidders[firstBidder];
                    var earlier = first.Members[firstMember];
                    if (!first.IsConsortium && !bidder.IsConsortium)
                    {
                        throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                            $"Tender {tender.TenderId}: bidders {firstBidder + 1} ({first.Name}) and {i + 1} ({bidder.Name}) are {SubjectIdentity.Same(first.Subject, bidder.Subject)}; list each bidder once."), nameof(tender));
                    }

                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                        $"Tender {tender.TenderId}: {SubjectIdentity.TakesPart(earlier.Name, earlier.Subject, member.Name, member.Subject)} as {Place(first, firstBidder, firstMember)} and again as {Place(bidder, i, m)}; an enterprise takes part in a tender once, alone or as a member of one consortium."), nameof(tender));
                }
            }
        }
    }

    private static string Place(Bidder bidder, int index, int member) => bidder.IsConsortium
        ? string.Create(CultureInfo.InvariantCulture, $"member {member + 1} of bidder {index + 1} (consortium {bidder.Name})")
        : string.Create(CultureInfo.InvariantCulture, $"bidder {index + 1} ({bidder.Name})");
}

/// <summary>Details of a bidding feedback report.</summary>
public sealed record BiddingFeedback
{
    /// <summary>The operator; the tender's when not set.</summary>
    public string? Operator { get; init; }

    /// <summary>The administrative district (行政区划).</summary>
    public string? District { get; init; }

    /// <summary>When the qualification was acted on; the report time when not set.</summary>
    public DateTimeOffset? ExecutedAt { get; init; }

    /// <summary>Codes of benefit measures other than the credit bonus that the tender applies (e.g.
    /// <c>deposit-reduction</c>); others are reported not executed. Default: none.</summary>
    public IReadOnlySet<string> AppliedBenefits { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>The reason reported for a benefit not applied. Default 招标文件未规定该激励措施.</summary>
    public string BenefitNotAppliedReason { get; init; } = "招标文件未规定该激励措施";
}
