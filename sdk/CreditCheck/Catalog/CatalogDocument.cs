using System.Text.Json;
using System.Text.Json.Serialization;

namespace CreditCheck.Catalog;

// The catalog's JSON shape. Enums stay strings here so that validation can report every bad
// value with its path instead of stopping at the first, and unknown properties are kept so that a
// misspelt key ("legalbasis") is reported rather than silently ignored.

internal sealed class CatalogDocument
{
    public string? Version { get; set; }
    public string? Edition { get; set; }
    public string? EffectiveFrom { get; set; }
    public List<ChangeDocument?>? Changes { get; set; }
    public PolicyDocument? Policy { get; set; }
    public List<ListDocument?>? Lists { get; set; }
    public List<ScenarioDocument?>? Scenarios { get; set; }
    public List<MeasureDocument?>? Measures { get; set; }
    public List<RatingDocument?>? Ratings { get; set; }
    public InspectionDocument? Inspection { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }
}

internal sealed class ChangeDocument
{
    public string? Version { get; set; }
    public string? Date { get; set; }
    public List<string?>? Notes { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }
}

internal sealed class PolicyDocument
{
    public bool? PunishmentVoidsBenefits { get; set; }
    public bool? ObjectionSuspendsMeasures { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }
}

internal sealed class ListDocument
{
    public string? Code { get; set; }
    public string? Name { get; set; }
    public string? Category { get; set; }
    public string? Severity { get; set; }
    public bool? JointPunishment { get; set; }
    public string? Authority { get; set; }
    public string? LegalBasis { get; set; }
    public string? Edition { get; set; }
    public List<string?>? SubjectKinds { get; set; }
    public List<string?>? Sectors { get; set; }
    public bool? CoListsRelatedPersons { get; set; }
    public string? Duration { get; set; }
    public string? EarlyExit { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }
}

internal sealed class ScenarioDocument
{
    public string? Code { get; set; }
    public string? Name { get; set; }
    public string? LegalBasis { get; set; }
    public string? Edition { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }
}

internal sealed class MeasureDocument
{
    public string? Code { get; set; }
    public string? Name { get; set; }
    public string? Kind { get; set; }
    public string? Effect { get; set; }
    public List<string?>? Lists { get; set; }
    public List<string?>? Scenarios { get; set; }
    public string? LegalBasis { get; set; }
    public string? Edition { get; set; }
    public bool? ReachesRelatedPersons { get; set; }
    public bool? RelatedPersonsOnly { get; set; }
    public bool? JointPunishment { get; set; }
    public bool? SurvivesPunishment { get; set; }
    public bool? AppliesInGoodStanding { get; set; }
    public List<string?>? SubjectKinds { get; set; }
    public string? BasicListItem { get; set; }
    public List<string?>? RatingLevels { get; set; }
    public string? Description { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }
}

internal sealed class RatingDocument
{
    public string? Code { get; set; }
    public string? Name { get; set; }
    public string? Authority { get; set; }
    public string? LegalBasis { get; set; }
    public string? Edition { get; set; }
    public List<string?>? SubjectKinds { get; set; }
    public List<LevelDocument?>? Levels { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }
}

internal sealed class LevelDocument
{
    public string? Code { get; set; }
    public string? Name { get; set; }
    public int? Rank { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }
}

internal sealed class InspectionDocument
{
    public double? ReducedMultiplier { get; set; }
    public double? IncreasedMultiplier { get; set; }
    public bool? SeriousListsAlwaysInspected { get; set; }
    public string? LegalBasis { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    WriteIndented = true)]
[JsonSerializable(typeof(CatalogDocument))]
internal sealed partial class CatalogJsonContext : JsonSerializerContext;
