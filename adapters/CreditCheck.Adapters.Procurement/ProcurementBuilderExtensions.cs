using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CreditCheck.Adapters.Procurement;

/// <summary>Plugs the procurement adapter into the CreditCheck builder.</summary>
public static class ProcurementBuilderExtensions
{
    /// <summary>Registers <see cref="ProcurementAdapter"/> (singleton) with options set in code. Calling it twice is harmless.</summary>
    /// <param name="builder">The builder from <c>AddCreditCheck</c>.</param>
    /// <param name="configure">Sets <see cref="ProcurementOptions"/>; optional.</param>
    /// <returns>The builder.</returns>
    public static CreditCheckBuilder AddProcurementAdapter(this CreditCheckBuilder builder, Action<ProcurementOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<ProcurementOptions>().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return Register(builder);
    }

    /// <summary>Registers <see cref="ProcurementAdapter"/> with options bound from a configuration section
    /// (conventionally <see cref="ProcurementOptions.SectionName"/>).</summary>
    /// <param name="builder">The builder from <c>AddCreditCheck</c>.</param>
    /// <param name="section">The section holding <see cref="ProcurementOptions"/>.</param>
    /// <returns>The builder.</returns>
    public static CreditCheckBuilder AddProcurementAdapter(this CreditCheckBuilder builder, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        builder.Services.AddOptions<ProcurementOptions>().Bind(section).ValidateOnStart();
        return Register(builder);
    }

    private static CreditCheckBuilder Register(CreditCheckBuilder builder)
    {
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ProcurementOptions>, ProcurementOptionsValidator>());
        builder.Services.TryAddSingleton<ProcurementAdapter>();
        return builder;
    }
}
