using CreditCheck.ListFiles;

namespace CreditCheck.Tests.ListFiles;

/// <summary>Valid identifiers and helpers shared by the list-file tests.</summary>
internal static class ListFileTestData
{
    public const string Uscc = "9144030071526726XG";
    public const string Uscc2 = "91330100716105852F";
    public const string Uscc3 = "914403001922038216";

    /// <summary>9144030071526726XG with a wrong check character (G is required).</summary>
    public const string UsccBadCheck = "9144030071526726XA";

    public const string IdCard = "11010519491231002X";
    public const string IdCard2 = "440524188001010014";

    /// <summary>The full English header, in the order the sample data uses.</summary>
    public const string FullHeader =
        "list,kind,subject,name,authority,reference,listedOn,validFrom,validUntil,status,relatedEnterprise,relatedEnterpriseCode,relatedRole,summary,entryId";

    public static readonly TimeSpan China = TimeSpan.FromHours(8);

    public static string SampleData => Path.Combine(AppContext.BaseDirectory, "sample-data");

    /// <summary>A row for <see cref="FullHeader"/>; every field may be overridden.</summary>
    public static string Row(
        string list = "wage-arrears",
        string kind = "LegalEntity",
        string subject = Uscc,
        string name = "示例有限公司",
        string authority = "深圳市人力资源和社会保障局",
        string reference = "深人社欠〔2024〕1号",
        string listedOn = "2024-01-02",
        string validFrom = "",
        string validUntil = "2027-01-01",
        string status = "Active",
        string relatedEnterprise = "",
        string relatedEnterpriseCode = "",
        string relatedRole = "",
        string summary = "拖欠农民工工资",
        string entryId = "wa-2024-0001") =>
        string.Join(',', list, kind, subject, name, authority, reference, listedOn, validFrom, validUntil, status,
            relatedEnterprise, relatedEnterpriseCode, relatedRole, summary, entryId);

    public static List<ListFileRow> Csv(string text, string? defaultList = null, SubjectIdParseMode mode = SubjectIdParseMode.Strict) =>
        [.. ListFileReader.ReadCsv(new StringReader(text), "test.csv", defaultList, mode)];

    public static List<ListFileRow> Json(string json, string? defaultList = null, SubjectIdParseMode mode = SubjectIdParseMode.Strict) =>
        [.. ListFileReader.ReadJson(json, "test.json", defaultList, mode)];

    /// <summary>The record of a row that must be valid, with its problems in the failure message.</summary>
    public static CreditCheck.Stores.ListRecord Valid(ListFileRow row)
    {
        Assert.True(row.Problems.Count == 0, "Unexpected problems: " + string.Join(" | ", row.Problems));
        Assert.NotNull(row.Record);
        return row.Record;
    }

    /// <summary>The single problem of a row that must be invalid.</summary>
    public static ListFileProblem SingleProblem(ListFileRow row)
    {
        Assert.Null(row.Record);
        return Assert.Single(row.Problems);
    }

    /// <summary>The reason the SDK itself gives for an invalid identifier.</summary>
    public static string IdentifierReason(string text, SubjectKind kind)
    {
        Assert.False(SubjectId.TryParse(text, kind, SubjectIdParseMode.Strict, out _, out var error));
        return error;
    }
}
