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
        _ => throw new CliException(ExitCodes.Usage, $"--kind '{kind}' is not entity or person."),
    };

    /// <summary>The id, or why it is not one (naming the problem as the parser does).</summary>
    public static bool TryParse(string text, SubjectKind? kind, bool lenient, out SubjectId id, out string error)
    {
        var mode = lenient ? SubjectIdParseMode.LenientCheckCharacter : SubjectIdParseMode.Strict;
        if (kind is { } given)
        {
            var ok = SubjectId.TryParse(text, given, mode, out id, out var message);
            error = message ?? string.Empty;
            return ok;
        }

        var asEntity = SubjectId.TryParse(text, SubjectKind.LegalEntity, mode, out var entity, out var entityError);
        var asPerson = SubjectId.TryParse(text, SubjectKind.NaturalPerson, mode, out var person, out var personError);

        // Leniency tolerates a wrong check character; a kind under which the code is fully valid wins.
        if (asEntity && asPerson && !entity.CheckCharacterConforms)
        {
            asEntity = false;
        }

        if (asEntity && asPerson)
        {
            id = default;
            error = $"'{IdentifierMask(text)}' is valid both as a 统一社会信用代码 and as a 居民身份证号码; pass --kind entity or --kind person.";
            return false;
        }

        id = asEntity ? entity : person;
        error = asEntity || asPerson ? string.Empty : $"As a legal entity: {entityError} As a person: {personError}";
        return asEntity || asPerson;
    }

    public static SubjectId Parse(string text, SubjectKind? kind, bool lenient = false) =>
        TryParse(text, kind, lenient, out var id, out var error) ? id : throw new CliException(ExitCodes.InvalidInput, error);

    private static string IdentifierMask(string text) => text.Length > 8 ? text[..4] + new string('*', text.Length - 8) + text[^4..] : text;
}
