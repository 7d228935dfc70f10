using System.Globalization;
using CreditCheck.Stores;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace CreditCheck;

/// <summary>
/// Registered by <c>AddCreditCheck</c> as <see cref="CreditCheckDiagnostics.HealthCheckName"/>:
/// <c>Unhealthy</c> while the store has no data to answer from or cannot reach the shared store and
/// is past <see cref="CreditCheckOptions.MaxStaleness"/> (decisions fall back to the unavailability
/// policy); <c>Degraded</c> while it lags without an error, or while feedback is backed up or has
/// lost records to overflow, or while the feedback sink says delivered feedback is at risk (<see cref="IFeedbackSinkHealth"/>);
/// otherwise <c>Healthy</c>. The data says why.
/// </summary>
internal sealed class CreditCheckHealthCheck(
    ICreditStore store, IOptions<CreditCheckOptions> options, TimeProvider time, IFeedbackHealth? feedback = null, IFeedbackSink? sink = null) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        var problems = new List<string>();
        var status = HealthStatus.Healthy;

        if (store is IStoreHealth reporting)
        {
            var health = reporting.Health;
            data["sequence"] = health.Sequence;
            if (health.ConfirmedAt is { } confirmed)
            {
                var age = time.GetUtcNow() - confirmed;
                data["dataAgeSeconds"] = Math.Round(age.TotalSeconds, 3);
            }

            if (health.LastError is { } error)
            {
                data["lastError"] = error;
            }

            if (health.Damage is { } damage)
            {
                status = HealthStatus.Unhealthy;
                data["damage"] = damage;
                problems.Add($"the store's data is damaged ({damage}): no subject is answered \"not listed\" from it; decisions follow the unavailability policy until it is repaired");
            }
            else if (!health.Synchronized)
            {
                status = HealthStatus.Unhealthy;
                problems.Add("the store has not synchronized yet: decisions follow the unavailability policy");
            }
            else if (!health.Fresh)
            {
                var unreachable = health.LastError is not null;
                status = unreachable ? HealthStatus.Unhealthy : HealthStatus.Degraded;
                problems.Add(string.Create(CultureInfo.InvariantCulture,
                    $"the store's data was last confirmed more than {options.Value.MaxStaleness.TotalSeconds:0.###} s ago{(unreachable ? " and the shared store cannot be reached" : string.Empty)}"));
            }
        }

        if (feedback is not null)
        {
            var backlog = feedback.Backlog;
            var overflowed = feedback.Overflowed;
            var dropped = feedback.Dropped;
            data["feedbackBacklog"] = backlog;
            data["feedbackOverflowed"] = overflowed;
            data["feedbackDropped"] = dropped;
            if (backlog >= options.Value.HealthFeedbackBacklogLimit)
            {
                status = Worse(status, HealthStatus.Degraded);
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{backlog} feedback records await delivery (limit {options.Value.HealthFeedbackBacklogLimit})"));
            }

            if (dropped > 0)
            {
                status = Worse(status, HealthStatus.Degraded);
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{dropped} feedback records were lost to buffer overflow (configure a journal to keep them)"));
            }
        }

        if (sink is IFeedbackSinkHealth sinkHealth && await sinkHealth.CheckAsync(cancellationToken).ConfigureAwait(false) is { } risk)
        {
            // Delivered feedback may be evicted, or was: the platform would never see it (found from outside: an
            // evicted stream left the export saying "0 records" and the health saying nothing).
            status = Worse(status, HealthStatus.Degraded);
            data["feedbackRisk"] = risk;
            problems.Add("delivered feedback is at risk: " + risk);
        }

        var description = problems.Count == 0 ? "CreditCheck is current." : "CreditCheck: " + string.Join("; ", problems) + ".";
        return new HealthCheckResult(status, description, data: data);
    }

    private static HealthStatus Worse(HealthStatus a, HealthStatus b) => a < b ? a : b;
}
