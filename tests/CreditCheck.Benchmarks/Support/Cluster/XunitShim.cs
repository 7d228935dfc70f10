namespace CreditCheck.Tests.Support;

/// <summary>
/// Stands in for xunit's <c>IAsyncLifetime</c>: the linked RedisServer.cs also holds the test project's
/// <c>RedisFixture</c>, which implements it, and the benchmark does not reference xunit. Nothing here uses it.
/// </summary>
internal interface IAsyncLifetime : IAsyncDisposable
{
    ValueTask InitializeAsync();
}
