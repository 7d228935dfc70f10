using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Scrutor;

namespace CreditCheck.Adapters.Approval;

/// <summary>Plugs the approval adapter, and the host's matter maps, into the CreditCheck builder.</summary>
/// <remarks>Every method returns the <see cref="CreditCheckBuilder"/>, so the chain goes on with the store,
/// the other adapters and the evidence receipts (<c>services.AddCreditCheck().UseRedis(…).AddApprovalAdapter(…)
/// .ScanMatterMaps(…).AddProcurementAdapter()</c>).</remarks>
public static class ApprovalBuilderExtensions
{
    /// <summary>Registers <see cref="ApprovalAdapter"/> (singleton) with options set in code. Calling it twice is harmless.</summary>
    /// <param name="builder">The builder from <c>AddCreditCheck</c>.</param>
    /// <param name="configure">Sets <see cref="ApprovalOptions"/>; optional.</param>
    /// <returns>The builder, for the host's matter maps (<see cref="AddMatterMap{TMap}"/>, <see cref="ScanMatterMaps"/>) and the rest of the chain.</returns>
    public static CreditCheckBuilder AddApprovalAdapter(this CreditCheckBuilder builder, Action<ApprovalOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<ApprovalOptions>().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return Register(builder);
    }

    /// <summary>Registers <see cref="ApprovalAdapter"/> with options bound from a configuration section
    /// (conventionally <see cref="ApprovalOptions.SectionName"/>).</summary>
    /// <param name="builder">The builder from <c>AddCreditCheck</c>.</param>
    /// <param name="section">The section holding <see cref="ApprovalOptions"/>.</param>
    /// <returns>The builder, for the host's matter maps and the rest of the chain.</returns>
    public static CreditCheckBuilder AddApprovalAdapter(this CreditCheckBuilder builder, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        builder.Services.AddOptions<ApprovalOptions>().Bind(section).ValidateOnStart();
        return Register(builder);
    }

    /// <summary>Registers one of the host's matter maps (singleton). Registering the same type twice is harmless.</summary>
    /// <typeparam name="TMap">The host's map.</typeparam>
    /// <param name="builder">The builder from <c>AddCreditCheck</c>.</param>
    /// <returns>The builder.</returns>
    public static CreditCheckBuilder AddMatterMap<TMap>(this CreditCheckBuilder builder)
        where TMap : class, IMatterScenarioMap
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IMatterScenarioMap, TMap>());
        return builder;
    }

    /// <summary>Registers (singleton) every concrete class implementing <see cref="IMatterScenarioMap"/> in
    /// the given assemblies, with Scrutor. Opt-in: nothing is scanned unless this is called. Scanning twice,
    /// or scanning a map also added with <see cref="AddMatterMap{TMap}"/>, registers it once.</summary>
    /// <param name="builder">The builder from <c>AddCreditCheck</c>.</param>
    /// <param name="assemblies">The host's assemblies holding its maps.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">No assembly was given.</exception>
    public static CreditCheckBuilder ScanMatterMaps(this CreditCheckBuilder builder, params Assembly[] assemblies)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(assemblies);
        if (assemblies.Length == 0)
        {
            throw new ArgumentException("Name at least one assembly to scan for IMatterScenarioMap classes.", nameof(assemblies));
        }

        builder.Services.Scan(scan => scan
            .FromAssemblies(assemblies)
            .AddClasses(classes => classes.AssignableTo<IMatterScenarioMap>(), publicOnly: false)
            .UsingRegistrationStrategy(OncePerImplementation.Instance)
            .As<IMatterScenarioMap>()
            .WithSingletonLifetime());
        return builder;
    }

    private static CreditCheckBuilder Register(CreditCheckBuilder builder)
    {
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ApprovalOptions>, ApprovalOptionsValidator>());
        builder.Services.TryAddSingleton<ApprovalAdapter>();
        return builder;
    }

    /// <summary>Adds a map unless the same implementation is already registered (TryAddEnumerable).</summary>
    private sealed class OncePerImplementation : RegistrationStrategy
    {
        public static readonly OncePerImplementation Instance = new();

        public override void Apply(IServiceCollection services, ServiceDescriptor descriptor) => services.TryAddEnumerable(descriptor);
    }
}
