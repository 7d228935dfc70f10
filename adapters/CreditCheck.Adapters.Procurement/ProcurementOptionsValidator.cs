using System.Globalization;
using Microsoft.Extensions.Options;

namespace CreditCheck.Adapters.Procurement;

/// <summary>Says exactly which procurement option is wrong and what is allowed.</summary>
internal sealed class ProcurementOptionsValidator : IValidateOptions<ProcurementOptions>
{
    private const string Prefix = "CreditCheck:Procurement:";

    public ValidateOptionsResult Validate(string? name, ProcurementOptions options)
    {
        var failures = new List<string>();
        foreach (var stage in Enum.GetValues<ProcurementStage>())
        {
            if (!options.StageScenarios.TryGetValue(stage, out var scenario))
            {
                failures.Add($"{Prefix}StageScenarios has no scenario for {stage}.");
            }
            else if (string.IsNullOrWhiteSpace(scenario) || scenario.Any(char.IsWhiteSpace))
            {
                failures.Add($"{Prefix}StageScenarios:{stage} is '{scenario}'; give a scenario code such as procurement.bid.");
            }
        }

        foreach (var stage in options.StageScenarios.Keys.Where(s => !Enum.IsDefined(s)))
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture,
                $"{Prefix}StageScenarios has an unknown stage {(int)stage}; use Registration, BidOpening, Evaluation or Award."));
        }

        if (string.IsNullOrWhiteSpace(options.QueryChannel))
        {
            failures.Add($"{Prefix}QueryChannel is empty; name the channel the evidence record cites.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
