using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace CreditCheck.Adapters.Procurement;

/// <summary>
/// The query record (信用记录查询记录) of one supplier, which 财库〔2016〕125号 requires to be kept with the
/// procurement file: for each member, the check id, time, catalog version and data sequence, the entries
/// found, the measures applied with their legal basis, the outcome and, when an <see cref="IEvidenceSigner"/>
/// is registered, the signed <see cref="EvidenceReceipt"/>; then the conclusion and its reasons.
/// </summary>
/// <remarks>Immutable. An enterprise's 统一社会信用代码 is public and appears in full; a natural person's
/// 居民身份证号码 appears masked.</remarks>
public sealed class ProcurementEvidence
{
    private static readonly JsonWriterOptions JsonOptions = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // the file is read by people: keep Chinese legible
    };

    private readonly ProcurementProject _project;
    private readonly string _scenario;
    private readonly string _channel;
    private readonly SupplierScreening _supplier;

    internal ProcurementEvidence(ProcurementProject project, string scenario, string channel, SupplierScreening supplier)
    {
        _project = project;
        _scenario = scenario;
        _channel = channel;
        _supplier = supplier;
        FileName = EvidenceFormat.SafeFileName(string.Create(CultureInfo.InvariantCulture,
            $"{EvidenceFormat.FileNamePart(project.ProjectId)}-{supplier.Index:D3}-{(supplier.Supplier.IsConsortium ? "consortium" : Code(supplier.Supplier.Members[0].Subject, "person"))}"));
    }

    /// <summary>A file name for the record without extension: <c>{project}-{nnn}-{code}</c>.</summary>
    public string FileName { get; }

    /// <summary>The record as JSON (UTF-8, indented, Chinese unescaped).</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, JsonOptions))
        {
            WriteJson(json);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>The record as printable Chinese text.</summary>
    /// <returns>The text.</returns>
    public string ToText()
    {
        var s = _supplier;
        var text = new StringBuilder();
        text.AppendLine("政府采购供应商信用记录查询记录");
        text.AppendLine("（依据财库〔2016〕125号，本记录与其他采购文件一并保存）");
        text.AppendLine();
        Line(text, "项目编号", _project.ProjectId);
        Line(text, "项目名称", _project.ProjectName);
        Line(text, "采购人", _project.Purchaser);
        Line(text, "采购代理机构", _project.Agency);
        Line(text, "查询环节", EvidenceFormat.StageName(_project.Stage)); // the scenario code is in the JSON, not for the clerk
        Line(text, "查询渠道", _channel);
        Line(text, "供应商", s.Supplier.IsConsortium ? $"{s.Supplier.Name}（联合体，成员 {s.Supplier.Members.Count} 家）" : s.Supplier.Name);
        Line(text, "供应商编号", s.Supplier.SupplierId);
        Line(text, "查询结论", EvidenceFormat.Conclusion(s));
        for (var i = 0; i < s.Checks.Count; i++)
        {
            var (member, d) = s.Checks[i];
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"【{(s.Supplier.IsConsortium ? $"联合体成员 {i + 1}" : "供应商")}】{member.Name}　{(member.Subject.Kind == SubjectKind.LegalEntity ? "统一社会信用代码" : "身份证件号码")} {Code(member.Subject, member.Subject.Masked)}");
            Line(text, "  查询编号", d.CheckId.ToString());
            Line(text, "  查询时间", EvidenceFormat.Time(d.EvaluatedAt));
            Line(text, "  数据版本", string.Create(CultureInfo.InvariantCulture,
                $"名单目录 {d.CatalogVersion}，数据序号 {d.Sequence}，数据时效 {d.DataAge.TotalSeconds:0.###} 秒，查询路径 {EvidenceFormat.PathName(d.Path)}"));
            if (d.IsDegraded)
            {
                // The file is read by people: Chinese only (the English reason is in the JSON's degradedReason).
                Line(text, "  注意", AdapterText.IsOlderCodeCheck(d, member.Subject)
                    ? AdapterText.Unchecked(d, member.Subject)
                    : $"{AdapterText.NotChecked(d)}（{AdapterText.Unchecked(d, member.Subject)}），需人工核查");
            }

            Line(text, "  查询结果", EvidenceFormat.OutcomeName(d));
            if (d.MatchedEntries.Count == 0)
            {
                text.AppendLine("  名单记录：无");
            }
            else
            {
                text.AppendLine("  名单记录：");
                for (var j = 0; j < d.MatchedEntries.Count; j++)
                {
                    text.AppendLine(CultureInfo.InvariantCulture, $"    {j + 1}. {EvidenceFormat.EntryLine(d.MatchedEntries[j])}");
                }
            }

            if (d.AppliedMeasures.Count > 0)
            {
                text.AppendLine("  适用措施：");
                for (var j = 0; j < d.AppliedMeasures.Count; j++)
                {
                    var m = d.AppliedMeasures[j];
                    var moot = m.Measure.IsBenefit && s.Status == SupplierStatus.Excluded
                        ? (s.Supplier.IsConsortium ? "（该联合体被拒绝参与，不适用）" : "（被拒绝参与，不适用）")
                        : string.Empty;
                    text.AppendLine(CultureInfo.InvariantCulture, $"    {j + 1}. {m.Measure.Name}{moot} — 依据：{m.LegalBasis}"); // the code is in the JSON
                }
            }

            foreach (var m in d.VoidedMeasures)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  不适用：{m.Measure.Name}（{m.VoidReason}）");
            }

            if (d.UnreadableEntries.Count > 0)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  另有 {d.UnreadableEntries.Count} 条名单记录无法读取，需人工核查");
            }

            if (s.Checks[i].Receipt is { } receipt)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  电子回执（签名密钥 {receipt.KeyId}）：{receipt.ToCompactString()}");
            }
        }

        text.AppendLine();
        text.AppendLine(s.Status == SupplierStatus.Excluded ? "拒绝参与的理由：" : s.RequiresReview ? "需人工核查的事项：" : "说明：");
        for (var i = 0; i < s.Reasons.Count; i++)
        {
            var r = s.Reasons[i];
            text.AppendLine(CultureInfo.InvariantCulture, $"  {i + 1}. {r.Text}{(r.LegalBasis is null ? string.Empty : $"（依据：{r.LegalBasis}）")}");
        }

        text.AppendLine();
        Line(text, "查询人", _project.Operator ?? "—");
        Line(text, "查询部门", _project.Department ?? "—");
        return text.ToString();
    }

    private void WriteJson(Utf8JsonWriter json)
    {
        var s = _supplier;
        json.WriteStartObject();
        json.WriteString("record", "政府采购供应商信用记录查询记录");
        json.WriteString("basis", "财库〔2016〕125号");
        json.WriteString("queryChannel", _channel);
        json.WriteStartObject("project");
        json.WriteString("id", _project.ProjectId);
        WriteOptional(json, "name", _project.ProjectName);
        WriteOptional(json, "purchaser", _project.Purchaser);
        WriteOptional(json, "agency", _project.Agency);
        json.WriteString("stage", _project.Stage.ToString());
        json.WriteString("stageName", EvidenceFormat.StageName(_project.Stage));
        json.WriteString("scenario", _scenario);
        json.WriteEndObject();
        json.WriteStartObject("supplier");
        json.WriteNumber("index", s.Index);
        json.WriteString("name", s.Supplier.Name);
        WriteOptional(json, "supplierId", s.Supplier.SupplierId);
        json.WriteBoolean("consortium", s.Supplier.IsConsortium);
        json.WriteEndObject();
        json.WriteString("status", s.Status.ToString());
        json.WriteBoolean("requiresReview", s.RequiresReview);
        json.WriteString("conclusion", EvidenceFormat.Conclusion(s));
        json.WriteStartArray("reasons");
        foreach (var r in s.Reasons)
        {
            json.WriteStartObject();
            json.WriteString("member", r.Member);
            json.WriteString("text", r.Text);
            WriteOptional(json, "legalBasis", r.LegalBasis);
            WriteOptional(json, "measure", r.MeasureCode);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("checks");
        foreach (var check in s.Checks)
        {
            WriteCheck(json, check);
        }

        json.WriteEndArray();
        WriteOptional(json, "operator", _project.Operator);
        WriteOptional(json, "department", _project.Department);
        json.WriteEndObject();
    }

    private static void WriteCheck(Utf8JsonWriter json, MemberCheck check)
    {
        var (member, d) = check;
        json.WriteStartObject();
        json.WriteString("member", member.Name);
        json.WriteString("subjectKind", member.Subject.Kind.ToString());
        json.WriteString("subjectCode", Code(member.Subject, member.Subject.Masked));
        json.WriteString("checkId", d.CheckId);
        json.WriteString("checkedAt", d.EvaluatedAt);
        json.WriteString("catalogVersion", d.CatalogVersion);
        json.WriteNumber("sequence", d.Sequence);
        json.WriteNumber("dataAgeMs", (long)d.DataAge.TotalMilliseconds);
        json.WriteString("path", d.Path.ToString());
        WriteOptional(json, "degradedReason", d.DegradedReason);
        json.WriteString("outcome", d.Outcome.ToString());
        json.WriteStartArray("entries");
        foreach (var m in d.MatchedEntries)
        {
            var e = m.Entry;
            json.WriteStartObject();
            json.WriteString("list", e.ListCode);
            WriteOptional(json, "listName", m.List?.Name);
            json.WriteString("entryId", e.EntryId);
            json.WriteString("state", m.State.ToString());
            json.WriteString("status", e.Status.ToString());
            WriteOptional(json, "name", e.SubjectName);
            WriteOptional(json, "authority", e.Authority);
            WriteOptional(json, "reference", e.DecisionReference);
            WriteOptional(json, "listedOn", EvidenceFormat.Date(e.ListedOn));
            WriteOptional(json, "validFrom", EvidenceFormat.Date(e.ValidFrom));
            WriteOptional(json, "validThrough", EvidenceFormat.LastDay(e.ValidUntil));
            json.WriteString("matchedBy", m.MatchedBy.ToString());
            if (e.RelatedTo is { } related)
            {
                json.WriteString("relatedEnterprise", related.EnterpriseName);
                json.WriteString("relatedRole", related.Role.ToString());
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("measures");
        foreach (var m in d.AppliedMeasures)
        {
            json.WriteStartObject();
            json.WriteString("code", m.Measure.Code);
            json.WriteString("name", m.Measure.Name);
            json.WriteString("effect", m.Measure.Effect.ToString());
            json.WriteString("legalBasis", m.LegalBasis);
            json.WriteStartArray("entries");
            foreach (var by in m.TriggeredBy)
            {
                json.WriteStringValue(by.Entry.EntryId);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("voided");
        foreach (var m in d.VoidedMeasures)
        {
            json.WriteStartObject();
            json.WriteString("code", m.Measure.Code);
            json.WriteString("name", m.Measure.Name);
            WriteOptional(json, "reason", m.VoidReason);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteNumber("unreadableEntries", d.UnreadableEntries.Count);
        if (check.Receipt is { } receipt)
        {
            // The signed receipt as the signer wrote it: verifiable with IEvidenceSigner.Verify.
            json.WritePropertyName("receipt");
            json.WriteRawValue(receipt.ToJson());
            json.WriteString("receiptCompact", receipt.ToCompactString());
        }

        json.WriteEndObject();
    }

    // An enterprise's code is public information; a person's identity number is not.
    private static string Code(SubjectId subject, string personForm) =>
        subject.Kind == SubjectKind.LegalEntity ? subject.Value : personForm;

    private static void WriteOptional(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }

    private static void Line(StringBuilder text, string label, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{label}：{value}");
        }
    }
}

/// <summary>Chinese wording and formats shared by the evidence record and the summary.</summary>
internal static class EvidenceFormat
{
    private static readonly TimeSpan ChinaStandardTime = TimeSpan.FromHours(8);

    public static string StageName(ProcurementStage stage) => stage switch
    {
        ProcurementStage.Registration => "供应商报名/资格审查",
        ProcurementStage.BidOpening => "投标/开标",
        ProcurementStage.Evaluation => "评审",
        _ => "中标/成交",
    };

    /// <summary>The 查询结论: never "未发现" beside a record shown (found by review: a ban not yet in force).</summary>
    public static string Conclusion(SupplierScreening supplier)
    {
        if (supplier.Status == SupplierStatus.Excluded)
        {
            return supplier.Supplier.IsConsortium ? "不符合资格，拒绝该联合体参与政府采购活动" : "不符合资格，拒绝参与政府采购活动";
        }

        if (supplier.RequiresReview)
        {
            return "可参与，需人工核查";
        }

        var decisions = supplier.Checks.Select(c => c.Decision).ToList();
        if (decisions.Any(d => AdapterText.NotYetInForce(d, string.Empty, string.Empty).Any()))
        {
            return "所列名单记录现不限制参与，可参与；有尚未生效的记录，确定中标/成交前须重新核查";
        }

        return decisions.Any(AdapterText.ShowsRecord) ? "所列名单记录在本事项不适用联合奖惩措施，可参与" : $"{AdapterText.NotFound(AdapterText.LeastKnown(decisions), "拒绝参与的信用记录")}，可参与";
    }

    /// <summary>The 查询结果 line of the record kept with the procurement file: Chinese only (found by review: it
    /// carried the English outcome names), and never "无失信记录" beside a record shown or for a degraded answer.</summary>
    public static string OutcomeName(CreditDecision decision) => decision.Outcome switch
    {
        // 告知承诺, 容缺受理 for every subject without a 失信 record are facilitation, not a red-list reward (DOMAIN §7).
        DecisionOutcome.Benefit when decision.IsBenefitEarned => "守信激励",
        DecisionOutcome.Benefit when decision.MatchedEntries.Count > 0 => "本事项不适用联合奖惩措施，可适用便利措施",
        DecisionOutcome.Benefit => AdapterText.NotFound(decision, "失信记录") + "，可适用便利措施",
        DecisionOutcome.Denied => "拒绝",
        DecisionOutcome.Restricted => "限制",
        DecisionOutcome.Review => "需审慎核查",
        _ when decision.MatchedEntries.Count > 0 => "本事项不适用联合奖惩措施",
        _ => AdapterText.NotFound(decision, "适用措施"),
    };

    /// <summary>Where the answer came from, in Chinese (the record's 数据版本 line).</summary>
    public static string PathName(DecisionPath path) => path switch
    {
        DecisionPath.Embedded => "本地名单库",
        DecisionPath.LocalFilter => "本地名单索引（未列入）",
        DecisionPath.Cache => "名单记录缓存",
        DecisionPath.Store => "共享名单库",
        DecisionPath.LastKnown => "最近一次同步的数据（降级）",
        _ => "未能查询，按降级规则（降级）",
    };

    public static string Time(DateTimeOffset at) =>
        at.ToOffset(ChinaStandardTime).ToString("yyyy年M月d日 HH:mm:ss（北京时间）", CultureInfo.InvariantCulture);

    public static string? Date(DateTimeOffset? at) =>
        at?.ToOffset(ChinaStandardTime).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The last day an entry is in force: the published, inclusive end date (ValidUntil is the next day's start).</summary>
    public static string? LastDay(DateTimeOffset? validUntil) =>
        validUntil is { } until ? Date(until.AddTicks(-1)) : null;

    public static string EntryLine(MatchedEntry m)
    {
        var e = m.Entry;
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{m.List?.Name ?? e.ListCode}（{StateName(m.State)}）条目 {e.EntryId}");
        if (e.Authority is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"；认定部门：{e.Authority}");
        }

        if (e.DecisionReference is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"；文号/案号：{e.DecisionReference}"); // a court listing cites its 案号
        }

        if (Date(e.ListedOn) is { } listed)
        {
            text.Append(CultureInfo.InvariantCulture, $"；列入日期：{listed}");
        }

        text.Append(CultureInfo.InvariantCulture, $"；有效期至：{LastDay(e.ValidUntil) ?? "移出之日"}");
        if (e.RelatedTo is { } related)
        {
            text.Append(CultureInfo.InvariantCulture, $"；系“{related.EnterpriseName}”的{DecisionReasons.RoleName(related.Role)}{(m.IsRelatedPerson ? "（因企业列入而关联，本人未列入）" : "（与企业一并列入）")}");
        }

        return text.ToString();
    }

    public static string SafeFileName(string name)
    {
        var invalid = Path.GetInvalidFileNameChars();
        return string.Concat(name.Select(c => invalid.Contains(c) || char.IsControl(c) || c is '*' or '?' or ' ' ? '_' : c));
    }

    /// <summary>A project number as part of a file name: as given when short; otherwise cut and marked with a hash of
    /// the whole number, so that two long numbers still get two names.</summary>
    /// <remarks>Found from outside: a 300-character project number made <see cref="ProcurementScreening.WriteEvidenceAsync"/>
    /// fail with PathTooLongException, since most file systems allow 255 bytes (UTF-8 on Linux) per name. The
    /// number itself stays whole in the records' text.</remarks>
    public static string FileNamePart(string projectId)
    {
        const int MaxBytes = 120; // leaves room for "-nnn-<code>.json" and "-summary.txt" well within 255
        if (Encoding.UTF8.GetByteCount(projectId) <= MaxBytes)
        {
            return projectId;
        }

        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(projectId)), 0, 4);
        var cut = new StringBuilder();
        var bytes = 0;
        foreach (var rune in projectId.EnumerateRunes())
        {
            bytes += rune.Utf8SequenceLength;
            if (bytes > MaxBytes - 9)
            {
                break;
            }

            cut.Append(rune.ToString());
        }

        return $"{cut}~{hash}";
    }

    private static string StateName(EntryState state) => state switch
    {
        EntryState.InForce => "有效",
        EntryState.UnderObjection => "异议中，措施照常适用",
        EntryState.SuspendedByObjection => "异议中，措施暂停",
        EntryState.NotYetValid => "尚未生效",
        EntryState.Expired => "已过有效期",
        EntryState.Repaired => "已信用修复",
        EntryState.Revoked => "已撤销",
        EntryState.OutsideSector => "有效，但该名单仅在本行业领域适用，本事项不适用",
        _ => "名单不在目录中",
    };
}
