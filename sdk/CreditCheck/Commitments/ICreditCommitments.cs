namespace CreditCheck;

/// <summary>
/// The 信用承诺 lifecycle (DOMAIN §8): record a promise, list the open and overdue ones, mark one kept or
/// broken. A breach lists the subject on the catalog's <c>broken-commitments</c> list through the store's
/// publisher, so the change feed refuses the subject's next 告知承诺 and 容缺受理 on every host until repair.
/// </summary>
/// <remarks>Registered by <c>UseInMemory</c> and <c>UseRedis</c>; thread-safe. Commitments are kept in the
/// store: the Redis namespace, or the embedded store's data folder.</remarks>
public interface ICreditCommitments
{
    /// <summary>Records a promise, open until its due day.</summary>
    /// <param name="commitment">The promise.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The recorded commitment with its id.</returns>
    /// <exception cref="ArgumentException">The subject is empty, the matter or promise is blank, or the due day is already past
    /// (China Standard Time) and <see cref="NewCommitment.TakenEarlier"/> is not set.</exception>
    Task<CreditCommitment> RecordAsync(NewCommitment commitment, CancellationToken cancellationToken = default);

    /// <summary>One commitment, or null when no commitment has this id.</summary>
    /// <param name="id">The commitment's id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The commitment, or null.</returns>
    Task<CreditCommitment?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>The commitments, oldest first.</summary>
    /// <param name="overdueOnly">Only the open ones past their due day.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The commitments.</returns>
    Task<IReadOnlyList<CreditCommitment>> ListAsync(bool overdueOnly = false, CancellationToken cancellationToken = default);

    /// <summary>Marks an open commitment kept (已履约).</summary>
    /// <param name="id">The commitment's id.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The fulfilled commitment.</returns>
    /// <exception cref="KeyNotFoundException">No commitment has this id.</exception>
    /// <exception cref="InvalidOperationException">It is no longer open.</exception>
    Task<CreditCommitment> FulfilAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Marks an open commitment broken (未履约, or found false) and lists the subject on
    /// <c>broken-commitments</c> (entry id <c>commitment-{id}</c>), which voids its 告知承诺 and 容缺受理 until repair.</summary>
    /// <param name="id">The commitment's id.</param>
    /// <param name="reason">Why, as the department confirmed it; required.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The breached commitment.</returns>
    /// <exception cref="ArgumentException">The reason is blank.</exception>
    /// <exception cref="KeyNotFoundException">No commitment has this id.</exception>
    /// <exception cref="InvalidOperationException">It is no longer open, or the catalog has no <c>broken-commitments</c> list.</exception>
    Task<CreditCommitment> BreachAsync(string id, string reason, CancellationToken cancellationToken = default);
}
