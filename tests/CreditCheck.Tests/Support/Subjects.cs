namespace CreditCheck.Tests.Support;

/// <summary>Valid identifiers from public sources (company registrations, GB 11643 examples).</summary>
internal static class Subjects
{
    public static SubjectId Tencent => SubjectId.Parse("9144030071526726XG", SubjectKind.LegalEntity);

    public static SubjectId TencentOrganizationCode => SubjectId.Parse("71526726-X", SubjectKind.LegalEntity);

    public static SubjectId Alibaba => SubjectId.Parse("91330100716105852F", SubjectKind.LegalEntity);

    public static SubjectId Huawei => SubjectId.Parse("914403001922038216", SubjectKind.LegalEntity);

    public static SubjectId Person => SubjectId.Parse("11010519491231002X", SubjectKind.NaturalPerson);

    public static SubjectId OtherPerson => SubjectId.Parse("440524188001010014", SubjectKind.NaturalPerson);
}
