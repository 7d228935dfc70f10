namespace CreditCheck.Stores;

/// <summary>Where a store keeps commitments (信用承诺): the persistence behind <see cref="ICreditCommitments"/>,
/// whose lifecycle rules (validation, breach → listing) are the SDK's. A store registers its implementation
/// as <c>ICommitmentStore</c>.</summary>
/// <remarks>Implementations are thread-safe; <see cref="CloseAsync"/> is atomic against a concurrent close.</remarks>
public interface ICommitmentStore
{
    /// <summary>Adds a new, open commitment.</summary>
    /// <param name="commitment">The commitment; its id is new.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>Completes once stored.</returns>
    Task AddAsync(CreditCommitment commitment, CancellationToken cancellationToken);

    /// <summary>One commitment, or null.</summary>
    /// <param name="id">Its id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The commitment, or null.</returns>
    Task<CreditCommitment?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Every commitment, in any order.</summary>
    /// <param name="openOnly">Only the open ones (a store may answer this from an index).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The commitments.</returns>
    Task<IReadOnlyList<CreditCommitment>> ListAsync(bool openOnly, CancellationToken cancellationToken);

    /// <summary>Replaces an open commitment by its closed state (fulfilled or breached), only if it is still open.</summary>
    /// <param name="closed">The closed state, same id.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>False when the commitment was no longer open (or does not exist): nothing was written.</returns>
    Task<bool> CloseAsync(CreditCommitment closed, CancellationToken cancellationToken);
}

/// <summary>The store registered when no store was chosen: every call fails and says what is missing.</summary>
internal sealed class MissingCommitmentStore : ICommitmentStore
{
    private static InvalidOperationException Missing() => new(
        "Commitments have nowhere to go: call .UseInMemory(...) or .UseRedis(...) on the builder that AddCreditCheck returns.");

    public Task AddAsync(CreditCommitment commitment, CancellationToken cancellationToken) => Task.FromException(Missing());

    public Task<CreditCommitment?> GetAsync(string id, CancellationToken cancellationToken) => Task.FromException<CreditCommitment?>(Missing());

    public Task<IReadOnlyList<CreditCommitment>> ListAsync(bool openOnly, CancellationToken cancellationToken) => Task.FromException<IReadOnlyList<CreditCommitment>>(Missing());

    public Task<bool> CloseAsync(CreditCommitment closed, CancellationToken cancellationToken) => Task.FromException<bool>(Missing());
}
