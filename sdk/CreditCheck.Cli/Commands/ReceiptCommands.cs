using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace CreditCheck.Cli.Commands;

/// <summary><c>receipt verify FILE</c>: what an evidence receipt says and whether it verifies, for auditors
/// without .NET. The key comes from <c>$CREDITCHECK_RECEIPT_KEY</c> (or <c>--key</c>), as secrets do elsewhere.</summary>
internal static class ReceiptCommands
{
    public const string KeyVariable = "CREDITCHECK_RECEIPT_KEY";

    public static Command Create(CommandContext context)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "A receipt: its JSON (EvidenceReceipt.ToJson) or its compact form (ccr3.…, or ccr2.…, ccr1.… of formats 2 and 1)." };
        var key = new Option<string?>("--key") { Description = "The receipt key, base64 (default: $" + KeyVariable + "; prefer the variable)." };
        var keyId = new Option<string?>("--key-id") { Description = "The id of that key; a receipt signed under another id does not verify (default: the receipt's own key id)." };
        var subject = new Option<string?>("--subject") { Description = "The subject the receipt is filed under: it must be about this one." };
        var kind = SubjectArguments.Kind();
        var transaction = new Option<string?>("--transaction") { Description = "The transaction reference (办件编号, 项目编号) the receipt is filed under: it must carry this one." };
        var verify = new Command("verify", "Say what an evidence receipt records and whether it verifies under the key (and is about --subject, for --transaction).")
        {
            file, key, keyId, subject, kind, transaction,
        };
        verify.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(file)!;
            var text = (await File.ReadAllTextAsync(path.FullName, ct).ConfigureAwait(false)).Trim().TrimStart('\uFEFF');
            EvidenceReceipt receipt;
            try
            {
                receipt = text.StartsWith('{') ? EvidenceReceipt.Parse(text) : EvidenceReceipt.ParseCompact(text);
            }
            catch (FormatException e)
            {
                throw new CliException(ExitCodes.InvalidInput, $"{path.Name} 不是有效的核查回执", $"{path.Name} is not an evidence receipt: {Shown(e.Message)}");
            }

            var signer = Signer(parse.GetValue(key) ?? context.Environment.GetValueOrDefault(KeyVariable), parse.GetValue(keyId) ?? receipt.KeyId);
            var expected = parse.GetValue(subject) is { } subjectText
                ? new ReceiptExpectation(SubjectArguments.Parse(subjectText, SubjectArguments.ParseKind(parse.GetValue(kind)))) { TransactionReference = parse.GetValue(transaction) }
                : null;
            if (expected is null && parse.GetValue(transaction) is not null)
            {
                throw new CliException(ExitCodes.Usage, "--transaction 须与 --subject 同用", "--transaction needs --subject (the receipt's subject is checked with its transaction).");
            }

            var verification = expected is null ? signer.Verify(receipt) : signer.Verify(receipt, expected);
            Write(context.Output, parse.GetValue(GlobalOptions.Json), receipt, verification, expected);
            return verification.IsValid ? ExitCodes.Ok : ExitCodes.DataDamaged;
        });

        return new Command("receipt", "Evidence receipts (核查回执): check one as an auditor.") { verify };
    }

    private static HmacEvidenceSigner Signer(string? key, string keyId)
    {
        if (string.IsNullOrWhiteSpace(key))
        {
            throw new CliException(ExitCodes.Usage, $"未给出回执密钥：请在环境变量 {KeyVariable} 中设置（base64）", $"No receipt key: set ${KeyVariable} (base64) or pass --key.");
        }

        try
        {
            return new HmacEvidenceSigner(new EvidenceReceiptOptions { KeyId = keyId, Key = key });
        }
        catch (OptionsValidationException e)
        {
            var english = string.Join(" ", e.Failures).Replace("CreditCheck:EvidenceReceipts:Key ", "The receipt key ", StringComparison.Ordinal)
                .Replace("CreditCheck:EvidenceReceipts:KeyId", "--key-id", StringComparison.Ordinal);
            throw new CliException(ExitCodes.InvalidInput, "回执密钥无效（须为至少32个随机字节的 base64）", english);
        }
    }

    private static void Write(CliOutput output, bool json, EvidenceReceipt receipt, ReceiptVerification verification, ReceiptExpectation? expected)
    {
        var evaluatedAt = receipt.EvaluatedAt.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffff'Z'", CultureInfo.InvariantCulture);
        if (json)
        {
            output.WriteJson(new JsonObject
            {
                ["verifies"] = verification.IsValid,
                ["problem"] = verification.Problem.ToString(),
                ["message"] = verification.Message,
                ["formatVersion"] = receipt.FormatVersion,
                ["keyId"] = receipt.KeyId,
                ["checkId"] = receipt.CheckId.ToString("D"),
                ["scenario"] = receipt.Scenario,
                ["outcome"] = receipt.Outcome.ToString(),
                ["degraded"] = receipt.IsDegraded,
                ["path"] = receipt.Path?.ToString(),
                ["transactionReference"] = receipt.TransactionReference,
                ["entryIds"] = new JsonArray([.. receipt.EntryIds.Select(id => (JsonNode)id)]),
                ["listsNotHeld"] = receipt.ListsNotHeld is { } codes ? new JsonArray([.. codes.Select(code => (JsonNode)code)]) : null,
                ["catalogVersion"] = receipt.CatalogVersion,
                ["sequence"] = receipt.Sequence,
                ["evaluatedAt"] = evaluatedAt,
                ["subjectChecked"] = expected is not null,
                ["transactionChecked"] = expected?.TransactionReference is not null,
            });
            return;
        }

        var lines = new List<string>
        {
            $"回执格式 {receipt.FormatVersion}，密钥 {receipt.KeyId} — receipt format {receipt.FormatVersion}, key {receipt.KeyId}",
            $"核查编号 {receipt.CheckId:D} — check id",
            $"应用场景 {Shown(receipt.Scenario)} — scenario",
            $"核查结果 {OutcomeChinese(receipt.Outcome)} — outcome {receipt.Outcome}",
            receipt.IsDegraded switch
            {
                true => $"降级：是（路径 {receipt.Path}）：存储无法应答时按策略或按最后已知数据作出，结果不是依据名单数据的结论 — degraded: yes (path {receipt.Path}): made without current data, so the outcome is not an answer of the lists",
                false => $"降级：否（路径 {receipt.Path}） — degraded: no (path {receipt.Path})",
                null => "降级：格式1回执未记录是否降级 — degraded: not recorded (format 1 receipt)",
            },
            receipt.FormatVersion == 1 ? "办件编号：格式1回执未记录 — transaction: not recorded (format 1 receipt)"
                : receipt.TransactionReference is { } reference ? $"办件编号 {Shown(reference)} — transaction {Shown(reference)}"
                : "办件编号：无 — transaction: none given",
            receipt.EntryIds.Count == 0 ? "命中条目：无 — entries: none" : $"命中条目 {string.Join(", ", receipt.EntryIds.Select(Shown))} — entries",
            receipt.ListsNotHeld switch
            {
                null => $"未覆盖名单：格式{receipt.FormatVersion}回执未记录 — lists not held: not recorded (format {receipt.FormatVersion} receipt)",
                { Count: 0 } => "未覆盖名单：无 — lists not held: none",
                var codes => $"未覆盖名单 {string.Join("、", codes.Select(Shown))}：本系统未载入上述名单数据，名列其中的主体无法查出，核查结果仅就已载入的名单而言 — lists not held: {string.Join(", ", codes.Select(Shown))}: the store held no data of them, so a subject on them was not found; the outcome answers only for the other lists",
            },
            $"目录版本 {(receipt.CatalogVersion.Length == 0 ? "（无）" : Shown(receipt.CatalogVersion))}，数据序号 {receipt.Sequence} — catalog version {(receipt.CatalogVersion.Length == 0 ? "(none)" : Shown(receipt.CatalogVersion))}, sequence {receipt.Sequence}",
            $"核查时间 {evaluatedAt} — evaluated at (UTC)",
            expected is null ? "主体：未核对（用 --subject 核对回执是否关于该主体） — subject: not checked (pass --subject)"
                : $"主体：核对 {expected.Subject.Masked} — subject checked against {expected.Subject.Masked}",
        };
        foreach (var line in lines)
        {
            output.Out.WriteLine(line);
        }

        output.Out.WriteLine(verification.IsValid
            ? verification.IsDegraded
                ? "结论：回执有效，但记录的是降级决定 — verdict: the receipt verifies, but records a degraded decision"
                : receipt.ListsNotHeld is { Count: > 0 } notHeld
                    ? $"结论：回执有效，但核查未覆盖名单 {string.Join("、", notHeld.Select(Shown))} — verdict: the receipt verifies, but the check did not cover the list(s) {string.Join(", ", notHeld.Select(Shown))}"
                    : "结论：回执有效 — verdict: the receipt verifies"
            : $"结论：回执未通过验证：{ProblemChinese(verification.Problem)} — verdict: the receipt does not verify: {Shown(verification.Message)}");
    }

    /// <summary>A receipt's text as the terminal shows it: its fields are not trusted before they verify (and a key
    /// holder's are not either), so a control, format or separator character — a line break, an escape sequence that
    /// hides what follows, a bidirectional override — is shown as <c>\uXXXX</c> and cannot forge a line of the verdict
    /// (found from outside: an altered receipt's transaction printed "结论：回执有效" and hid the real verdict after it).</summary>
    internal static string Shown(string text)
    {
        if (!text.Any(NotShown))
        {
            return text;
        }

        var shown = new System.Text.StringBuilder(text.Length + 16);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                shown.Append(c).Append(text[++i]); // a character beyond the BMP (生僻字 of CJK Extension B …) as it is
            }
            else if (NotShown(c))
            {
                shown.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            }
            else
            {
                shown.Append(c);
            }
        }

        return shown.ToString();
    }

    private static bool NotShown(char c) => char.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.Format
        or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Surrogate;

    private static string OutcomeChinese(DecisionOutcome outcome) => outcome switch
    {
        DecisionOutcome.Clear => "Clear（无限制，正常办理）",
        DecisionOutcome.Benefit => "Benefit（可享激励措施）",
        DecisionOutcome.Review => "Review（从严审核）",
        DecisionOutcome.Restricted => "Restricted（限制办理）",
        DecisionOutcome.Denied => "Denied（不予办理）",
        _ => outcome.ToString(),
    };

    private static string ProblemChinese(ReceiptProblem problem) => problem switch
    {
        ReceiptProblem.UnknownKeyId => "回执不是用所给密钥编号签发的",
        ReceiptProblem.BadSignature => "签名与回执内容不符（回执被改动过，或密钥不是签发它的那一个）",
        ReceiptProblem.MalformedField => "回执字段格式不正确",
        ReceiptProblem.SubjectMismatch => "回执真实，但不是关于所核对主体的",
        ReceiptProblem.TransactionMismatch => "回执真实，但不是为所核对办件出具的",
        _ => problem.ToString(),
    };
}
