using CreditCheck.Stores;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CreditCheck.Redis;

/// <summary>Plugs the Redis store into the builder.</summary>
public static class RedisStoreBuilderExtensions
{
    /// <summary>Uses the Redis store, connecting with a StackExchange.Redis configuration string. Also registers the
    /// namespace's check counter (<c>cc:{ns}:counts:{day}</c>), its commitments (<see cref="ICreditCommitments"/>)
    /// and an <see cref="ICreditPublisher"/> connected on first use (a breach lists the subject through it).</summary>
    /// <param name="builder">The builder from <c>AddCreditCheck</c>.</param>
    /// <param name="configuration">e.g. <c>127.0.0.1:6379</c>.</param>
    /// <param name="configure">Sets the namespace, the secret and the rest of <see cref="RedisStoreOptions"/>.</param>
    /// <returns>The builder.</returns>
    public static CreditCheckBuilder UseRedis(this CreditCheckBuilder builder, string configuration, Action<RedisStoreOptions> configure)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        ArgumentNullException.ThrowIfNull(configure);
        return Register(builder, null, o =>
        {
            o.Configuration = configuration;
            configure(o);
        });
    }

    /// <summary>Uses the Redis store on the host's own connection (the one it shares with, say,
    /// <c>AddStackExchangeRedisCache</c>), which the store leaves open. The connection's user needs
    /// <see cref="RedisAcl.SdkCommands"/> on the namespace's keys.</summary>
    /// <param name="builder">The builder from <c>AddCreditCheck</c>.</param>
    /// <param name="multiplexer">The host's long-lived connection.</param>
    /// <param name="configure">Sets the namespace, the secret and the rest of <see cref="RedisStoreOptions"/>.</param>
    /// <returns>The builder.</returns>
    public static CreditCheckBuilder UseRedis(this CreditCheckBuilder builder, IConnectionMultiplexer multiplexer, Action<RedisStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(multiplexer);
        ArgumentNullException.ThrowIfNull(configure);
        return Register(builder, multiplexer, configure);
    }

    private static CreditCheckBuilder Register(CreditCheckBuilder builder, IConnectionMultiplexer? multiplexer, Action<RedisStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<RedisStoreOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisStoreOptions>, RedisStoreOptionsValidator>());
        services.TryAddSingleton(sp => new RedisCreditStore(
            sp.GetRequiredService<IOptions<RedisStoreOptions>>().Value,
            sp.GetRequiredService<IOptions<CreditCheckOptions>>().Value,
            multiplexer,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()));
        services.Replace(ServiceDescriptor.Singleton<ICreditStore>(sp => sp.GetRequiredService<RedisCreditStore>()));
        services.TryAddSingleton(sp => new RedisFeedbackSink(
            sp.GetRequiredService<RedisCreditStore>(),
            sp.GetRequiredService<IOptions<RedisStoreOptions>>().Value,
            sp.GetRequiredService<TimeProvider>()));
        services.Replace(ServiceDescriptor.Singleton<IFeedbackSink>(sp => sp.GetRequiredService<RedisFeedbackSink>()));
        services.Replace(ServiceDescriptor.Singleton<CheckCounter>(sp => new RedisCheckCounter(
            sp.GetRequiredService<RedisCreditStore>(),
            sp.GetRequiredService<IOptions<RedisStoreOptions>>().Value,
            sp.GetRequiredService<TimeProvider>())));
        services.Replace(ServiceDescriptor.Singleton<ICommitmentStore>(sp => new RedisCommitmentStore(
            sp.GetRequiredService<RedisCreditStore>(),
            sp.GetRequiredService<IOptions<RedisStoreOptions>>().Value,
            sp.GetRequiredService<TimeProvider>())));
        services.TryAddSingleton<ICreditPublisher>(sp => new RedisLazyPublisher(
            sp.GetRequiredService<RedisCreditStore>(),
            sp.GetRequiredService<IOptions<RedisStoreOptions>>().Value,
            sp.GetService<ILoggerFactory>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, RedisStoreStartup>());
        return builder;
    }
}

/// <summary>Starts the store with the host: connects, waits a bounded time for the first sync, and
/// fails the host's start on a secret mismatch.</summary>
internal sealed class RedisStoreStartup(RedisCreditStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => store.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
