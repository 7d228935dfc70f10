using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace CreditCheck.Tests.Identifiers;

/// <summary>
/// Property tests of the identifier parsers. Generators build codes with the SDK's check-character
/// functions; the first four properties prove those functions equal to the independent
/// implementation in <see cref="IdentifierReference"/>, so the rest are not circular.
/// </summary>
public sealed class SubjectIdPropertyTests
{
    private const string Digits = "0123456789";

    private static readonly Config Cases500 = Config.QuickThrowOnFailure.WithMaxTest(500).WithQuietOnSuccess(true);
    private static readonly Config Cases2000 = Config.QuickThrowOnFailure.WithMaxTest(2000).WithQuietOnSuccess(true);

    private static readonly DateOnly EarliestBirth = new(1900, 1, 1);
    private static readonly DateOnly LatestBirth = new(2020, 12, 31);

    // ---- generators -----------------------------------------------------------------------

    private static Gen<char> CharOf(string alphabet) => Gen.Elements(alphabet.ToCharArray());

    private static Gen<string> StringOf(string alphabet, int length) =>
        Gen.ArrayOf(CharOf(alphabet), length).Select(chars => new string(chars));

    /// <summary>A conforming 统一社会信用代码: authority, entity type, 6 region digits, 9 body
    /// characters, check character.</summary>
    private static Gen<string> UsccGen =>
        from authority in CharOf(IdentifierReference.RegistrationAuthorities)
        from entityType in CharOf(authority == '9' ? "123" : IdentifierReference.UsccAlphabet) // GB 32100: 工商 has types 1-3
        from region in StringOf(Digits, 6)
        from body in StringOf(IdentifierReference.UsccAlphabet, 9)
        let first17 = string.Concat(authority.ToString(), entityType.ToString(), region, body)
        select first17 + LegalEntityCodes.UsccCheckCharacter(first17);

    /// <summary>A conforming 组织机构代码: 8 characters 0-9A-Z and the check character.</summary>
    private static Gen<string> OrganizationCodeGen =>
        from body in StringOf(IdentifierReference.OrganizationBodyAlphabet, 8)
        select body + LegalEntityCodes.OrganizationCheckCharacter(body);

    /// <summary>A USCC whose positions 9-17 are a conforming organisation code (drawn from the
    /// USCC alphabet, which lacks I, O, S, V, Z).</summary>
    private static Gen<(string Code, string OrganizationCode)> UsccWithOrganizationCodeGen =>
        from authority in CharOf(IdentifierReference.RegistrationAuthorities)
        from entityType in CharOf(authority == '9' ? "123" : IdentifierReference.UsccAlphabet) // GB 32100: 工商 has types 1-3
        from region in StringOf(Digits, 6)
        from body in StringOf(IdentifierReference.UsccAlphabet, 8)
        let organizationCode = body + LegalEntityCodes.OrganizationCheckCharacter(body)
        let first17 = string.Concat(authority.ToString(), entityType.ToString(), region, organizationCode)
        select (first17 + LegalEntityCodes.UsccCheckCharacter(first17), organizationCode);

    private static Gen<DateOnly> BirthGen(DateOnly from, DateOnly to) =>
        Gen.Choose(0, to.DayNumber - from.DayNumber).Select(from.AddDays);

    /// <summary>Region part of a resident ID number: a GB/T 2260 province and 4 digits, or (1 in 8)
    /// the 2023 foreign permanent residence card's 9, province and 3-digit country code.</summary>
    private static Gen<string> RegionGen =>
        Gen.Frequency(
            (7, from province in Gen.Elements(IdentifierReference.Provinces)
                from rest in StringOf(Digits, 4)
                select province.ToString("00", CultureInfo.InvariantCulture) + rest),
            (1, from province in Gen.Elements(IdentifierReference.Provinces)
                from country in StringOf(Digits, 3)
                select "9" + province.ToString("00", CultureInfo.InvariantCulture) + country));

    /// <summary>A conforming 居民身份证号码 with a real birth date in 1900..2020.</summary>
    private static Gen<string> ResidentIdGen =>
        from region in RegionGen
        from birth in BirthGen(EarliestBirth, LatestBirth)
        from sequence in Gen.Choose(0, 999)
        let first17 = string.Create(CultureInfo.InvariantCulture, $"{region}{birth:yyyyMMdd}{sequence:000}")
        select first17 + ResidentIdNumbers.CheckCharacter(first17);

    /// <summary>A first-generation (15-digit) number and the 18-digit form it must become.</summary>
    private static Gen<(string FirstGeneration, string Expected)> FirstGenerationGen =>
        from province in Gen.Elements(IdentifierReference.Provinces)
        from rest in StringOf(Digits, 4)
        from birth in BirthGen(EarliestBirth, new DateOnly(1999, 12, 31))
        from sequence in Gen.Choose(0, 999)
        let region = province.ToString("00", CultureInfo.InvariantCulture) + rest
        let fifteen = string.Create(CultureInfo.InvariantCulture, $"{region}{birth:yyMMdd}{sequence:000}")
        let first17 = string.Create(CultureInfo.InvariantCulture, $"{region}{birth:yyyyMMdd}{sequence:000}")
        select (fifteen, first17 + IdentifierReference.IdCheck(first17));

    /// <summary>Respells a canonical identifier the way people type it: each character as is, lower
    /// case, full width or full-width lower case, with spaces, ideographic spaces, hyphens or
    /// tabs between characters and around.</summary>
    private static Gen<string> RespellingOf(string canonical) =>
        from styles in Gen.ArrayOf(Gen.Choose(0, 3), canonical.Length)
        from separators in Gen.ArrayOf(Gen.Elements("", "", "", " ", "\u3000", "-", "－", "\t"), canonical.Length + 1)
        select Respell(canonical, styles, separators);

    private static string Respell(string canonical, int[] styles, string[] separators)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < canonical.Length; i++)
        {
            builder.Append(separators[i]);
            var c = canonical[i];
            var lower = char.IsAsciiLetter(c) ? (char)(c + 32) : c;
            builder.Append(styles[i] switch
            {
                0 => c,
                1 => lower,
                2 => (char)(c + 0xFEE0),
                _ => (char)(lower + 0xFEE0),
            });
        }

        builder.Append(separators[^1]);
        return builder.ToString();
    }

    private static string Replace(string text, int index, char c) => string.Concat(text.AsSpan(0, index), [c], text.AsSpan(index + 1));

    private static string SwapAdjacent(string text, int index)
    {
        var chars = text.ToCharArray();
        (chars[index], chars[index + 1]) = (chars[index + 1], chars[index]);
        return new string(chars);
    }

    // ---- the SDK's check characters equal the independent implementation ---------------------

    [Fact]
    public void UsccCheckCharacter_Random17Characters_EqualsIndependentImplementation()
    {
        var property = Prop.ForAll(
            StringOf(IdentifierReference.UsccAlphabet, 17).ToArbitrary(),
            first17 => LegalEntityCodes.UsccCheckCharacter(first17) == IdentifierReference.UsccCheck(first17));

        Check.One(Cases2000, property);
    }

    [Fact]
    public void ResidentIdCheckCharacter_Random17Digits_EqualsIndependentImplementation()
    {
        var property = Prop.ForAll(
            StringOf(Digits, 17).ToArbitrary(),
            first17 => ResidentIdNumbers.CheckCharacter(first17) == IdentifierReference.IdCheck(first17));

        Check.One(Cases2000, property);
    }

    [Fact]
    public void OrganizationCheckCharacter_Random8Characters_EqualsIndependentImplementation()
    {
        var property = Prop.ForAll(
            StringOf(IdentifierReference.OrganizationBodyAlphabet, 8).ToArbitrary(),
            first8 => LegalEntityCodes.OrganizationCheckCharacter(first8) == IdentifierReference.OrganizationCheck(first8));

        Check.One(Cases2000, property);
    }

    [Fact]
    public void RegistrationCheckDigit_Random14Digits_EqualsIndependentImplementation()
    {
        var property = Prop.ForAll(
            StringOf(Digits, 14).ToArbitrary(),
            first14 => LegalEntityCodes.RegistrationCheckDigit(first14) == IdentifierReference.RegistrationCheck(first14));

        Check.One(Cases2000, property);
    }

    // ---- (a) USCC ---------------------------------------------------------------------------

    [Fact]
    public void Parse_GeneratedUscc_ValueIsItself()
    {
        var property = Prop.ForAll(UsccGen.ToArbitrary(), code =>
        {
            var id = SubjectId.Parse(code, SubjectKind.LegalEntity);

            Assert.Equal(code, id.Value);
            Assert.Equal(SubjectKind.LegalEntity, id.Kind);
            Assert.Equal(IdentifierScheme.UnifiedSocialCreditCode, id.Scheme);
            Assert.True(id.CheckCharacterConforms);
            Assert.Equal(id, SubjectId.Parse(code, SubjectKind.LegalEntity, SubjectIdParseMode.LenientCheckCharacter));

            var body = code.Substring(8, 9);
            var bodyConforms = IdentifierReference.OrganizationCheck(body[..8]) == body[8];
            Assert.Equal(bodyConforms ? body : null, id.EmbeddedOrganizationCode?.Value);
        });

        Check.One(Cases500, property);
    }

    [Fact]
    public void Parse_RespelledUscc_EqualsCanonical()
    {
        var gen =
            from code in UsccGen
            from text in RespellingOf(code)
            select (code, text);

        var property = Prop.ForAll(gen.ToArbitrary(), pair =>
        {
            var id = SubjectId.Parse(pair.text, SubjectKind.LegalEntity);
            var canonical = SubjectId.Parse(pair.code, SubjectKind.LegalEntity);

            Assert.Equal(pair.code, id.Value);
            Assert.Equal(canonical, id);
            Assert.Equal(canonical.GetHashCode(), id.GetHashCode());
        });

        Check.One(Cases500, property);
    }

    [Fact]
    public void EmbeddedOrganizationCode_UsccBuiltOnOrganizationCode_EqualsParsedOrganizationCode()
    {
        var property = Prop.ForAll(UsccWithOrganizationCodeGen.ToArbitrary(), pair =>
        {
            var id = SubjectId.Parse(pair.Code, SubjectKind.LegalEntity);
            var hyphenated = pair.OrganizationCode[..8] + "-" + pair.OrganizationCode[8];

            Assert.Equal(SubjectId.Parse(hyphenated, SubjectKind.LegalEntity), id.EmbeddedOrganizationCode);
        });

        Check.One(Cases500, property);
    }

    // ---- (d) every single substitution in a USCC is caught --------------------------------------

    [Fact]
    public void Parse_UsccWithAnySingleSubstitution_RejectedInStrictMode()
    {
        var alphabet = IdentifierReference.UsccAlphabet;
        var property = Prop.ForAll(UsccGen.ToArbitrary(), code =>
        {
            for (var position = 0; position < 18; position++)
            {
                foreach (var c in alphabet)
                {
                    if (c == code[position])
                    {
                        continue;
                    }

                    var changed = Replace(code, position, c);
                    Assert.False(
                        SubjectId.TryParse(changed, SubjectKind.LegalEntity, out _),
                        $"{changed} (position {position + 1} of {code} changed to '{c}') was accepted");

                    // Lenient mode may accept it, but never as conforming.
                    if (SubjectId.TryParse(changed, SubjectKind.LegalEntity, SubjectIdParseMode.LenientCheckCharacter, out var lenient, out _))
                    {
                        Assert.False(lenient.CheckCharacterConforms, $"{changed} was reported conforming");
                    }
                }
            }
        });

        Check.One(Cases500, property);
    }

    [Fact]
    public void Parse_UsccWithAdjacentTranspositionInFirst17_RejectedInStrictMode()
    {
        var property = Prop.ForAll(UsccGen.ToArbitrary(), code =>
        {
            for (var position = 0; position < 16; position++)
            {
                if (code[position] == code[position + 1])
                {
                    continue;
                }

                var swapped = SwapAdjacent(code, position);
                Assert.False(SubjectId.TryParse(swapped, SubjectKind.LegalEntity, out _), $"{swapped} was accepted");
            }
        });

        Check.One(Cases500, property);
    }

    // ---- (b) resident ID numbers ------------------------------------------------------------

    [Fact]
    public void Parse_GeneratedResidentId_ValueIsItself()
    {
        var property = Prop.ForAll(ResidentIdGen.ToArbitrary(), number =>
        {
            var id = SubjectId.Parse(number, SubjectKind.NaturalPerson);

            Assert.Equal(number, id.Value);
            Assert.Equal(SubjectKind.NaturalPerson, id.Kind);
            Assert.Equal(IdentifierScheme.ResidentIdNumber, id.Scheme);
            Assert.True(id.CheckCharacterConforms);
            Assert.Null(id.EmbeddedOrganizationCode);
            Assert.Equal(number[17], IdentifierReference.IdCheck(number[..17]));
        });

        Check.One(Cases500, property);
    }

    [Fact]
    public void Parse_RespelledResidentId_EqualsCanonical()
    {
        var gen =
            from number in ResidentIdGen
            from text in RespellingOf(number)
            select (number, text);

        var property = Prop.ForAll(gen.ToArbitrary(), pair =>
        {
            var id = SubjectId.Parse(pair.text, SubjectKind.NaturalPerson);
            var canonical = SubjectId.Parse(pair.number, SubjectKind.NaturalPerson);

            Assert.Equal(pair.number, id.Value);
            Assert.Equal(canonical, id);
            Assert.Equal(canonical.GetHashCode(), id.GetHashCode());
        });

        Check.One(Cases500, property);
    }

    [Fact]
    public void Parse_FirstGenerationNumber_UpgradesToIndependentlyComputed18DigitForm()
    {
        var property = Prop.ForAll(FirstGenerationGen.ToArbitrary(), pair =>
        {
            var id = SubjectId.Parse(pair.FirstGeneration, SubjectKind.NaturalPerson);

            Assert.Equal(pair.Expected, id.Value);
            Assert.Equal(SubjectId.Parse(pair.Expected, SubjectKind.NaturalPerson), id);
        });

        Check.One(Cases500, property);
    }

    // ---- (c) every single change of a resident ID number is caught ----------------------------

    [Fact]
    public void Parse_ResidentIdWithAnySingleCharacterChange_Rejected()
    {
        var property = Prop.ForAll(ResidentIdGen.ToArbitrary(), number =>
        {
            for (var position = 0; position < 18; position++)
            {
                foreach (var c in IdentifierReference.IdCharacters)
                {
                    if (c == number[position])
                    {
                        continue;
                    }

                    var changed = Replace(number, position, c);
                    foreach (var mode in (SubjectIdParseMode[])[SubjectIdParseMode.Strict, SubjectIdParseMode.LenientCheckCharacter])
                    {
                        Assert.False(
                            SubjectId.TryParse(changed, SubjectKind.NaturalPerson, mode, out _, out _),
                            $"{changed} (position {position + 1} of {number} changed to '{c}') was accepted in {mode} mode");
                    }
                }
            }
        });

        Check.One(Cases500, property);
    }

    [Fact]
    public void Parse_ResidentIdWithAnyAdjacentTransposition_Rejected()
    {
        var property = Prop.ForAll(ResidentIdGen.ToArbitrary(), number =>
        {
            for (var position = 0; position < 17; position++)
            {
                if (number[position] == number[position + 1])
                {
                    continue;
                }

                var swapped = SwapAdjacent(number, position);
                Assert.False(SubjectId.TryParse(swapped, SubjectKind.NaturalPerson, out _), $"{swapped} was accepted");
            }
        });

        Check.One(Cases500, property);
    }

    // ---- (e) organisation codes -------------------------------------------------------------

    [Fact]
    public void Parse_GeneratedOrganizationCode_ValueIsItselfWithOrWithoutHyphen()
    {
        var property = Prop.ForAll(OrganizationCodeGen.ToArbitrary(), code =>
        {
            var plain = SubjectId.Parse(code, SubjectKind.LegalEntity);
            var hyphenated = SubjectId.Parse(code[..8] + "-" + code[8], SubjectKind.LegalEntity);

            Assert.Equal(code, plain.Value);
            Assert.Equal(IdentifierScheme.OrganizationCode, plain.Scheme);
            Assert.True(plain.CheckCharacterConforms);
            Assert.Equal(plain, hyphenated);
            Assert.Equal(code[8], IdentifierReference.OrganizationCheck(code[..8]));
        });

        Check.One(Cases500, property);
    }

    [Fact]
    public void Parse_OrganizationCodeWithDigitSubstitutionOrWrongCheck_RejectedStrictAcceptedLenient()
    {
        // MOD 11 with values up to 35 cannot catch every letter substitution (e.g. 0 → B differs
        // by 11), but it catches every digit-for-digit substitution and every wrong check character.
        var property = Prop.ForAll(OrganizationCodeGen.ToArbitrary(), code =>
        {
            for (var position = 0; position < 9; position++)
            {
                var replacements = position == 8 ? IdentifierReference.IdCharacters : Digits;
                if (position < 8 && !char.IsAsciiDigit(code[position]))
                {
                    continue;
                }

                foreach (var c in replacements)
                {
                    if (c == code[position])
                    {
                        continue;
                    }

                    var changed = Replace(code, position, c);
                    Assert.False(SubjectId.TryParse(changed, SubjectKind.LegalEntity, out _), $"{changed} was accepted");

                    var lenient = SubjectId.Parse(changed, SubjectKind.LegalEntity, SubjectIdParseMode.LenientCheckCharacter);
                    Assert.False(lenient.CheckCharacterConforms);
                    Assert.Equal(changed, lenient.Value);
                }
            }
        });

        Check.One(Cases500, property);
    }

    // ---- masking ------------------------------------------------------------------------------

    [Fact]
    public void Masked_AnyEighteenCharacterId_IsFirstFourTenStarsLastFour()
    {
        var gen = Gen.OneOf(
            UsccGen.Select(code => SubjectId.Parse(code, SubjectKind.LegalEntity)),
            ResidentIdGen.Select(number => SubjectId.Parse(number, SubjectKind.NaturalPerson)));

        var property = Prop.ForAll(gen.ToArbitrary(), id =>
        {
            Assert.Equal(id.Value[..4] + new string('*', 10) + id.Value[^4..], id.Masked);
            Assert.Equal(id.Masked, id.ToString());
            Assert.DoesNotContain(id.Value, id.ToString(), StringComparison.Ordinal);
        });

        Check.One(Cases500, property);
    }
}
