using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CreditCheck.Platform;

/// <summary>Plugs the query-through store into the builder.</summary>
public static class PlatformStoreBuilderExtensions
{
    /// <summary>Answers every check by querying the credit platform (no copy of the lists here), caching
    /// answers in the host's <see cref="IDistributedCache"/> — e.g. <c>AddStackExchangeRedisCache</c> on
    /// the host's Redis — when one is registered; without one every check queries the platform.</summary>
    /// <param name="builder">The builder from <c>AddCreditCheck</c>.</param>
    /// <param name="address">The platform's gRPC address.</param>
    /// <param name="configure">Sets the client id, the secret (from the environment) and the TTLs.</param>
    /// <returns>The builder.</returns>
    public static CreditCheckBuilder UsePlatform(this CreditCheckBuilder builder, Uri address, Action<PlatformStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(configure);
        var services = builder.Services;
        services.AddOptions<PlatformStoreOptions>()
            .Configure(o =>
            {
                o.Platform.Address = address;
                configure(o);
            })
            .Validate(o => { o.Validate(); return true; })
            .ValidateOnStart();
        services.TryAddSingleton(sp =>
        {
            var cache = sp.GetService<IDistributedCache>();
            var options = sp.GetRequiredService<IOptions<PlatformStoreOptions>>().Value;
            var loggerFactory = sp.GetService<ILoggerFactory>();
            if (cache is null && loggerFactory is not null)
            {
                PlatformLog.NoCache(loggerFactory.CreateLogger<PlatformCreditStore>(), address.ToString());
            }

            return new PlatformCreditStore(
                options,
                cache,
                sp.GetRequiredService<IOptions<CreditCheckOptions>>().Value.MaxStaleness,
                sp.GetRequiredService<TimeProvider>(),
                loggerFactory);
        });
        services.Replace(ServiceDescriptor.Singleton<Stores.ICreditStore>(sp => sp.GetRequiredService<PlatformCreditStore>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, PlatformStoreStartup>());
        return builder;
    }
}

/// <summary>Loads the catalog and starts following the Sync stream with the host.</summary>
internal sealed class PlatformStoreStartup(PlatformCreditStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => store.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => store.StopAsync();
}
