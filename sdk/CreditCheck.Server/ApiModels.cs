using System.Text.Json.Serialization;

namespace CreditCheck.Server;

/// <summary>The body of <c>POST /v1/checks</c>, and one element of a batch.</summary>
public sealed class CheckBody
{
    /// <summary>统一社会信用代码 or 居民身份证号码 (older 组织机构代码 / 工商注册号 too). Required.</summary>
    public string? Subject { get; set; }

    /// <summary><c>entity</c> or <c>person</c>; omitted: whichever the identifier is valid as.</summary>
    [ApiValues("entity", "person")]
    public string? Kind { get; set; }

    /// <summary>A scenario code of the catalog, e.g. <c>procurement.bid</c>. Required.</summary>
    public string? Scenario { get; set; }

    /// <summary>The host's transaction reference (办件编号, 项目编号).</summary>
    public string? TransactionReference { get; set; }

    /// <summary>The checking department; defaults to the client's.</summary>
    public string? Department { get; set; }

    /// <summary>The operator (经办人).</summary>
    public string? Operator { get; set; }
}

/// <summary>The body of <c>POST /v1/checks:batch</c>.</summary>
public sealed class BatchBody
{
    /// <summary>The checks, at most <c>CreditCheck:MaxBatchSize</c>.</summary>
    public IList<CheckBody?>? Checks { get; init; }
}

/// <summary>The answer of <c>POST /v1/checks:batch</c>.</summary>
/// <param name="Decisions">One decision per check, in order.</param>
public sealed record BatchAnswer(IReadOnlyList<DecisionBody> Decisions);

/// <summary>A decision as JSON: what the SDK's <see cref="CreditDecision"/> says.</summary>
public sealed class DecisionBody
{
    /// <summary>The check's id (UUID v7); feedback names it.</summary>
    public required Guid CheckId { get; init; }

    /// <summary>The subject, masked.</summary>
    public required string Subject { get; init; }

    /// <summary><c>LegalEntity</c> or <c>NaturalPerson</c>.</summary>
    [ApiValues(typeof(SubjectKind))]
    public required string SubjectKind { get; init; }

    /// <summary>The scenario requested.</summary>
    public required string Scenario { get; init; }

    /// <summary>The declared scenario it resolved to.</summary>
    public required string ResolvedScenario { get; init; }

    /// <summary><c>Clear</c>, <c>Benefit</c>, <c>Review</c>, <c>Restricted</c> or <c>Denied</c>.</summary>
    [ApiValues(typeof(DecisionOutcome))]
    public required string Outcome { get; init; }

    /// <summary>The measures to apply.</summary>
    public required IReadOnlyList<MeasureBody> AppliedMeasures { get; init; }

    /// <summary>Measures that would apply but do not, with the reason.</summary>
    public required IReadOnlyList<MeasureBody> VoidedMeasures { get; init; }

    /// <summary>Every entry found for the subject and how it was treated.</summary>
    public required IReadOnlyList<EntryBody> MatchedEntries { get; init; }

    /// <summary>Entries the store holds but could not read.</summary>
    public required IReadOnlyList<UnreadableEntry> UnreadableEntries { get; init; }

    /// <summary>A plain Chinese explanation for the clerk.</summary>
    public required string Explanation { get; init; }

    /// <summary>The same in English.</summary>
    public required string ExplanationEnglish { get; init; }

    /// <summary>The catalog version decided on.</summary>
    public required string CatalogVersion { get; init; }

    /// <summary>The store's change sequence decided on.</summary>
    public required long Sequence { get; init; }

    /// <summary>Whether it was decided without current data.</summary>
    public required bool IsDegraded { get; init; }

    /// <summary>Why, or null.</summary>
    public string? DegradedReason { get; init; }

    /// <summary><c>Embedded</c>, <c>LocalFilter</c>, <c>Cache</c>, <c>Store</c>, <c>LastKnown</c> or <c>Policy</c>.</summary>
    [ApiValues(typeof(DecisionPath))]
    public required string Path { get; init; }

    /// <summary>When it was decided.</summary>
    public required DateTimeOffset EvaluatedAt { get; init; }

    /// <summary>The transaction reference given.</summary>
    public string? TransactionReference { get; init; }

    /// <summary>The department it is attributed to.</summary>
    public string? Department { get; init; }

    /// <summary>The operator given.</summary>
    public string? Operator { get; init; }

    /// <summary>The subject's current rating levels (公共信用综合评价, 纳税信用 …); empty when it has none.</summary>
    public IReadOnlyList<RatingBody> Ratings { get; init; } = [];

    /// <summary>Codes of the catalog's lists that act in this scenario but of which the store holds no data (never
    /// imported, or not followed from the credit platform): the answer does not cover them. Empty when it covers every list.</summary>
    public IReadOnlyList<string> ListsNotHeld { get; init; } = [];
}

/// <summary>A subject's level in a rating.</summary>
public sealed class RatingBody
{
    /// <summary>The rating's code, e.g. <c>public-credit-rating</c>.</summary>
    public required string Rating { get; init; }

    /// <summary>The rating's name, e.g. 公共信用综合评价.</summary>
    public required string RatingName { get; init; }

    /// <summary>The level's code, e.g. <c>A</c>.</summary>
    public required string Level { get; init; }

    /// <summary>The level's name.</summary>
    public required string LevelName { get; init; }

    /// <summary>Since when the level holds, if known.</summary>
    public DateTimeOffset? AsOf { get; init; }
}

/// <summary>An applied or voided measure.</summary>
public sealed class MeasureBody
{
    /// <summary>The measure's catalog code.</summary>
    public required string Code { get; init; }

    /// <summary>Its name (Chinese, as the regulations write it).</summary>
    public required string Name { get; init; }

    /// <summary><c>Restriction</c>, <c>Supervision</c> or <c>Benefit</c>.</summary>
    [ApiValues(typeof(CreditCheck.Catalog.MeasureKind))]
    public required string Kind { get; init; }

    /// <summary><c>Deny</c>, <c>Restrict</c>, <c>Review</c>, <c>Notify</c>, <c>FastTrack</c>, <c>Priority</c> …</summary>
    public required string Effect { get; init; }

    /// <summary>Its legal basis.</summary>
    public required string LegalBasis { get; init; }

    /// <summary>The entries that triggered it.</summary>
    public required IReadOnlyList<EntryReference> TriggeredBy { get; init; }

    /// <summary>For a voided measure, why (Chinese).</summary>
    public string? VoidReason { get; init; }

    /// <summary>For a voided measure, why (English).</summary>
    public string? VoidReasonEnglish { get; init; }

    /// <summary>The rating level that triggered it, as <c>rating:level</c> (e.g. <c>public-credit-rating:A</c>); null
    /// when entries did (<see cref="TriggeredBy"/>).</summary>
    public string? Rating { get; init; }
}

/// <summary>A list entry named by its list and id.</summary>
/// <param name="List">The list's code.</param>
/// <param name="EntryId">The entry's id.</param>
public sealed record EntryReference(string List, string EntryId);

/// <summary>An entry found for the subject.</summary>
public sealed class EntryBody
{
    /// <summary>The list's code.</summary>
    public required string List { get; init; }

    /// <summary>The list's name, or null when the catalog lacks the list.</summary>
    public string? ListName { get; init; }

    /// <summary>The entry's id.</summary>
    public required string EntryId { get; init; }

    /// <summary>The listed subject's name.</summary>
    public string? SubjectName { get; init; }

    /// <summary>The authority that listed it (认定部门).</summary>
    public string? Authority { get; init; }

    /// <summary>The decision's reference (文号).</summary>
    public string? DecisionReference { get; init; }

    /// <summary><c>InForce</c>, <c>UnderObjection</c>, <c>SuspendedByObjection</c>, <c>NotYetValid</c>,
    /// <c>Expired</c>, <c>Repaired</c>, <c>Revoked</c>, <c>UnknownList</c> or <c>OutsideSector</c>.</summary>
    [ApiValues(typeof(EntryState))]
    public required string State { get; init; }

    /// <summary>Listed on.</summary>
    public DateTimeOffset? ListedOn { get; init; }

    /// <summary>Valid from.</summary>
    public DateTimeOffset? ValidFrom { get; init; }

    /// <summary>Valid until.</summary>
    public DateTimeOffset? ValidUntil { get; init; }

    /// <summary>For a person listed because of an enterprise: the enterprise's name.</summary>
    public string? RelatedEnterprise { get; init; }

    /// <summary>For a person listed because of an enterprise: the role.</summary>
    public string? RelatedRole { get; init; }

    /// <summary>For a person listed because of an enterprise: true when listed in their own right (the list's full
    /// measures), false when affected only through the enterprise's entry (only measures that reach related
    /// persons, so often none: the answer may be <c>Clear</c>); null for anyone else.</summary>
    public bool? ListedInOwnRight { get; init; }
}

/// <summary>The body of <c>POST /v1/feedback</c>: what was executed for one decision.</summary>
public sealed class FeedbackBody
{
    /// <summary>The decision's check id. Required.</summary>
    public Guid? CheckId { get; set; }

    /// <summary>Every applied measure executed (instead of listing them).</summary>
    public bool AllExecuted { get; set; }

    /// <summary>What was done with each applied measure; empty for a decision that applied none.</summary>
    public IList<MeasureFeedbackBody?>? Measures { get; init; }

    /// <summary>The executing department; defaults to the check's.</summary>
    public string? Department { get; set; }

    /// <summary>行政区划, e.g. 440300.</summary>
    public string? District { get; set; }

    /// <summary>The operator.</summary>
    public string? Operator { get; set; }

    /// <summary>The transaction reference; defaults to the check's.</summary>
    public string? TransactionReference { get; set; }

    /// <summary>事项编码.</summary>
    public string? ItemCode { get; set; }

    /// <summary>事项名称.</summary>
    public string? ItemName { get; set; }

    /// <summary>When the measures were executed; default now.</summary>
    public DateTimeOffset? ExecutedAt { get; set; }
}

/// <summary>What was done with one applied measure.</summary>
public sealed class MeasureFeedbackBody
{
    /// <summary>The measure's code. Required.</summary>
    public string? Measure { get; set; }

    /// <summary><c>Executed</c>, <c>NotExecuted</c> or <c>Overridden</c>. Required.</summary>
    [ApiValues("Executed", "NotExecuted", "Overridden")]
    public string? Result { get; set; }

    /// <summary>Why not executed or overridden.</summary>
    public string? Reason { get; set; }

    /// <summary>Who overrode it.</summary>
    public string? OverriddenBy { get; set; }

    /// <summary>The result in the host's words.</summary>
    public string? Outcome { get; set; }

    /// <summary>An amount involved, in yuan: a JSON number or a string of one (<c>"1200.50"</c>).</summary>
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public decimal? Amount { get; set; }

    /// <summary>When the measure's effect starts.</summary>
    public DateTimeOffset? EffectiveFrom { get; set; }

    /// <summary>When it ends.</summary>
    public DateTimeOffset? EffectiveUntil { get; set; }
}

/// <summary>The answer of <c>POST /v1/feedback</c> (202): the records acknowledged.</summary>
/// <param name="CheckId">The decision reported on.</param>
/// <param name="RecordKeys">One idempotency key per record.</param>
/// <param name="Repeats">The records of measures already reported: a report is final, so each is the record kept
/// (its result and report time the first report's), and the repeat was not recorded; empty when none.</param>
public sealed record FeedbackAnswer(Guid CheckId, IReadOnlyList<string> RecordKeys, IReadOnlyList<FeedbackRepeat> Repeats);

/// <summary>A measure already reported: what is recorded for it.</summary>
/// <param name="RecordKey">The record's idempotency key.</param>
/// <param name="Result">The result recorded (<c>Executed</c>, <c>NotExecuted</c>, <c>Overridden</c> or <c>NothingToExecute</c>).</param>
/// <param name="ReportedAt">When the recorded report was made.</param>
public sealed record FeedbackRepeat(string RecordKey, string Result, DateTimeOffset ReportedAt);

/// <summary>One problem with a request: the field and what is wrong, in English and Chinese.</summary>
/// <param name="Field">The field, as a JSON path (<c>subject</c>, <c>checks[3].scenario</c>).</param>
/// <param name="Problem">What is wrong, in English.</param>
/// <param name="ProblemZh">What is wrong, in Chinese.</param>
public sealed record FieldProblem(string Field, string Problem, [property: JsonPropertyName("problemZh")] string ProblemZh);
