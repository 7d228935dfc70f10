namespace CreditCheck.ListFiles;

/// <summary>The fields of a list entry that files carry, and the header names real exports use for them.</summary>
public enum ListColumn
{
    /// <summary>The list code (名单).</summary>
    List,
    /// <summary>The subject kind (主体类型).</summary>
    Kind,
    /// <summary>The identifier (统一社会信用代码, 身份证号码 …).</summary>
    Subject,
    /// <summary>An older code (组织机构代码, 工商注册号), used where the identifier is empty.</summary>
    AlternateSubject,
    /// <summary>The subject's name (名称).</summary>
    Name,
    /// <summary>The designating authority (认定部门).</summary>
    Authority,
    /// <summary>The decision reference (文号, 案号).</summary>
    Reference,
    /// <summary>When the subject was listed (列入日期).</summary>
    ListedOn,
    /// <summary>When the entry takes effect.</summary>
    ValidFrom,
    /// <summary>The last day it is in force (有效期至, 移出日期, 处罚截止日期), inclusive.</summary>
    ValidUntil,
    /// <summary>The entry's status (状态).</summary>
    Status,
    /// <summary>Why the status was set.</summary>
    StatusReason,
    /// <summary>For a person listed because of an enterprise: the enterprise's name.</summary>
    RelatedEnterprise,
    /// <summary>That enterprise's code.</summary>
    RelatedEnterpriseCode,
    /// <summary>That person's role (法定代表人 …).</summary>
    RelatedRole,
    /// <summary>Whether that person is co-listed in their own right (本人列入) or affected only through the enterprise.</summary>
    ListedInOwnRight,
    /// <summary>What the subject did (失信行为简况).</summary>
    Summary,
    /// <summary>The entry's id within its list.</summary>
    EntryId,
    /// <summary>For a rating's results: the level (等级, 评价结果), e.g. A.</summary>
    Level,
}

/// <summary>The header names a list file may use for each <see cref="ListColumn"/>.</summary>
public static class ListColumns
{
    /// <summary>Header names, English and as Chinese exports write them. Matching ignores case and spaces.</summary>
    public static readonly IReadOnlyDictionary<string, ListColumn> Aliases = Build(
        (ListColumn.List, ["list", "名单", "名单代码"]),
        (ListColumn.Kind, ["kind", "主体类型"]),
        (ListColumn.Subject, ["subject", "id", "统一社会信用代码", "组织机构代码", "工商注册号", "身份证号码", "证件号码", "主体代码"]),
        (ListColumn.Name, ["name", "名称", "主体名称", "企业名称", "单位名称", "姓名", "被执行人姓名/名称", "被执行人名称"]),
        (ListColumn.Authority, ["authority", "认定部门", "认定单位", "认定机关", "决定机关", "执行法院"]),
        (ListColumn.Reference, ["reference", "文号", "案号", "认定文书号", "决定文书号"]),
        (ListColumn.ListedOn, ["listedon", "列入日期", "列入时间", "认定日期", "发布时间", "发布日期"]),
        (ListColumn.ValidFrom, ["validfrom", "有效期自", "生效日期"]),
        (ListColumn.ValidUntil, ["validuntil", "有效期至", "移出日期", "处罚截止日期", "失信截止日期", "有效截止日期", "公示截止日期"]),
        (ListColumn.Status, ["status", "状态", "当前状态", "列入状态"]),
        (ListColumn.StatusReason, ["statusreason", "状态原因", "修复原因"]),
        (ListColumn.RelatedEnterprise, ["relatedenterprise", "关联企业"]),
        (ListColumn.RelatedEnterpriseCode, ["relatedenterprisecode", "关联企业代码"]),
        (ListColumn.RelatedRole, ["relatedrole", "关联身份", "职务"]),
        (ListColumn.ListedInOwnRight, ["listedinownright", "本人列入", "共同列入"]),
        (ListColumn.Summary, ["summary", "失信行为简况", "失信行为"]),
        (ListColumn.EntryId, ["entryid", "条目编号", "记录编号"]),
        (ListColumn.Level, ["level", "等级", "信用等级", "评价等级", "评价结果"]));

    /// <summary>Which field a header (or a JSON property) is: the operator's mapping first (null: ignore it), then the
    /// known names. False for a name neither knows.</summary>
    /// <param name="key">The name as <see cref="Key"/> folds it.</param>
    /// <param name="mapping">The operator's mapping, or null.</param>
    /// <param name="column">The field, or null to ignore the column.</param>
    /// <returns>Whether the name is mapped or known.</returns>
    internal static bool TryResolve(string key, IReadOnlyDictionary<string, ListColumn?>? mapping, out ListColumn? column)
    {
        if (mapping is not null && mapping.TryGetValue(key, out column))
        {
            return true;
        }

        if (Aliases.TryGetValue(key, out var known))
        {
            column = known;
            return true;
        }

        column = null;
        return false;
    }

    /// <summary>Whether a header the tool does not know looks like it holds a date or a state (截止日期, 状态, …):
    /// such a column is not ignored silently, since an end date or a 已修复 dropped unseen keeps a listing in force.</summary>
    /// <param name="header">A header as the file writes it.</param>
    /// <returns>Whether the column must be mapped or ignored explicitly.</returns>
    internal static bool LooksLikeDateOrState(string header)
    {
        var key = Key(header);
        string[] hints = ["日期", "时间", "期限", "截止", "有效", "状态", "移出", "修复", "撤销", "date", "until", "expir", "status", "state"];
        return Array.Exists(hints, hint => key.Contains(hint, StringComparison.Ordinal));
    }

    /// <summary>Which identifier column is the key when an export carries several: the 统一社会信用代码 or
    /// 身份证号码 first, then a generic one, then the older codes (used only where the key is empty).</summary>
    internal static int SubjectRank(string key) => key switch
    {
        "统一社会信用代码" or "身份证号码" or "证件号码" => 0,
        "subject" or "id" or "主体代码" => 1,
        "组织机构代码" => 2,
        _ => 3,
    };

    /// <summary>A column named as the tool's option takes it: a field name (case-insensitive) or '-' to ignore.</summary>
    /// <param name="text">The field name, or <c>-</c>.</param>
    /// <param name="column">The field, or null for <c>-</c>.</param>
    /// <returns>Whether the text names a field or is <c>-</c>.</returns>
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

    /// <summary>A header as it is matched against <see cref="Aliases"/>: lower case, without spaces.</summary>
    /// <param name="header">A header as the file writes it.</param>
    /// <returns>The key to look up.</returns>
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
