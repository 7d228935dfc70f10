using System.Diagnostics;

namespace CreditCheck;

/// <summary>The <c>CreditCheck</c> activity source: one activity per CheckAsync or CheckManyAsync
/// call, created only when a listener wants it. Subjects appear masked, never in full.</summary>
internal static class CreditCheckActivities
{
    public static readonly ActivitySource Source = new(CreditCheckDiagnostics.ActivitySourceName);

    public static Activity? StartCheck(CheckRequest request)
    {
        var activity = Source.StartActivity("creditcheck.check");
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("creditcheck.scenario", request.Scenario);
            activity.SetTag("creditcheck.subject", request.Subject.Masked);
        }

        return activity;
    }

    public static Activity? StartBatch(int size)
    {
        var activity = Source.StartActivity("creditcheck.check_many");
        activity?.SetTag("creditcheck.batch.size", size);
        return activity;
    }

    public static void Complete(Activity? activity, CreditDecision decision)
    {
        if (activity is null)
        {
            return;
        }

        if (activity.IsAllDataRequested)
        {
            activity.SetTag("creditcheck.check_id", decision.CheckId);
            activity.SetTag("creditcheck.outcome", decision.Outcome.ToString());
            activity.SetTag("creditcheck.path", decision.Path.ToString());
            activity.SetTag("creditcheck.catalog.version", decision.CatalogVersion);
            activity.SetTag("creditcheck.sequence", decision.Sequence);
            if (decision.IsDegraded)
            {
                activity.SetStatus(ActivityStatusCode.Error, decision.DegradedReason);
            }
        }

        activity.Dispose();
    }

    public static void Complete(Activity? activity, IReadOnlyList<CreditDecision> decisions)
    {
        if (activity is null)
        {
            return;
        }

        if (activity.IsAllDataRequested)
        {
            var listed = 0;
            var degraded = 0;
            foreach (var decision in decisions)
            {
                listed += decision.MatchedEntries.Count > 0 ? 1 : 0;
                degraded += decision.IsDegraded ? 1 : 0;
            }

            activity.SetTag("creditcheck.batch.listed", listed);
            activity.SetTag("creditcheck.batch.degraded", degraded);
            if (degraded > 0)
            {
                activity.SetStatus(ActivityStatusCode.Error, $"{degraded} of {decisions.Count} decisions degraded");
            }
        }

        activity.Dispose();
    }
}
