using System.Globalization;
using CreditCheck.Catalog;

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
    /// <summary>A batch's problems in all when <see cref="Errors"/> names only the first and ends with a line that counts
    /// them (the gRPC message counts the rest from it); null otherwise.</summary>
    public int? AllProblems { get; init; }

    public string Detail => Errors.Count == 0 ? Title : string.Join(" ", Errors.Select(e => $"{e.Field}: {e.Problem}"));

    public string DetailZh => Errors.Count == 0 ? TitleZh : string.Join("；", Errors.Select(e => $"{e.Field}：{e.ProblemZh}"));

    public static ApiError Invalid(string field, string problem, string problemZh) =>
        new(400, "invalid-field", "The request has an invalid field.", "请求中有字段不合规。", [new FieldProblem(field, problem, problemZh)]);

    /// <summary>An amount that is not a plain decimal number of yuan — the same text over HTTP (a JSON string or value
    /// that is not a number) and gRPC (the proto's decimal string).</summary>
    public static ApiError NotAnAmount(string field, string? text) =>
        Invalid(field,
            $"{(text is null ? "the value" : $"'{Echo(text)}'")} is not a decimal number of yuan such as 1200.50 (digits with an optional sign, decimal point and exponent; no thousands separators or spaces).",
            $"{(text is null ? "该值" : $"“{Echo(text)}”")}不是以元计的数字，应如 1200.50（数字，可带正负号、小数点和指数；不含千位分隔符和空格）。");

    public static ApiError Missing(string field) => Invalid(field, "is required.", "必填。");

    /// <summary>A value of the caller's as an answer repeats it: at most 80 characters (a 5,000-character scenario was
    /// repeated whole, twice, and over gRPC outgrew the client's metadata limit; found from outside).</summary>
    public static string Echo(string? text) =>
        text is null ? string.Empty : text.Length <= 80 ? text : string.Create(CultureInfo.InvariantCulture, $"{text.AsSpan(0, 60)}…({text.Length} chars)");

    /// <summary>The parser's own texts (<see cref="SubjectIdError"/>), English and Chinese.</summary>
    public static ApiError InvalidSubject(string field, string problem, string problemZh) =>
        new(400, "invalid-subject", "The subject is not a valid identifier.", "主体代码无效。", [new FieldProblem(field, problem, problemZh)]);

    public static ApiError UnknownScenario(string field, string given, string catalogVersion, string topLevel, string? meant) =>
        UnknownScenarioOf(field, Echo(given), catalogVersion, topLevel, meant);

    /// <summary>A scenario that is not written as a code at all, said as such with what is wrong (found from outside:
    /// <c>procurement.Bid</c> and <c>procurement..bid</c> were "not in the catalog, nor any ancestor", beside a list naming
    /// <c>procurement</c>).</summary>
    public static ApiError MalformedScenario(string field, string given, string? topLevel)
    {
        var (why, whyZh) = Scenario.FindCodeProblem(given) ?? new(string.Empty, string.Empty);
        return new(400, "unknown-scenario", "The scenario is not in the catalog.", "应用场景不在服务事项清单中。",
            [new FieldProblem(field,
                $"'{Echo(given)}' is not a scenario code: {why}. A code is lower-case words of a-z and 0-9 joined by '-', levels joined by '.', at most {Scenario.MaxCodeLength} characters, such as 'procurement.bid'{(topLevel is null ? string.Empty : $"; top-level scenarios: {topLevel}")}.",
                $"“{Echo(given)}”不是应用场景代码：{whyZh}。场景代码由小写字母和数字组成，词间用“-”、层级间用“.”连接，最多 {Scenario.MaxCodeLength} 个字符，如 procurement.bid{(topLevel is null ? string.Empty : $"；一级场景：{topLevel}")}。")]);
    }

    private static ApiError UnknownScenarioOf(string field, string scenario, string catalogVersion, string topLevel, string? meant) =>
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

    public static ApiError RelayTimeout(Guid checkId, TimeSpan waited) =>
        new(503, "unavailable", "The service could not take the feedback now.", "服务暂时无法受理反馈。",
            [new FieldProblem("checkId", string.Create(CultureInfo.InvariantCulture,
                    $"'{checkId}' was checked by another instance of the service, which claimed the report but did not answer within {waited.TotalSeconds:0} s, so whether it was recorded is not known; report it again (a record already kept is recognised as a repeat)."),
                string.Create(CultureInfo.InvariantCulture,
                    $"“{checkId}”由本服务的另一实例核查，该实例未在 {waited.TotalSeconds:0} 秒内答复，无法确定反馈是否已记录；请重新报送（已记录的不会重复记录）。"))]);

    public static ApiError RelayUnreachable(Guid checkId) =>
        new(503, "unavailable", "The service could not take the feedback now.", "服务暂时无法受理反馈。",
            [new FieldProblem("checkId",
                $"'{checkId}' was not checked by this instance, and the other instances of the service could not all be asked now (Redis, or an instance, did not answer in time); report it again.",
                $"“{checkId}”不是本实例核查的，目前无法确认本服务的其他实例是否核查过（Redis 或某个实例未及时答复）；请重新报送。")]);

    private const string JsonTitle = "The body is not valid JSON of the expected shape.";
    private const string JsonTitleZh = "请求体不是符合要求的JSON。";

    /// <summary>A body the JSON reader refused: its field, where (line and byte, from 1), and what was wrong in words a
    /// caller can act on — in English and Chinese, never the reader's own text, which names the service's .NET types
    /// ("deserialization of type 'CreditCheck.Server.CheckBody'") and its reader's options ("Change the reader options.").</summary>
    /// <param name="e">The reader's exception.</param>
    /// <param name="knownFields">For a property the body type lacks: the names the object at its path has, to suggest one.</param>
    public static ApiError Json(System.Text.Json.JsonException e, Func<string?, IReadOnlyList<string>>? knownFields = null)
    {
        var field = FieldOf(e.Path);
        var message = e.Message;
        var (at, atZh) = e.LineNumber is { } line && e.BytePositionInLine is { } column
            ? (string.Create(CultureInfo.InvariantCulture, $" (line {line + 1}, byte {column + 1})"), string.Create(CultureInfo.InvariantCulture, $"（第{line + 1}行第{column + 1}字节）"))
            : (string.Empty, string.Empty);

        if (e.InnerException is InvalidOperationException { Message: var inner } && inner.Contains("UTF-8", StringComparison.Ordinal))
        {
            return new(400, "invalid-json", JsonTitle, JsonTitleZh,
                [new FieldProblem(field, $"the value of {field} is not UTF-8 text{at}; send the body in UTF-8.", $"字段 {field} 的值{atZh}不是 UTF-8 文本，请以 UTF-8 编码发送请求体。")]);
        }

        // Found from outside: "\ud800" alone in a string was "not of the type the API expects".
        if (e.InnerException is InvalidOperationException { Message: var utf16 } && utf16.Contains("surrogate", StringComparison.OrdinalIgnoreCase))
        {
            return new(400, "invalid-json", JsonTitle, JsonTitleZh,
                [new FieldProblem(field, $"the value of {field}{at} holds half of a UTF-16 surrogate pair (an escape such as \\ud800 without its other half), which is not text; send valid Unicode.",
                    $"字段 {field} 的值{atZh}含有不成对的 UTF-16 代理项（如单独的 \\ud800 转义），不是有效文本，请发送有效的 Unicode 字符。")]);
        }

        if (message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal))
        {
            // UnmappedMemberHandling.Disallow: a property the body does not have (transaction_reference for transactionReference).
            var (parent, name) = SplitLast(e.Path);
            var suggestion = Suggest(name, knownFields?.Invoke(parent) ?? []);
            var fullName = parent is null ? name : $"{parent}.{name}";
            return new(400, "invalid-json", JsonTitle, JsonTitleZh,
                [new FieldProblem(fullName,
                    $"unknown field '{name}'{(suggestion is null ? string.Empty : $" (did you mean {suggestion}?)")}{at}; unknown fields are refused, not ignored (see /openapi/v1.json).",
                    $"未知字段“{name}”{(suggestion is null ? string.Empty : $"（是否应为 {suggestion}？）")}{atZh}；未知字段不予忽略（见 /openapi/v1.json）。")]);
        }

        if (message.StartsWith("Duplicate property", StringComparison.Ordinal) || message.Contains("Duplicate property", StringComparison.Ordinal))
        {
            return new(400, "invalid-json", JsonTitle, JsonTitleZh,
                [new FieldProblem(field, $"{field} is given twice{at}; give each field once.", $"字段 {field}{atZh}出现了两次，每个字段只能出现一次。")]);
        }

        // System.Text.Json names the .NET type it wanted ("could not be converted to System.Nullable`1[System.Guid]"):
        // a caller in Java or Python learns nothing from that, and the service's internals are not theirs to read.
        if (message.Contains("could not be converted to System.Nullable`1[System.Decimal]", StringComparison.Ordinal)
            || message.Contains("could not be converted to System.Decimal", StringComparison.Ordinal))
        {
            return NotAnAmount(field, null);
        }

        // A time or a UUID that does not read as one is a bad value, invalid-field as over gRPC (where both are strings)
        // and as an amount; found from outside: a client branching on the code handled the same mistake twice.
        if (message.Contains("could not be converted to", StringComparison.Ordinal) && message.Contains("DateTimeOffset", StringComparison.Ordinal))
        {
            return Invalid(field, $"the value of {field}{at} is not an RFC 3339 time (e.g. 2026-12-06T10:30:00+08:00).", $"字段 {field} 的值{atZh}不是 RFC 3339 时间（如 2026-12-06T10:30:00+08:00）。");
        }

        if (message.Contains("could not be converted to", StringComparison.Ordinal) && message.Contains("System.Guid", StringComparison.Ordinal))
        {
            return Invalid(field, $"the value of {field}{at} is not a UUID (e.g. 0f8fad5b-d9cb-469f-a165-70867728950e).", $"字段 {field} 的值{atZh}不是 UUID（如 0f8fad5b-d9cb-469f-a165-70867728950e）。");
        }

        if (message.Contains("could not be converted to", StringComparison.Ordinal))
        {
            return new(400, "invalid-json", JsonTitle, JsonTitleZh,
                [field == "body"
                    ? new FieldProblem(field, $"the body{at} is not a JSON object of the expected fields (see /openapi/v1.json).", $"请求体{atZh}不是包含规定字段的JSON对象（见 /openapi/v1.json）。")
                    : new FieldProblem(field, $"the value of {field}{at} is not of the type the API expects (see /openapi/v1.json).", $"字段 {field} 的值{atZh}类型不正确（见 /openapi/v1.json）。")]);
        }

        // Syntax: the reader's reason, without its own position suffix and its advice to the service's developers.
        var (reason, reasonZh) = SyntaxReason(message);
        return new(400, "invalid-json", JsonTitle, JsonTitleZh,
            [new FieldProblem(field, $"the body is not well-formed JSON{at}: {reason}", $"请求体不是合法的JSON{atZh}：{reasonZh}")]);
    }

    /// <summary>A problem found before or instead of the JSON reader (an empty body, a broken request).</summary>
    public static ApiError Json(string? path, string message) =>
        new(400, "invalid-json", JsonTitle, JsonTitleZh, [new FieldProblem(FieldOf(path), message,
            message.StartsWith("The body is empty", StringComparison.Ordinal) ? "请求体为空或为 null，应为JSON对象。" : "请求体无法读取。")]);

    private static (string English, string Chinese) SyntaxReason(string message)
    {
        // "'x' is invalid after a value. Expected either ',', '}', or ']'. Path: $ | LineNumber: 0 | BytePositionInLine: 5."
        var reason = message;
        foreach (var cut in new[] { " Path: ", " LineNumber: " })
        {
            var i = reason.IndexOf(cut, StringComparison.Ordinal);
            if (i >= 0)
            {
                reason = reason[..i];
            }
        }

        reason = reason.Replace(" Change the reader options.", string.Empty, StringComparison.Ordinal)
            .Replace(" when isFinalBlock is true", string.Empty, StringComparison.Ordinal) // the reader's parameter, not the caller's concern
            .Replace(" which is not supported in this mode", string.Empty, StringComparison.Ordinal).Trim();
        if (reason.StartsWith("'/'", StringComparison.Ordinal))
        {
            reason += " Comments are not allowed in JSON.";
        }

        if (reason.Contains(" type '", StringComparison.Ordinal) || reason.Contains("System.", StringComparison.Ordinal) || reason.Contains("CreditCheck.", StringComparison.Ordinal))
        {
            reason = "the text there does not follow JSON syntax.";
        }

        if (!reason.EndsWith('.'))
        {
            reason += ".";
        }

        var zh = message switch
        {
            _ when message.Contains("does not contain any JSON tokens", StringComparison.Ordinal) => "请求体为空。",
            // Before "end of data": "'x' is invalid after a single JSON value. Expected end of data." is text after the body's
            // JSON, not a body cut short (found from outside: the Chinese said the opposite).
            _ when message.Contains("after a single JSON value", StringComparison.Ordinal) => "JSON 值之后还有多余的内容：请求体只能是一个 JSON 对象。",
            _ when message.Contains("end of data", StringComparison.OrdinalIgnoreCase) || message.Contains("incomplete", StringComparison.OrdinalIgnoreCase)
                || message.Contains("Expected depth to be zero", StringComparison.Ordinal) => "请求体在此处提前结束（缺少引号、括号或值）。",
            _ when message.Contains("trailing comma", StringComparison.OrdinalIgnoreCase) => "此处有多余的逗号。",
            _ when message.Contains("comment", StringComparison.OrdinalIgnoreCase) || message.StartsWith("'/'", StringComparison.Ordinal) => "JSON 中不允许注释。",
            _ when message.Contains("is invalid after a value", StringComparison.Ordinal) => "值后面应为逗号或右括号（, } ]）。",
            _ when message.Contains("is invalid after a property name", StringComparison.Ordinal) => "字段名后面应为冒号（:）。",
            _ when message.Contains("property name", StringComparison.OrdinalIgnoreCase) => "此处应为用双引号括起的字段名。",
            _ when message.Contains("string", StringComparison.OrdinalIgnoreCase) => "字符串写法不正确（须用双引号，控制字符须转义）。",
            _ => "此处的字符不符合JSON语法。",
        };
        return (reason, zh);
    }

    /// <summary><c>$.checks[0].transaction_reference</c> → (<c>checks[0]</c>, <c>transaction_reference</c>);
    /// <c>$['a b']</c> → (null, <c>a b</c>).</summary>
    private static (string? Parent, string Name) SplitLast(string? jsonPath)
    {
        var path = FieldOf(jsonPath);
        if (path == "body")
        {
            return (null, "?");
        }

        if (path.EndsWith("']", StringComparison.Ordinal) && path.LastIndexOf("['", StringComparison.Ordinal) is var open and >= 0)
        {
            var parent = path[..open].TrimStart('$');
            return (parent.Length == 0 ? null : parent.TrimStart('.'), path[(open + 2)..^2]);
        }

        var dot = path.LastIndexOf('.');
        return dot < 0 ? (null, path) : (path[..dot], path[(dot + 1)..]);
    }

    /// <summary>The known field a mistyped one most likely means: the same letters ignoring case, '_' and '-'.</summary>
    private static string? Suggest(string name, IReadOnlyList<string> known)
    {
        static string Fold(string s) => new([.. s.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant)]);
        var folded = Fold(name);
        return known.FirstOrDefault(k => Fold(k) == folded && k != name);
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
            [new FieldProblem("Content-Type", $"'{Echo(contentType)}' is not application/json in UTF-8.", $"“{Echo(contentType)}”不是 UTF-8 编码的 application/json。")]);

    /// <param name="presented">A Bearer key was sent (and is not a configured client's).</param>
    /// <param name="otherScheme">For an Authorization header that is not Bearer: its scheme (<c>Basic</c>), or empty when
    /// it has none or there are several headers; null when none was sent.</param>
    public static ApiError Unauthorized(bool presented, string? otherScheme = null) => presented
        ? new(401, "unknown-key", "The key is not one of a configured client.", "调用密钥无效。", [])
        : otherScheme is null
            ? new(401, "missing-key", "Send the client's key as 'Authorization: Bearer <key>'.", "缺少调用密钥（Authorization: Bearer <key>）。", [])
            : new(401, "missing-key", "Send the client's key as 'Authorization: Bearer <key>'.", "缺少调用密钥（Authorization: Bearer <key>）。",
                [otherScheme.Length == 0
                    ? new FieldProblem("Authorization", "is not one 'Bearer <key>' header; send exactly one, the client's key after 'Bearer '.",
                        "不是一个“Bearer <key>”格式的请求头，应只发送一个，并在调用方密钥前加“Bearer ”。")
                    : new FieldProblem("Authorization", $"the scheme {otherScheme} is not accepted; send 'Bearer <key>' (the client's key, not a user name or password).",
                        $"不接受 {otherScheme} 方式，应发送“Bearer <key>”（调用方密钥，而非用户名或密码）。")]);

    public static ApiError NotLoopback() =>
        new(403, "loopback-only", "No client is configured, so only callers on this machine are served.", "未配置调用方，仅接受本机调用。", []);

    public static ApiError Scope(string clientId, string scope) =>
        new(403, "scope", $"Client '{clientId}' may not call {scope}.", $"调用方“{clientId}”无权调用{(scope == "checks" ? "核查" : "反馈")}接口。", []);

    public static ApiError ScenarioNotAllowed(string field, string clientId, string scenario) =>
        new(403, "scenario-not-allowed", "The client may not check in this scenario.", "调用方无权在该场景核查。",
            [new FieldProblem(field, $"client '{clientId}' may not check in '{Echo(scenario)}'.", $"调用方“{clientId}”无权在“{Echo(scenario)}”场景核查。")]);

    public static ApiError RateLimited(string clientId) =>
        new(429, "rate-limited", $"Client '{clientId}' is over its rate limit; retry later.", $"调用方“{clientId}”超过调用频率限制，请稍后重试。", []);

    /// <summary>503: the store has delivered no catalog yet.</summary>
    public static ApiError NoCatalog() =>
        Unavailable("the store has no catalog yet (not synchronized); retry shortly.", "存储尚无服务事项清单（尚未完成同步），请稍后重试。");

    /// <summary>503: why, in both languages (the Chinese said only 服务暂时无法处理 while the English said why).</summary>
    public static ApiError Unavailable(string reason, string reasonZh) =>
        new(503, "unavailable", "The service cannot answer now: " + reason, "服务暂时无法处理：" + reasonZh, []);

    /// <summary>A report the SDK refused: each problem under the API's name for its field (<c>ExecutedAt</c> →
    /// <c>executedAt</c>, <c>Measures[0].Amount</c> → <c>measures[0].amount</c>), in both languages.</summary>
    public static ApiError Feedback(FeedbackReportException e) =>
        new(400, "invalid-field", "The feedback does not fit its decision or breaks a rule.", "反馈内容与核查结果不符或不合规。",
            [.. e.Problems.Select(p => new FieldProblem(CamelCase(p.Field), p.Message, p.ChineseMessage))]);

    /// <summary><c>Measures[0].Amount</c> → <c>measures[0].amount</c>: the SDK's property path as the JSON body names it.</summary>
    private static string CamelCase(string path) =>
        string.Join('.', path.Split('.').Select(part => part.Length == 0 ? part : char.ToLowerInvariant(part[0]) + part[1..]));

    private static string FieldOf(string? jsonPath) =>
        string.IsNullOrEmpty(jsonPath) || jsonPath == "$" ? "body"
            : jsonPath.StartsWith("$.", StringComparison.Ordinal) ? jsonPath[2..]
            : jsonPath.StartsWith("$[", StringComparison.Ordinal) ? jsonPath[1..] : jsonPath;
}
