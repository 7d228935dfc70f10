namespace CreditCheck.Tests.Identifiers;

public sealed class SubjectIdErrorTests
{
    private const string Tencent = "9144030071526726XG";
    private const string Person1949 = "11010519491231002X";

    [Theory]
    [InlineData("\u0000", "U+0000")]
    [InlineData("\u200B", "U+200B")] // zero-width space
    [InlineData("\u2060", "U+2060")] // word joiner
    [InlineData("\u00AD", "U+00AD")] // soft hyphen
    [InlineData("\u202E", "U+202E")] // right-to-left override
    [InlineData("\uFEFF", "U+FEFF")] // a byte-order mark inside the text
    public void Parse_InvisibleCharacterInside_NamesItAndItsPosition(string hidden, string name)
    {
        var text = Tencent[..6] + hidden + Tencent[6..];

        var exception = Assert.Throws<SubjectIdFormatException>(() => SubjectId.Parse(text, SubjectKind.LegalEntity));

        Assert.Equal(SubjectIdErrorCode.InvisibleCharacter, exception.Code);
        Assert.Equal(7, exception.Position);
        Assert.Contains($"{name} at position 7", exception.Message, StringComparison.Ordinal);
        Assert.Contains($"第7位有不可见字符 {name}", exception.ChineseMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\u0301", "U+0301")] // combining acute accent
    [InlineData("\u20DD", "U+20DD")] // combining enclosing circle
    public void Parse_CombiningCharacter_NamesItAndItsPosition(string mark, string name)
    {
        var text = Person1949[..10] + mark + Person1949[10..];

        var exception = Assert.Throws<SubjectIdFormatException>(() => SubjectId.Parse(text, SubjectKind.NaturalPerson));

        Assert.Equal(SubjectIdErrorCode.CombiningCharacter, exception.Code);
        Assert.Equal(11, exception.Position);
        Assert.Contains($"{name} at position 11", exception.Message, StringComparison.Ordinal);
        Assert.Contains("第11位有组合字符", exception.ChineseMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_InvisibleCharacterAfterSpaces_PositionIsWhereItWasTyped()
    {
        var text = "  " + Tencent[..4] + " " + Tencent[4..8] + "\u0000" + Tencent[8..];

        var exception = Assert.Throws<SubjectIdFormatException>(() => SubjectId.Parse(text, SubjectKind.LegalEntity));

        Assert.Equal(text.IndexOf('\u0000', StringComparison.Ordinal) + 1, exception.Position);
    }

    [Fact]
    public void Parse_LeadingByteOrderMark_Accepted()
    {
        var id = SubjectId.Parse("\uFEFF" + Tencent, SubjectKind.LegalEntity);

        Assert.Equal(Tencent, id.Value);
    }

    [Fact]
    public void TryParseDetailed_InvisibleCharacter_SameErrorAsTheException()
    {
        var text = Tencent[..3] + "\u200B" + Tencent[3..];

        Assert.False(SubjectId.TryParseDetailed(text, SubjectKind.LegalEntity, SubjectIdParseMode.Strict, out var id, out var error));
        var exception = Assert.Throws<SubjectIdFormatException>(() => SubjectId.Parse(text, SubjectKind.LegalEntity));

        Assert.True(id.IsEmpty);
        Assert.Equal(exception.Code, error.Code);
        Assert.Equal(exception.Message, error.Message);
        Assert.Equal(exception.ChineseMessage, error.ChineseMessage);
    }

    [Theory]
    [InlineData("91440300715267", SubjectKind.LegalEntity, SubjectIdErrorCode.Length, null, "应为18位")]
    [InlineData("9144030071526726XH", SubjectKind.LegalEntity, SubjectIdErrorCode.CheckCharacterMismatch, 18, "第18位校验码是 'H'，按前17位应为 'G'")]
    [InlineData("914403007I526726XG", SubjectKind.LegalEntity, SubjectIdErrorCode.CharacterNotAllowed, 10, "第10位的字符 'I' 不允许")]
    [InlineData("11010519490231002X", SubjectKind.NaturalPerson, SubjectIdErrorCode.BirthDate, 7, "出生日期 '19490231' 不是有效日期")]
    [InlineData("99010519491231002X", SubjectKind.NaturalPerson, SubjectIdErrorCode.ProvinceCode, 2, "不是省级行政区划代码")]
    [InlineData("11010519491231002Y", SubjectKind.NaturalPerson, SubjectIdErrorCode.CharacterNotAllowed, 18, "第18位校验码 'Y' 不允许")]
    [InlineData("   ", SubjectKind.NaturalPerson, SubjectIdErrorCode.Empty, null, "证件号码为空")]
    public void Parse_InvalidIdentifier_CodePositionAndChineseText(string text, SubjectKind kind, SubjectIdErrorCode code, int? position, string chinese)
    {
        var exception = Assert.Throws<SubjectIdFormatException>(() => SubjectId.Parse(text, kind));

        Assert.Equal(code, exception.Code);
        Assert.Equal(position, exception.Position);
        Assert.Contains(chinese, exception.ChineseMessage, StringComparison.Ordinal);
        Assert.IsAssignableFrom<FormatException>(exception);
    }

    [Fact]
    public void TryParseDetailed_Null_Missing()
    {
        Assert.False(SubjectId.TryParseDetailed(null, SubjectKind.LegalEntity, SubjectIdParseMode.Strict, out _, out var error));

        Assert.Equal(SubjectIdErrorCode.Missing, error.Code);
        Assert.Equal("未填写证件号码。", error.ChineseMessage);
    }

    [Fact]
    public void TryParseDetailed_FirstGenerationNumber_ChineseSaysPositionsOfTheUpgradedForm()
    {
        // 15 digits, birth date 49-02-31: not a real date.
        Assert.False(SubjectId.TryParseDetailed("110105490231002", SubjectKind.NaturalPerson, SubjectIdParseMode.Strict, out _, out var error));

        Assert.Equal(SubjectIdErrorCode.BirthDate, error.Code);
        Assert.Contains("15位第一代身份证", error.ChineseMessage, StringComparison.Ordinal);
        Assert.Contains("18-digit form", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParseEitherKind_PersonWithBirthMonthTypo_GivesBothReadings_PersonFirst()
    {
        // 320102197207067646 with the month typed 17: as a 统一社会信用代码 only the check character is wrong, and
        // following that advice would name another subject (found from outside, over the service).
        var valid = SubjectId.TryParseEitherKind("320102197217067646", SubjectIdParseMode.Strict, out _, out var error);

        Assert.False(valid);
        Assert.Equal(SubjectIdErrorCode.InvalidAsEitherKind, error!.Code);
        Assert.Equal(SubjectIdErrorCode.BirthDate, error.AsNaturalPerson!.Code);
        Assert.Equal(SubjectIdErrorCode.CheckCharacterMismatch, error.AsLegalEntity!.Code);
        Assert.StartsWith("既不是有效的法人代码", error.ChineseMessage, StringComparison.Ordinal);
        Assert.True(error.ChineseMessage.IndexOf("作为自然人：居民身份证号码第7-14位出生日期 '19721706' 不是有效日期", StringComparison.Ordinal)
            < error.ChineseMessage.IndexOf("作为法人：统一社会信用代码第18位校验码是 '6'", StringComparison.Ordinal));
        Assert.Contains("As a person: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("As a legal entity: ", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("32010219720706764")] // a digit dropped
    [InlineData("3201021972070676466")] // a digit doubled
    [InlineData("3201021972070676X")]
    public void TryParseEitherKind_DigitsOneOffAnIdNumbersLength_GivesThePersonReadingFirst(string text)
    {
        // Found from outside, in the service hall: 17 digits were answered first (there, only) with the 统一社会信用代码's length rule.
        Assert.False(SubjectId.TryParseEitherKind(text, SubjectIdParseMode.Strict, out _, out var error));

        Assert.Equal(SubjectIdErrorCode.InvalidAsEitherKind, error!.Code);
        Assert.True(error.ChineseMessage.IndexOf("作为自然人：居民身份证号码应为18位", StringComparison.Ordinal)
            < error.ChineseMessage.IndexOf("作为法人：", StringComparison.Ordinal), error.ChineseMessage);
    }

    [Fact]
    public void TryParseEitherKind_CodeWithLetters_GivesTheLegalEntityReadingFirst()
    {
        Assert.False(SubjectId.TryParseEitherKind("91500103MA7K2I7734", SubjectIdParseMode.Strict, out _, out var error));

        Assert.Equal(SubjectIdErrorCode.InvalidAsEitherKind, error!.Code);
        Assert.Contains("作为法人：统一社会信用代码第14位的字符 'I' 不允许", error.ChineseMessage, StringComparison.Ordinal);
        Assert.True(error.Message.IndexOf("As a legal entity", StringComparison.Ordinal) < error.Message.IndexOf("As a person", StringComparison.Ordinal));
    }

    [Fact]
    public void TryParseEitherKind_ValidAsOneKind_IsThatKind_ValidAsBoth_IsAmbiguous_HiddenCharacter_IsSaidOnce()
    {
        Assert.True(SubjectId.TryParseEitherKind(Tencent, SubjectIdParseMode.Strict, out var entity, out _));
        Assert.Equal(SubjectKind.LegalEntity, entity.Kind);
        Assert.True(SubjectId.TryParseEitherKind(Person1949, SubjectIdParseMode.Strict, out var person, out _));
        Assert.Equal(SubjectKind.NaturalPerson, person.Kind);

        // an 18-digit text valid as both: a person's number whose first two digits are also a registration authority
        var both = Enumerable.Range(0, 10_000).Select(n => "1101051949123" + n.ToString("0000", System.Globalization.CultureInfo.InvariantCulture))
            .Select(body => body + ExpectedPersonCheck(body))
            .First(text => SubjectId.TryParse(text, SubjectKind.LegalEntity, out _) && SubjectId.TryParse(text, SubjectKind.NaturalPerson, out _));
        Assert.False(SubjectId.TryParseEitherKind(both, SubjectIdParseMode.Strict, out _, out var ambiguous));
        Assert.Equal(SubjectIdErrorCode.AmbiguousKind, ambiguous!.Code);

        Assert.False(SubjectId.TryParseEitherKind(Tencent[..6] + "\u200B" + Tencent[6..], SubjectIdParseMode.Strict, out _, out var hidden));
        Assert.Equal(SubjectIdErrorCode.InvisibleCharacter, hidden!.Code);
        Assert.Null(hidden.AsLegalEntity);
    }

    private static char ExpectedPersonCheck(string body17)
    {
        int[] weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        var sum = body17.Select((c, i) => (c - '0') * weights[i]).Sum();
        return "10X98765432"[sum % 11];
    }
}
