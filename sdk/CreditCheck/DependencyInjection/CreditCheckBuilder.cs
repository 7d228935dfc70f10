using Microsoft.Extensions.DependencyInjection;

namespace CreditCheck;

/// <summary>Returned by <c>AddCreditCheck</c>; the store and adapters plug in through its extension
/// methods (<c>.UseInMemory(...)</c>, <c>.UseRedis(...)</c>, <c>.AddProcurementAdapter(...)</c>).</summary>
public sealed class CreditCheckBuilder
{
    internal CreditCheckBuilder(IServiceCollection services) => Services = services;

    /// <summary>The host's service collection, for extensions that register more services.</summary>
    public IServiceCollection Services { get; }
}
