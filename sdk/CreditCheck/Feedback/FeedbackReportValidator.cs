using System.Globalization;

namespace CreditCheck;

/// <summary>Checks a feedback report against its decision before anything is journaled: every measure
/// the decision applied reported, texts within what is kept, no execution time in the future.</summary>
internal static class FeedbackReportValidator
{
    private const int MaxTextLength = 1000;

    // Clocks of hosts differ; an execution a little ahead of ours is not an error.
    private static readonly TimeSpan FutureTolerance = TimeSpan.FromMinutes(5);

    /// <summary>Throws <see cref="ArgumentException"/> naming every problem of the report.</summary>
    public static void Validate(FeedbackReport report, DateTimeOffset now)
    {
        var problems = new List<string>();
        if (report.Decision.CheckId == Guid.Empty)
        {
            problems.Add("the decision has no CheckId.");
        }

        if (report.Measures.Count == 0 && report.Decision.AppliedMeasures.Count > 0)
        {
            // An empty report means "nothing to execute"; said of a decision with measures it would
            // count a punishment as a plain check.
            problems.Add($"it reports no measure, but the decision applied {string.Join(", ", report.Decision.AppliedMeasures.Select(a => a.Measure.Code))}: " +
                "report each one (Executed, NotExecuted with the reason, Overridden), or AllExecuted().");
        }

        Text(problems, "Department", report.Department);
        Text(problems, "District", report.District);
        Text(problems, "Operator", report.Operator);
        Text(problems, "TransactionReference", report.TransactionReference);
        Text(problems, "ItemCode", report.ItemCode);
        Text(problems, "ItemName", report.ItemName);
        if (report.ExecutedAt is { } executed && executed > now + FutureTolerance)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"ExecutedAt {executed:O} is in the future (now {now:O})."));
        }

        foreach (var measure in report.Measures)
        {
            var name = $"measure '{measure.MeasureCode}'";
            Text(problems, name + " Reason", measure.Reason);
            Text(problems, name + " OverriddenBy", measure.OverriddenBy);
            Text(problems, name + " Outcome", measure.Outcome);
            if (measure.Amount < 0)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{name} Amount is {measure.Amount}; an amount involved is not negative."));
            }

            if (measure.EffectiveFrom is { } from && measure.EffectiveUntil is { } until && until < from)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{name} EffectiveUntil {until:O} is before EffectiveFrom {from:O}."));
            }
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException($"The feedback report on check {report.Decision.CheckId} is invalid: {string.Join(" ", problems)}", nameof(report));
        }
    }

    private static void Text(List<string> problems, string name, string? value)
    {
        if (value is { Length: > MaxTextLength })
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{name} is {value.Length} characters long; at most {MaxTextLength} are kept."));
        }
    }
}
