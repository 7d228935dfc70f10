using System.Globalization;

namespace CreditCheck.Server;

/// <summary>What went wrong with a request, for problem+json (HTTP) and a status with trailers (gRPC).
/// Input errors are results, not exceptions.</summary>
/// <param name="Status">The HTTP status.</param>
/// <param name="Code">A stable slug: the problem type is <c>urn:creditcheck:problem:{Code}</c>.</param>
/// <param name="Title">English title.</param>
/// <param name="TitleZh">Chinese title.</param>
/// <param name="Errors">The fields at fault, with the problem in both languages; may be empty.</param>
internal sealed record ApiError(int Status, string Code, string Title, string TitleZh, IReadOnlyList<FieldProblem> Errors)
{
    public string Detail => Errors.Count == 0 ? Title : string.Join(" ", Errors.Select(e => $"{e.Field}: {e.Problem}"));

    public string DetailZh => Errors.Count == 0 ? TitleZh : string.Join("；", Errors.Select(e => $"{e.Field}：{e.ProblemZh}"));

    public static ApiError Invalid(string field, string problem, string problemZh) =>
        new(400, "invalid-field", "The request has an invalid field.", "请求中有字段不合规。", [new FieldProblem(field, problem, problemZh)]);

    public static ApiError Missing(string field) => Invalid(field, "is required.", "必填。");

    /// <summary>The parser's own texts (<see cref="SubjectIdError"/>), English and Chinese.</summary>
    public static ApiError InvalidSubject(string field, string problem, string problemZh) =>
        new(400, "invalid-subject", "The subject is not a valid identifier.", "主体代码无效。", [new FieldProblem(field, problem, problemZh)]);

    public static ApiError UnknownScenario(string field, string scenario, string catalogVersion, string topLevel, string? meant) =>
        new(400, "unknown-scenario", "The scenario is not in the catalog.", "应用场景不在服务事项清单中。",
            [meant is null
                ? new FieldProblem(field, $"'{scenario}' is not in catalog {catalogVersion}, nor is any ancestor of it; top-level scenarios: {topLevel}.",
                    $"“{scenario}”及其上级均不在服务事项清单（版本 {catalogVersion}）中；一级场景：{topLevel}。")
                : new FieldProblem(field, $"'{scenario}' is not in catalog {catalogVersion}; did you mean '{meant}'? (an undeclared code resolves to its nearest declared ancestor, but not one this close to a declared code)",
                    $"“{scenario}”不在服务事项清单（版本 {catalogVersion}）中，是否应为“{meant}”？（未列明的下级场景按最近的上级办理，但与已列明场景仅差一两个字符的视为录入错误）")]);

    public static ApiError BatchTooLarge(int count, int max) =>
        new(400, "batch-too-large", "The batch is too large.", "批量核查条数超过上限。",
            [new FieldProblem("checks", string.Create(CultureInfo.InvariantCulture, $"holds {count} checks; at most {max} are allowed."),
                string.Create(CultureInfo.InvariantCulture, $"共 {count} 条，每批最多 {max} 条。"))]);

    public static ApiError UnknownCheck(Guid checkId) =>
        new(404, "unknown-check", "No decision with this check id is known here.", "未找到该核查编号的核查结果。",
            [new FieldProblem("checkId", $"'{checkId}' was not decided by this service for this client, or is older than the decisions it keeps.",
                $"“{checkId}”不是本服务为该调用方作出的核查，或已超过保留期限。")]);

    /// <summary>A body the JSON reader refused: its field, and what was wrong in words a caller can act on.</summary>
    public static ApiError Json(System.Text.Json.JsonException e) =>
        e.InnerException is InvalidOperationException { Message: var inner } && inner.Contains("UTF-8", StringComparison.Ordinal)
            ? new(400, "invalid-json", "The body is not valid JSON of the expected shape.", "请求体不是符合要求的JSON。",
                [new FieldProblem(FieldOf(e.Path), $"the value of {FieldOf(e.Path)} is not UTF-8 text; send the body in UTF-8.", $"字段 {FieldOf(e.Path)} 的值不是 UTF-8 文本，请以 UTF-8 编码发送请求体。")])
            : Json(e.Path, e.Message);

    public static ApiError Json(string? path, string message)
    {
        var field = FieldOf(path);

        // System.Text.Json names the .NET type it wanted ("could not be converted to System.Nullable`1[System.Guid]"):
        // a caller in Java or Python learns nothing from that, and the service's internals are not theirs to read.
        return message.Contains("could not be converted to", StringComparison.Ordinal)
            ? new(400, "invalid-json", "The body is not valid JSON of the expected shape.", "请求体不是符合要求的JSON。",
                [message.Contains("DateTimeOffset", StringComparison.Ordinal)
                    ? new FieldProblem(field, $"the value of {field} is not an RFC 3339 time (e.g. 2026-12-06T10:30:00+08:00).", $"字段 {field} 的值不是 RFC 3339 时间（如 2026-12-06T10:30:00+08:00）。")
                    : message.Contains("System.Guid", StringComparison.Ordinal)
                        ? new FieldProblem(field, $"the value of {field} is not a UUID (e.g. 0f8fad5b-d9cb-469f-a165-70867728950e).", $"字段 {field} 的值不是 UUID（如 0f8fad5b-d9cb-469f-a165-70867728950e）。")
                        : new FieldProblem(field, $"the value of {field} is not of the type the API expects (see /openapi/v1.json).", $"字段 {field} 的值类型不正确（见 /openapi/v1.json）。")])
            : new(400, "invalid-json", "The body is not valid JSON of the expected shape.", "请求体不是符合要求的JSON。",
                [new FieldProblem(field, message, "JSON格式不正确。")]);
    }

    public static ApiError NoSuchPath(string method, string path) =>
        new(404, "not-found", "No such endpoint.", "没有该接口。",
            [new FieldProblem("path", $"{method} {path} is not an endpoint of this service: POST /v1/checks, POST /v1/checks:batch, POST /v1/feedback, GET /v1/catalog.",
                $"{method} {path} 不是本服务的接口：POST /v1/checks、POST /v1/checks:batch、POST /v1/feedback、GET /v1/catalog。")]);

    public static ApiError TooLarge(long max) =>
        new(413, "body-too-large", "The request body is too large.", "请求体过大。",
            [new FieldProblem("body", string.Create(CultureInfo.InvariantCulture, $"is larger than {max} bytes."),
                string.Create(CultureInfo.InvariantCulture, $"超过 {max} 字节。"))]);

    public static ApiError UnsupportedMediaType(string? contentType) =>
        new(415, "unsupported-media-type", "Send the body as application/json in UTF-8.", "请求体须为 UTF-8 编码的 application/json。",
            [new FieldProblem("Content-Type", $"'{contentType}' is not application/json in UTF-8.", $"“{contentType}”不是 UTF-8 编码的 application/json。")]);

    public static ApiError Unauthorized(bool presented) => presented
        ? new(401, "unknown-key", "The key is not one of a configured client.", "调用密钥无效。", [])
        : new(401, "missing-key", "Send the client's key as 'Authorization: Bearer <key>'.", "缺少调用密钥（Authorization: Bearer <key>）。", []);

    public static ApiError NotLoopback() =>
        new(403, "loopback-only", "No client is configured, so only callers on this machine are served.", "未配置调用方，仅接受本机调用。", []);

    public static ApiError Scope(string clientId, string scope) =>
        new(403, "scope", $"Client '{clientId}' may not call {scope}.", $"调用方“{clientId}”无权调用{(scope == "checks" ? "核查" : "反馈")}接口。", []);

    public static ApiError ScenarioNotAllowed(string field, string clientId, string scenario) =>
        new(403, "scenario-not-allowed", "The client may not check in this scenario.", "调用方无权在该场景核查。",
            [new FieldProblem(field, $"client '{clientId}' may not check in '{scenario}'.", $"调用方“{clientId}”无权在“{scenario}”场景核查。")]);

    public static ApiError RateLimited(string clientId) =>
        new(429, "rate-limited", $"Client '{clientId}' is over its rate limit; retry later.", $"调用方“{clientId}”超过调用频率限制，请稍后重试。", []);

    public static ApiError Unavailable(string reason) =>
        new(503, "unavailable", "The service cannot answer now: " + reason, "服务暂时无法处理，请稍后重试。", []);

    /// <summary>A report the SDK refused: each problem under the API's name for its field (<c>ExecutedAt</c> →
    /// <c>executedAt</c>, <c>Measures[0].Amount</c> → <c>measures[0].amount</c>), in both languages.</summary>
    public static ApiError Feedback(FeedbackReportException e) =>
        new(400, "invalid-field", "The feedback does not fit its decision or breaks a rule.", "反馈内容与核查结果不符或不合规。",
            [.. e.Problems.Select(p => new FieldProblem(CamelCase(p.Field), p.Message, p.ChineseMessage))]);

    /// <summary><c>Measures[0].Amount</c> → <c>measures[0].amount</c>: the SDK's property path as the JSON body names it.</summary>
    private static string CamelCase(string path) =>
        string.Join('.', path.Split('.').Select(part => part.Length == 0 ? part : char.ToLowerInvariant(part[0]) + part[1..]));

    private static string FieldOf(string? jsonPath) =>
        string.IsNullOrEmpty(jsonPath) || jsonPath == "$" ? "body" : jsonPath.StartsWith("$.", StringComparison.Ordinal) ? jsonPath[2..] : jsonPath;
}
