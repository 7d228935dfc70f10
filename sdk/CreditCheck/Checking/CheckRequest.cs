namespace CreditCheck;

/// <summary>One transaction to check: who, in which business scenario, and for the record, where.</summary>
/// <remarks>Immutable.</remarks>
public sealed record CheckRequest
{
    /// <summary>Creates a request.</summary>
    /// <param name="subject">The applicant, bidder or supplier; must not be <c>default</c>.</param>
    /// <param name="scenario">A scenario code of the catalog, e.g. <c>procurement.bid</c>; an
    /// undeclared sub-code falls back to its nearest declared ancestor.</param>
    /// <exception cref="ArgumentException">The subject is empty or the scenario is blank.</exception>
    public CheckRequest(SubjectId subject, string scenario)
    {
        if (subject.IsEmpty)
        {
            throw new ArgumentException("The subject id is empty; parse it with SubjectId.Parse first.", nameof(subject));
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(scenario);
        Subject = subject;
        Scenario = scenario;
    }

    /// <summary>The subject checked.</summary>
    public SubjectId Subject { get; }

    /// <summary>The scenario code.</summary>
    public string Scenario { get; }

    /// <summary>The host's transaction reference (办件编号, 项目编号), carried into the decision and feedback.</summary>
    public string? TransactionReference { get; init; }

    /// <summary>The department doing the check (for statistics and feedback).</summary>
    public string? Department { get; init; }

    /// <summary>The operator (clerk) doing the check.</summary>
    public string? Operator { get; init; }

    /// <summary>A check id given in advance, for a tool that reports feedback on a check made elsewhere (the
    /// operator tool's <c>feedback report</c>): the check is decided again under this id, so that the
    /// feedback keeps its keys, and it is not counted again in the check counts (考核). Null (the default): a new
    /// UUID v7.</summary>
    public Guid? PresetCheckId { get; init; }
}
