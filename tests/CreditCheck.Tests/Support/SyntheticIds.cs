namespace CreditCheck.Tests.Support;

/// <summary>Valid identifiers made on the fly, as many as a test needs.</summary>
internal static class SyntheticIds
{
    /// <summary>The n-th valid 居民身份证号码 of a fixed region and birth date.</summary>
    public static SubjectId Person(int n)
    {
        var first17 = $"11010519800101{n % 1000:000}";
        var birthShift = n / 1000; // more than 1000: move the birth day
        if (birthShift > 0)
        {
            first17 = $"110105{new DateOnly(1980, 1, 1).AddDays(birthShift):yyyyMMdd}{n % 1000:000}";
        }

        return SubjectId.Parse(first17 + ResidentIdNumbers.CheckCharacter(first17), SubjectKind.NaturalPerson);
    }

    /// <summary>The n-th valid 统一社会信用代码 (enterprise, Beijing Chaoyang).</summary>
    public static SubjectId Company(int n)
    {
        var organization = $"{n:D8}";
        var body = "91110105" + organization + LegalEntityCodes.OrganizationCheckCharacter(organization);
        return SubjectId.Parse(body + LegalEntityCodes.UsccCheckCharacter(body), SubjectKind.LegalEntity);
    }
}
