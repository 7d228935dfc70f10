using System.Globalization;

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

    /// <summary>What is wrong with a code that is not <see cref="IsWellFormedCode">well formed</see>, in English and
    /// Chinese (<c>the letter 'B' at position 13 is upper case</c> / <c>第 13 个字符“B”是大写字母</c>), for an error
    /// that says more than "not in the catalog" (found from outside: <c>procurement.Bid</c> and <c>procurement..bid</c>
    /// were answered as unknown scenarios).</summary>
    /// <param name="code">A requested scenario code.</param>
    /// <returns>The problem, or null when the code is well formed.</returns>
    public static ScenarioCodeProblem? FindCodeProblem(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        if (IsWellFormedCode(code))
        {
            return null;
        }

        if (code.Length > MaxCodeLength)
        {
            return new(string.Create(CultureInfo.InvariantCulture, $"it has {code.Length} characters, more than {MaxCodeLength}"),
                string.Create(CultureInfo.InvariantCulture, $"共 {code.Length} 个字符，超过 {MaxCodeLength} 个"));
        }

        if (code.Length == 0)
        {
            return new("it is empty", "为空");
        }

        for (var i = 0; i < code.Length; i++)
        {
            var c = code[i];
            if (c is >= 'A' and <= 'Z')
            {
                return new(string.Create(CultureInfo.InvariantCulture, $"the letter '{c}' at position {i + 1} is upper case"),
                    string.Create(CultureInfo.InvariantCulture, $"第 {i + 1} 个字符“{c}”是大写字母"));
            }

            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '.'))
            {
                return new(string.Create(CultureInfo.InvariantCulture, $"the character U+{(int)c:X4} at position {i + 1} cannot be part of a code"),
                    string.Create(CultureInfo.InvariantCulture, $"第 {i + 1} 个字符（U+{(int)c:X4}）不能用于场景代码"));
            }
        }

        var levels = code.Split('.');
        var empty = Array.FindIndex(levels, l => l.Length == 0);
        return empty >= 0
            ? new(string.Create(CultureInfo.InvariantCulture, $"its level {empty + 1} is empty"), string.Create(CultureInfo.InvariantCulture, $"第 {empty + 1} 级为空"))
            : new("a word of it starts or ends with '-', or holds '--'", "有词以“-”开头或结尾，或含“--”");
    }

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

/// <summary>Why a requested scenario code is not written as a code (<see cref="Scenario.FindCodeProblem"/>).</summary>
/// <param name="Message">In English, to follow "is not a scenario code: ".</param>
/// <param name="ChineseMessage">In Chinese, to follow "不是应用场景代码：".</param>
public sealed record ScenarioCodeProblem(string Message, string ChineseMessage);
