using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CreditCheck.Adapters.Supervision;

/// <summary>Plugs the supervision adapter into the CreditCheck builder.</summary>
public static class SupervisionBuilderExtensions
{
    /// <summary>Registers <see cref="SupervisionPlanner"/> (singleton). Calling it twice is harmless.</summary>
    /// <param name="builder">The builder from <c>AddCreditCheck</c>.</param>
    /// <param name="configure">Sets <see cref="SupervisionOptions"/>; optional.</param>
    /// <returns>The builder.</returns>
    public static CreditCheckBuilder AddSupervisionAdapter(this CreditCheckBuilder builder, Action<SupervisionOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<SupervisionOptions>()
            .Validate(o => o.ReducedMultiplier > 0 && o.ReducedMultiplier <= 1, "SupervisionOptions.ReducedMultiplier must be in (0, 1].")
            .Validate(o => o.IncreasedMultiplier >= 1, "SupervisionOptions.IncreasedMultiplier must be at least 1.")
            .Validate(o => o.BatchSize >= 1, "SupervisionOptions.BatchSize must be at least 1.")
            .ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.TryAddSingleton<SupervisionPlanner>();
        return builder;
    }
}
