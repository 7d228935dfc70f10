using System.Globalization;

namespace CreditCheck.Adapters.Approval;

/// <summary>A matter's settings with every fallback applied.</summary>
internal sealed record ResolvedMatter(
    string Scenario,
    string? Name,
    FacilitationEligibility Commitment,
    FacilitationEligibility TolerantAcceptance,
    int TolerantAcceptanceDays,
    IReadOnlyList<string> TolerableMaterials);

/// <summary>Finds a matter's settings: configuration first, then the host's maps (exactly one may answer),
/// then the matter kind's scenario.</summary>
internal sealed class MatterResolver
{
    private readonly ApprovalOptions _options;
    private readonly IMatterScenarioMap[] _maps;

    public MatterResolver(ApprovalOptions options, IEnumerable<IMatterScenarioMap> maps)
    {
        _options = options;
        _maps = [.. maps.Distinct(ReferenceEqualityComparer.Instance).Cast<IMatterScenarioMap>()];
    }

    public ResolvedMatter Resolve(ApprovalApplication application)
    {
        var code = application.MatterCode;
        var settings = _options.Matters.TryGetValue(code, out var configured) ? configured : FromMaps(application);
        var scenario = settings?.Scenario
            ?? (_options.KindScenarios.TryGetValue(application.MatterKind, out var byKind) ? byKind : null)
            ?? throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Application {application.ApplicationId}: matter '{code}' ({application.MatterKind}) has no scenario; map it in ApprovalOptions.Matters[\"{code}\"], with an IMatterScenarioMap, or set ApprovalOptions.KindScenarios[{application.MatterKind}]."),
                nameof(application));

        return new ResolvedMatter(
            scenario,
            settings?.Name,
            settings?.Commitment ?? _options.Commitment,
            settings?.TolerantAcceptance ?? _options.TolerantAcceptance,
            settings?.TolerantAcceptanceDays ?? _options.TolerantAcceptanceDays,
            settings is null ? [] : [.. settings.TolerableMaterials]);
    }

    private MatterSettings? FromMaps(ApprovalApplication application)
    {
        MatterSettings? settings = null;
        IMatterScenarioMap? answeredBy = null;
        foreach (var map in _maps)
        {
            var found = map.Map(application.MatterCode, application.MatterKind);
            if (found is null)
            {
                continue;
            }

            if (answeredBy is not null)
            {
                throw new InvalidOperationException(
                    $"Matter '{application.MatterCode}' is mapped by both {answeredBy.GetType().FullName} and {map.GetType().FullName}; "
                    + $"keep one, or decide in ApprovalOptions.Matters[\"{application.MatterCode}\"].");
            }

            var problem = ApprovalOptionsValidator.Check(found);
            if (problem is not null)
            {
                throw new InvalidOperationException($"{map.GetType().FullName} maps matter '{application.MatterCode}' to invalid settings: {problem}");
            }

            settings = found;
            answeredBy = map;
        }

        return settings;
    }
}
