using CreditCheck.Redis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CreditCheck.Platform;

/// <summary>Registers the sync relay on the builder: <c>.UseRedis(…).AddPlatformSync(o => …)</c>.</summary>
public static class PlatformSyncBuilderExtensions
{
    /// <summary>Runs a <see cref="PlatformSyncRelay"/> as a hosted service: it keeps the Redis namespace of
    /// <c>UseRedis</c> equal to the platform's lists while the host runs. The secret, when not set, is read
    /// from the environment variable <c>CREDITCHECK_PLATFORM_SECRET</c>.</summary>
    /// <param name="builder">The CreditCheck builder (with <c>UseRedis</c>).</param>
    /// <param name="configure">Sets the platform's address, the client id, the lists and the reconnection settings.</param>
    /// <returns>The builder.</returns>
    public static CreditCheckBuilder AddPlatformSync(this CreditCheckBuilder builder, Action<PlatformSyncOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddOptions<PlatformSyncOptions>().Configure(o =>
        {
            configure(o);
            if (string.IsNullOrEmpty(o.Platform.Secret))
            {
                o.Platform.Secret = Environment.GetEnvironmentVariable("CREDITCHECK_PLATFORM_SECRET") ?? "";
            }
        });
        builder.Services.AddHostedService(sp => new PlatformSyncService(
            sp.GetRequiredService<IOptions<PlatformSyncOptions>>().Value,
            sp.GetRequiredService<IOptions<RedisStoreOptions>>().Value,
            sp.GetService<IConnectionMultiplexer>(),
            sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance,
            sp.GetService<TimeProvider>() ?? TimeProvider.System));
        return builder;
    }
}

/// <summary>The relay while the host runs: connects the publisher (retrying while Redis is down), then follows the platform.</summary>
internal sealed class PlatformSyncService(
    PlatformSyncOptions options, RedisStoreOptions redis, IConnectionMultiplexer? multiplexer, ILoggerFactory loggers, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        options.Validate();
        var logger = loggers.CreateLogger<PlatformSyncRelay>();
        var delay = options.MinReconnectDelay;
        RedisCreditPublisher? publisher = null;
        while (publisher is null)
        {
            try
            {
                publisher = await RedisCreditPublisher.ConnectAsync(redis, redis.Configuration is null ? multiplexer : null, loggers, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is RedisException or TimeoutException or InvalidOperationException && !stoppingToken.IsCancellationRequested)
            {
                PlatformSyncServiceLog.RedisUnavailable(logger, redis.Namespace, e.Message, delay.TotalSeconds);
                await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.MaxReconnectDelay.Ticks));
            }
        }

        await using (publisher.ConfigureAwait(false))
        {
            using var relay = new PlatformSyncRelay(options, publisher, loggers.CreateLogger<PlatformSyncRelay>(), time);
            await relay.RunAsync(stoppingToken).ConfigureAwait(false);
        }
    }
}

internal static partial class PlatformSyncServiceLog
{
    [LoggerMessage(5110, LogLevel.Warning, "Platform sync: the Redis namespace '{Namespace}' cannot be reached ({Reason}); retrying in {Seconds:F0} s", EventName = "PlatformSyncRedisUnavailable")]
    public static partial void RedisUnavailable(ILogger logger, string @namespace, string reason, double seconds);
}
