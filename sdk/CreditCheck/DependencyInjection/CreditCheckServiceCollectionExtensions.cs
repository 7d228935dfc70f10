using System.Diagnostics.Metrics;
using CreditCheck.Stores;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CreditCheck;

/// <summary>Registers CreditCheck in a host's services.</summary>
public static class CreditCheckServiceCollectionExtensions
{
    /// <summary>Registers <see cref="ICreditChecker"/> (singleton) with options set in code. Choose a
    /// store next: <c>.UseInMemory(...)</c> or <c>.UseRedis(...)</c>. Calling it twice is harmless.</summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configure">Sets <see cref="CreditCheckOptions"/>; optional.</param>
    /// <returns>The builder.</returns>
    public static CreditCheckBuilder AddCreditCheck(this IServiceCollection services, Action<CreditCheckOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<CreditCheckOptions>().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return AddCore(services);
    }

    /// <summary>Registers <see cref="ICreditChecker"/> with options bound from a configuration section
    /// (conventionally <see cref="CreditCheckOptions.SectionName"/>).</summary>
    /// <param name="services">The host's services.</param>
    /// <param name="section">The section holding <see cref="CreditCheckOptions"/>.</param>
    /// <returns>The builder.</returns>
    public static CreditCheckBuilder AddCreditCheck(this IServiceCollection services, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        services.AddOptions<CreditCheckOptions>().Bind(section).ValidateOnStart();
        services.AddOptions<FeedbackOptions>().Bind(section.GetSection(FeedbackOptions.SectionName));
        return AddCore(services);
    }

    private static CreditCheckBuilder AddCore(IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CreditCheckOptions>, CreditCheckOptionsValidator>());
        services.TryAddSingleton<ICreditStore>(_ => throw new InvalidOperationException(
            "CreditCheck has no store: call .UseInMemory(...) or .UseRedis(...) on the builder that AddCreditCheck returns."));
        services.TryAddSingleton<ICreditChecker>(sp => new CreditChecker(
            sp.GetRequiredService<ICreditStore>(),
            sp.GetRequiredService<IOptions<CreditCheckOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>(),
            sp.GetService<CreditCheckMetrics>(),
            sp.GetService<CheckCounter>()));
        services.TryAddSingleton<ICommitmentStore, MissingCommitmentStore>();
        services.TryAddSingleton<ICreditCommitments>(sp => new CreditCommitments(
            sp.GetRequiredService<ICommitmentStore>(),
            sp.GetService<ICreditPublisher>(),
            sp.GetRequiredService<TimeProvider>()));
        AddFeedback(services);
        AddDiagnostics(services);
        return new CreditCheckBuilder(services);
    }

    // The CreditCheck meter (through the host's IMeterFactory) and the health check, once. The check
    // joins the host's health checks (services.AddHealthChecks()) without imposing them on a host that has none.
    private static void AddDiagnostics(IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(CreditCheckHealthCheck)))
        {
            return;
        }

        services.AddMetrics();
        services.TryAddSingleton(sp => new CreditCheckMetrics(
            sp.GetRequiredService<IMeterFactory>(), sp.GetRequiredService<ICreditStore>(), sp.GetRequiredService<TimeProvider>(), sp.GetService<IFeedbackHealth>()));
        services.AddSingleton<CreditCheckHealthCheck>();
        services.Configure<HealthCheckServiceOptions>(o => o.Registrations.Add(new HealthCheckRegistration(
            CreditCheckDiagnostics.HealthCheckName, sp => sp.GetRequiredService<CreditCheckHealthCheck>(), failureStatus: null, tags: ["creditcheck", "ready"])));
    }

    /// <summary>Feedback delivery, started with the host; the store chosen next supplies the sink.</summary>
    private static void AddFeedback(IServiceCollection services)
    {
        services.AddOptions<FeedbackOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FeedbackOptions>, FeedbackOptionsValidator>());
        services.TryAddSingleton<IFeedbackSink, MissingFeedbackSink>();
        services.TryAddSingleton(sp => new CreditFeedback(
            sp.GetRequiredService<IOptions<FeedbackOptions>>().Value,
            sp.GetRequiredService<IFeedbackSink>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()));
        services.TryAddSingleton<ICreditFeedback>(sp => sp.GetRequiredService<CreditFeedback>());
        services.TryAddSingleton<IFeedbackHealth>(sp => sp.GetRequiredService<CreditFeedback>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, FeedbackStartup>());
    }
}
