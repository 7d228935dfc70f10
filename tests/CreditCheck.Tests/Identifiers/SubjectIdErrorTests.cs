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
}
