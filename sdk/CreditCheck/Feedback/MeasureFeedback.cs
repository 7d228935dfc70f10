namespace CreditCheck;

/// <summary>The host's report on one applied measure.</summary>
/// <param name="MeasureCode">The measure's catalog code; it must be one the decision applied.</param>
/// <param name="Result">What was done.</param>
public sealed record MeasureFeedback(string MeasureCode, ExecutionResult Result)
{
    /// <summary>Why it was not executed or was overridden; required for those results.</summary>
    public string? Reason { get; init; }

    /// <summary>Who overrode the measure; required for <see cref="ExecutionResult.Overridden"/>.</summary>
    public string? OverriddenBy { get; init; }

    /// <summary>The result in the host's words, e.g. "不予受理" or "已减免保证金".</summary>
    public string? Outcome { get; init; }

    /// <summary>An amount the measure involved (e.g. a deposit waived, a subsidy withheld), in yuan.</summary>
    public decimal? Amount { get; init; }

    /// <summary>When the measure's effect starts, if it has one of its own.</summary>
    public DateTimeOffset? EffectiveFrom { get; init; }

    /// <summary>When the measure's effect ends, if it has one of its own.</summary>
    public DateTimeOffset? EffectiveUntil { get; init; }
}
