using System.Globalization;
using Microsoft.Extensions.Options;

namespace CreditCheck.Adapters.Approval;

/// <summary>Says exactly which approval option is wrong and what is allowed.</summary>
internal sealed class ApprovalOptionsValidator : IValidateOptions<ApprovalOptions>
{
    private const string Prefix = "CreditCheck:Approval:";

    public ValidateOptionsResult Validate(string? name, ApprovalOptions options)
    {
        var failures = new List<string>();
        if (options.CommitmentReviewDays is < 1 or > 365)
        {
            failures.Add(Invariant($"{Prefix}CommitmentReviewDays is {options.CommitmentReviewDays}; it must be between 1 and 365."));
        }

        if (options.TolerantAcceptanceDays is < 1 or > 365)
        {
            failures.Add(Invariant($"{Prefix}TolerantAcceptanceDays is {options.TolerantAcceptanceDays}; it must be between 1 and 365."));
        }

        CheckEligibility(failures, "Commitment", options.Commitment);
        CheckEligibility(failures, "TolerantAcceptance", options.TolerantAcceptance);
        if (string.IsNullOrWhiteSpace(options.CommitmentLegalBasis))
        {
            failures.Add($"{Prefix}CommitmentLegalBasis is empty; cite the rule 告知承诺 rests on.");
        }

        if (string.IsNullOrWhiteSpace(options.TolerantAcceptanceLegalBasis))
        {
            failures.Add($"{Prefix}TolerantAcceptanceLegalBasis is empty; cite the rule 容缺受理 rests on.");
        }

        foreach (var (kind, scenario) in options.KindScenarios)
        {
            if (!Enum.IsDefined(kind))
            {
                failures.Add(Invariant($"{Prefix}KindScenarios has an unknown matter kind {(int)kind}; use AdministrativeLicensing, Filing, PublicService or Other."));
            }
            else if (!IsScenarioCode(scenario))
            {
                failures.Add($"{Prefix}KindScenarios:{kind} is '{scenario}'; give a scenario code such as licensing or public-service.");
            }
        }

        foreach (var (code, settings) in options.Matters)
        {
            if (string.IsNullOrWhiteSpace(code))
            {
                failures.Add($"{Prefix}Matters has an empty matter code.");
                continue;
            }

            if (settings is null)
            {
                failures.Add($"{Prefix}Matters:{code} is empty.");
                continue;
            }

            if (Check(settings) is { } problem)
            {
                failures.Add($"{Prefix}Matters:{code}: {problem}");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>The first problem of one matter's settings (from configuration or a host map), or null.</summary>
    public static string? Check(MatterSettings settings)
    {
        if (settings.Scenario is not null && !IsScenarioCode(settings.Scenario))
        {
            return $"Scenario is '{settings.Scenario}'; give a scenario code such as licensing or market-access.registration, or leave it unset.";
        }

        if (settings.TolerantAcceptanceDays is < 1 or > 365)
        {
            return Invariant($"TolerantAcceptanceDays is {settings.TolerantAcceptanceDays}; it must be between 1 and 365.");
        }

        if (settings.Commitment is { } commitment && !Enum.IsDefined(commitment))
        {
            return Invariant($"Commitment is {(int)commitment}; use None, Catalog or NoAdverseRecord.");
        }

        if (settings.TolerantAcceptance is { } tolerant && !Enum.IsDefined(tolerant))
        {
            return Invariant($"TolerantAcceptance is {(int)tolerant}; use None, Catalog or NoAdverseRecord.");
        }

        for (var i = 0; i < settings.TolerableMaterials.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(settings.TolerableMaterials[i]))
            {
                return Invariant($"TolerableMaterials[{i}] is empty.");
            }
        }

        return null;
    }

    private static void CheckEligibility(List<string> failures, string option, FacilitationEligibility value)
    {
        if (!Enum.IsDefined(value))
        {
            failures.Add(Invariant($"{Prefix}{option} is {(int)value}; use None, Catalog or NoAdverseRecord."));
        }
    }

    // The catalog decides whether the code exists (it may arrive later, from Redis); here only its shape.
    private static bool IsScenarioCode(string? code) =>
        !string.IsNullOrWhiteSpace(code) && !code.Any(char.IsWhiteSpace) && code[0] != '.' && code[^1] != '.';

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
