using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CreditCheck;

/// <summary>Registers signed evidence receipts on the builder.</summary>
public static class EvidenceReceiptBuilderExtensions
{
    /// <summary>Registers <see cref="IEvidenceSigner"/> (singleton) with keys set in code; the keys are
    /// validated when the host starts.</summary>
    /// <param name="builder">The builder from <c>AddCreditCheck</c>.</param>
    /// <param name="configure">Sets the key id, the key and any earlier verification keys.</param>
    /// <returns>The builder.</returns>
    public static CreditCheckBuilder AddEvidenceReceipts(this CreditCheckBuilder builder, Action<EvidenceReceiptOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddOptions<EvidenceReceiptOptions>().Configure(configure).ValidateOnStart();
        return Register(builder);
    }

    /// <summary>Registers <see cref="IEvidenceSigner"/> with keys bound from a configuration section
    /// (conventionally <c>CreditCheck:EvidenceReceipts</c>: <c>KeyId</c>, <c>Key</c>, <c>VerificationKeys:{id}</c>).</summary>
    /// <param name="builder">The builder from <c>AddCreditCheck</c>.</param>
    /// <param name="section">The section holding <see cref="EvidenceReceiptOptions"/>.</param>
    /// <returns>The builder.</returns>
    public static CreditCheckBuilder AddEvidenceReceipts(this CreditCheckBuilder builder, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        builder.Services.AddOptions<EvidenceReceiptOptions>().Bind(section).ValidateOnStart();
        return Register(builder);
    }

    private static CreditCheckBuilder Register(CreditCheckBuilder builder)
    {
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EvidenceReceiptOptions>, EvidenceReceiptOptionsValidator>());
        builder.Services.TryAddSingleton<IEvidenceSigner>(sp => new HmacEvidenceSigner(sp.GetRequiredService<IOptions<EvidenceReceiptOptions>>().Value));
        return builder;
    }
}
