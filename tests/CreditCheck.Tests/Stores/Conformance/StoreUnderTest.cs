using CreditCheck.Stores;

namespace CreditCheck.Tests.Stores.Conformance;

/// <summary>A store and its publisher as the conformance suite sees them.</summary>
/// <param name="Store">The read side.</param>
/// <param name="Publisher">The write side.</param>
/// <param name="Settle">Waits until the read side reflects a sequence the publisher returned.</param>
/// <param name="Cleanup">Releases both.</param>
public sealed record StoreUnderTest(ICreditStore Store, ICreditPublisher Publisher, Func<long, Task> Settle, Func<ValueTask> Cleanup) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Cleanup();
}
