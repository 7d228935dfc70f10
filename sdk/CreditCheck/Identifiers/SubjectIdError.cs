using System.Globalization;
using System.Text;

namespace CreditCheck;

/// <summary>What is wrong with an identifier, as a stable code a program can act on.</summary>
public enum SubjectIdErrorCode
{
    /// <summary>No text was given (null).</summary>
    Missing,

    /// <summary>Nothing but spaces and hyphens was given.</summary>
    Empty,

    /// <summary>An invisible character (a control or format character such as U+0000 or a zero-width
    /// space) is in the text; <see cref="SubjectIdError.Position"/> is its position in the text as given.</summary>
    InvisibleCharacter,

    /// <summary>A combining character (an accent that attaches to the character before it) is in the
    /// text; <see cref="SubjectIdError.Position"/> is its position in the text as given.</summary>
    CombiningCharacter,

    /// <summary>The identifier has the wrong number of characters.</summary>
    Length,

    /// <summary>A character the standard does not allow at that position.</summary>
    CharacterNotAllowed,

    /// <summary>Position 1 of a 统一社会信用代码 is not a registration authority code.</summary>
    RegistrationAuthority,

    /// <summary>Position 2 of a 统一社会信用代码 is not an entity type of its registration authority.</summary>
    EntityType,

    /// <summary>Positions 3-8 of a 统一社会信用代码 (the administrative region) are not digits.</summary>
    RegionCode,

    /// <summary>The check character does not match the characters before it.</summary>
    CheckCharacterMismatch,

    /// <summary>Positions 1-2 of a 居民身份证号码 are not a province code.</summary>
    ProvinceCode,

    /// <summary>The birth date of a 居民身份证号码 is not a real date, is before 1800, or is in the future.</summary>
    BirthDate,

    /// <summary>The subject kind is not a defined <see cref="SubjectKind"/>.</summary>
    UnknownKind,

    /// <summary>No kind was given (<see cref="SubjectId.TryParseEitherKind"/>) and the text is valid both as a
    /// 统一社会信用代码 and as a 居民身份证号码: the caller must say which is meant.</summary>
    AmbiguousKind,

    /// <summary>No kind was given (<see cref="SubjectId.TryParseEitherKind"/>) and the text is valid as neither
    /// kind; <see cref="SubjectIdError.AsLegalEntity"/> and <see cref="SubjectIdError.AsNaturalPerson"/> say why
    /// under each reading, and the message gives both.</summary>
    InvalidAsEitherKind,
}

/// <summary>Why a text is not a valid identifier: a <see cref="Code"/>, the <see cref="Position"/> it
/// concerns, the English <see cref="Message"/> for developers and logs, and the Chinese
/// <see cref="ChineseMessage"/> for the clerk or operator who typed it.</summary>
/// <remarks>An immutable value; safe to share between threads.</remarks>
public sealed class SubjectIdError
{
    internal SubjectIdError(SubjectIdErrorCode code, int? position, string message, string chineseMessage)
    {
        Code = code;
        Position = position;
        Message = message;
        ChineseMessage = chineseMessage;
    }

    /// <summary>For <see cref="SubjectIdErrorCode.InvalidAsEitherKind"/>: why the text is not a legal entity's code
    /// (统一社会信用代码, 组织机构代码 or 工商注册号); otherwise null.</summary>
    public SubjectIdError? AsLegalEntity { get; private init; }

    /// <summary>For <see cref="SubjectIdErrorCode.InvalidAsEitherKind"/>: why the text is not a 居民身份证号码;
    /// otherwise null.</summary>
    public SubjectIdError? AsNaturalPerson { get; private init; }

    /// <summary>What is wrong.</summary>
    public SubjectIdErrorCode Code { get; }

    /// <summary>The 1-based position the problem is at, or null when it concerns the whole text. For
    /// <see cref="SubjectIdErrorCode.InvisibleCharacter"/> and <see cref="SubjectIdErrorCode.CombiningCharacter"/>
    /// the position in the text as given; otherwise in the canonical form (spaces and hyphens removed).</summary>
    public int? Position { get; }

    /// <summary>The problem in English, naming the standard, the character and the position.</summary>
    public string Message { get; }

    /// <summary>The problem in Chinese, for the people who typed the identifier.</summary>
    public string ChineseMessage { get; }

    /// <summary>The English message.</summary>
    public override string ToString() => Message;

    internal SubjectIdError WithSuffix(string english, string chinese) => new(Code, Position, Message + english, ChineseMessage + chinese);

    /// <summary>Finds the first invisible or combining character in what was typed (a byte-order mark
    /// leading the text excepted), which would otherwise be dropped silently or counted as a character.</summary>
    internal static SubjectIdError? FindHiddenCharacter(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c < 0x7F && c >= ' ')
            {
                continue;
            }

            if (i == 0 && c == '\uFEFF')
            {
                continue; // a byte-order mark leading an imported field
            }

            var category = CharUnicodeInfo.GetUnicodeCategory(text, i);
            var invisible = category is UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned
                || (category == UnicodeCategory.Control && !char.IsWhiteSpace(c));
            var combining = category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;
            if (!invisible && !combining)
            {
                continue;
            }

            var name = CodePoint(text, i);
            var position = i + 1;
            return invisible
                ? new SubjectIdError(
                    SubjectIdErrorCode.InvisibleCharacter,
                    position,
                    $"Invisible character {name} at position {position} is not part of an identifier (it often comes along with copied text); remove it.",
                    $"第{position}位有不可见字符 {name}，它不属于证件号码（常随复制粘贴带入），请删除后重新输入。")
                : new SubjectIdError(
                    SubjectIdErrorCode.CombiningCharacter,
                    position,
                    $"Combining character {name} at position {position} (a mark that attaches to the character before it) is not part of an identifier; remove it.",
                    $"第{position}位有组合字符 {name}（附加在前一个字符上的符号），它不属于证件号码，请删除后重新输入。");
        }

        return null;
    }

    private static string CodePoint(string text, int index) =>
        Rune.TryGetRuneAt(text, index, out var rune)
            ? string.Create(CultureInfo.InvariantCulture, $"U+{rune.Value:X4}")
            : string.Create(CultureInfo.InvariantCulture, $"U+{(int)text[index]:X4}");

    internal static SubjectIdError Missing() =>
        new(SubjectIdErrorCode.Missing, null, "The identifier is missing.", "未填写证件号码。");

    internal static SubjectIdError Empty() =>
        new(SubjectIdErrorCode.Empty, null, "The identifier is empty.", "证件号码为空。");

    internal static SubjectIdError UnknownKind(int kind) =>
        new(SubjectIdErrorCode.UnknownKind, null, $"Unknown subject kind {kind}; use LegalEntity or NaturalPerson.", $"未知的主体类型 {kind}：应为法人（LegalEntity）或自然人（NaturalPerson）。");

    internal static SubjectIdError Ambiguous(string masked) =>
        new(SubjectIdErrorCode.AmbiguousKind, null,
            $"'{masked}' is valid both as a 统一社会信用代码 and as a 居民身份证号码; say which kind is meant.",
            $"'{masked}' 既是有效的统一社会信用代码，也是有效的居民身份证号码，请指明主体类型（法人或自然人）。");

    /// <summary>Both readings of a text valid as neither kind, the one more likely meant first: the person's when the
    /// text looks like an ID card number (digits, with a final X), else the legal entity's.</summary>
    internal static SubjectIdError EitherKind(SubjectIdError entity, SubjectIdError person, bool personFirst)
    {
        var (english, chinese) = personFirst
            ? ($"As a person: {person.Message} As a legal entity: {entity.Message}", $"作为自然人：{person.ChineseMessage} 作为法人：{entity.ChineseMessage}")
            : ($"As a legal entity: {entity.Message} As a person: {person.Message}", $"作为法人：{entity.ChineseMessage} 作为自然人：{person.ChineseMessage}");
        return new(SubjectIdErrorCode.InvalidAsEitherKind, null,
            "Valid neither as a legal entity's code nor as a 居民身份证号码. " + english,
            "既不是有效的法人代码（统一社会信用代码等），也不是有效的居民身份证号码。" + chinese)
        {
            AsLegalEntity = entity,
            AsNaturalPerson = person,
        };
    }

    internal static SubjectIdError Of(SubjectIdErrorCode code, int? position, string english, string chinese) => new(code, position, english, chinese);
}

/// <summary>The <see cref="FormatException"/> that <see cref="SubjectId.Parse(string, SubjectKind)"/>
/// throws: its <see cref="Exception.Message"/> is the English text; <see cref="Error"/> carries the code,
/// the position and the Chinese text to show to the person who typed the identifier.</summary>
public sealed class SubjectIdFormatException : FormatException
{
    /// <summary>Creates the exception for an error.</summary>
    /// <param name="error">What is wrong.</param>
    public SubjectIdFormatException(SubjectIdError error)
        : base((error ?? throw new ArgumentNullException(nameof(error))).Message)
    {
        Error = error;
    }

    /// <summary>What is wrong: code, position, English and Chinese text.</summary>
    public SubjectIdError Error { get; }

    /// <summary>Shorthand for <c>Error.Code</c>.</summary>
    public SubjectIdErrorCode Code => Error.Code;

    /// <summary>Shorthand for <c>Error.Position</c>.</summary>
    public int? Position => Error.Position;

    /// <summary>Shorthand for <c>Error.ChineseMessage</c>.</summary>
    public string ChineseMessage => Error.ChineseMessage;
}
