using System.Globalization;
using Microsoft.Extensions.Options;

namespace CreditCheck.Adapters.Bidding;

/// <summary>Says exactly which bidding option (or tender rule) is wrong and what is allowed.</summary>
internal sealed class BiddingOptionsValidator : IValidateOptions<BiddingOptions>
{
    private const string Prefix = "CreditCheck:Bidding:";

    public ValidateOptionsResult Validate(string? name, BiddingOptions options)
    {
        var failures = new List<string>();
        foreach (var stage in Enum.GetValues<BiddingStage>())
        {
            if (!options.StageScenarios.TryGetValue(stage, out var scenario))
            {
                failures.Add($"{Prefix}StageScenarios has no scenario for {stage}.");
            }
            else if (string.IsNullOrWhiteSpace(scenario) || scenario.Any(char.IsWhiteSpace))
            {
                failures.Add($"{Prefix}StageScenarios:{stage} is '{scenario}'; give a scenario code such as bidding.qualification.");
            }
        }

        foreach (var stage in options.StageScenarios.Keys.Where(s => !Enum.IsDefined(s)))
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{Prefix}StageScenarios has an unknown stage {(int)stage}; use Qualification, Evaluation or Award."));
        }

        failures.AddRange(Check(options.DefaultScoring).Select(p => $"{Prefix}DefaultScoring:{p}"));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Every problem of a set of scoring rules (the options' default or a tender's own).</summary>
    public static IEnumerable<string> Check(CreditScoringRules rules)
    {
        if (string.IsNullOrWhiteSpace(rules.BonusMeasure))
        {
            yield return "BonusMeasure is empty; name the catalog measure that carries the bonus, e.g. bidding-credit-bonus.";
        }

        if (rules.Cap is < 0)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"Cap is {rules.Cap}; it must be zero or more, or unset for no cap.");
        }

        if (!Enum.IsDefined(rules.ConsortiumScoring))
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"ConsortiumScoring is {(int)rules.ConsortiumScoring}; use LowestMember or LeadMember.");
        }

        foreach (var (list, points) in rules.PointsPerList)
        {
            if (string.IsNullOrWhiteSpace(list))
            {
                yield return "PointsPerList has an empty list code.";
            }
            else if (points < 0)
            {
                yield return string.Create(CultureInfo.InvariantCulture, $"PointsPerList:{list} is {points}; points must be zero or more.");
            }
        }
    }
}
