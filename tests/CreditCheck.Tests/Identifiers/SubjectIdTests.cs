using CreditCheck.Tests.Support;

namespace CreditCheck.Tests.Identifiers;

public sealed class SubjectIdTests
{
    // Public registrations: 腾讯 (Shenzhen), 阿里巴巴 (Hangzhou), 华为 (Shenzhen).
    private const string Tencent = "9144030071526726XG";
    private const string Alibaba = "91330100716105852F";
    private const string Huawei = "914403001922038216";

    // GB 11643-1999 examples.
    private const string Person1949 = "11010519491231002X";
    private const string Person1880 = "440524188001010014";

    private static FormatException ParseFails(string text, SubjectKind kind, SubjectIdParseMode mode = SubjectIdParseMode.Strict)
    {
        var exception = Assert.Throws<SubjectIdFormatException>(() => SubjectId.Parse(text, kind, mode));
        Assert.False(SubjectId.TryParse(text, kind, mode, out var id, out var error));
        Assert.Equal(exception.Message, error);
        Assert.Equal(exception.Message, exception.Error.Message);
        Assert.NotEqual(exception.Error.Message, exception.ChineseMessage);
        Assert.True(id.IsEmpty);
        return exception;
    }

    // ---- 1. Real public codes -------------------------------------------------------------

    [Theory]
    [InlineData(Tencent, "71526726X")]
    [InlineData(Alibaba, "716105852")]
    [InlineData(Huawei, "192203821")]
    public void Parse_RealUnifiedSocialCreditCode_ParsesStrictlyWithConformingCheck(string code, string organizationCode)
    {
        var id = SubjectId.Parse(code, SubjectKind.LegalEntity);

        Assert.Equal(code, id.Value);
        Assert.Equal(SubjectKind.LegalEntity, id.Kind);
        Assert.Equal(IdentifierScheme.UnifiedSocialCreditCode, id.Scheme);
        Assert.True(id.CheckCharacterConforms);
        Assert.False(id.IsEmpty);

        var embedded = id.EmbeddedOrganizationCode;
        Assert.NotNull(embedded);
        Assert.Equal(organizationCode, embedded.Value.Value);
        Assert.Equal(IdentifierScheme.OrganizationCode, embedded.Value.Scheme);
        Assert.Equal(SubjectKind.LegalEntity, embedded.Value.Kind);
        Assert.True(embedded.Value.CheckCharacterConforms);
    }

    [Theory]
    [InlineData("71526726X", "71526726X")]
    [InlineData("71526726-X", "71526726X")]
    [InlineData("71526726-x", "71526726X")]
    [InlineData("71610585-2", "716105852")]
    [InlineData("19220382-1", "192203821")]
    [InlineData("192203821", "192203821")]
    public void Parse_RealOrganizationCode_ParsesAsOrganizationCode(string text, string canonical)
    {
        var id = SubjectId.Parse(text, SubjectKind.LegalEntity);

        Assert.Equal(canonical, id.Value);
        Assert.Equal(IdentifierScheme.OrganizationCode, id.Scheme);
        Assert.True(id.CheckCharacterConforms);
        Assert.Null(id.EmbeddedOrganizationCode);
    }

    [Theory]
    [InlineData(Tencent, "71526726-X")]
    [InlineData(Alibaba, "71610585-2")]
    [InlineData(Huawei, "19220382-1")]
    public void EmbeddedOrganizationCode_RealCode_EqualsParsedOrganizationCode(string code, string organizationCode)
    {
        var embedded = SubjectId.Parse(code, SubjectKind.LegalEntity).EmbeddedOrganizationCode;

        Assert.Equal(SubjectId.Parse(organizationCode, SubjectKind.LegalEntity), embedded);
    }

    [Fact]
    public void EmbeddedOrganizationCode_BodyIsNotConformingOrganizationCode_IsNull()
    {
        // Positions 9-17 "715267260": the organisation code 71526726 requires X, not 0.
        var first17 = "91440300715267260";
        var code = first17 + IdentifierReference.UsccCheck(first17);

        var id = SubjectId.Parse(code, SubjectKind.LegalEntity);

        Assert.Null(id.EmbeddedOrganizationCode);
    }

    [Fact]
    public void EmbeddedOrganizationCode_NonUsccSchemes_IsNull()
    {
        Assert.Null(SubjectId.Parse(Person1949, SubjectKind.NaturalPerson).EmbeddedOrganizationCode);
        Assert.Null(default(SubjectId).EmbeddedOrganizationCode);
    }

    [Theory]
    [InlineData(Person1949)]
    [InlineData(Person1880)]
    public void Parse_Gb11643Example_ParsesAsPerson(string number)
    {
        var id = SubjectId.Parse(number, SubjectKind.NaturalPerson);

        Assert.Equal(number, id.Value);
        Assert.Equal(SubjectKind.NaturalPerson, id.Kind);
        Assert.Equal(IdentifierScheme.ResidentIdNumber, id.Scheme);
        Assert.True(id.CheckCharacterConforms);
    }

    [Theory]
    [InlineData(Tencent)]
    [InlineData(Alibaba)]
    [InlineData(Huawei)]
    public void ReferenceUsccCheck_RealCodes_MatchesPrintedCheckCharacter(string code)
    {
        // Guards the independent implementation the property tests rely on.
        Assert.Equal(code[17], IdentifierReference.UsccCheck(code[..17]));
        Assert.Equal(code[16], IdentifierReference.OrganizationCheck(code[8..16]));
    }

    [Theory]
    [InlineData(Person1949)]
    [InlineData(Person1880)]
    public void ReferenceIdCheck_Gb11643Examples_MatchesPrintedCheckCharacter(string number)
    {
        Assert.Equal(number[17], IdentifierReference.IdCheck(number[..17]));
    }

    // ---- 2. Canonicalisation --------------------------------------------------------------

    [Theory]
    [InlineData("11010519491231002x")]
    [InlineData("１１０１０５１９４９１２３１００２ｘ")]
    [InlineData("１１０１０５１９４９１２３１００２Ｘ")]
    [InlineData("  11010519491231002X  ")]
    [InlineData("110105 19491231 002X")]
    [InlineData("\u3000110105\u300019491231\u3000002x\u3000")]
    [InlineData("110105-19491231-002X")]
    [InlineData("110105－19491231－002ｘ")]
    [InlineData("\t110105 1949 1231 002X\r\n")]
    public void Parse_PersonSpelledDifferently_ValueIsCanonical(string text)
    {
        var id = SubjectId.Parse(text, SubjectKind.NaturalPerson);

        Assert.Equal(Person1949, id.Value);
    }

    [Theory]
    [InlineData("9144030071526726xg")]
    [InlineData("９１４４０３００７１５２６７２６ＸＧ")]
    [InlineData("９１４４０３００７１５２６７２６ｘｇ")]
    [InlineData(" 914403 0071526726XG ")]
    [InlineData("914403-00715267-26X-G")]
    [InlineData("\u30009144 0300 7152 6726 XG\u3000")]
    public void Parse_UsccSpelledDifferently_ValueIsCanonical(string text)
    {
        var id = SubjectId.Parse(text, SubjectKind.LegalEntity);

        Assert.Equal(Tencent, id.Value);
        Assert.Equal(IdentifierScheme.UnifiedSocialCreditCode, id.Scheme);
    }

    [Theory]
    [InlineData("110105491231002", Person1949)]
    [InlineData("１１０１０５４９１２３１００２", Person1949)]
    [InlineData(" 110105 491231 002 ", Person1949)]
    public void Parse_FirstGenerationNumber_UpgradesTo18Digits(string text, string expected)
    {
        var id = SubjectId.Parse(text, SubjectKind.NaturalPerson);

        Assert.Equal(expected, id.Value);
        Assert.Equal(18, id.Value.Length);
        Assert.Equal(IdentifierScheme.ResidentIdNumber, id.Scheme);
        Assert.Equal(SubjectId.Parse(expected, SubjectKind.NaturalPerson), id);
    }

    [Fact]
    public void Parse_FirstGenerationNumberWithImpossibleDate_SaysPositionsReferTo18DigitForm()
    {
        var exception = ParseFails("110105490231002", SubjectKind.NaturalPerson);

        Assert.Contains("19490231", exception.Message, StringComparison.Ordinal);
        Assert.Contains("not a real date", exception.Message, StringComparison.Ordinal);
        Assert.Contains("15-digit first-generation", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_FifteenDigitsAsLegalEntity_IsRegistrationNumberNotUpgraded()
    {
        var first14 = "44030110344866";
        var number = first14 + IdentifierReference.RegistrationCheck(first14);

        var id = SubjectId.Parse(number, SubjectKind.LegalEntity);

        Assert.Equal(number, id.Value);
        Assert.Equal(IdentifierScheme.RegistrationNumber, id.Scheme);
        Assert.True(id.CheckCharacterConforms);
    }

    [Fact]
    public void Parse_RegistrationNumberWithWrongCheckDigit_FailsStrictParsesLenient()
    {
        var first14 = "44030110344866";
        var right = IdentifierReference.RegistrationCheck(first14);
        var wrong = right == '0' ? '1' : '0';
        var number = first14 + wrong;

        var exception = ParseFails(number, SubjectKind.LegalEntity);
        Assert.Contains($"require '{right}'", exception.Message, StringComparison.Ordinal);

        var lenient = SubjectId.Parse(number, SubjectKind.LegalEntity, SubjectIdParseMode.LenientCheckCharacter);
        Assert.False(lenient.CheckCharacterConforms);
        Assert.Equal(IdentifierScheme.RegistrationNumber, lenient.Scheme);
    }

    // ---- 3. Error messages ----------------------------------------------------------------

    [Theory]
    [InlineData("9144030071526726X", 17)]
    [InlineData("9144030071526726XGG", 19)]
    [InlineData("9144", 4)]
    [InlineData("91440300715267", 14)]
    public void Parse_UsccWrongLength_MessageSays18AndActualCount(string text, int count)
    {
        var exception = ParseFails(text, SubjectKind.LegalEntity);

        Assert.Contains("统一社会信用代码", exception.Message, StringComparison.Ordinal);
        Assert.Contains("18 characters", exception.Message, StringComparison.Ordinal);
        Assert.Contains($"got {count}", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("11010519491231002", 17)]
    [InlineData("11010519491231002XX", 19)]
    [InlineData("1101051949123", 13)]
    public void Parse_PersonWrongLength_MessageSays18AndActualCount(string text, int count)
    {
        var exception = ParseFails(text, SubjectKind.NaturalPerson);

        Assert.Contains("18 characters", exception.Message, StringComparison.Ordinal);
        Assert.Contains($"got {count}", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData('I', 10)]
    [InlineData('O', 9)]
    [InlineData('S', 12)]
    [InlineData('V', 2)]
    [InlineData('Z', 18)]
    [InlineData('I', 1)]
    [InlineData('*', 15)]
    [InlineData('腾', 11)]
    public void Parse_UsccForbiddenCharacter_MessageNamesCharacterAndPosition(char bad, int position)
    {
        var text = Tencent[..(position - 1)] + bad + Tencent[position..];

        var exception = ParseFails(text, SubjectKind.LegalEntity);

        // Non-ASCII characters are also named by code point, e.g. '腾' (U+817E).
        Assert.Contains($"'{bad}'", exception.Message, StringComparison.Ordinal);
        Assert.Contains($"at position {position} is not allowed", exception.Message, StringComparison.Ordinal);
        Assert.Contains("never I, O, S, V, Z", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UsccForbiddenCharacterInLenientMode_StillRejected()
    {
        var exception = ParseFails("914403007I526726XG", SubjectKind.LegalEntity, SubjectIdParseMode.LenientCheckCharacter);

        Assert.Contains("'I' at position 10", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UsccControlCharacter_MessageNamesCodePoint()
    {
        var exception = ParseFails(Tencent[..17] + "\u0001", SubjectKind.LegalEntity);

        Assert.Contains("U+0001 at position 18", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Tencent, 'H', 'G')]
    [InlineData(Alibaba, 'E', 'F')]
    [InlineData(Huawei, '7', '6')]
    public void Parse_UsccWrongCheckCharacter_MessageNamesExpectedCharacter(string code, char wrong, char expected)
    {
        var exception = ParseFails(code[..17] + wrong, SubjectKind.LegalEntity);

        Assert.Contains("position 18", exception.Message, StringComparison.Ordinal);
        Assert.Contains($"is '{wrong}'", exception.Message, StringComparison.Ordinal);
        Assert.Contains($"require '{expected}'", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData('0')]
    [InlineData('B')]
    [InlineData('X')]
    [InlineData('G')]
    public void Parse_UsccUnknownRegistrationAuthority_MessageNamesPosition1(char authority)
    {
        // A valid check character, so that only the authority rule can fail.
        var first17 = authority + Tencent[1..17];
        var code = first17 + IdentifierReference.UsccCheck(first17);

        var exception = ParseFails(code, SubjectKind.LegalEntity);

        Assert.Contains($"'{authority}' at position 1", exception.Message, StringComparison.Ordinal);
        Assert.Contains("registration authority", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_PersonBornBefore1800_SaysSo()
    {
        var first17 = "11010517991231002";

        var exception = ParseFails(first17 + IdentifierReference.IdCheck(first17), SubjectKind.NaturalPerson);

        Assert.Contains("1799-12-31 at positions 7-14 is before 1800", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData('A')]
    [InlineData('4')]
    [InlineData('0')]
    public void Parse_UsccEnterpriseAuthorityWithUnknownEntityType_MessageNamesPosition2(char entityType)
    {
        var first17 = "9" + entityType + Tencent[2..17];

        var exception = ParseFails(first17 + IdentifierReference.UsccCheck(first17), SubjectKind.LegalEntity);

        Assert.Contains($"'{entityType}' at position 2 is not an entity type", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData('1')]
    [InlineData('5')]
    [InlineData('A')]
    [InlineData('N')]
    [InlineData('Y')]
    public void Parse_UsccKnownRegistrationAuthority_Parses(char authority)
    {
        var first17 = authority + Tencent[1..17];
        var code = first17 + IdentifierReference.UsccCheck(first17);

        Assert.Equal(code, SubjectId.Parse(code, SubjectKind.LegalEntity).Value);
    }

    [Theory]
    [InlineData(3, 'A')]
    [InlineData(5, 'X')]
    [InlineData(8, 'Y')]
    public void Parse_UsccNonDigitRegion_MessageNamesCharacterAndPosition(int position, char bad)
    {
        var first17 = Tencent[..(position - 1)] + bad + Tencent[position..17];
        var code = first17 + IdentifierReference.UsccCheck(first17);

        var exception = ParseFails(code, SubjectKind.LegalEntity);

        Assert.Contains("administrative region", exception.Message, StringComparison.Ordinal);
        Assert.Contains($"'{bad}' at position {position}", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, 'A')]
    [InlineData(5, 'A')]
    [InlineData(10, 'X')]
    [InlineData(17, 'X')]
    [InlineData(12, '#')]
    public void Parse_PersonNonDigit_MessageNamesCharacterAndPosition(int position, char bad)
    {
        var text = Person1949[..(position - 1)] + bad + Person1949[position..];

        var exception = ParseFails(text, SubjectKind.NaturalPerson);

        Assert.Contains($"'{bad}' at position {position} is not a digit", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData('Y')]
    [InlineData('A')]
    public void Parse_PersonCheckCharacterNotDigitOrX_MessageNamesIt(char bad)
    {
        var exception = ParseFails(Person1949[..17] + bad, SubjectKind.NaturalPerson);

        Assert.Contains($"'{bad}' at position 18 is not allowed", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("19490231")]
    [InlineData("19490229")]
    [InlineData("19001301")]
    [InlineData("19000229")]
    [InlineData("19491232")]
    [InlineData("00000000")]
    public void Parse_PersonImpossibleBirthDate_MessageNamesDate(string date)
    {
        var first17 = "110105" + date + "002";
        var number = first17 + IdentifierReference.IdCheck(first17);

        var exception = ParseFails(number, SubjectKind.NaturalPerson);

        Assert.Contains($"'{date}'", exception.Message, StringComparison.Ordinal);
        Assert.Contains("positions 7-14", exception.Message, StringComparison.Ordinal);
        Assert.Contains("not a real date", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_PersonLeapDay_Parses()
    {
        var first17 = "11010520000229002";
        var number = first17 + IdentifierReference.IdCheck(first17);

        Assert.Equal(number, SubjectId.Parse(number, SubjectKind.NaturalPerson).Value);
    }

    [Fact]
    public void Parse_PersonBornInFuture_MessageSaysFuture()
    {
        // 110105 2099-01-01 001 with its correct check character, so only the date rule can fail.
        var first17 = "11010520990101001";
        var number = first17 + IdentifierReference.IdCheck(first17);
        Assert.Equal("110105209901010012", number);

        var exception = ParseFails(number, SubjectKind.NaturalPerson);

        Assert.Contains("2099-01-01", exception.Message, StringComparison.Ordinal);
        Assert.Contains("in the future", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParseCore_BornTodayInChina_Accepted()
    {
        // 2025-06-30T16:00Z is 2025-07-01 00:00 in China Standard Time.
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 6, 30, 16, 0, 0, TimeSpan.Zero));
        var number = IdentifierReference.ResidentId(11, "0105", new DateOnly(2025, 7, 1), 1);

        var error = SubjectId.TryParseCore(number, SubjectKind.NaturalPerson, SubjectIdParseMode.Strict, clock, out var id);

        Assert.Null(error);
        Assert.Equal(number, id.Value);
    }

    [Fact]
    public void TryParseCore_BornTomorrowInChina_RejectedAsFuture()
    {
        // 2025-06-30T15:59Z is still 2025-06-30 in China Standard Time.
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 6, 30, 15, 59, 0, TimeSpan.Zero));
        var number = IdentifierReference.ResidentId(11, "0105", new DateOnly(2025, 7, 1), 1);

        var error = SubjectId.TryParseCore(number, SubjectKind.NaturalPerson, SubjectIdParseMode.Strict, clock, out var id);

        Assert.NotNull(error);
        Assert.Equal(SubjectIdErrorCode.BirthDate, error.Code);
        Assert.Contains("2025-07-01", error.Message, StringComparison.Ordinal);
        Assert.Contains("in the future", error.Message, StringComparison.Ordinal);
        Assert.Contains("晚于今天", error.ChineseMessage, StringComparison.Ordinal);
        Assert.True(id.IsEmpty);
    }

    [Theory]
    [InlineData("000105", "'00' at positions 1-2")]
    [InlineData("100105", "'10' at positions 1-2")]
    [InlineData("240105", "'24' at positions 1-2")]
    [InlineData("660105", "'66' at positions 1-2")]
    [InlineData("800105", "'80' at positions 1-2")]
    [InlineData("990105", "'90' at positions 2-3")] // a leading 9 marks the foreign permanent residence card
    [InlineData("900105", "'00' at positions 2-3")]
    public void Parse_PersonUnknownProvince_MessageNamesProvinceCode(string region, string expected)
    {
        var first17 = region + "19491231" + "002";
        var number = first17 + IdentifierReference.IdCheck(first17);

        var exception = ParseFails(number, SubjectKind.NaturalPerson);

        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
        Assert.Contains("not a province code", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("810000")] // 港澳台居民居住证 (Hong Kong)
    [InlineData("820000")] // Macao
    [InlineData("830000")] // Taiwan
    [InlineData("911156")] // 外国人永久居留身份证 (2023): 9, province 11, country 156
    public void Parse_PermitsInResidentIdFormat_Parse(string region)
    {
        var first17 = region + "19800101" + "123";
        var number = first17 + IdentifierReference.IdCheck(first17);

        var id = SubjectId.Parse(number, SubjectKind.NaturalPerson);

        Assert.Equal(number, id.Value);
        Assert.Equal(IdentifierScheme.ResidentIdNumber, id.Scheme);
    }

    [Theory]
    [InlineData(Person1949, 'X')]
    [InlineData(Person1880, '4')]
    public void Parse_PersonWrongCheckCharacter_MessageNamesExpectedCharacter(string number, char expected)
    {
        var wrong = expected == '0' ? '1' : '0';

        var exception = ParseFails(number[..17] + wrong, SubjectKind.NaturalPerson);

        Assert.Contains("position 18", exception.Message, StringComparison.Ordinal);
        Assert.Contains($"is '{wrong}'", exception.Message, StringComparison.Ordinal);
        Assert.Contains($"require '{expected}'", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", SubjectKind.LegalEntity)]
    [InlineData("   ", SubjectKind.LegalEntity)]
    [InlineData("\u3000\u3000", SubjectKind.NaturalPerson)]
    [InlineData(" - - ", SubjectKind.NaturalPerson)]
    [InlineData("\t\r\n", SubjectKind.NaturalPerson)]
    public void Parse_EmptyOrWhitespace_MessageSaysEmpty(string text, SubjectKind kind)
    {
        var exception = ParseFails(text, kind);

        Assert.Contains("empty", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Null_ThrowsArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>("text", () => SubjectId.Parse(null!, SubjectKind.LegalEntity));
        Assert.Throws<ArgumentNullException>(
            "text",
            () => SubjectId.Parse(null!, SubjectKind.NaturalPerson, SubjectIdParseMode.LenientCheckCharacter));
    }

    [Fact]
    public void TryParse_Null_ReturnsFalseWithError()
    {
        Assert.False(SubjectId.TryParse(null, SubjectKind.LegalEntity, out var id));
        Assert.True(id.IsEmpty);

        Assert.False(SubjectId.TryParse(null, SubjectKind.NaturalPerson, SubjectIdParseMode.Strict, out id, out var error));
        Assert.True(id.IsEmpty);
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public void TryParse_Valid_ReturnsTrueWithIdAndNoError()
    {
        Assert.True(SubjectId.TryParse(Tencent, SubjectKind.LegalEntity, out var company));
        Assert.Equal(Tencent, company.Value);

        Assert.True(SubjectId.TryParse(" 11010519491231002x ", SubjectKind.NaturalPerson, SubjectIdParseMode.Strict, out var person, out var error));
        Assert.Null(error);
        Assert.Equal(Person1949, person.Value);
    }

    [Fact]
    public void TryParse_WrongKind_ReturnsFalse()
    {
        // A USCC contains letters outside position 18, so it is not a resident ID number.
        Assert.False(SubjectId.TryParse(Tencent, SubjectKind.NaturalPerson, out _));
        // A resident ID number is not a conforming USCC.
        Assert.False(SubjectId.TryParse(Person1949, SubjectKind.LegalEntity, out _));
    }

    // ---- 4. Lenient mode ------------------------------------------------------------------

    [Theory]
    [InlineData(Tencent)]
    [InlineData(Alibaba)]
    [InlineData(Huawei)]
    public void Parse_UsccWrongCheckCharacter_FailsStrictParsesLenientAsNonConforming(string code)
    {
        var wrong = code[..17] + (code[17] == '0' ? '1' : '0');

        Assert.False(SubjectId.TryParse(wrong, SubjectKind.LegalEntity, out _));
        Assert.Throws<SubjectIdFormatException>(() => SubjectId.Parse(wrong, SubjectKind.LegalEntity, SubjectIdParseMode.Strict));

        var id = SubjectId.Parse(wrong, SubjectKind.LegalEntity, SubjectIdParseMode.LenientCheckCharacter);

        Assert.Equal(wrong, id.Value);
        Assert.Equal(IdentifierScheme.UnifiedSocialCreditCode, id.Scheme);
        Assert.False(id.CheckCharacterConforms);
        // The body is still a conforming organisation code, so lookups by it still work.
        Assert.Equal(code.Substring(8, 9), id.EmbeddedOrganizationCode?.Value);
    }

    [Theory]
    [InlineData(Tencent)]
    [InlineData(Huawei)]
    public void Parse_ConformingUsccInLenientMode_ReportsConforming(string code)
    {
        var id = SubjectId.Parse(code, SubjectKind.LegalEntity, SubjectIdParseMode.LenientCheckCharacter);

        Assert.True(id.CheckCharacterConforms);
        Assert.Equal(SubjectId.Parse(code, SubjectKind.LegalEntity), id);
    }

    [Theory]
    [InlineData("71526726-1", 'X')]
    [InlineData("71610585-X", '2')]
    [InlineData("19220382-0", '1')]
    public void Parse_OrganizationCodeWrongCheckCharacter_FailsStrictParsesLenient(string text, char expected)
    {
        var exception = ParseFails(text, SubjectKind.LegalEntity);
        Assert.Contains("组织机构代码", exception.Message, StringComparison.Ordinal);
        Assert.Contains("position 9", exception.Message, StringComparison.Ordinal);
        Assert.Contains($"require '{expected}'", exception.Message, StringComparison.Ordinal);

        var id = SubjectId.Parse(text, SubjectKind.LegalEntity, SubjectIdParseMode.LenientCheckCharacter);

        Assert.Equal(text.Replace("-", string.Empty, StringComparison.Ordinal), id.Value);
        Assert.Equal(IdentifierScheme.OrganizationCode, id.Scheme);
        Assert.False(id.CheckCharacterConforms);
    }

    [Theory]
    [InlineData("7152672#-X", "'#' at position 8")]
    [InlineData("7152 672*X", "'*' at position 8")]
    [InlineData("71526726-Y", "'Y' at position 9")]
    public void Parse_OrganizationCodeBadCharacter_MessageNamesCharacterAndPosition(string text, string expected)
    {
        var exception = ParseFails(text, SubjectKind.LegalEntity, SubjectIdParseMode.LenientCheckCharacter);

        Assert.Contains("组织机构代码", exception.Message, StringComparison.Ordinal);
        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_OrganizationCodeWithLowerCaseLetters_ValueIsUpperCase()
    {
        var check = IdentifierReference.OrganizationCheck("MA5D1234");

        var id = SubjectId.Parse("ma5d1234-" + char.ToLowerInvariant(check), SubjectKind.LegalEntity);

        Assert.Equal("MA5D1234" + check, id.Value);
        Assert.True(id.CheckCharacterConforms);
    }

    [Theory]
    [InlineData(Person1949)]
    [InlineData(Person1880)]
    public void Parse_PersonWrongCheckCharacterInLenientMode_StillRejected(string number)
    {
        var wrong = number[..17] + (number[17] == '0' ? '1' : '0');

        var exception = ParseFails(wrong, SubjectKind.NaturalPerson, SubjectIdParseMode.LenientCheckCharacter);

        Assert.Contains($"require '{number[17]}'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_PersonInLenientMode_ReportsConforming()
    {
        var id = SubjectId.Parse(Person1949, SubjectKind.NaturalPerson, SubjectIdParseMode.LenientCheckCharacter);

        Assert.True(id.CheckCharacterConforms);
    }

    // ---- 5. Masking -----------------------------------------------------------------------

    [Theory]
    [InlineData(Tencent, SubjectKind.LegalEntity, "9144**********26XG")]
    [InlineData(Huawei, SubjectKind.LegalEntity, "9144**********8216")]
    [InlineData(Person1949, SubjectKind.NaturalPerson, "1101**********002X")]
    [InlineData("110105491231002", SubjectKind.NaturalPerson, "1101**********002X")]
    public void Masked_EighteenCharacters_KeepsFirstFourAndLastFour(string text, SubjectKind kind, string expected)
    {
        var id = SubjectId.Parse(text, kind);

        Assert.Equal(expected, id.Masked);
        Assert.Equal(18, id.Masked.Length);
        Assert.Equal(id.Value[..4] + new string('*', 10) + id.Value[^4..], id.Masked);
    }

    [Theory]
    [InlineData(Tencent, SubjectKind.LegalEntity)]
    [InlineData(Alibaba, SubjectKind.LegalEntity)]
    [InlineData(Person1949, SubjectKind.NaturalPerson)]
    [InlineData(Person1880, SubjectKind.NaturalPerson)]
    [InlineData("71526726-X", SubjectKind.LegalEntity)]
    public void ToString_AnyId_IsMaskedAndNeverContainsFullNumber(string text, SubjectKind kind)
    {
        var id = SubjectId.Parse(text, kind);

        Assert.Equal(id.Masked, id.ToString());
        Assert.DoesNotContain(id.Value, id.ToString(), StringComparison.Ordinal);
        Assert.Contains('*', id.ToString());
        Assert.DoesNotContain(id.Value, $"{id}", StringComparison.Ordinal);
    }

    [Fact]
    public void Masked_OrganizationCode_KeepsTwoEachSide()
    {
        Assert.Equal("71*****6X", SubjectId.Parse("71526726-X", SubjectKind.LegalEntity).Masked);
    }

    [Fact]
    public void Default_IsEmptyWithEmptyValueAndMask()
    {
        var id = default(SubjectId);

        Assert.True(id.IsEmpty);
        Assert.Equal(string.Empty, id.Value);
        Assert.Equal(string.Empty, id.Masked);
        Assert.Equal(string.Empty, id.ToString());
    }

    // ---- 6. Equality ----------------------------------------------------------------------

    [Fact]
    public void Equals_SameKindDifferentSpellings_EqualWithEqualHashCodes()
    {
        var a = SubjectId.Parse(Person1949, SubjectKind.NaturalPerson);
        var b = SubjectId.Parse("１１０１０５ １９４９１２３１ ００２ｘ", SubjectKind.NaturalPerson);
        var c = SubjectId.Parse("110105491231002", SubjectKind.NaturalPerson);

        Assert.Equal(a, b);
        Assert.Equal(a, c);
        Assert.True(a == b);
        Assert.False(a != c);
        Assert.True(a.Equals((object)b));
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.Equal(a.GetHashCode(), c.GetHashCode());
        Assert.Single(new HashSet<SubjectId> { a, b, c });
    }

    [Fact]
    public void Equals_UsccDifferentSpellings_Equal()
    {
        var a = SubjectId.Parse(Tencent, SubjectKind.LegalEntity);
        var b = SubjectId.Parse(" 9144 0300 7152 6726 xg ", SubjectKind.LegalEntity);
        var c = SubjectId.Parse(Tencent, SubjectKind.LegalEntity, SubjectIdParseMode.LenientCheckCharacter);

        Assert.Equal(a, b);
        Assert.Equal(a, c);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }

    [Fact]
    public void Equals_DifferentValues_NotEqual()
    {
        var tencent = SubjectId.Parse(Tencent, SubjectKind.LegalEntity);
        var huawei = SubjectId.Parse(Huawei, SubjectKind.LegalEntity);
        var organization = SubjectId.Parse("71526726-X", SubjectKind.LegalEntity);

        Assert.NotEqual(tencent, huawei);
        Assert.True(tencent != huawei);
        Assert.NotEqual(tencent, organization);
        Assert.False(tencent.Equals(Tencent));
        Assert.False(tencent.Equals(null));
        Assert.NotEqual(default, tencent);
    }

    [Fact]
    public void Equals_SameValueDifferentKinds_NotEqual()
    {
        // Find an 18-digit number that is both a conforming resident ID number and a conforming
        // USCC (authority 1, region digits), so that the same canonical text parses as both kinds.
        string? both = null;
        for (var sequence = 0; sequence < 1000 && both is null; sequence++)
        {
            var candidate = IdentifierReference.ResidentId(11, "0105", new DateOnly(1980, 1, 1), sequence);
            if (IdentifierReference.UsccCheck(candidate[..17]) == candidate[17])
            {
                both = candidate;
            }
        }

        Assert.NotNull(both);
        var person = SubjectId.Parse(both, SubjectKind.NaturalPerson);
        var entity = SubjectId.Parse(both, SubjectKind.LegalEntity);

        Assert.Equal(person.Value, entity.Value);
        Assert.NotEqual(person, entity);
        Assert.False(person == entity);
        Assert.True(person != entity);
        Assert.False(person.Equals((object)entity));
    }

    [Fact]
    public void Equals_Defaults_Equal()
    {
        Assert.Equal(default(SubjectId), default);
        Assert.Equal(default(SubjectId).GetHashCode(), default(SubjectId).GetHashCode());
    }

    [Fact]
    public void Parse_UnknownKind_ThrowsArgumentOutOfRange()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SubjectId.Parse(Tencent, (SubjectKind)99));
    }
}
