using System.Globalization;
using System.Text;
using CreditCheck;
using CreditCheck.Adapters.Approval;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ServiceHall.Pages;

/// <summary>The window: route an application (查询并分流), then confirm what was done (办理确认 → 反馈).</summary>
/// <remarks>What the clerk reads is Chinese, without developer terms; the English detail of a problem goes
/// to the log for whoever maintains the page.</remarks>
public sealed class IndexModel(ApprovalAdapter approval, PendingApplications pending, HallStore store, ILogger<IndexModel> logger) : PageModel
{
    public const string Department = "市政务服务中心";
    public const string District = "330100";
    private const int MaxMaterials = 20;
    private const int MaxText = 100;

    /// <summary>Field name → what is wrong with it, in Chinese; shown at the field and in the summary.</summary>
    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);

    [BindProperty]
    public string? Subject { get; set; }

    [BindProperty]
    public string Kind { get; set; } = "auto";

    [BindProperty]
    public string? Matter { get; set; }

    [BindProperty]
    public string? Missing { get; set; }

    [BindProperty]
    public bool Commitment { get; set; }

    [BindProperty]
    public string? Token { get; set; }

    [BindProperty]
    public string Handling { get; set; } = "followed";

    [BindProperty]
    public string? Outcome { get; set; }

    [BindProperty]
    public string? Operator { get; set; } = "综合窗口01号";

    [BindProperty]
    public string? Reason { get; set; }

    [BindProperty]
    public string? OverriddenBy { get; set; }

    /// <summary>The application on screen, routed (and perhaps confirmed).</summary>
    public PendingApplication? Current { get; private set; }

    /// <summary>Set when a confirmation arrives for an application already reported.</summary>
    public bool AlreadyConfirmed { get; private set; }

    /// <summary>A problem that is not one field's (an expired application, feedback that could not be recorded).</summary>
    public string? Problem { get; private set; }

    public string StoreDescription => store.Description;

    public IActionResult OnGet(string? a)
    {
        Matter = HallMatters.All[0].Code;
        if (a is null)
        {
            return Page();
        }

        Current = pending.Find(a);
        if (Current is null)
        {
            Problem = "该办件已过期或不存在（页面只保留最近的办件），请重新查询。";
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }

        ShowInput(Current.Input);
        return Page();
    }

    public async Task<IActionResult> OnPostRouteAsync(CancellationToken cancellationToken)
    {
        var matter = HallMatters.Find(Matter);
        if (matter is null)
        {
            Errors["matter"] = "请选择办理事项。";
        }

        var subject = ParseSubject();
        var materials = ParseMaterials();
        if (Errors.Count > 0 || subject is null || matter is null)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        var id = subject.Value;
        var application = new ApprovalApplication
        {
            ApplicationId = pending.NextApplicationId(),
            MatterCode = matter.Code,
            MatterName = matter.Name,
            MatterKind = matter.Kind,
            Enterprise = id.Kind == SubjectKind.LegalEntity ? id : null,
            Person = id.Kind == SubjectKind.NaturalPerson ? id : null,
            MissingMaterials = materials,
            OffersCommitment = Commitment,
            Department = Department,
        };
        var result = await approval.RouteAsync(application, cancellationToken);
        foreach (var (party, decision) in result.Decisions.Where(d => d.Decision.IsDegraded))
        {
            HallLog.DecidedDegraded(logger, decision.CheckId, party, decision.DegradedReason);
        }
        var routed = pending.Add(new HallInput(Subject!.Trim(), Kind, matter.Code, Missing ?? string.Empty, Commitment), result);

        // Post/redirect/get: reloading the result page does not check again.
        return RedirectToPage(new { a = routed.Token });
    }

    public async Task<IActionResult> OnPostConfirmAsync(CancellationToken cancellationToken)
    {
        Current = pending.Find(Token);
        if (Current is null)
        {
            Problem = "该办件已过期或不存在（页面只保留最近的办件），请重新查询后再确认。";
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }

        ShowInput(Current.Input);
        var handling = ParseHandling(out var text);
        if (handling is null)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        try
        {
            var (_, already) = await Current.ConfirmAsync(
                async () => await approval.ReportAsync(Current.Result, handling, cancellationToken),
                text);
            if (already)
            {
                AlreadyConfirmed = true;
                return Page();
            }
        }
        catch (CommitmentNotRecordedException e)
        {
            // The feedback is kept; the commitment (容缺 materials due, 告知承诺 to verify) is not yet: confirming again records
            // it once, and the feedback is recognised as a repeat.
            HallLog.FeedbackFailed(logger, e, Current.Result.Application.ApplicationId, e.Message);
            Problem = "办理情况已记录，但承诺事项未能登记（承诺登记服务暂时不可用），本次确认未完成，请稍后再确认一次；已记录的办理情况不会重复记录。";
            Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return Page();
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            HallLog.FeedbackFailed(logger, e, Current.Result.Application.ApplicationId, e.Message);
            Problem = "反馈未能记录，本次确认未保存，请稍后重试；如持续出现，请联系系统管理员。";
            Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return Page();
        }

        return RedirectToPage(new { a = Current.Token });
    }

    private void ShowInput(HallInput input)
    {
        Subject = input.Subject;
        Kind = input.Kind;
        Matter = input.MatterCode;
        Missing = input.Missing;
        Commitment = input.OffersCommitment;
    }

    /// <summary>Parses the identifier as the chosen kind; "auto" takes the kind it is valid as, and when it is
    /// valid as neither, reports the reason for the kind it looks like.</summary>
    private SubjectId? ParseSubject()
    {
        var text = Subject?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            Errors["subject"] = "请输入统一社会信用代码或居民身份证号码。";
            return null;
        }

        if (text.Length > 40)
        {
            Errors["subject"] = string.Create(CultureInfo.InvariantCulture, $"证件号码过长（{text.Length} 个字符）：统一社会信用代码为 18 位，居民身份证号码为 18 位或 15 位。");
            return null;
        }

        switch (Kind)
        {
            case "entity":
                return Parse(text, SubjectKind.LegalEntity);
            case "person":
                return Parse(text, SubjectKind.NaturalPerson);
            case "auto":
                // The SDK's reading, as the service's and the CLI's: valid as neither kind gives both readings, the one
                // more likely meant first (found from outside: a 17-digit ID number was given only the 统一社会信用代码's
                // length rule, since a guess by length took it for one).
                if (SubjectId.TryParseEitherKind(text, SubjectIdParseMode.Strict, out var either, out var refused))
                {
                    return either;
                }

                if (refused.Code == SubjectIdErrorCode.AmbiguousKind)
                {
                    Errors["kind"] = "该号码既符合统一社会信用代码也符合居民身份证号码的规则，请选择主体类型后重新查询。";
                    return null;
                }

                HallLog.IdentifierRefusedAsEither(logger, refused.Code, refused.Message);
                Errors["subject"] = $"证件号码无效：{refused.ChineseMessage}";
                return null;
            default:
                Errors["kind"] = "请选择主体类型。";
                return null;
        }
    }

    private SubjectId? Parse(string text, SubjectKind kind)
    {
        if (SubjectId.TryParseDetailed(text, kind, SubjectIdParseMode.Strict, out var id, out var error))
        {
            return id;
        }

        // The clerk reads the Chinese text; the code and the English text are for the log.
        HallLog.IdentifierRefused(logger, kind, error.Code, error.Position, error.Message);
        Errors["subject"] = $"证件号码无效：{error.ChineseMessage}";
        return null;
    }

    private List<string> ParseMaterials()
    {
        var materials = (Missing ?? string.Empty)
            .Split(['\n', '\r', ',', '，', '、', ';', '；'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        if (materials.Count > MaxMaterials)
        {
            Errors["missing"] = string.Create(CultureInfo.InvariantCulture, $"尚缺材料最多填写 {MaxMaterials} 项，现有 {materials.Count} 项。");
        }
        else if (materials.FirstOrDefault(m => m.Length > MaxText) is { } tooLong)
        {
            Errors["missing"] = string.Create(CultureInfo.InvariantCulture, $"材料名称“{tooLong[..20]}…”过长（{tooLong.Length} 个字符，最多 {MaxText} 个）。");
        }

        return materials;
    }

    private ApprovalHandling? ParseHandling(out string text)
    {
        var outcome = Clean(Outcome, "outcome", "办理结果");
        var clerk = Clean(Operator, "operator", "经办人");
        var reason = Clean(Reason, "reason", "原因");
        var by = Clean(OverriddenBy, "overriddenBy", "批准人");
        text = "按提示办理";
        switch (Handling)
        {
            case "followed":
                break;
            case "not-followed":
                text = "未按提示办理";
                if (reason is null)
                {
                    Errors.TryAdd("reason", "选择“未按提示办理”时，请填写原因。");
                }

                break;
            case "overridden":
                text = "经批准变更办理方式";
                if (by is null)
                {
                    Errors.TryAdd("overriddenBy", "选择“经批准变更”时，请填写批准人。");
                }

                if (reason is null)
                {
                    Errors.TryAdd("reason", "选择“经批准变更”时，请填写变更原因。");
                }

                break;
            default:
                Errors["handling"] = "请选择办理情况。";
                break;
        }

        if (Errors.Count > 0)
        {
            return null;
        }

        var handling = Handling switch
        {
            "not-followed" => ApprovalHandling.NotFollowed(reason!),
            "overridden" => ApprovalHandling.Overridden(by!, reason!),
            _ => ApprovalHandling.Followed(),
        };
        return handling with { Outcome = outcome, Operator = clerk, District = District };
    }

    private string? Clean(string? value, string field, string label)
    {
        var text = value?.Trim();
        if (text is { Length: > MaxText })
        {
            Errors[field] = string.Create(CultureInfo.InvariantCulture, $"{label}过长（{text.Length} 个字符，最多 {MaxText} 个）。");
        }

        return string.IsNullOrEmpty(text) ? null : text;
    }
}
