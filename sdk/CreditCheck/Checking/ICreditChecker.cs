namespace CreditCheck;

/// <summary>
/// The one call a host makes: check a subject in a business scenario and get back, inline, the
/// measures that apply with their legal basis.
/// </summary>
/// <remarks>
/// Register with <c>services.AddCreditCheck(...).UseInMemory(...)</c> (or <c>.UseRedis(...)</c>) and
/// inject it; it is a thread-safe singleton meant to live as long as the host. Business outcomes
/// (a denied bidder, a store that could not answer) are decisions, never exceptions; exceptions
/// mean misuse (an unknown scenario) or cancellation. Mock this interface in the host's own tests.
/// <example>
/// <code>
/// var applicant = SubjectId.Parse("91350100M000100Y43", SubjectKind.LegalEntity);
/// var decision = await checker.CheckAsync(new CheckRequest(applicant, "procurement.bid"));
/// if (decision.Outcome == DecisionOutcome.Denied)
/// {
///     foreach (var m in decision.AppliedMeasures) Console.WriteLine($"{m.Measure.Name}: {m.LegalBasis}");
/// }
/// </code>
/// </example>
/// </remarks>
public interface ICreditChecker
{
    /// <summary>Checks one subject.</summary>
    /// <param name="request">Who, where, and the transaction's references.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>The decision; completes synchronously when answered locally.</returns>
    /// <exception cref="ArgumentException">The scenario is not in the catalog, nor any ancestor of it.</exception>
    ValueTask<CreditDecision> CheckAsync(CheckRequest request, CancellationToken cancellationToken = default);

    /// <summary>Checks many subjects at once (a tender's bidders, a day's applications), reading
    /// the store once for all of them.</summary>
    /// <param name="requests">The checks; at most <see cref="CreditCheckOptions.MaxBatchSize"/>.</param>
    /// <param name="cancellationToken">Cancels the checks.</param>
    /// <returns>One decision per request, in the same order.</returns>
    /// <exception cref="ArgumentException">A scenario is unknown, or the batch is too large.</exception>
    ValueTask<IReadOnlyList<CreditDecision>> CheckManyAsync(IReadOnlyList<CheckRequest> requests, CancellationToken cancellationToken = default);
}
