using System.Collections.Frozen;

namespace CreditCheck.Catalog;

/// <summary>
/// The 三清单 in one validated, immutable document: lists (联合奖惩对象名单), measures (奖惩措施清单)
/// and scenarios (服务事项清单), with a version that every decision reports.
/// </summary>
/// <remarks>
/// Obtain one with <see cref="Parse(string)"/>, <see cref="LoadFileAsync"/> or <see cref="Default"/>;
/// every path validates the whole document and throws <see cref="CatalogValidationException"/>
/// listing every problem with its JSON path. Safe to share between threads.
/// </remarks>
public sealed class CreditCatalog
{
    private static readonly Lazy<CreditCatalog> DefaultCatalog = new(LoadDefault);
    private FrozenDictionary<string, CreditList>? _listsByCode;
    private FrozenSet<string>? _scenarioCodes;

    internal CreditCatalog()
    {
    }

    /// <summary>Version of this catalog; decisions report it.</summary>
    public required string Version { get; init; }

    /// <summary>The edition of the rules the catalog follows, e.g. 全国失信惩戒措施基础清单（2024年版）.</summary>
    public required string Edition { get; init; }

    /// <summary>From when the catalog applies, if stated.</summary>
    public DateOnly? EffectiveFrom { get; init; }

    /// <summary>The catalog's change log, newest first: what changed in each version and why.</summary>
    public IReadOnlyList<CatalogChange> Changes { get; init; } = [];

    /// <summary>Rules that apply across measures.</summary>
    public required CatalogPolicy Policy { get; init; }

    /// <summary>The lists.</summary>
    public required IReadOnlyList<CreditList> Lists { get; init; }

    /// <summary>The scenarios.</summary>
    public required IReadOnlyList<Scenario> Scenarios { get; init; }

    /// <summary>The measures.</summary>
    public required IReadOnlyList<Measure> Measures { get; init; }

    /// <summary>The rating schemes (公共信用综合评价, 纳税信用 …); each also appears in <see cref="Lists"/> as a
    /// list of category <see cref="ListCategory.Rating"/> under the same code, which holds its results.</summary>
    public IReadOnlyList<CreditRating> Ratings { get; init; } = [];

    /// <summary>Inspection ratios by credit for 双随机、一公开, or null when the catalog sets none.</summary>
    public InspectionPolicy? Inspection { get; init; }

    /// <summary>The catalog shipped with the SDK, built from the national lists and the 2024 basic
    /// list of punishment measures; see <c>README.md</c> for its list and scenario codes.</summary>
    public static CreditCatalog Default => DefaultCatalog.Value;

    /// <summary>Parses and validates a catalog from JSON.</summary>
    /// <param name="json">The catalog document.</param>
    /// <exception cref="CatalogValidationException">The JSON is malformed (a property given twice in one
    /// object included) or the catalog is invalid;
    /// <see cref="CatalogValidationException.Problems"/> lists every problem.</exception>
    public static CreditCatalog Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return CatalogReader.Read(json, source: null);
    }

    /// <summary>Parses and validates a catalog from UTF-8 bytes (a file's content; a leading byte-order
    /// mark is allowed). Bytes that are not UTF-8 are refused with their byte offset.</summary>
    /// <param name="utf8Json">The catalog document as UTF-8.</param>
    /// <exception cref="CatalogValidationException">The bytes are not UTF-8, the JSON is malformed (a
    /// property given twice in one object included) or the catalog is invalid.</exception>
    public static CreditCatalog ParseUtf8(ReadOnlySpan<byte> utf8Json) => CatalogReader.Read(utf8Json, source: null);

    /// <summary>Validates a catalog given as UTF-8 bytes without throwing.</summary>
    /// <param name="utf8Json">The catalog document as UTF-8.</param>
    /// <returns>Every problem found; empty when the catalog is valid.</returns>
    public static IReadOnlyList<CatalogProblem> ValidateUtf8(ReadOnlySpan<byte> utf8Json)
    {
        try
        {
            CatalogReader.Read(utf8Json, source: null);
            return [];
        }
        catch (CatalogValidationException e)
        {
            return e.Problems;
        }
    }

    /// <summary>Reads and validates a catalog file.</summary>
    /// <param name="path">Path of a JSON catalog.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="CatalogValidationException">The file is not UTF-8 (the byte offset is named), is
    /// malformed (a property given twice in one object included) or the catalog is invalid.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static async Task<CreditCatalog> LoadFileAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var utf8 = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        return CatalogReader.Read(utf8, path);
    }

    /// <summary>Validates a catalog without throwing.</summary>
    /// <param name="json">The catalog document.</param>
    /// <returns>Every problem found; empty when the catalog is valid.</returns>
    public static IReadOnlyList<CatalogProblem> Validate(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            CatalogReader.Read(json, source: null);
            return [];
        }
        catch (CatalogValidationException e)
        {
            return e.Problems;
        }
    }

    /// <summary>Serializes the catalog to the JSON form <see cref="Parse(string)"/> reads.</summary>
    public string ToJson() => CatalogReader.Write(this);

    /// <summary>The list with this code, or null.</summary>
    /// <param name="code">A list code such as <c>court-dishonest-debtors</c>.</param>
    public CreditList? FindList(string code) =>
        (_listsByCode ??= Lists.ToFrozenDictionary(l => l.Code, StringComparer.Ordinal)).GetValueOrDefault(code);

    /// <summary>The declared scenario an undeclared code was most likely meant to be, or null. A code the catalog does
    /// not declare resolves to its nearest declared ancestor, unless its first undeclared level is a slip of a declared
    /// one (<c>market-access.registraton</c> → <c>market-access.registration</c>): the checker then refuses it as
    /// unknown, naming this suggestion, since the ancestor would apply none of the meant scenario's measures.</summary>
    /// <param name="code">A scenario code as a caller sent it.</param>
    public string? SuggestScenario(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        return ScenarioSpelling.Suggest(_scenarioCodes ??= Scenarios.Select(s => s.Code).ToFrozenSet(StringComparer.Ordinal), code);
    }

    /// <summary>The rating with this code, or null.</summary>
    /// <param name="code">A rating code such as <c>tax-credit-rating</c>.</param>
    public CreditRating? FindRating(string code) => Ratings.FirstOrDefault(r => string.Equals(r.Code, code, StringComparison.Ordinal));

    private static CreditCatalog LoadDefault()
    {
        using var stream = typeof(CreditCatalog).Assembly.GetManifestResourceStream("CreditCheck.default-catalog.json")
            ?? throw new InvalidOperationException("The default catalog resource is missing from the CreditCheck assembly.");
        using var reader = new StreamReader(stream);
        return CatalogReader.Read(reader.ReadToEnd(), "default catalog");
    }
}

/// <summary>Rules that apply across the measures of a catalog.</summary>
public sealed class CatalogPolicy
{
    /// <summary>Whether an active punishment entry voids every benefit whose
    /// <see cref="Measure.SurvivesPunishment"/> is false (国办发〔2020〕42号). Default true.</summary>
    public bool PunishmentVoidsBenefits { get; init; } = true;

    /// <summary>Whether the measures of an entry under objection (异议中) are suspended. Local policy;
    /// default false: they still apply and the decision flags the objection.</summary>
    public bool ObjectionSuspendsMeasures { get; init; }
}

/// <summary>One version in a catalog's change log.</summary>
public sealed class CatalogChange
{
    internal CatalogChange()
    {
    }

    /// <summary>The catalog version the change produced.</summary>
    public required string Version { get; init; }

    /// <summary>When, if stated.</summary>
    public DateOnly? Date { get; init; }

    /// <summary>What changed and why, one note per change.</summary>
    public required IReadOnlyList<string> Notes { get; init; }
}
