namespace CreditCheck.ListFiles;

/// <summary>The fields of a list entry that files carry, and the header names real exports use for them.</summary>
internal enum ListColumn
{
    List,
    Kind,
    Subject,
    AlternateSubject,
    Name,
    Authority,
    Reference,
    ListedOn,
    ValidFrom,
    ValidUntil,
    Status,
    StatusReason,
    RelatedEnterprise,
    RelatedEnterpriseCode,
    RelatedRole,
    ListedInOwnRight,
    Summary,
    EntryId,
}

internal static class ListColumns
{
    /// <summary>Header names, English and as Chinese exports write them. Matching ignores case and spaces.</summary>
    public static readonly IReadOnlyDictionary<string, ListColumn> Aliases = Build(
        (ListColumn.List, ["list", "名单", "名单代码"]),
        (ListColumn.Kind, ["kind", "主体类型"]),
        (ListColumn.Subject, ["subject", "id", "统一社会信用代码", "组织机构代码", "工商注册号", "身份证号码", "证件号码", "主体代码"]),
        (ListColumn.Name, ["name", "名称", "主体名称", "企业名称", "姓名", "被执行人姓名/名称"]),
        (ListColumn.Authority, ["authority", "认定部门", "执行法院"]),
        (ListColumn.Reference, ["reference", "文号", "案号", "认定文书号", "决定文书号"]),
        (ListColumn.ListedOn, ["listedon", "列入日期", "发布时间", "发布日期"]),
        (ListColumn.ValidFrom, ["validfrom", "有效期自", "生效日期"]),
        (ListColumn.ValidUntil, ["validuntil", "有效期至", "移出日期", "处罚截止日期"]),
        (ListColumn.Status, ["status", "状态"]),
        (ListColumn.StatusReason, ["statusreason", "状态原因", "修复原因"]),
        (ListColumn.RelatedEnterprise, ["relatedenterprise", "关联企业"]),
        (ListColumn.RelatedEnterpriseCode, ["relatedenterprisecode", "关联企业代码"]),
        (ListColumn.RelatedRole, ["relatedrole", "关联身份", "职务"]),
        (ListColumn.ListedInOwnRight, ["listedinownright", "本人列入", "共同列入"]),
        (ListColumn.Summary, ["summary", "失信行为简况", "失信行为"]),
        (ListColumn.EntryId, ["entryid", "条目编号", "记录编号"]));

    /// <summary>Which identifier column is the key when an export carries several: the 统一社会信用代码 or
    /// 身份证号码 first, then a generic one, then the older codes (used only where the key is empty).</summary>
    public static int SubjectRank(string key) => key switch
    {
        "统一社会信用代码" or "身份证号码" or "证件号码" => 0,
        "subject" or "id" or "主体代码" => 1,
        "组织机构代码" => 2,
        _ => 3,
    };

    /// <summary>A column named as the tool's option takes it: a field name (case-insensitive) or '-' to ignore.</summary>
    public static bool TryParseField(string text, out ListColumn? column)
    {
        column = null;
        if (text == "-")
        {
            return true;
        }

        if (Enum.TryParse<ListColumn>(text, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed))
        {
            column = parsed;
            return true;
        }

        return false;
    }

    public static string Key(string header) =>
        new([.. header.Where(c => !char.IsWhiteSpace(c) && c != '\uFEFF').Select(char.ToLowerInvariant)]);

    private static Dictionary<string, ListColumn> Build(params (ListColumn Column, string[] Names)[] columns)
    {
        var aliases = new Dictionary<string, ListColumn>(StringComparer.Ordinal);
        foreach (var (column, names) in columns)
        {
            foreach (var name in names)
            {
                aliases.Add(Key(name), column);
            }
        }

        return aliases;
    }
}
