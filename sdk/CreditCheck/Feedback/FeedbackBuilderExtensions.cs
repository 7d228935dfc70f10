using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CreditCheck;

/// <summary>Configures feedback delivery on the builder.</summary>
public static class FeedbackBuilderExtensions
{
    /// <summary>Sets <see cref="FeedbackOptions"/> (journal, buffer, retry timings) in code; the
    /// configuration section <c>CreditCheck:Feedback</c> sets the same.</summary>
    /// <param name="builder">The builder from <c>AddCreditCheck</c>.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder.</returns>
    public static CreditCheckBuilder ConfigureFeedback(this CreditCheckBuilder builder, Action<FeedbackOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return builder;
    }
}

/// <summary>Starts feedback delivery with the host (replaying the journal) and, when the host stops,
/// waits a bounded time for the backlog.</summary>
internal sealed class FeedbackStartup(CreditFeedback feedback) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        feedback.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => feedback.StopAsync(cancellationToken);
}
