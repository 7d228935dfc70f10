using Microsoft.Extensions.Options;

namespace CreditCheck;

/// <summary>Says exactly which option is wrong and what is allowed.</summary>
internal sealed class CreditCheckOptionsValidator : IValidateOptions<CreditCheckOptions>
{
    public ValidateOptionsResult Validate(string? name, CreditCheckOptions options)
    {
        var failures = new List<string>();
        if (!Enum.IsDefined(options.OnUnavailable))
        {
            failures.Add($"CreditCheck:OnUnavailable is {(int)options.OnUnavailable}; use FailClosed, FailOpen or LastKnown.");
        }

        if (!Enum.IsDefined(options.OnListsNotHeld))
        {
            failures.Add($"CreditCheck:OnListsNotHeld is {(int)options.OnListsNotHeld}; use Name or Review.");
        }

        if (options.MaxStaleness < TimeSpan.FromMilliseconds(100) || options.MaxStaleness > TimeSpan.FromHours(1))
        {
            failures.Add($"CreditCheck:MaxStaleness is {options.MaxStaleness}; it must be between 00:00:00.1 and 01:00:00.");
        }

        if (options.MaxBatchSize is < 1 or > 1_000_000)
        {
            failures.Add($"CreditCheck:MaxBatchSize is {options.MaxBatchSize}; it must be between 1 and 1000000.");
        }

        if (options.HealthFeedbackBacklogLimit < 1)
        {
            failures.Add($"CreditCheck:HealthFeedbackBacklogLimit is {options.HealthFeedbackBacklogLimit}; it must be at least 1.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
