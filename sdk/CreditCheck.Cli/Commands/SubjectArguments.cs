using System.CommandLine;

namespace CreditCheck.Cli.Commands;

/// <summary>Reading a subject id from the command line, with or without --kind.</summary>
internal static class SubjectArguments
{
    public static Option<string?> Kind() => new("--kind") { Description = "entity or person (default: whichever the identifier is valid as)." };

    public static SubjectKind? ParseKind(string? kind) => kind?.ToLowerInvariant() switch
    {
        null => null,
        "entity" or "legalentity" => SubjectKind.LegalEntity,
        "person" or "naturalperson" => SubjectKind.NaturalPerson,
        _ => throw new CliException(ExitCodes.Usage, $"--kind '{kind}' 应为 entity（法人）或 person（自然人） — --kind '{kind}' is not entity or person."),
    };

    /// <summary>The id, or why it is not one: the parser's Chinese text for the operator, then its English
    /// text (<c>中文 — English</c>).</summary>
    public static bool TryParse(string text, SubjectKind? kind, bool lenient, out SubjectId id, out string error) =>
        TryParse(text, kind, lenient, out id, out error, out _);

    /// <summary>As <see cref="TryParse(string, SubjectKind?, bool, out SubjectId, out string)"/>, and whether a refused
    /// identifier is valid as both kinds (given no kind), so that it can be called ambiguous rather than invalid.</summary>
    public static bool TryParse(string text, SubjectKind? kind, bool lenient, out SubjectId id, out string error, out bool ambiguous)
    {
        ambiguous = false;
        var mode = lenient ? SubjectIdParseMode.LenientCheckCharacter : SubjectIdParseMode.Strict;
        if (kind is { } given)
        {
            var ok = SubjectId.TryParseDetailed(text, given, mode, out id, out var detail);
            error = detail is null ? string.Empty : $"{detail.ChineseMessage} — {detail.Message}";
            return ok;
        }

        // The SDK's reading of an identifier of unknown kind (the service answers with the same): valid as both is
        // ambiguous; valid as neither gives both readings.
        if (SubjectId.TryParseEitherKind(text, mode, out id, out var refused))
        {
            error = string.Empty;
            return true;
        }

        ambiguous = refused.Code == SubjectIdErrorCode.AmbiguousKind;
        error = ambiguous
            ? $"'{IdentifierMask(text)}' 既是有效的统一社会信用代码，也是有效的居民身份证号码，请用 --kind entity 或 --kind person 指明 — "
                + $"'{IdentifierMask(text)}' is valid both as a 统一社会信用代码 and as a 居民身份证号码; pass --kind entity or --kind person."
            : $"{refused.ChineseMessage} — {refused.Message}";
        return false;
    }

    public static SubjectId Parse(string text, SubjectKind? kind, bool lenient = false) =>
        TryParse(text, kind, lenient, out var id, out var error) ? id : throw new CliException(ExitCodes.InvalidInput, error);

    private static string IdentifierMask(string text) => text.Length > 8 ? text[..4] + new string('*', text.Length - 8) + text[^4..] : text;
}
