using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CreditCheck.Adapters.Bidding;

/// <summary>Plugs the bidding adapter into the CreditCheck builder.</summary>
public static class BiddingBuilderExtensions
{
    /// <summary>Registers <see cref="BiddingAdapter"/> (singleton) with options set in code. Calling it twice is harmless.</summary>
    /// <param name="builder">The builder from <c>AddCreditCheck</c>.</param>
    /// <param name="configure">Sets <see cref="BiddingOptions"/>; optional.</param>
    /// <returns>The builder.</returns>
    public static CreditCheckBuilder AddBiddingAdapter(this CreditCheckBuilder builder, Action<BiddingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<BiddingOptions>().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return Register(builder);
    }

    /// <summary>Registers <see cref="BiddingAdapter"/> with options bound from a configuration section
    /// (conventionally <see cref="BiddingOptions.SectionName"/>).</summary>
    /// <param name="builder">The builder from <c>AddCreditCheck</c>.</param>
    /// <param name="section">The section holding <see cref="BiddingOptions"/>.</param>
    /// <returns>The builder.</returns>
    public static CreditCheckBuilder AddBiddingAdapter(this CreditCheckBuilder builder, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        builder.Services.AddOptions<BiddingOptions>().Bind(section).ValidateOnStart();
        return Register(builder);
    }

    private static CreditCheckBuilder Register(CreditCheckBuilder builder)
    {
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BiddingOptions>, BiddingOptionsValidator>());
        builder.Services.TryAddSingleton<BiddingAdapter>();
        return builder;
    }
}
