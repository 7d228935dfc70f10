namespace CreditCheck.Catalog;

/// <summary>A business scenario of the 服务事项清单 where measures apply, e.g. <c>procurement.bid</c>.</summary>
/// <remarks>Codes are hierarchical, parts separated by dots; a sub-code's parent must be declared.
/// Immutable.</remarks>
public sealed class Scenario
{
    internal Scenario()
    {
    }

    /// <summary>The longest scenario code: a longer one is not read as a code (found from outside: a code of 160,000
    /// levels kept a core busy for 75 s, since resolving walks its levels; the catalog's codes are under 40 characters).</summary>
    public const int MaxCodeLength = 128;

    /// <summary>Hierarchical code such as <c>licensing</c> or <c>procurement.bid</c>.</summary>
    public required string Code { get; init; }

    /// <summary>Whether <paramref name="code"/> is written as a scenario code: lower-case letters and digits, words joined
    /// by <c>-</c>, levels by <c>.</c> (<c>procurement.bid</c>). Only such a code falls back to its nearest declared
    /// ancestor; <c>procurement..bid</c>, <c>procurement.</c> or <c>procurement.*</c> is refused, not read as
    /// <c>procurement</c>. A code has at most <see cref="MaxCodeLength"/> characters.</summary>
    /// <param name="code">A requested scenario code.</param>
    /// <returns>Whether it is well formed.</returns>
    public static bool IsWellFormedCode(string code) => CatalogReader.IsScenarioCode(code);

    /// <summary>Chinese name, e.g. 政府采购.</summary>
    public required string Name { get; init; }

    /// <summary>Why credit is checked here (e.g. 青政办〔2020〕22号 “凡办必查”).</summary>
    public required string LegalBasis { get; init; }

    /// <summary>The edition of the source this item was taken from.</summary>
    public required string Edition { get; init; }

    /// <summary>The parent code, or null for a top-level scenario.</summary>
    public string? ParentCode
    {
        get
        {
            var dot = Code.LastIndexOf('.');
            return dot < 0 ? null : Code[..dot];
        }
    }
}
