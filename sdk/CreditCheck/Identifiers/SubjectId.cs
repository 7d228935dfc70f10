using System.Diagnostics.CodeAnalysis;

namespace CreditCheck;

/// <summary>
/// A validated subject identifier: a 统一社会信用代码 (or, on older records, a 组织机构代码 or
/// 工商注册号) for a legal entity, a 居民身份证号码 for a natural person.
/// </summary>
/// <remarks>
/// <para><see cref="Value"/> is the canonical form: trimmed, spaces and hyphens removed, full-width
/// characters folded, upper case; a 15-digit first-generation ID number becomes its 18-digit form.
/// Two ids are equal when kind and canonical value are equal.</para>
/// <para><see cref="ToString"/> returns the masked form (<c>9144**********123X</c>) so that an id
/// that ends up in a log or an exception message does not disclose a person's number; use
/// <see cref="Value"/> deliberately where the full number is needed.</para>
/// <para>An immutable value; safe to share between threads.</para>
/// </remarks>
public readonly struct SubjectId : IEquatable<SubjectId>
{
    private readonly string? _value;

    private SubjectId(SubjectKind kind, IdentifierScheme scheme, string value, bool checkConforms)
    {
        Kind = kind;
        Scheme = scheme;
        _value = value;
        CheckCharacterConforms = checkConforms;
    }

    /// <summary>Legal entity or natural person.</summary>
    public SubjectKind Kind { get; }

    /// <summary>The numbering standard the value follows.</summary>
    public IdentifierScheme Scheme { get; }

    /// <summary>The canonical identifier. Empty only for <c>default(SubjectId)</c>.</summary>
    public string Value => _value ?? string.Empty;

    /// <summary>False only for a code accepted by <see cref="SubjectIdParseMode.LenientCheckCharacter"/>
    /// whose check character does not conform to its standard; decisions report it.</summary>
    public bool CheckCharacterConforms { get; }

    /// <summary>True for <c>default(SubjectId)</c>, which identifies nobody.</summary>
    public bool IsEmpty => string.IsNullOrEmpty(Value);

    /// <summary>The identifier with its middle masked, for display and logs: <c>9144**********123X</c>.</summary>
    public string Masked => IdentifierText.Mask(Value);

    /// <summary>
    /// For a 统一社会信用代码 whose positions 9-17 form a conforming 组织机构代码, that organisation code:
    /// older list entries may carry only it, so lookups try it too. Otherwise null.
    /// </summary>
    public SubjectId? EmbeddedOrganizationCode
    {
        get
        {
            if (Scheme != IdentifierScheme.UnifiedSocialCreditCode
                || !LegalEntityCodes.IsConformingOrganizationCode(Value.AsSpan(8, 9)))
            {
                return null;
            }

            return new SubjectId(SubjectKind.LegalEntity, IdentifierScheme.OrganizationCode, Value.Substring(8, 9), true);
        }
    }

    /// <summary>Parses an identifier strictly, throwing a <see cref="FormatException"/> that names the
    /// problem (length, the bad character and its position, the expected check character, an
    /// impossible birth date, an unknown province code).</summary>
    /// <param name="text">What was typed or imported; spaces, hyphens, full-width characters and lower
    /// case are accepted.</param>
    /// <param name="kind">Whether a legal entity or a natural person is meant.</param>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="SubjectIdFormatException">The text is not a valid identifier of that kind; its
    /// <see cref="SubjectIdFormatException.Error"/> has the code, the position and a Chinese text.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is not a defined kind.</exception>
    public static SubjectId Parse(string text, SubjectKind kind) => Parse(text, kind, SubjectIdParseMode.Strict);

    /// <summary>Parses an identifier with the given strictness; see <see cref="Parse(string, SubjectKind)"/>.</summary>
    /// <param name="text">What was typed or imported.</param>
    /// <param name="kind">Whether a legal entity or a natural person is meant.</param>
    /// <param name="mode">Whether a non-conforming check character of an organisation's code is tolerated.</param>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="SubjectIdFormatException">The text is not a valid identifier of that kind.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is not a defined kind.</exception>
    public static SubjectId Parse(string text, SubjectKind kind, SubjectIdParseMode mode)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParseCore(text, kind, mode, TimeProvider.System, out var id) is { } error
            ? throw new SubjectIdFormatException(error)
            : id;
    }

    /// <summary>Parses an identifier strictly without throwing.</summary>
    /// <param name="text">What was typed or imported; null is rejected.</param>
    /// <param name="kind">Whether a legal entity or a natural person is meant.</param>
    /// <param name="id">The parsed id, or <c>default</c>.</param>
    /// <returns>Whether the text is a valid identifier of that kind.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, SubjectKind kind, out SubjectId id) =>
        TryParse(text, kind, SubjectIdParseMode.Strict, out id, out _);

    /// <summary>Parses an identifier without throwing, and says why it is invalid.</summary>
    /// <param name="text">What was typed or imported; null is rejected.</param>
    /// <param name="kind">Whether a legal entity or a natural person is meant.</param>
    /// <param name="mode">Whether a non-conforming check character of an organisation's code is tolerated.</param>
    /// <param name="id">The parsed id, or <c>default</c>.</param>
    /// <param name="error">Why the text is invalid, or null.</param>
    /// <returns>Whether the text is a valid identifier of that kind.</returns>
    public static bool TryParse(
        [NotNullWhen(true)] string? text,
        SubjectKind kind,
        SubjectIdParseMode mode,
        out SubjectId id,
        [NotNullWhen(false)] out string? error)
    {
        var valid = TryParseDetailed(text, kind, mode, out id, out var detail);
        error = detail?.Message;
        return valid;
    }

    /// <summary>Parses an identifier without throwing, and says why it is invalid with a code, a
    /// position and an English and a Chinese text (<see cref="SubjectIdError.ChineseMessage"/> is what
    /// a clerk should see).</summary>
    /// <param name="text">What was typed or imported; null is rejected.</param>
    /// <param name="kind">Whether a legal entity or a natural person is meant.</param>
    /// <param name="mode">Whether a non-conforming check character of an organisation's code is tolerated.</param>
    /// <param name="id">The parsed id, or <c>default</c>.</param>
    /// <param name="error">Why the text is invalid, or null.</param>
    /// <returns>Whether the text is a valid identifier of that kind.</returns>
    public static bool TryParseDetailed(
        [NotNullWhen(true)] string? text,
        SubjectKind kind,
        SubjectIdParseMode mode,
        out SubjectId id,
        [NotNullWhen(false)] out SubjectIdError? error)
    {
        if (text is null)
        {
            id = default;
            error = SubjectIdError.Missing();
            return false;
        }

        if (!Enum.IsDefined(kind))
        {
            id = default;
            error = SubjectIdError.UnknownKind((int)kind);
            return false;
        }

        error = TryParseCore(text, kind, mode, TimeProvider.System, out id);
        return error is null;
    }

    /// <summary>Parses an identifier whose kind is not known: the kind it is valid as. Valid as both (an 18-digit
    /// text can be either) is refused with <see cref="SubjectIdErrorCode.AmbiguousKind"/>. Valid as neither is refused
    /// with <see cref="SubjectIdErrorCode.InvalidAsEitherKind"/>, whose message gives both readings — a typo may make a
    /// person's number look like a 统一社会信用代码 with a wrong check character, and the advice for one kind must not
    /// steer to another subject; <see cref="SubjectIdError.AsLegalEntity"/> and <see cref="SubjectIdError.AsNaturalPerson"/>
    /// hold each. A problem that is the same whatever kind was meant (an invisible or combining character, an empty
    /// text) is given once, with its own code.</summary>
    /// <param name="text">What was typed or imported; null is rejected.</param>
    /// <param name="mode">Whether a non-conforming check character of an organisation's code is tolerated; a text
    /// fully valid as a person's number is then that person's, not a tolerated organisation code.</param>
    /// <param name="id">The parsed id, or <c>default</c>.</param>
    /// <param name="error">Why the text is refused, or null.</param>
    /// <returns>Whether the text is a valid identifier of exactly one kind.</returns>
    public static bool TryParseEitherKind(
        [NotNullWhen(true)] string? text,
        SubjectIdParseMode mode,
        out SubjectId id,
        [NotNullWhen(false)] out SubjectIdError? error)
    {
        var asEntity = TryParseDetailed(text, SubjectKind.LegalEntity, mode, out var entity, out var entityError);
        var asPerson = TryParseDetailed(text, SubjectKind.NaturalPerson, mode, out var person, out var personError);

        // Leniency tolerates a wrong check character; a kind under which the code is fully valid wins.
        if (asEntity && asPerson && !entity.CheckCharacterConforms)
        {
            asEntity = false;
        }

        if (asEntity && asPerson)
        {
            id = default;
            error = SubjectIdError.Ambiguous(IdentifierText.Mask(entity.Value));
            return false;
        }

        if (asEntity || asPerson)
        {
            id = asEntity ? entity : person;
            error = null;
            return true;
        }

        id = default;
        if (entityError!.Code is SubjectIdErrorCode.Missing or SubjectIdErrorCode.Empty or SubjectIdErrorCode.InvisibleCharacter or SubjectIdErrorCode.CombiningCharacter)
        {
            error = entityError; // the same whichever kind was meant
            return false;
        }

        var value = IdentifierText.Normalize(text!);
        // Digits (the last may be X) of a 居民身份证号码's length, or one digit off it: a number typed with a digit dropped
        // or doubled is a person's more likely than a 统一社会信用代码 (found from outside: 17 digits were read first as a code).
        var personLike = value.Length is >= 14 and <= 19 && !value.AsSpan(0, value.Length - 1).ContainsAnyExceptInRange('0', '9');
        error = SubjectIdError.EitherKind(entityError, personError!, personLike);
        return false;
    }

    internal static SubjectIdError? TryParseCore(string text, SubjectKind kind, SubjectIdParseMode mode, TimeProvider time, out SubjectId id)
    {
        id = default;
        var value = IdentifierText.Normalize(text);
        if (!ReferenceEquals(value, text) && SubjectIdError.FindHiddenCharacter(text) is { } hidden)
        {
            return hidden; // named where it was typed, not dropped silently or counted as a character
        }

        if (value.Length == 0)
        {
            return SubjectIdError.Empty();
        }

        var lenient = mode == SubjectIdParseMode.LenientCheckCharacter;
        bool conforms;
        switch (kind)
        {
            case SubjectKind.LegalEntity:
                var scheme = value.Length switch
                {
                    9 => IdentifierScheme.OrganizationCode,
                    15 => IdentifierScheme.RegistrationNumber,
                    _ => IdentifierScheme.UnifiedSocialCreditCode,
                };
                var error = scheme switch
                {
                    IdentifierScheme.OrganizationCode => LegalEntityCodes.ValidateOrganizationCode(value, lenient, out conforms),
                    IdentifierScheme.RegistrationNumber => LegalEntityCodes.ValidateRegistrationNumber(value, lenient, out conforms),
                    _ => LegalEntityCodes.ValidateUscc(value, lenient, out conforms),
                };
                if (error is not null)
                {
                    return error;
                }

                id = new SubjectId(kind, scheme, value, conforms);
                return null;

            case SubjectKind.NaturalPerson:
                var upgraded = ResidentIdNumbers.Upgrade(value);
                var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime.AddHours(8)); // China Standard Time
                if (ResidentIdNumbers.Validate(upgraded, today) is { } personError)
                {
                    return ReferenceEquals(upgraded, value)
                        ? personError
                        : personError.WithSuffix(
                            " (positions refer to the 18-digit form of the 15-digit first-generation number)",
                            "（位数按15位第一代身份证号码转换成的18位号码计）");
                }

                id = new SubjectId(kind, IdentifierScheme.ResidentIdNumber, upgraded, true);
                return null;

            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown subject kind.");
        }
    }

    /// <inheritdoc/>
    public bool Equals(SubjectId other) => Kind == other.Kind && string.Equals(Value, other.Value, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is SubjectId other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Kind, StringComparer.Ordinal.GetHashCode(Value));

    /// <summary>The masked form; see <see cref="Masked"/>.</summary>
    public override string ToString() => Masked;

    /// <summary>Equality of kind and canonical value.</summary>
    public static bool operator ==(SubjectId left, SubjectId right) => left.Equals(right);

    /// <summary>Inequality of kind or canonical value.</summary>
    public static bool operator !=(SubjectId left, SubjectId right) => !left.Equals(right);
}
