using System.Globalization;
using System.Text.Json;
using CreditCheck.Stores;

namespace CreditCheck.ListFiles;

/// <summary>
/// Reads list files (CSV with a header row, or JSON) into records, validating every field of every
/// row and naming the line, column and reason of each problem. Streams: memory does not grow with
/// the file.
/// </summary>
/// <remarks>For operator tools and platform integrations: the same reading the embedded store's seeding
/// and the <c>creditcheck import</c> command use. Rows come as they are read; a row's problems are data,
/// never exceptions.</remarks>
public static class ListFileReader
{
    // Published dates are calendar days in China Standard Time (no daylight saving).
    private static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);

    // A year outside these is a typo (0025, 2205), not a listing: refused rather than read as never or not yet in force.
    private const int MinYear = 1949;
    private const int MaxYear = 2199;

    // What exports write in an end-date column for "no end date".
    private static readonly HashSet<string> OpenEnded = ["长期", "长期有效", "永久", "永久有效", "无期限"];

    private static readonly string[] DateFormats =
    [
        "yyyy-MM-dd", "yyyy-M-d", "yyyy/M/d", "yyyy/MM/dd", "yyyy年M月d日", "yyyy年MM月dd日", "yyyyMMdd", "yyyy.M.d",
    ];

    // Words for kinds, statuses and roles; case is ignored.
    private static readonly Dictionary<string, SubjectKind> Kinds = Words<SubjectKind>(
        (SubjectKind.LegalEntity, ["legalentity", "entity", "法人", "法人和非法人组织", "企业"]),
        (SubjectKind.NaturalPerson, ["naturalperson", "person", "自然人", "个人"]));

    private static readonly Dictionary<string, EntryStatus> Statuses = Words<EntryStatus>(
        (EntryStatus.Active, ["active", "有效", "正常", "在列"]),
        (EntryStatus.UnderObjection, ["underobjection", "异议中", "异议"]),
        (EntryStatus.Repaired, ["repaired", "已修复", "修复"]),
        (EntryStatus.Revoked, ["revoked", "已撤销", "撤销"]));

    private static readonly Dictionary<string, RelatedRole> Roles = Words<RelatedRole>(
        (RelatedRole.LegalRepresentative, ["legalrepresentative", "法定代表人"]),
        (RelatedRole.PrincipalPerson, ["principalperson", "主要负责人", "负责人"]),
        (RelatedRole.ActualController, ["actualcontroller", "实际控制人"]),
        (RelatedRole.DirectlyResponsiblePerson, ["directlyresponsibleperson", "直接负责的主管人员和其他直接责任人员", "直接负责的主管人员", "其他直接责任人员", "直接责任人员"]));

    private static readonly Dictionary<string, bool> OwnRight = Words<bool>(
        (true, ["true", "yes", "1", "是", "本人列入", "共同列入"]),
        (false, ["false", "no", "0", "否", "关联", "仅关联"]));

    /// <summary>Reads a CSV list file with a header row (English or the Chinese headers of real exports).</summary>
    /// <param name="reader">The file's text.</param>
    /// <param name="source">The file's name, for problems.</param>
    /// <param name="defaultList">The list of rows that have no list column, or null.</param>
    /// <param name="mode">How identifiers are parsed.</param>
    /// <param name="onHeader">Called with the header row once it is read, or null.</param>
    /// <param name="mapping">Headers mapped to fields by the caller (null field: ignore the column), or null.</param>
    /// <returns>Each row: its record, or its problems.</returns>
    public static IEnumerable<ListFileRow> ReadCsv(
        TextReader reader,
        string source,
        string? defaultList,
        SubjectIdParseMode mode,
        Action<IReadOnlyList<string>>? onHeader = null,
        IReadOnlyDictionary<string, ListColumn?>? mapping = null)
    {
        var csv = new CsvRecordReader(reader);
        if (!csv.TryRead(out var header, out _, out var headerError))
        {
            yield return new ListFileRow(1, null, [Bilingual(source, 1, null, "文件为空，第1行应为表头", "The file is empty; a header row is expected.")]) { SpoilsFile = true };
            yield break;
        }

        if (header.Exists(h => h.Contains('\0', StringComparison.Ordinal)))
        {
            yield return new ListFileRow(1, null, [Bilingual(source, 1, null, "文件不是所选编码的文本（含 NUL 字符）：可能是二进制文件，或没有字节顺序标记的 UTF-16 文件", "The file is not text in the chosen encoding (it holds NUL characters): a binary file, or UTF-16 without a byte-order mark.")]) { SpoilsFile = true };
            yield break;
        }

        onHeader?.Invoke(header);

        var columns = new ListColumn?[header.Count];
        var problems = new List<ListFileProblem>();
        if (headerError is not null)
        {
            problems.Add(Bilingual(source, 1, null, csv.ChineseError!, headerError));
        }

        var subjectRank = int.MaxValue;
        for (var i = 0; i < header.Count; i++)
        {
            var key = ListColumns.Key(header[i]);
            if (!ListColumns.TryResolve(key, mapping, out var column))
            {
                if (ListColumns.LooksLikeDateOrState(header[i]))
                {
                    problems.Add(Bilingual(source, 1, header[i],
                        $"列“{header[i]}”看似日期或状态，但未能识别：请用 --column {header[i]}=字段 映射（如 validUntil、status），或 --column {header[i]}=- 明确忽略",
                        $"Column '{header[i]}' looks like a date or a state but is not one the tool knows: map it with --column {header[i]}=FIELD (e.g. validUntil, status), or ignore it with --column {header[i]}=-."));
                }

                continue;
            }

            if (column is not { } chosen)
            {
                continue;
            }

            if (chosen == ListColumn.Subject && Array.IndexOf(columns, ListColumn.Subject) is var existing and >= 0)
            {
                // Two identifier columns (统一社会信用代码 beside 组织机构代码): the better one is the key,
                // the other is used where the key is empty.
                // Only an older code (组织机构代码, 工商注册号) may stand beside the key.
                var rank = ListColumns.SubjectRank(key);
                if (Math.Max(rank, subjectRank) < 2 || rank == subjectRank || Array.IndexOf(columns, ListColumn.AlternateSubject) >= 0)
                {
                    problems.Add(Bilingual(source, 1, header[i], $"列“{header[i]}”与标识列“{header[existing]}”重复，请用 --column 映射其中一列", $"Column '{header[i]}' repeats the identifier column '{header[existing]}'; map one with --column."));
                    continue;
                }

                if (rank < subjectRank)
                {
                    columns[existing] = ListColumn.AlternateSubject;
                    subjectRank = rank;
                }
                else
                {
                    chosen = ListColumn.AlternateSubject;
                }
            }
            else if (Array.IndexOf(columns, chosen) >= 0)
            {
                problems.Add(Bilingual(source, 1, header[i], $"列“{header[i]}”与列“{header[Array.IndexOf(columns, chosen)]}”是同一字段，请用 --column 映射或忽略（=-）其中一列", $"Column '{header[i]}' repeats the {chosen} column."));
            }

            if (chosen == ListColumn.Subject)
            {
                subjectRank = Math.Min(subjectRank, ListColumns.SubjectRank(key));
            }

            columns[i] = chosen;
        }

        if (mapping is not null)
        {
            var keys = header.Select(ListColumns.Key).ToHashSet(StringComparer.Ordinal);
            foreach (var mapped in mapping.Keys.Where(k => !keys.Contains(k)))
            {
                problems.Add(Bilingual(source, 1, null,
                    $"--column {mapped}：文件没有这一列（表头：{string.Join(",", header)}）",
                    $"--column {mapped}: the file has no such column (header: {string.Join(",", header)})."));
            }
        }

        if (header.Count == 1 && header[0].Contains('\t', StringComparison.Ordinal))
        {
            // Excel's "Unicode 文本" is tab-separated: say so, rather than that no identifier column was found.
            problems.Add(Bilingual(source, 1, null,
                "文件以制表符分隔（如 Excel 另存的“Unicode 文本”），不是逗号分隔的 CSV：请另存为“CSV UTF-8（逗号分隔）”后再导入",
                "The file is tab-separated (as Excel's \"Unicode Text\" saves it), not comma-separated: save it as \"CSV UTF-8 (Comma delimited)\" and import that."));
            yield return new ListFileRow(1, null, problems) { SpoilsFile = true };
            yield break;
        }

        if (Array.IndexOf(columns, ListColumn.Subject) < 0)
        {
            problems.Add(Bilingual(source, 1, null,
                "没有标识列：表头应含 统一社会信用代码、组织机构代码、身份证号码 或 subject 之一（表头：" + string.Join(",", header) + "）",
                "No identifier column: expected one of 统一社会信用代码, 组织机构代码, 身份证号码, subject (header: " + string.Join(",", header) + ")."));
        }

        if (defaultList is null && Array.IndexOf(columns, ListColumn.List) < 0)
        {
            problems.Add(Bilingual(source, 1, null, "文件没有名单列，也未指定导入的名单", "No list column and no list given for the file."));
        }

        if (problems.Count > 0)
        {
            yield return new ListFileRow(1, null, problems) { SpoilsFile = true };
            yield break;
        }

        // The kind a column's name implies (统一社会信用代码: an enterprise; 身份证号码: a person), for the key and for
        // the fallback used where the key is empty.
        var impliedKind = Array.IndexOf(columns, ListColumn.Subject) is var keyColumn and >= 0 ? KindOfHeader(ListColumns.Key(header[keyColumn])) : null;
        var alternateKind = Array.IndexOf(columns, ListColumn.AlternateSubject) is var alternateColumn and >= 0 ? KindOfHeader(ListColumns.Key(header[alternateColumn])) : null;

        // One view of the current row for every row: no delegates or closures per row.
        var row = new CsvRow(header, columns);
        Func<ListColumn, string?> get = row.Field;
        Func<ListColumn, string> name = row.Header;
        while (csv.TryRead(out var fields, out var line, out var error))
        {
            if (error is null && fields.TrueForAll(string.IsNullOrWhiteSpace))
            {
                continue; // a blank line, or one of only separators (rows a spreadsheet left empty)
            }

            if (error is not null)
            {
                // A quote never closed hides where the rows after it begin: the file as a whole is refused.
                yield return new ListFileRow(line, null, [Bilingual(source, line, null, csv.ChineseError!, error)], fields) { SpoilsFile = csv.RunawayQuote };
                if (csv.RunawayQuote)
                {
                    yield break;
                }

                continue;
            }

            if (fields.Count != header.Count)
            {
                var (spanZh, spanEn) = csv.LineBreaksInQuotes == 0 ? ("", "") : Span(line, csv.LineBreaksInQuotes);
                yield return new ListFileRow(line, null, [Bilingual(source, line, null, $"该行有 {fields.Count} 个字段，表头有 {header.Count} 个{spanZh}", $"The row has {fields.Count} fields; the header has {header.Count}.{spanEn}")], fields);
                continue;
            }

            // Found from outside: a stray quote that closes in the same column a line later reads two rows as one
            // with the right number of fields, the second row inside a field. It was imported with that field, and the
            // swallowed row's subject was never listed nor reported.
            if (csv.LineBreaksInQuotes > 0 && SwallowedRow(fields, header.Count) is { } column)
            {
                var (spanZh, spanEn) = Span(line, csv.LineBreaksInQuotes);
                yield return new ListFileRow(line, null, [Bilingual(source, line, header[column],
                    $"“{header[column]}”列的带引号字段跨行且含有一整行的分隔符，疑似引号不配对，把其后的记录并入了该字段{spanZh}；请检查引号",
                    $"The quoted field of column '{header[column]}' spans lines and holds a whole row's separators: a quote out of place has probably merged the row after it into this field.{spanEn} Check the quotes.")], fields);
                continue;
            }

            row.Fields = fields;
            yield return Build(source, line, get, name, defaultList, impliedKind, alternateKind, mode, fields);
        }
    }

    // Where a record read across lines says so: "lines 5 to 6 were read as one record".
    private static (string Chinese, string English) Span(int line, int breaks) =>
        ($"（第{line}至{line + breaks}行被读成一条记录：带引号的字段内有换行）",
         $" Lines {line} to {line + breaks} were read as one record (a quoted field holds a line break).");

    /// <summary>The column of a field that holds a line break and at least a whole row's separators (the header's
    /// count less one): a row swallowed by a quote out of place, not text that happens to span lines.</summary>
    private static int? SwallowedRow(List<string> fields, int columns)
    {
        for (var i = 0; i < fields.Count; i++)
        {
            var field = fields[i].AsSpan();
            if (field.IndexOfAny('\r', '\n') >= 0 && field.Count(',') >= columns - 1)
            {
                return i;
            }
        }

        return null;
    }

    // Strict: a property given twice in one entry is an error, not "the last one wins".
    private static readonly JsonDocumentOptions JsonOptions = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
        AllowDuplicateProperties = false,
    };

    /// <summary>Reads a JSON list file's bytes: bytes that are not UTF-8 are refused with their byte
    /// offset (never decoded to U+FFFD); a leading byte-order mark is allowed.</summary>
    /// <param name="utf8">The file's bytes.</param>
    /// <param name="source">The file's name, for problems.</param>
    /// <param name="defaultList">The list of entries that name none, or null.</param>
    /// <param name="mode">How identifiers are parsed.</param>
    /// <param name="mapping">Property names mapped to fields by the caller (null field: ignore the property), or null.</param>
    /// <returns>Each entry: its record, or its problems.</returns>
    public static IEnumerable<ListFileRow> ReadJson(ReadOnlyMemory<byte> utf8, string source, string? defaultList, SubjectIdParseMode mode, IReadOnlyDictionary<string, ListColumn?>? mapping = null)
    {
        var bytes = utf8[StrictUtf8.PreambleLength(utf8.Span)..];
        if (StrictUtf8.FindInvalid(bytes.Span) is var bad and >= 0)
        {
            var line = 1 + bytes.Span[..(int)bad].Count((byte)'\n');
            return [new ListFileRow(line, null, [Bilingual(source, line, null, $"文件不是 UTF-8 文本：第{line}行有无效的 UTF-8 字节", $"The file is not UTF-8 text: invalid UTF-8 at {StrictUtf8.DescribeAt(bytes.Span, bad)}.")]) { SpoilsFile = true }];
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, JsonOptions);
        }
        catch (JsonException e)
        {
            return [Malformed(e, source, JsonDuplicates.Find(bytes.Span))];
        }

        return ReadJson(document, source, defaultList, mode, mapping);
    }

    /// <summary>Reads a JSON list file's text (<c>{ "entries": [ … ] }</c> or an array).</summary>
    /// <param name="json">The file's text.</param>
    /// <param name="source">The file's name, for problems.</param>
    /// <param name="defaultList">The list of entries that name none, or null.</param>
    /// <param name="mode">How identifiers are parsed.</param>
    /// <param name="mapping">Property names mapped to fields by the caller (null field: ignore the property), or null.</param>
    /// <returns>Each entry: its record, or its problems.</returns>
    public static IEnumerable<ListFileRow> ReadJson(string json, string source, string? defaultList, SubjectIdParseMode mode, IReadOnlyDictionary<string, ListColumn?>? mapping = null)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, JsonOptions);
        }
        catch (JsonException e)
        {
            return [Malformed(e, source, JsonDuplicates.Find(json))];
        }

        return ReadJson(document, source, defaultList, mode, mapping);
    }

    private static ListFileRow Malformed(JsonException e, string source, (string Path, int Line)? duplicate)
    {
        if (duplicate is { } twice)
        {
            var name = twice.Path[(twice.Path.LastIndexOf('.') + 1)..];
            return new ListFileRow(twice.Line, null, [Bilingual(source, twice.Line, name,
                $"属性“{name}”在同一对象中出现两次（{twice.Path}），每个属性只能出现一次",
                $"The property '{name}' is given twice in one object ({twice.Path}); each property may appear once.")]) { SpoilsFile = true };
        }

        // System.Text.Json counts lines and bytes from 0 and appends them to its message ("LineNumber: 6 |
        // BytePositionInLine: 19."): both languages say the 1-based line, once, as the row's line does.
        var line = (int)(e.LineNumber ?? 0) + 1;
        var position = (e.BytePositionInLine ?? 0) + 1;
        var cutShort = e.Message.StartsWith("Expected depth to be zero at the end of the JSON payload", StringComparison.Ordinal)
            || e.Message.Contains("reached end of data", StringComparison.Ordinal);
        return new ListFileRow(line, null, [Bilingual(
            source,
            line,
            null,
            string.Create(CultureInfo.InvariantCulture, $"JSON 格式错误（第{line}行第{position}字节）{(cutShort ? "：文件在 JSON 结束前中断（缺少闭合的 ] 或 }），可能被截断" : "")}"),
            string.Create(CultureInfo.InvariantCulture, $"Malformed JSON at line {line}, byte {position} of the line: {JsonReason(e.Message)}{(cutShort ? " (the file ends before the JSON does: cut short?)" : "")}"))]) { SpoilsFile = true };
    }

    /// <summary>System.Text.Json's reason without the position and path it appends (counted from 0).</summary>
    private static string JsonReason(string message)
    {
        foreach (var cut in (string[])[" LineNumber: ", " Path: "])
        {
            var at = message.IndexOf(cut, StringComparison.Ordinal);
            if (at > 0)
            {
                message = message[..at];
            }
        }

        return message.TrimEnd(' ', '|');
    }

    private static List<ListFileRow> ReadJson(JsonDocument document, string source, string? defaultList, SubjectIdParseMode mode, IReadOnlyDictionary<string, ListColumn?>? mapping)
    {
        using (document)
        {
            var root = document.RootElement;
            var list = defaultList;
            if (root.ValueKind == JsonValueKind.Object)
            {
                if (root.TryGetProperty("list", out var listProperty) && listProperty.ValueKind == JsonValueKind.String)
                {
                    list = listProperty.GetString();
                    if (defaultList is not null && !string.Equals(list, defaultList, StringComparison.Ordinal))
                    {
                        return [new ListFileRow(1, null, [Bilingual(source, 1, "list", $"文件声明其名单为“{list}”，但正在导入名单“{defaultList}”", $"The file says it holds list '{list}', but it is being loaded into '{defaultList}'.")]) { SpoilsFile = true }];
                    }
                }

                // Found from outside: {"entries":[A], "entries2":[B]} imported A and dropped B without a word. Scalar
                // metadata (a version, an export time) is ignored; an array or object beside "entries" is refused.
                foreach (var property in root.EnumerateObject())
                {
                    if (property.Name is not ("entries" or "list") && property.Value.ValueKind is JsonValueKind.Array or JsonValueKind.Object)
                    {
                        return [new ListFileRow(1, null, [Bilingual(source, 1, property.Name,
                            $"顶层属性“{property.Name}”是{(property.Value.ValueKind == JsonValueKind.Array ? "数组" : "对象")}，本工具不知其含义：条目须全部放在 entries 数组中，未导入任何数据",
                            $"The top-level property '{property.Name}' is an {(property.Value.ValueKind == JsonValueKind.Array ? "array" : "object")} the tool does not know: every entry must be in the \"entries\" array. Nothing was imported.")]) { SpoilsFile = true }];
                    }
                }

                root = root.TryGetProperty("entries", out var entries) ? entries : default;
            }

            if (root.ValueKind != JsonValueKind.Array)
            {
                return [new ListFileRow(1, null, [Bilingual(source, 1, null, "应为条目数组，或含 entries 数组的对象", "Expected an array of entries, or an object with an \"entries\" array.")]) { SpoilsFile = true }];
            }

            var rows = new List<ListFileRow>();
            var index = 0;
            var seen = mapping is null ? null : new HashSet<string>(StringComparer.Ordinal);
            Dictionary<string, (string Name, int Entry)>? unknown = null; // date- or state-like properties the tool does not know
            foreach (var item in root.EnumerateArray())
            {
                index++;
                if (item.ValueKind != JsonValueKind.Object)
                {
                    rows.Add(new ListFileRow(index, null, [Bilingual(source, index, null, "每个条目必须是 JSON 对象", "An entry must be a JSON object.")]));
                    continue;
                }

                var values = new Dictionary<ListColumn, string>();
                var names = new Dictionary<ListColumn, string>();
                var identifiers = new List<(string Key, string Name, string Value)>(2);
                List<ListFileProblem>? twice = null;
                foreach (var property in item.EnumerateObject())
                {
                    var key = ListColumns.Key(property.Name);
                    seen?.Add(key);
                    if (!ListColumns.TryResolve(key, mapping, out var column))
                    {
                        if (ListColumns.LooksLikeDateOrState(property.Name))
                        {
                            (unknown ??= new(StringComparer.Ordinal)).TryAdd(key, (property.Name, index));
                        }

                        continue;
                    }

                    if (column is not { } chosen || property.Value.ValueKind == JsonValueKind.Null)
                    {
                        continue;
                    }

                    var value = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
                    if (chosen == ListColumn.Subject)
                    {
                        if (!string.IsNullOrWhiteSpace(value))
                        {
                            identifiers.Add((key, property.Name, value)); // ranked below, as a CSV header's are; an empty one is no identifier
                        }
                    }
                    else if (names.TryGetValue(chosen, out var first))
                    {
                        // Two names of one field (validUntil and 失信截止日期): the last one silently winning could drop an end date.
                        (twice ??= []).Add(Bilingual(source, index, property.Name,
                            $"属性“{property.Name}”与属性“{first}”是同一字段，请只保留其一，或用 --column {property.Name}=- 忽略",
                            $"Property '{property.Name}' repeats the {chosen} property '{first}'; keep one, or ignore it with --column {property.Name}=-."));
                    }
                    else
                    {
                        values[chosen] = value;
                        names[chosen] = property.Name;
                    }
                }

                // Several identifiers (统一社会信用代码 beside 组织机构代码): the better one is the key, an older code the
                // fallback where the key is empty; two current identifiers are ambiguous.
                identifiers.Sort((a, b) => ListColumns.SubjectRank(a.Key).CompareTo(ListColumns.SubjectRank(b.Key)));
                for (var i = 0; i < identifiers.Count; i++)
                {
                    var (key, name, value) = identifiers[i];
                    var slot = i == 0 ? ListColumn.Subject : ListColumn.AlternateSubject;
                    if (i > 0 && (ListColumns.SubjectRank(key) < 2 || ListColumns.SubjectRank(key) == ListColumns.SubjectRank(identifiers[0].Key) || names.ContainsKey(slot)))
                    {
                        (twice ??= []).Add(Bilingual(source, index, name,
                            $"属性“{name}”与标识属性“{identifiers[0].Name}”重复，请只保留其一，或用 --column 映射其中一个",
                            $"Property '{name}' repeats the identifier property '{identifiers[0].Name}'; keep one, or map one with --column."));
                        continue;
                    }

                    values[slot] = value;
                    names[slot] = name;
                }

                // The kinds the names imply, as for a CSV header: the key's, and the fallback's (ranked or mapped by --column).
                var impliedKind = names.TryGetValue(ListColumn.Subject, out var keyName) ? KindOfHeader(ListColumns.Key(keyName)) : null;
                var alternateKind = names.TryGetValue(ListColumn.AlternateSubject, out var alternateName) ? KindOfHeader(ListColumns.Key(alternateName)) : null;

                var built = Build(source, index, c => values.GetValueOrDefault(c), c => names.GetValueOrDefault(c, ColumnName(c)), list, impliedKind, alternateKind, mode, null);
                rows.Add(twice is null ? built : built with { Record = null, Problems = [.. twice, .. built.Problems] });
            }

            // As with a CSV header: an end date or a 已修复 dropped unseen would keep a listing in force, and a
            // mapping of a property no entry has is a typo. Either refuses the file.
            var problems = new List<ListFileProblem>();
            foreach (var (name, entry) in unknown?.Values ?? Enumerable.Empty<(string, int)>())
            {
                problems.Add(Bilingual(source, entry, name,
                    $"属性“{name}”看似日期或状态，但未能识别：请用 --column {name}=字段 映射（如 validUntil、status），或 --column {name}=- 明确忽略",
                    $"Property '{name}' looks like a date or a state but is not one the tool knows: map it with --column {name}=FIELD (e.g. validUntil, status), or ignore it with --column {name}=-."));
            }

            foreach (var mapped in mapping?.Keys.Where(k => !seen!.Contains(k)) ?? [])
            {
                problems.Add(Bilingual(source, 1, null, $"--column {mapped}：文件的条目没有这一属性", $"--column {mapped}: no entry of the file has such a property."));
            }

            if (problems.Count > 0)
            {
                rows.Insert(0, new ListFileRow(problems[0].Line, null, problems) { SpoilsFile = true });
            }

            return rows;
        }
    }

    private static ListFileRow Build(
        string source,
        int line,
        Func<ListColumn, string?> get,
        Func<ListColumn, string> name,
        string? defaultList,
        SubjectKind? impliedKind,
        SubjectKind? alternateKind,
        SubjectIdParseMode mode,
        IReadOnlyList<string>? fields)
    {
        List<ListFileProblem>? problems = null;
        void Problem(ListColumn column, string chinese, string english) => (problems ??= []).Add(Bilingual(source, line, name(column), chinese, english));

        var list = Text(get(ListColumn.List)) ?? defaultList;
        if (list is null)
        {
            Problem(ListColumn.List, "缺少名单代码", "The list code is missing.");
        }
        else if (defaultList is not null && !string.Equals(list, defaultList, StringComparison.Ordinal))
        {
            Problem(ListColumn.List, $"该行属于名单“{list}”，但正在导入名单“{defaultList}”", $"The row belongs to list '{list}', but the file is being loaded into '{defaultList}'.");
        }

        // Where the key is empty the fallback column is read: its name's kind, and problems named by it.
        var fromAlternate = Text(get(ListColumn.Subject)) is null && Text(get(ListColumn.AlternateSubject)) is not null;
        var subjectColumn = fromAlternate ? ListColumn.AlternateSubject : ListColumn.Subject;
        var kind = fromAlternate ? alternateKind : impliedKind;
        var kindGiven = false;
        if (Text(get(ListColumn.Kind)) is { } kindText)
        {
            kindGiven = true;
            kind = ParseKind(kindText);
            if (kind is null)
            {
                Problem(ListColumn.Kind, $"“{kindText}”不是主体类型（法人 LegalEntity、自然人 NaturalPerson）", $"'{kindText}' is not a subject kind (LegalEntity/法人, NaturalPerson/自然人).");
            }
        }

        SubjectId subject = default;
        if ((Text(get(ListColumn.Subject)) ?? Text(get(ListColumn.AlternateSubject))) is not { } subjectText)
        {
            Problem(ListColumn.Subject, "缺少主体标识（统一社会信用代码或身份证号码）", "The identifier is missing.");
        }
        else if (kind is null)
        {
            var asEntity = SubjectId.TryParseDetailed(subjectText, SubjectKind.LegalEntity, mode, out var entity, out var entityError);
            var asPerson = SubjectId.TryParseDetailed(subjectText, SubjectKind.NaturalPerson, mode, out var person, out var personError);
            if (asEntity == asPerson)
            {
                if (asEntity)
                {
                    Problem(ListColumn.Kind, "该标识既是有效的统一社会信用代码，也是有效的居民身份证号码，请增加主体类型列（kind）", "The identifier is valid both as a 统一社会信用代码 and as a 居民身份证号码; add a kind column.");
                }
                else
                {
                    Problem(
                        subjectColumn,
                        $"该标识既不是有效的统一社会信用代码，也不是有效的居民身份证号码（作为法人：{entityError!.ChineseMessage} 作为自然人：{personError!.ChineseMessage}）",
                        $"The identifier is neither a valid 统一社会信用代码 nor a valid 居民身份证号码 (as a legal entity: {entityError.Message} As a person: {personError.Message})");
                }
            }
            else
            {
                subject = asEntity ? entity : person;
                kind = subject.Kind;
            }
        }
        else if (!SubjectId.TryParseDetailed(subjectText, kind.Value, mode, out subject, out var idError))
        {
            var other = kind.Value == SubjectKind.LegalEntity ? SubjectKind.NaturalPerson : SubjectKind.LegalEntity;
            if (SubjectId.TryParseDetailed(subjectText, other, SubjectIdParseMode.Strict, out _, out _))
            {
                // Found from outside: a valid 身份证号码 in a row whose kind said enterprise got the 统一社会信用代码's
                // check-character advice; following it would have listed an enterprise and left the person clean.
                var (otherZh, kindZh) = other == SubjectKind.NaturalPerson ? ("居民身份证号码", "法人或其他组织") : ("统一社会信用代码", "自然人");
                Problem(kindGiven ? ListColumn.Kind : subjectColumn,
                    $"该标识是有效的{otherZh}，但本行的主体类型为{kindZh}：请核对主体类型（kind）或标识是否放错了列",
                    $"The value is a valid {(other == SubjectKind.NaturalPerson ? "居民身份证号码 (a person's)" : "统一社会信用代码 (an organisation's)")}, but the row's kind is {kind.Value}: check the kind column, or whether the value is in the right column.");
            }
            else
            {
                Problem(subjectColumn, idError.ChineseMessage, idError.Message);
            }
        }
        else if (!kindGiven && kind == SubjectKind.LegalEntity && subject.Value.Length == 18
            && SubjectId.TryParseDetailed(subjectText, SubjectKind.NaturalPerson, mode, out var asPersonToo, out _) && asPersonToo.Value.Length == 18)
        {
            // Only the header says "enterprise": a 身份证号码 in that column which passes as a 统一社会信用代码 (one in
            // 31 do) would be stored as an enterprise, and the person answered clean. Only 18-character values (a 15-digit
            // 工商注册号 often reads as a first-generation ID), and not the other way round: an ID that passes the code's
            // check is common, a code that is a valid ID (region, birth date) rare.
            subject = default;
            Problem(subjectColumn,
                "该标识在法人或其他组织的标识列中，但它既是有效的统一社会信用代码，也是有效的居民身份证号码：请增加主体类型列（kind），或核对是否放错了列",
                "The column is an enterprise's identifier, but the value is valid both as a 统一社会信用代码 and as a 居民身份证号码: add a kind column, or check that it is in the right column.");
        }

        var listedOn = Date(ListColumn.ListedOn, endOfDay: false);
        var validFrom = Date(ListColumn.ValidFrom, endOfDay: false) ?? listedOn;
        var validUntil = Date(ListColumn.ValidUntil, endOfDay: true);

        var status = EntryStatus.Active;
        if (Text(get(ListColumn.Status)) is { } statusText)
        {
            if (ParseStatus(statusText) is { } parsed)
            {
                status = parsed;
            }
            else
            {
                Problem(ListColumn.Status, $"“{statusText}”不是有效状态（有效、异议中、已修复、已撤销）", $"'{statusText}' is not a status (Active/有效, UnderObjection/异议中, Repaired/已修复, Revoked/已撤销).");
            }
        }

        RelatedParty? related = null;
        var relatedName = Text(get(ListColumn.RelatedEnterprise));
        var relatedRole = Text(get(ListColumn.RelatedRole));
        bool? ownRight = null;
        if (Text(get(ListColumn.ListedInOwnRight)) is { } ownRightText)
        {
            if (OwnRight.TryGetValue(ownRightText, out var parsedOwnRight))
            {
                ownRight = parsedOwnRight;
            }
            else
            {
                Problem(ListColumn.ListedInOwnRight, $"“{ownRightText}”不是“是”或“否”（是/本人列入：本人被列入；否/关联：仅因企业的条目而受影响）", $"'{ownRightText}' is not yes or no (true/是/本人列入: listed in their own right; false/否/关联: affected only through the enterprise's entry).");
            }

            if (relatedName is null && relatedRole is null)
            {
                Problem(ListColumn.ListedInOwnRight, "只有因企业而关联的人员（须填关联企业、关联角色）才能标注是否本人列入", "Only a person named because of an enterprise (relatedEnterprise, relatedRole) can be listed in their own right because of it.");
            }
        }

        if (relatedName is not null || relatedRole is not null)
        {
            var role = relatedRole is null ? null : ParseRole(relatedRole);
            if (role is null)
            {
                Problem(ListColumn.RelatedRole, $"“{relatedRole}”不是有效角色（法定代表人、主要负责人、实际控制人、直接负责的主管人员和其他直接责任人员）", $"'{relatedRole}' is not a role (LegalRepresentative/法定代表人, PrincipalPerson/主要负责人, ActualController/实际控制人, DirectlyResponsiblePerson/直接负责的主管人员和其他直接责任人员).");
            }
            else if (relatedName is null)
            {
                Problem(ListColumn.RelatedEnterprise, "关联人员须填写企业名称", "A related person needs the enterprise's name.");
            }
            else
            {
                related = new RelatedParty(relatedName, Text(get(ListColumn.RelatedEnterpriseCode)), role.Value) { ListedInOwnRight = ownRight };
            }
        }

        var reference = Text(get(ListColumn.Reference));
        var level = Text(get(ListColumn.Level)) is { } levelText ? IdentifierText.FoldWidth(levelText) : null; // Ａ as typed in Chinese input
        // A rating's result file may carry no ids: its row number stands for one (stable while the file is).
        // A rating's result without an id of its own is the subject's one result on that rating: the same id for every
        // row of the subject, so a second, different level is a conflict and a merge replaces the level (a row number
        // made a file's A and D two results, and a merge kept old levels by row position).
        var entryId = Text(get(ListColumn.EntryId)) ?? reference ?? (level is null ? null : "rating");
        if (entryId is null)
        {
            Problem(ListColumn.EntryId, "条目既无条目编号也无文号，无法识别", "Neither an entry id nor a reference (文号) identifies the entry.");
        }

        if (problems is not null)
        {
            return new ListFileRow(line, null, problems, fields);
        }

        var entry = new ListEntry
        {
            EntryId = entryId!,
            ListCode = list!,
            SubjectKind = kind!.Value,
            SubjectName = Text(get(ListColumn.Name)),
            Authority = Text(get(ListColumn.Authority)),
            DecisionReference = reference,
            Summary = Text(get(ListColumn.Summary)),
            ListedOn = listedOn,
            ValidFrom = validFrom,
            ValidUntil = validUntil,
            Status = status,
            StatusReason = Text(get(ListColumn.StatusReason)),
            RelatedTo = related,
            Level = level,
        };
        return new ListFileRow(line, new ListRecord(subject, entry), [], fields);

        DateTimeOffset? Date(ListColumn column, bool endOfDay)
        {
            if (Text(get(column)) is not { } typed)
            {
                return null;
            }

            var value = IdentifierText.FoldWidth(typed); // ２０２５年１月５日 as an input method types it

            if (endOfDay && (OpenEnded.Contains(value) || value.StartsWith("9999-12-31", StringComparison.Ordinal)))
            {
                return null; // "long-term", or the 9999-12-31 that systems write for it: no end date
            }

            var datePart = value.AsSpan();
            var time = datePart.IndexOfAny(' ', 'T');
            if (time >= 0)
            {
                datePart = datePart[..time];
            }

            var parsed = TryParseIsoDate(datePart, out var date) || DateOnly.TryParseExact(datePart, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
            if (parsed && time >= 0 && HasZone(value) && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant))
            {
                // A time with its zone (2026-12-06T16:00:00Z) is a moment: its day is China's, not the zone's.
                date = DateOnly.FromDateTime(instant.ToOffset(ChinaOffset).DateTime);
            }

            if (!parsed)
            {
                Problem(column,
                    $"“{value}”不是日期（可写作 2024-01-02、2024/1/2、2024年1月2日 或 20240102{(endOfDay ? "；无截止日期可留空或写“长期”" : "")}）",
                    $"'{value}' is not a date (2024-01-02, 2024/1/2, 2024年1月2日 or 20240102{(endOfDay ? "; leave it empty or write 长期 for no end date" : "")}).");
                return null;
            }

            if (date.Year is < MinYear or > MaxYear)
            {
                Problem(column,
                    $"“{value}”的年份不在 {MinYear}–{MaxYear} 之间，请核对是否输错{(endOfDay ? "（无截止日期可留空或写“长期”）" : "")}",
                    $"'{value}': the year is not between {MinYear} and {MaxYear}; check it for a typo{(endOfDay ? " (leave it empty or write 长期 for no end date)" : "")}.");
                return null;
            }

            // An end date is inclusive: the entry is valid through that whole day.
            var day = endOfDay ? date.AddDays(1) : date;
            return new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), ChinaOffset);
        }
    }

    private static ListFileProblem Bilingual(string source, int line, string? column, string chinese, string english) =>
        new(source, line, column, english) { ChineseMessage = chinese };

    private static Dictionary<string, T> Words<T>(params (T Value, string[] Words)[] groups)
        where T : struct
    {
        var words = new Dictionary<string, T>(StringComparer.OrdinalIgnoreCase);
        foreach (var (value, names) in groups)
        {
            foreach (var name in names)
            {
                words.Add(name, value);
            }
        }

        return words;
    }

    /// <summary>Whether a date-time's text names its zone (<c>Z</c>, <c>+08:00</c>, <c>-0500</c>).</summary>
    private static bool HasZone(string value)
    {
        var text = value.AsSpan().TrimEnd();
        if (text.EndsWith("Z") || text.EndsWith("z"))
        {
            return true;
        }

        var sign = text.LastIndexOfAny('+', '-');
        return sign > text.IndexOfAny(' ', 'T') && text.IndexOfAny(' ', 'T') > 0 && text[(sign + 1)..].Length is 4 or 5 && char.IsAsciiDigit(text[sign + 1]);
    }

    /// <summary>2024-01-02, the form nearly every row has, without the general parser's cost.</summary>
    private static bool TryParseIsoDate(ReadOnlySpan<char> text, out DateOnly date)
    {
        date = default;
        if (text.Length != 10 || text[4] != '-' || text[7] != '-'
            || !int.TryParse(text[..4], NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            || !int.TryParse(text[5..7], NumberStyles.None, CultureInfo.InvariantCulture, out var month)
            || !int.TryParse(text[8..], NumberStyles.None, CultureInfo.InvariantCulture, out var day)
            || year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        date = new DateOnly(year, month, day);
        return true;
    }

    private static string ColumnName(ListColumn column) => JsonNamingPolicy.CamelCase.ConvertName(column.ToString());

    private static string? Text(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static SubjectKind? KindOfHeader(string key) => key switch
    {
        "统一社会信用代码" or "组织机构代码" or "工商注册号" => SubjectKind.LegalEntity,
        "身份证号码" => SubjectKind.NaturalPerson,
        _ => null,
    };

    private static SubjectKind? ParseKind(string text) => Kinds.TryGetValue(text, out var kind) ? kind : null;

    private static EntryStatus? ParseStatus(string text) => Statuses.TryGetValue(text, out var status) ? status : null;

    private static RelatedRole? ParseRole(string text) => Roles.TryGetValue(text, out var role) ? role : null;

    /// <summary>The columns of a CSV file, read through the row at hand (one instance per file).</summary>
    private sealed class CsvRow
    {
        private readonly List<string> _header;
        private readonly int[] _index;

        public CsvRow(List<string> header, ListColumn?[] columns)
        {
            _header = header;
            _index = new int[Enum.GetValues<ListColumn>().Length];
            Array.Fill(_index, -1);
            for (var i = columns.Length - 1; i >= 0; i--)
            {
                if (columns[i] is { } column)
                {
                    _index[(int)column] = i; // the first column wins
                }
            }
        }

        public List<string> Fields { get; set; } = [];

        public string? Field(ListColumn column) => _index[(int)column] is var i and >= 0 ? Fields[i] : null;

        // A problem may concern a column the file lacks (a missing kind or entry id): name it as documented.
        public string Header(ListColumn column) => _index[(int)column] is var i and >= 0 ? _header[i] : ColumnName(column);
    }
}
