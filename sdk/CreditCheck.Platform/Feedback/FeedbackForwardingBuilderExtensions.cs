using CreditCheck.Redis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CreditCheck.Platform;

/// <summary>Runs the feedback forwarder in the host.</summary>
public static class FeedbackForwardingBuilderExtensions
{
    /// <summary>Forwards the Redis namespace's feedback stream to the credit platform while the host runs
    /// (a hosted service on the Redis store's connection). Needs <c>UseRedis</c>. One forwarder per
    /// namespace is enough; more share the work through the consumer group.</summary>
    /// <param name="builder">The builder from <c>AddCreditCheck</c>, with <c>UseRedis</c>.</param>
    /// <param name="configure">Sets the platform (<see cref="FeedbackForwardingOptions.Platform"/>) and the rest.</param>
    /// <returns>The builder.</returns>
    public static CreditCheckBuilder AddFeedbackForwarding(this CreditCheckBuilder builder, Action<FeedbackForwardingOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddOptions<FeedbackForwardingOptions>().Configure(configure)
            .Validate(o => { o.Validate(); return true; })
            .ValidateOnStart();
        builder.Services.AddHostedService(sp => new FeedbackForwardingService(
            sp.GetRequiredService<RedisCreditStore>(),
            sp.GetRequiredService<IOptions<RedisStoreOptions>>().Value,
            sp.GetRequiredService<IOptions<FeedbackForwardingOptions>>().Value,
            sp.GetService<ILoggerFactory>(),
            sp.GetRequiredService<TimeProvider>()));
        return builder;
    }
}

/// <summary>The forwarder as a hosted service, on the store's own multiplexer.</summary>
internal sealed class FeedbackForwardingService(
    RedisCreditStore store, RedisStoreOptions redis, FeedbackForwardingOptions options, ILoggerFactory? loggerFactory, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var multiplexer = await store.GetMultiplexerAsync(stoppingToken).ConfigureAwait(false);
        using var forwarder = new FeedbackForwarder(multiplexer, redis.Namespace, options, loggerFactory, time);
        await forwarder.RunAsync(stoppingToken).ConfigureAwait(false);
    }
}
