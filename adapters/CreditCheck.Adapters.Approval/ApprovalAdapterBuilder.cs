using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Scrutor;

namespace CreditCheck.Adapters.Approval;

/// <summary>Returned by <c>AddApprovalAdapter</c>: registers the host's matter maps.</summary>
public sealed class ApprovalAdapterBuilder
{
    internal ApprovalAdapterBuilder(IServiceCollection services) => Services = services;

    /// <summary>The host's service collection.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Registers one matter map (singleton). Registering the same type twice is harmless.</summary>
    /// <typeparam name="TMap">The host's map.</typeparam>
    /// <returns>This builder.</returns>
    public ApprovalAdapterBuilder AddMatterMap<TMap>()
        where TMap : class, IMatterScenarioMap
    {
        Services.TryAddEnumerable(ServiceDescriptor.Singleton<IMatterScenarioMap, TMap>());
        return this;
    }

    /// <summary>Registers (singleton) every concrete class implementing <see cref="IMatterScenarioMap"/> in
    /// the given assemblies, with Scrutor. Opt-in: nothing is scanned unless this is called. Scanning twice,
    /// or scanning a map also added with <see cref="AddMatterMap{TMap}"/>, registers it once.</summary>
    /// <param name="assemblies">The host's assemblies holding its maps.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException">No assembly was given.</exception>
    public ApprovalAdapterBuilder ScanMatterMaps(params Assembly[] assemblies)
    {
        ArgumentNullException.ThrowIfNull(assemblies);
        if (assemblies.Length == 0)
        {
            throw new ArgumentException("Name at least one assembly to scan for IMatterScenarioMap classes.", nameof(assemblies));
        }

        Services.Scan(scan => scan
            .FromAssemblies(assemblies)
            .AddClasses(classes => classes.AssignableTo<IMatterScenarioMap>(), publicOnly: false)
            .UsingRegistrationStrategy(OncePerImplementation.Instance)
            .As<IMatterScenarioMap>()
            .WithSingletonLifetime());
        return this;
    }

    /// <summary>Adds a map unless the same implementation is already registered (TryAddEnumerable).</summary>
    private sealed class OncePerImplementation : RegistrationStrategy
    {
        public static readonly OncePerImplementation Instance = new();

        public override void Apply(IServiceCollection services, ServiceDescriptor descriptor) => services.TryAddEnumerable(descriptor);
    }
}
