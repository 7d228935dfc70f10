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

        var asEntity = SubjectId.TryParseDetailed(text, SubjectKind.LegalEntity, mode, out var entity, out var entityError);
        var asPerson = SubjectId.TryParseDetailed(text, SubjectKind.NaturalPerson, mode, out var person, out var personError);

        // Leniency tolerates a wrong check character; a kind under which the code is fully valid wins.
        if (asEntity && asPerson && !entity.CheckCharacterConforms)
        {
            asEntity = false;
        }

        if (asEntity && asPerson)
        {
            ambiguous = true;
            id = default;
            error = $"'{IdentifierMask(text)}' 既是有效的统一社会信用代码，也是有效的居民身份证号码，请用 --kind entity 或 --kind person 指明 — "
                + $"'{IdentifierMask(text)}' is valid both as a 统一社会信用代码 and as a 居民身份证号码; pass --kind entity or --kind person.";
            return false;
        }

        id = asEntity ? entity : person;
        error = asEntity || asPerson
            ? string.Empty
            : entityError!.Code is SubjectIdErrorCode.InvisibleCharacter or SubjectIdErrorCode.CombiningCharacter or SubjectIdErrorCode.Empty
                ? $"{entityError.ChineseMessage} — {entityError.Message}" // the same whichever kind was meant
                : $"作为法人：{entityError.ChineseMessage} 作为自然人：{personError!.ChineseMessage} — As a legal entity: {entityError.Message} As a person: {personError.Message}";
        return asEntity || asPerson;
    }

    public static SubjectId Parse(string text, SubjectKind? kind, bool lenient = false) =>
        TryParse(text, kind, lenient, out var id, out var error) ? id : throw new CliException(ExitCodes.InvalidInput, error);

    private static string IdentifierMask(string text) => text.Length > 8 ? text[..4] + new string('*', text.Length - 8) + text[^4..] : text;
}
