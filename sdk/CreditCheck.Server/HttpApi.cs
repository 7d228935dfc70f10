using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Features;

namespace CreditCheck.Server;

/// <summary>The HTTP/JSON API: <c>/v1/checks</c>, <c>/v1/checks:batch</c>, <c>/v1/feedback</c>, <c>/v1/catalog</c>.</summary>
internal static class HttpApi
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,

        // {"subject": A, "subject": B} is refused, not read as B: a proxy or a log that reads the first would see
        // another subject than the one checked.
        AllowDuplicateProperties = false,

        // {"transaction_reference": …} is refused naming the field, not ignored: a misspelt optional field was
        // silently lost (a 200 with transactionReference null, a 202 with executedAt now; found from outside).
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,

        // Numbers are numbers: the web default also reads "12" for 12, which made the OpenAPI document type every
        // integer answered (sequence, status) as integer-or-string and Java generators give them Object. An amount
        // of yuan keeps its string form (FeedbackMeasureBody.Amount), as a BigDecimal is often written.
        NumberHandling = JsonNumberHandling.Strict,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new ApiTime.Converter() }, // a time without an offset is China's, as over gRPC
    };

    public static void Map(WebApplication app)
    {
        // The answers each endpoint really gives, each error as the service's problem type (ApiProblem), not plain
        // ProblemDetails (found from outside: the document promised type/title/status/detail/instance only).
        app.MapPost("/v1/checks", CheckAsync)
            .WithName("Check").WithSummary("Checks one subject in a scenario (核查)")
            .WithMetadata(new RequestBodyType(typeof(CheckBody))).Produces<DecisionBody>().Problems(400, 401, 403, 413, 415, 429);
        app.MapPost("/v1/checks:batch", BatchAsync)
            .WithName("CheckMany").WithSummary("Checks many subjects in one store round trip (批量核查); an empty batch is answered with no decisions")
            .WithMetadata(new RequestBodyType(typeof(BatchBody))).Produces<BatchAnswer>().Problems(400, 401, 403, 413, 415, 429);
        app.MapPost("/v1/feedback", FeedbackAsync)
            .WithName("ReportFeedback").WithSummary("Reports what was executed for a decision (反馈); 202 once acknowledged")
            .WithMetadata(new RequestBodyType(typeof(FeedbackBody))).Produces<FeedbackAnswer>(StatusCodes.Status202Accepted).Problems(400, 401, 403, 404, 413, 415, 429, 503);
        app.MapGet("/v1/catalog", CatalogAsync)
            .WithName("GetCatalog").WithSummary("The catalog (三清单): lists, measures, scenarios and version")
            .Produces(StatusCodes.Status200OK, contentType: "application/json").Problems(401, 403, 429, 503);
    }

    /// <summary>Declares each status as an <c>application/problem+json</c> answer of the service's problem type.</summary>
    private static RouteHandlerBuilder Problems(this RouteHandlerBuilder endpoint, params int[] statuses)
    {
        foreach (var status in statuses)
        {
            endpoint.Produces<ApiProblem>(status, "application/problem+json");
        }

        return endpoint;
    }

    private static async Task CheckAsync(HttpContext context, CheckService service)
    {
        var (body, error) = await ReadAsync<CheckBody>(context).ConfigureAwait(false);
        if (error is null)
        {
            var (decision, problem) = await service.CheckAsync(body!, Client(context), context.RequestAborted).ConfigureAwait(false);
            if (problem is null)
            {
                await WriteAsync(context, 200, DecisionMapping.ToBody(decision!)).ConfigureAwait(false);
                return;
            }

            error = problem;
        }

        await WriteProblemAsync(context, error).ConfigureAwait(false);
    }

    private static async Task BatchAsync(HttpContext context, CheckService service)
    {
        var (body, error) = await ReadAsync<BatchBody>(context).ConfigureAwait(false);
        if (error is null)
        {
            var (decisions, problem) = await service.CheckManyAsync(body!.Checks, Client(context), context.RequestAborted).ConfigureAwait(false);
            if (problem is null)
            {
                await WriteAsync(context, 200, new BatchAnswer([.. decisions!.Select(DecisionMapping.ToBody)])).ConfigureAwait(false);
                return;
            }

            error = problem;
        }

        await WriteProblemAsync(context, error).ConfigureAwait(false);
    }

    private static async Task FeedbackAsync(HttpContext context, CheckService service)
    {
        var (body, error) = await ReadAsync<FeedbackBody>(context).ConfigureAwait(false);
        if (error is null)
        {
            var (answer, problem) = await service.ReportAsync(body!, Client(context), context.RequestAborted).ConfigureAwait(false);
            if (problem is null)
            {
                await WriteAsync(context, 202, answer!).ConfigureAwait(false);
                return;
            }

            error = problem;
        }

        await WriteProblemAsync(context, error).ConfigureAwait(false);
    }

    private static async Task CatalogAsync(HttpContext context, CheckService service)
    {
        var catalog = await service.Catalogs.CurrentAsync(context.RequestAborted).ConfigureAwait(false);
        if (catalog is null)
        {
            await WriteProblemAsync(context, ApiError.NoCatalog()).ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(catalog.Catalog.ToJson(), context.RequestAborted).ConfigureAwait(false);
    }

    public static ApiClient Client(HttpContext context) =>
        context.Features.Get<ClientFeature>()?.Client ?? throw new InvalidOperationException("The client was not resolved (middleware order).");

    /// <summary>Reads a JSON body; a missing, oversized, mistyped or malformed one is an <see cref="ApiError"/>.</summary>
    private static async Task<(T? Body, ApiError? Error)> ReadAsync<T>(HttpContext context)
        where T : class
    {
        var request = context.Request;
        if (request.ContentType is { } type && !IsUtf8Json(type))
        {
            return (null, ApiError.UnsupportedMediaType(type));
        }

        var limit = context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize;
        if (limit is { } max && request.ContentLength > max)
        {
            return (null, ApiError.TooLarge(max));
        }

        try
        {
            var body = await JsonSerializer.DeserializeAsync<T>(request.Body, Json, context.RequestAborted).ConfigureAwait(false);
            return body is null ? (null, ApiError.Json(null, "The body is empty or null.")) : (body, null);
        }
        catch (JsonException e)
        {
            return (null, ApiError.Json(e, parent => FieldsAt(typeof(T), parent)));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, ApiError.TooLarge(limit ?? 0));
        }
        catch (BadHttpRequestException e)
        {
            return (null, ApiError.Json(null, e.Message));
        }
    }

    /// <summary>The JSON names of the object at <paramref name="path"/> (<c>checks[3]</c>, <c>measures[0]</c>, null for the
    /// body) of a body of type <paramref name="type"/>, for suggesting the field a mistyped one means.</summary>
    internal static IReadOnlyList<string> FieldsAt(Type type, string? path)
    {
        var info = Json.GetTypeInfo(type);
        foreach (var segment in (path ?? string.Empty).Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = segment.Split('[')[0];
            var property = info.Properties.FirstOrDefault(p => p.Name == name);
            if (property is null)
            {
                return [];
            }

            info = Json.GetTypeInfo(property.PropertyType);
            if (segment.Contains('[', StringComparison.Ordinal) && info.ElementType is { } element)
            {
                info = Json.GetTypeInfo(element);
            }
        }

        return [.. info.Properties.Select(p => p.Name)];
    }

    /// <summary>application/json or a +json type, in UTF-8 (JSON's only encoding, RFC 8259 §8.1): a body declared in
    /// another charset (GBK, say) is refused by name, not misread as broken JSON. The charset may be quoted
    /// (<c>charset="utf-8"</c>, RFC 9110 §5.6.6; found from outside: it was refused 415).</summary>
    private static bool IsUtf8Json(string contentType)
    {
        if (!Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media)
            || !(media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || media.MediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }

        var charset = Microsoft.Net.Http.Headers.HeaderUtilities.RemoveQuotes(media.Charset);
        return !media.Charset.HasValue || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || charset.Equals("utf8", StringComparison.OrdinalIgnoreCase);
    }

    private static Task WriteAsync<T>(HttpContext context, int status, T value)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        return JsonSerializer.SerializeAsync(context.Response.Body, value, Json, context.RequestAborted);
    }

    /// <summary>RFC 9457 problem details: type, title, status, detail, instance; extensions <c>code</c>,
    /// <c>titleZh</c>, <c>detailZh</c> and <c>errors</c> (field, problem, problemZh).</summary>
    public static Task WriteProblemAsync(HttpContext context, ApiError error)
    {
        context.Response.StatusCode = error.Status;
        context.Response.ContentType = "application/problem+json; charset=utf-8";
        if (error.Status == 401)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
        }
        else if (error.Status == 503)
        {
            // The store answers again within seconds or not for a while; a client's retry policy (Spring Retry, resilience4j) reads this.
            context.Response.Headers.RetryAfter = "5";
        }

        var problem = new ApiProblem(
            "urn:creditcheck:problem:" + error.Code, error.Title, error.Status, error.Detail, context.Request.Path, error.Code, error.TitleZh, error.DetailZh, error.Errors);
        return JsonSerializer.SerializeAsync(context.Response.Body, problem, Json, context.RequestAborted);
    }
}

/// <summary>An error answer: RFC 9457 problem details with the service's extensions.</summary>
/// <param name="Type"><c>urn:creditcheck:problem:{code}</c>.</param>
/// <param name="Title">What went wrong, in English.</param>
/// <param name="Status">The HTTP status.</param>
/// <param name="Detail">The problems with each field, in English (the title when there are none).</param>
/// <param name="Instance">The request's path.</param>
/// <param name="Code">The stable code: invalid-subject, invalid-field, unknown-scenario, batch-too-large, invalid-json, body-too-large,
/// unsupported-media-type, unknown-check, not-found, missing-key, unknown-key, scope, scenario-not-allowed, loopback-only,
/// rate-limited or unavailable.</param>
/// <param name="TitleZh">What went wrong, in Chinese.</param>
/// <param name="DetailZh">The problems with each field, in Chinese.</param>
/// <param name="Errors">Each field at fault (a JSON path such as <c>checks[3].subject</c>) with the problem in both languages; may be empty.</param>
internal sealed record ApiProblem(
    string Type, string Title, int Status, string Detail, string Instance,
    [property: ApiValues("invalid-subject", "invalid-field", "unknown-scenario", "batch-too-large", "invalid-json", "body-too-large", "unsupported-media-type",
        "unknown-check", "not-found", "missing-key", "unknown-key", "scope", "scenario-not-allowed", "loopback-only", "rate-limited", "unavailable")] string Code,
    [property: JsonPropertyName("titleZh")] string TitleZh, [property: JsonPropertyName("detailZh")] string DetailZh, IReadOnlyList<FieldProblem> Errors);

/// <summary>The JSON body an endpoint reads, for the OpenAPI document (the handlers read the body themselves,
/// so that a body of the wrong type is a problem+json answer rather than a routing 415).</summary>
/// <param name="Type">The body's type.</param>
internal sealed record RequestBodyType(Type Type);

/// <summary>Puts each endpoint's <see cref="RequestBodyType"/> into the OpenAPI document.</summary>
internal sealed class RequestBodyTransformer : Microsoft.AspNetCore.OpenApi.IOpenApiOperationTransformer
{
    public async Task TransformAsync(Microsoft.OpenApi.OpenApiOperation operation, Microsoft.AspNetCore.OpenApi.OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<RequestBodyType>().FirstOrDefault() is { } body)
        {
            operation.RequestBody = new Microsoft.OpenApi.OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, Microsoft.OpenApi.OpenApiMediaType>
                {
                    ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(body.Type, null, cancellationToken).ConfigureAwait(false) },
                },
            };
        }
    }
}

/// <summary>The client a request was resolved to.</summary>
/// <param name="Client">The client.</param>
internal sealed record ClientFeature(ApiClient Client);
