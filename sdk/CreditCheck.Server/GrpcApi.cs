using System.Globalization;
using global::Grpc.Core;

namespace CreditCheck.Server.Grpc;

/// <summary>The gRPC API (<c>creditcheck.v1.CreditCheckService</c>): the same operations as the HTTP API,
/// through the same <see cref="CheckService"/>.</summary>
internal sealed class CreditCheckGrpcService(CheckService service) : CreditCheckService.CreditCheckServiceBase
{
    public override async Task<Decision> Check(CheckRequest request, ServerCallContext context)
    {
        var (decision, error) = await service.CheckAsync(Body(request), Client(context), context.CancellationToken).ConfigureAwait(false);
        return error is null ? DecisionMapping.ToProto(decision!) : throw Fault(error);
    }

    public override async Task<CheckManyResponse> CheckMany(CheckManyRequest request, ServerCallContext context)
    {
        var (decisions, error) = await service.CheckManyAsync([.. request.Checks.Select(Body)], Client(context), context.CancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            throw Fault(error);
        }

        var response = new CheckManyResponse();
        foreach (var decision in decisions!)
        {
            response.Decisions.Add(DecisionMapping.ToProto(decision));
        }

        return response;
    }

    public override async Task<FeedbackResponse> ReportFeedback(FeedbackRequest request, ServerCallContext context)
    {
        var (body, parseError) = Body(request);
        if (parseError is not null)
        {
            throw Fault(parseError);
        }

        var (answer, error) = await service.ReportAsync(body!, Client(context), context.CancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            throw Fault(error);
        }

        var response = new FeedbackResponse { CheckId = answer!.CheckId.ToString() };
        response.RecordKeys.AddRange(answer.RecordKeys);
        response.Repeats.AddRange(answer.Repeats.Select(r => new FeedbackRepeat
        {
            RecordKey = r.RecordKey,
            Result = r.Result,
            ReportedAt = r.ReportedAt.ToString("O", CultureInfo.InvariantCulture),
        }));
        return response;
    }

    public override async Task<Catalog> GetCatalog(GetCatalogRequest request, ServerCallContext context)
    {
        var catalog = await service.Catalogs.CurrentAsync(context.CancellationToken).ConfigureAwait(false);
        return catalog is null
            ? throw Fault(ApiError.NoCatalog())
            : DecisionMapping.ToProto(catalog.Catalog);
    }

    private const NumberStyles AmountStyle = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;

    /// <summary>An <see cref="ApiError"/> as a gRPC status: the message in Chinese then English, the field in the trailer
    /// <c>field</c> — every field named as the proto names it (<c>executed_at</c>, not the HTTP API's <c>executedAt</c>), in
    /// the trailer and the message alike.</summary>
    internal static RpcException Fault(ApiError error)
    {
        var trailers = new Metadata { { "problem-type", "urn:creditcheck:problem:" + error.Code } };
        if (error.Errors.Count > 0)
        {
            trailers.Add("field", ProtoField(error.Errors[0].Field));
        }

        var proto = error with { Errors = [.. error.Errors.Select(e => e with { Field = ProtoField(e.Field) })] };
        return new RpcException(new Status(StatusOf(error.Status), Message(proto)), trailers);
    }

    /// <summary>A gRPC call whose request message is larger than <c>MaxRequestBodyBytes</c> is refused by Grpc.AspNetCore
    /// while reading it, before the service or an interceptor runs, with its own English text ("Received message exceeds
    /// the maximum configured message size."). Such a refusal is trailers-only (nothing of the response is sent yet), so
    /// this middleware, around the endpoint, gives it the service's message and problem type, keeping RESOURCE_EXHAUSTED.</summary>
    /// <remarks>Kestrel's body limit is the same number of bytes and would otherwise stop the call first, as UNKNOWN
    /// "Exception was thrown by handler." (it counts every byte received, and the frame holds more than the message).
    /// For a gRPC call it is lifted: the message limit decides, from the length in the frame header, before the message
    /// is read (the service's calls are unary: one message each).</remarks>
    internal static async Task OversizeMessageAsync(HttpContext context, RequestDelegate next)
    {
        if (context.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) != true)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = null;
        }

        await next(context).ConfigureAwait(false);
        var response = context.Response;
        if (!response.HasStarted
            && response.Headers["grpc-status"] == "8"
            && response.Headers["grpc-message"].ToString() is var message
            && message.Contains("exceeds the maximum configured message size", StringComparison.OrdinalIgnoreCase)
            && context.RequestServices.GetService<Microsoft.Extensions.Options.IOptions<global::Grpc.AspNetCore.Server.GrpcServiceOptions>>()?.Value.MaxReceiveMessageSize is { } max)
        {
            var error = new ApiError(413, "body-too-large", "The request message is too large.", "请求消息过大。",
                [new FieldProblem("message", string.Create(CultureInfo.InvariantCulture, $"is larger than {max} bytes (MaxRequestBodyBytes); send fewer checks per CheckMany."),
                    string.Create(CultureInfo.InvariantCulture, $"超过 {max} 字节（MaxRequestBodyBytes），请减少每次 CheckMany 的核查条数。"))]);
            response.Headers["grpc-message"] = Uri.EscapeDataString(Message(error));
            response.Headers["problem-type"] = "urn:creditcheck:problem:" + error.Code;
        }
    }

    // What the status message may take of the trailers, percent-encoded as gRPC sends it (a Chinese character is 9
    // bytes): grpcio and grpc-java accept 8 KiB of metadata in all by default, and refuse more as RESOURCE_EXHAUSTED
    // "received initial metadata size exceeds limit", losing the status and its trailers.
    private const int MessageBudget = 4096;

    /// <summary>The status message: Chinese, " | ", English. When a batch's problems do not all fit
    /// <see cref="MessageBudget"/>, the first are given whole and the rest named by field, as many as fit (found from
    /// outside: a CheckMany with 5 bad subjects reached the client as RESOURCE_EXHAUSTED with no field; the HTTP answer,
    /// a body, gives each in full).</summary>
    internal static string Message(ApiError error)
    {
        var full = $"{error.DetailZh} | {error.Detail}";
        if (EncodedLength(full) <= MessageBudget)
        {
            return full;
        }

        if (error.Errors.Count <= 1)
        {
            // One problem whose text repeats something long of the caller's that no echo shortened (a 5,000-character
            // measure code in the SDK's own text): each half cut to fit, rather than no status at all.
            return $"{Fit(error.DetailZh, MessageBudget / 2)} | {Fit(error.Detail, MessageBudget / 2)}";
        }

        // A batch with more problems than the answer names ends with the line that counts them: not a problem of its own,
        // and the rest are counted from the total (found from outside: 150 bad checks read "and 100 more").
        var problems = error.AllProblems is null ? error.Errors : [.. error.Errors.Take(error.Errors.Count - 1)];
        var whole = 1;
        while (whole + 1 < problems.Count && EncodedLength(Whole(error with { Errors = problems }, whole + 1)) <= MessageBudget / 2)
        {
            whole++;
        }

        var rest = problems.Skip(whole).Select(e => e.Field).ToList();
        var more = (error.AllProblems ?? problems.Count) - whole;
        var part = error with { Errors = [.. problems.Take(whole)] };
        var text = full;
        for (var named = rest.Count; named >= 0; named--)
        {
            var fields = string.Join(", ", rest.Take(named)) + (named < more ? ", …" : string.Empty);
            text = string.Create(CultureInfo.InvariantCulture,
                $"{part.DetailZh}；另有 {more} 处问题：{fields}（请逐条改正后重试，或经 HTTP 接口查看每处详情） | {part.Detail} … and {more} more problem(s): {fields} (correct each and retry, or see each in full over HTTP).");
            if (EncodedLength(text) <= MessageBudget)
            {
                break;
            }
        }

        return text;
    }

    private static string Whole(ApiError error, int count)
    {
        var part = error with { Errors = [.. error.Errors.Take(count)] };
        return $"{part.DetailZh} | {part.Detail}";
    }

    /// <summary>The longest start of <paramref name="text"/> (whole characters) that with "…" is at most
    /// <paramref name="budget"/> bytes as sent.</summary>
    private static string Fit(string text, int budget)
    {
        if (EncodedLength(text) <= budget)
        {
            return text;
        }

        var length = 0;
        var used = EncodedLength("…");
        while (length < text.Length)
        {
            var step = char.IsHighSurrogate(text[length]) && length + 1 < text.Length ? 2 : 1;
            var cost = EncodedLength(text.Substring(length, step));
            if (used + cost > budget)
            {
                break;
            }

            used += cost;
            length += step;
        }

        return string.Concat(text.AsSpan(0, length), "…");
    }

    /// <summary>The length of a grpc-message as sent: bytes outside printable ASCII, and '%', take three.</summary>
    private static int EncodedLength(string message)
    {
        var length = 0;
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(message))
        {
            length += b is >= 0x20 and <= 0x7E and not (byte)'%' ? 1 : 3;
        }

        return length;
    }

    /// <summary>A field as the proto names it: <c>checkId</c> is <c>check_id</c>, <c>measures[0].effectiveFrom</c>
    /// is <c>measures[0].effective_from</c> (the HTTP API's errors name fields in camel case).</summary>
    internal static string ProtoField(string field)
    {
        var name = new System.Text.StringBuilder(field.Length + 4);
        for (var i = 0; i < field.Length; i++)
        {
            var c = field[i];
            if (i > 0 && char.IsAsciiLetterUpper(c) && (char.IsAsciiLetterLower(field[i - 1]) || char.IsAsciiDigit(field[i - 1])))
            {
                name.Append('_').Append(char.ToLowerInvariant(c));
            }
            else
            {
                name.Append(c);
            }
        }

        return name.ToString();
    }

    internal static StatusCode StatusOf(int httpStatus) => httpStatus switch
    {
        400 or 413 or 415 => StatusCode.InvalidArgument,
        401 => StatusCode.Unauthenticated,
        403 => StatusCode.PermissionDenied,
        404 => StatusCode.NotFound,
        429 => StatusCode.ResourceExhausted,
        503 => StatusCode.Unavailable,
        _ => StatusCode.Internal,
    };

    private static ApiClient Client(ServerCallContext context) => HttpApi.Client(context.GetHttpContext());

    private static CheckBody Body(CheckRequest r) => new()
    {
        Subject = r.Subject,
        Kind = Empty(r.Kind),
        Scenario = r.Scenario,
        TransactionReference = Empty(r.TransactionReference),
        Department = Empty(r.Department),
        Operator = Empty(r.Operator),
    };

    private static (FeedbackBody? Body, ApiError? Error) Body(FeedbackRequest r)
    {
        if (!Guid.TryParse(r.CheckId, out var checkId))
        {
            return (null, r.CheckId.Length == 0 ? ApiError.Missing("check_id") : ApiError.Invalid("check_id", $"'{ApiError.Echo(r.CheckId)}' is not a UUID.", $"“{ApiError.Echo(r.CheckId)}”不是有效的核查编号（UUID）。"));
        }

        if (!TryTime(r.ExecutedAt, "executed_at", out var executedAt, out var error))
        {
            return (null, error);
        }

        var measures = new List<MeasureFeedbackBody?>();
        for (var i = 0; i < r.Measures.Count; i++)
        {
            var m = r.Measures[i];
            var field = $"measures[{i}]";
            decimal? amount = null;
            if (m.Amount.Length > 0)
            {
                // As a JSON number reads over HTTP: "1,200" and " 12" were accepted here and refused there (found from outside).
                if (!decimal.TryParse(m.Amount, AmountStyle, CultureInfo.InvariantCulture, out var value))
                {
                    return (null, ApiError.NotAnAmount(field + ".amount", m.Amount));
                }

                amount = value;
            }

            if (!TryTime(m.EffectiveFrom, field + ".effective_from", out var from, out error) || !TryTime(m.EffectiveUntil, field + ".effective_until", out var until, out error))
            {
                return (null, error);
            }

            measures.Add(new MeasureFeedbackBody
            {
                Measure = m.Measure,
                Result = m.Result,
                Reason = Empty(m.Reason),
                OverriddenBy = Empty(m.OverriddenBy),
                Outcome = Empty(m.Outcome),
                Amount = amount,
                EffectiveFrom = from,
                EffectiveUntil = until,
            });
        }

        return (new FeedbackBody
        {
            CheckId = checkId,
            AllExecuted = r.AllExecuted,
            Measures = measures,
            Department = Empty(r.Department),
            District = Empty(r.District),
            Operator = Empty(r.Operator),
            TransactionReference = Empty(r.TransactionReference),
            ItemCode = Empty(r.ItemCode),
            ItemName = Empty(r.ItemName),
            ExecutedAt = executedAt,
        }, null);
    }

    private static bool TryTime(string text, string field, out DateTimeOffset? time, out ApiError? error)
    {
        time = null;
        error = null;
        if (text.Length == 0)
        {
            return true;
        }

        if (ApiTime.TryParse(text, out var value))
        {
            time = value;
            return true;
        }

        error = ApiError.Invalid(field, $"'{ApiError.Echo(text)}' is not an RFC 3339 time.", $"“{ApiError.Echo(text)}”不是有效的时间（RFC 3339）。");
        return false;
    }

    private static string? Empty(string text) => text.Length == 0 ? null : text;
}
