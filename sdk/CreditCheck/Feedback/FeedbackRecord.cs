namespace CreditCheck;

/// <summary>One delivered feedback record: one measure of one decision, flat, as the platform
/// collects it (DOMAIN §5). A person's identity number is never in it, only masked; an enterprise's
/// 统一社会信用代码 is public and is kept whole.</summary>
public sealed record FeedbackRecord
{
    /// <summary>The idempotency key, <c>{checkId:N}:{measureCode}</c> (<c>{checkId:N}:-</c> when no
    /// measure applied): a consumer drops records whose key it has seen.</summary>
    public required string Key { get; init; }

    /// <summary>The check the feedback is about.</summary>
    public required Guid CheckId { get; init; }

    /// <summary>Enterprise or person.</summary>
    public required SubjectKind SubjectKind { get; init; }

    /// <summary>The enterprise's code in full, or the person's identity number masked.</summary>
    public required string SubjectCode { get; init; }

    /// <summary>The subject's name: the report's <see cref="FeedbackReport.SubjectName"/> (the host's name for it), else the
    /// name on the decision's first matched entry, else null.</summary>
    public string? SubjectName { get; init; }

    /// <summary>The scenario checked.</summary>
    public required string Scenario { get; init; }

    /// <summary>The decision's outcome.</summary>
    public required DecisionOutcome Outcome { get; init; }

    /// <summary>The catalog version the decision was made on.</summary>
    public required string CatalogVersion { get; init; }

    /// <summary>The feed sequence the decision was made on.</summary>
    public required long Sequence { get; init; }

    /// <summary>The credit platform's request id the decision was made from (query-through), or null.</summary>
    public string? PlatformRequestId { get; init; }

    /// <summary>The measure's code, or null for <see cref="ExecutionResult.NothingToExecute"/>.</summary>
    public string? MeasureCode { get; init; }

    /// <summary>The measure's name.</summary>
    public string? MeasureName { get; init; }

    /// <summary>Restriction, supervision or benefit.</summary>
    public Catalog.MeasureKind? MeasureKind { get; init; }

    /// <summary>The measure's legal basis.</summary>
    public string? LegalBasis { get; init; }

    /// <summary>The lists whose entries triggered the measure (all matched lists when no measure).</summary>
    public required IReadOnlyList<string> Lists { get; init; }

    /// <summary>The entries that triggered the measure.</summary>
    public required IReadOnlyList<string> EntryIds { get; init; }

    /// <summary>What was done.</summary>
    public required ExecutionResult Result { get; init; }

    /// <summary>Why not executed or overridden.</summary>
    public string? Reason { get; init; }

    /// <summary>Who overrode.</summary>
    public string? OverriddenBy { get; init; }

    /// <summary>The result in the host's words.</summary>
    public string? ResultText { get; init; }

    /// <summary>The amount involved, in yuan.</summary>
    public decimal? Amount { get; init; }

    /// <summary>When the measure's effect starts.</summary>
    public DateTimeOffset? EffectiveFrom { get; init; }

    /// <summary>When the measure's effect ends.</summary>
    public DateTimeOffset? EffectiveUntil { get; init; }

    /// <summary>The executing department.</summary>
    public string? Department { get; init; }

    /// <summary>The administrative district.</summary>
    public string? District { get; init; }

    /// <summary>The operator.</summary>
    public string? Operator { get; init; }

    /// <summary>The host's transaction id.</summary>
    public string? TransactionReference { get; init; }

    /// <summary>The matter's code.</summary>
    public string? ItemCode { get; init; }

    /// <summary>The matter's name.</summary>
    public string? ItemName { get; init; }

    /// <summary>When the measure was executed.</summary>
    public required DateTimeOffset ExecutedAt { get; init; }

    /// <summary>When the host reported it.</summary>
    public required DateTimeOffset ReportedAt { get; init; }

    /// <summary>True in the answer to a report of a measure already reported: this is the record kept (its result,
    /// reason and times are the first report's), and the repeat was not recorded — a report is final, whatever result
    /// the repeat gave. Never stored (not in the record's JSON).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsRepeat { get; init; }

    /// <summary>Turns a report into its records.</summary>
    /// <param name="report">The report.</param>
    /// <param name="reportedAt">Now, from the host's <see cref="TimeProvider"/>.</param>
    /// <returns>One record per measure, or one <see cref="ExecutionResult.NothingToExecute"/> record.</returns>
    public static IReadOnlyList<FeedbackRecord> FromReport(FeedbackReport report, DateTimeOffset reportedAt)
    {
        ArgumentNullException.ThrowIfNull(report);
        var decision = report.Decision;
        var subject = decision.SubjectId;
        var template = new FeedbackRecord
        {
            Key = decision.CheckId.ToString("N") + ":-",
            CheckId = decision.CheckId,
            SubjectKind = subject.Kind,
            SubjectCode = subject.Kind == SubjectKind.LegalEntity ? subject.Value : subject.Masked,
            SubjectName = string.IsNullOrWhiteSpace(report.SubjectName) ? null : report.SubjectName.Trim(),
            Scenario = decision.Scenario,
            Outcome = decision.Outcome,
            CatalogVersion = decision.CatalogVersion,
            Sequence = decision.Sequence,
            PlatformRequestId = decision.PlatformRequestId,
            Lists = [.. decision.MatchedEntries.Select(m => m.Entry.ListCode).Distinct(StringComparer.Ordinal)],
            EntryIds = [.. decision.MatchedEntries.Select(m => m.Entry.EntryId)],
            Result = ExecutionResult.NothingToExecute,
            Department = report.Department,
            District = report.District,
            Operator = report.Operator,
            TransactionReference = report.TransactionReference,
            ItemCode = report.ItemCode,
            ItemName = report.ItemName,
            ExecutedAt = report.ExecutedAt ?? reportedAt,
            ReportedAt = reportedAt,
        };

        if (report.Measures.Count == 0)
        {
            return [template];
        }

        var records = new List<FeedbackRecord>(report.Measures.Count);
        foreach (var feedback in report.Measures)
        {
            var applied = decision.AppliedMeasures.First(a => a.Measure.Code == feedback.MeasureCode);
            records.Add(template with
            {
                Key = decision.CheckId.ToString("N") + ":" + feedback.MeasureCode,
                MeasureCode = feedback.MeasureCode,
                MeasureName = applied.Measure.Name,
                MeasureKind = applied.Measure.Kind,
                LegalBasis = applied.Measure.LegalBasis,
                Lists = [.. applied.TriggeredBy.Select(m => m.Entry.ListCode).Distinct(StringComparer.Ordinal)],
                EntryIds = [.. applied.TriggeredBy.Select(m => m.Entry.EntryId)],
                Result = feedback.Result,
                Reason = feedback.Reason,
                OverriddenBy = feedback.OverriddenBy,
                ResultText = feedback.Outcome,
                Amount = feedback.Amount,
                EffectiveFrom = feedback.EffectiveFrom,
                EffectiveUntil = feedback.EffectiveUntil,
            });
        }

        return records;
    }
}
