namespace CreditCheck;

/// <summary>The names a host uses to collect CreditCheck's telemetry:
/// <c>metrics.AddMeter(CreditCheckDiagnostics.MeterName)</c>,
/// <c>tracing.AddSource(CreditCheckDiagnostics.ActivitySourceName)</c>, and the health check's name.</summary>
public static class CreditCheckDiagnostics
{
    /// <summary>The <see cref="System.Diagnostics.Metrics.Meter"/>'s name.</summary>
    public const string MeterName = "CreditCheck";

    /// <summary>The <see cref="System.Diagnostics.ActivitySource"/>'s name.</summary>
    public const string ActivitySourceName = "CreditCheck";

    /// <summary>The health check's registration name.</summary>
    public const string HealthCheckName = "creditcheck";
}
