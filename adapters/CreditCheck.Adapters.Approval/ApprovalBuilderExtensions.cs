using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CreditCheck.Adapters.Approval;

/// <summary>Plugs the approval adapter into the CreditCheck builder.</summary>
public static class ApprovalBuilderExtensions
{
    /// <summary>Registers <see cref="ApprovalAdapter"/> (singleton) with options set in code. Calling it twice is harmless.</summary>
    /// <param name="builder">The builder from <c>AddCreditCheck</c>.</param>
    /// <param name="configure">Sets <see cref="ApprovalOptions"/>; optional.</param>
    /// <returns>A builder for the host's matter maps.</returns>
    public static ApprovalAdapterBuilder AddApprovalAdapter(this CreditCheckBuilder builder, Action<ApprovalOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<ApprovalOptions>().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return Register(builder.Services);
    }

    /// <summary>Registers <see cref="ApprovalAdapter"/> with options bound from a configuration section
    /// (conventionally <see cref="ApprovalOptions.SectionName"/>).</summary>
    /// <param name="builder">The builder from <c>AddCreditCheck</c>.</param>
    /// <param name="section">The section holding <see cref="ApprovalOptions"/>.</param>
    /// <returns>A builder for the host's matter maps.</returns>
    public static ApprovalAdapterBuilder AddApprovalAdapter(this CreditCheckBuilder builder, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        builder.Services.AddOptions<ApprovalOptions>().Bind(section).ValidateOnStart();
        return Register(builder.Services);
    }

    private static ApprovalAdapterBuilder Register(IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ApprovalOptions>, ApprovalOptionsValidator>());
        services.TryAddSingleton<ApprovalAdapter>();
        return new ApprovalAdapterBuilder(services);
    }
}
