using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CreditCheck.Server;

/// <summary>The values a string property takes, declared as the property's <c>enum</c> in the OpenAPI document.</summary>
/// <param name="values">The values.</param>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class ApiValuesAttribute(params string[] values) : Attribute
{
    /// <summary>The names of an enum's members (the API writes enums by name).</summary>
    /// <param name="enumType">The enum.</param>
    public ApiValuesAttribute(Type enumType)
        : this(Enum.GetNames(enumType))
    {
    }

    public IReadOnlyList<string> Values { get; } = values;
}

/// <summary>What the OpenAPI document says beyond the types: the <c>enum</c> of each <see cref="ApiValuesAttribute"/>
/// property, and the <c>required</c> fields of the request bodies (which the handlers read themselves, so nothing else
/// declares them) and of the problem type.</summary>
internal sealed class ContractSchemaTransformer : IOpenApiSchemaTransformer
{
    private static readonly Dictionary<Type, string[]> Required = new()
    {
        [typeof(CheckBody)] = ["subject", "scenario"],
        [typeof(BatchBody)] = ["checks"],
        [typeof(FeedbackBody)] = ["checkId"],
        [typeof(MeasureFeedbackBody)] = ["measure", "result"],
        [typeof(ApiProblem)] = ["type", "title", "status", "detail", "instance", "code", "titleZh", "detailZh", "errors"],
        [typeof(FieldProblem)] = ["field", "problem", "problemZh"],

        // Always sent (empty when none), but not C# `required` members: a generator made them Optional/nullable.
        [typeof(DecisionBody)] = ["ratings", "listsNotHeld"],
    };

    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonPropertyInfo is null && Required.TryGetValue(context.JsonTypeInfo.Type, out var required))
        {
            schema.Required ??= new HashSet<string>(StringComparer.Ordinal);
            foreach (var name in required)
            {
                schema.Required.Add(name);
            }

            if (context.JsonTypeInfo.Type != typeof(ApiProblem) && context.JsonTypeInfo.Type != typeof(FieldProblem))
            {
                schema.AdditionalPropertiesAllowed = false; // a request's unknown field is refused (HttpApi.Json)
            }
        }

        if (context.JsonPropertyInfo?.AttributeProvider?.GetCustomAttributes(typeof(ApiValuesAttribute), inherit: false) is [ApiValuesAttribute values, ..])
        {
            schema.Enum = [.. values.Values.Select(v => (JsonNode)JsonValue.Create(v))];
            if (schema.Type is { } type && type.HasFlag(JsonSchemaType.Null))
            {
                schema.Enum.Add(null!); // an optional field may be sent as null
            }
        }

        // The generator reads only the serializer's options, not a property's own number handling: an amount may
        // also be sent as a string of a JSON number.
        if (context.JsonPropertyInfo?.AttributeProvider?.GetCustomAttributes(typeof(JsonNumberHandlingAttribute), inherit: false) is [JsonNumberHandlingAttribute number, ..]
            && number.Handling.HasFlag(JsonNumberHandling.AllowReadingFromString))
        {
            schema.Type |= JsonSchemaType.String;

            // A decimal, not a double: with format double a Java generator types an amount of yuan Double; without a
            // format, BigDecimal (the service reads it as a .NET decimal).
            schema.Format = null;
            schema.Pattern = @"^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$";
        }

        return Task.CompletedTask;
    }
}

/// <summary>The schema of <c>GET /v1/catalog</c>'s answer: the catalog JSON (the document <c>creditcheck catalog publish</c>
/// reads), its main members declared, the rest open.</summary>
internal sealed class CatalogAnswerTransformer : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (operation.OperationId != "GetCatalog" || operation.Responses?.TryGetValue("200", out var ok) != true || ok is not OpenApiResponse response)
        {
            return Task.CompletedTask;
        }

        static OpenApiSchema Items(string description) => new()
        {
            Type = JsonSchemaType.Array,
            Description = description,
            Items = new OpenApiSchema { Type = JsonSchemaType.Object, Required = new HashSet<string>(StringComparer.Ordinal) { "code", "name" } },
        };

        response.Description = "The catalog (三清单) the store answers with.";
        response.Content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal)
        {
            ["application/json"] = new()
            {
                Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Description = "The catalog JSON, as `creditcheck catalog publish` reads it.",
                    Required = new HashSet<string>(StringComparer.Ordinal) { "version", "lists", "measures", "scenarios" },
                    Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal)
                    {
                        ["version"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The catalog's version; decisions name it (catalogVersion)." },
                        ["lists"] = Items("联合奖惩对象名单: the lists (code, name, category, authority, legalBasis …)."),
                        ["measures"] = Items("奖惩措施清单: the measures (code, name, kind, effect, lists, scenarios, legalBasis …)."),
                        ["scenarios"] = Items("服务事项清单: the scenarios (code, name …)."),
                        ["ratings"] = Items("The ratings and their levels."),
                        ["policy"] = new OpenApiSchema { Type = JsonSchemaType.Object, Description = "How punishment and reward combine." },
                    },
                },
            },
        };
        return Task.CompletedTask;
    }
}

/// <summary>What a generated client (openapi-generator for Java, say) needs beyond the shapes: the bearer key every
/// <c>/v1</c> call sends, and the request bodies as named schemas, so that a check's body is one class whether sent
/// alone or in a batch (found from outside: no security scheme, and a class per inline body and per batch item).</summary>
internal sealed class ClientContractTransformer : IOpenApiDocumentTransformer
{
    private const string Bearer = "bearer";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.AddComponent(Bearer, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "The client system's key: `Authorization: Bearer <key>` (gRPC: the same metadata). Only its SHA-256 is configured "
                + "(CreditCheck:Server:Clients:{n}:KeyHash). Not needed when no client is configured: the service then serves loopback callers only.",
        });
        document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Bearer, document)] = [] }];

        Name(document, "/v1/checks", "CheckBody");
        if (Name(document, "/v1/checks:batch", "BatchBody")?.Properties?.TryGetValue("checks", out var checks) == true && checks is OpenApiSchema list)
        {
            list.Items = new OpenApiSchemaReference("CheckBody", document);
        }

        if (Name(document, "/v1/feedback", "FeedbackBody")?.Properties?.TryGetValue("measures", out var measures) == true
            && measures is OpenApiSchema { Items: OpenApiSchema measure } array)
        {
            document.AddComponent("MeasureFeedbackBody", measure);
            array.Items = new OpenApiSchemaReference("MeasureFeedbackBody", document);
        }

        return Task.CompletedTask;
    }

    /// <summary>Moves a path's inline request body schema into the components under <paramref name="name"/>.</summary>
    private static OpenApiSchema? Name(OpenApiDocument document, string path, string name)
    {
        if (document.Paths?.TryGetValue(path, out var item) != true
            || item?.Operations?.TryGetValue(HttpMethod.Post, out var operation) != true
            || operation?.RequestBody?.Content?.TryGetValue("application/json", out var media) != true
            || media?.Schema is not OpenApiSchema schema)
        {
            return null;
        }

        document.AddComponent(name, schema);
        media.Schema = new OpenApiSchemaReference(name, document);
        return schema;
    }
}

/// <summary>Declares <c>/healthz</c> and <c>/readyz</c>, which the health-check middleware serves outside the API
/// explorer (found from outside: a generated client and a gateway's probe configuration could not find them). Both are
/// open: no key.</summary>
internal sealed class HealthEndpointsTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Paths ??= [];
        document.Paths["/healthz"] = Get("Liveness", "The process is up; answers `Healthy` without touching the store.", new()
        {
            ["200"] = new OpenApiResponse
            {
                Description = "The process is up.",
                Content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal)
                {
                    ["text/plain"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create("Healthy")] } },
                },
            },
        });

        var report = new OpenApiMediaType
        {
            Schema = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Required = new HashSet<string>(StringComparer.Ordinal) { "status", "entries" },
                Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal)
                {
                    ["status"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create("Healthy"), JsonValue.Create("Degraded"), JsonValue.Create("Unhealthy")] },
                    ["entries"] = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Object,
                        Description = "Each readiness check by name (the store's health among them): its status, a description and its data.",
                        AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Object },
                    },
                },
            },
        };
        document.Paths["/readyz"] = Get("Readiness", "Whether the service can answer checks now: the store synchronized and its data current.", new()
        {
            ["200"] = new OpenApiResponse { Description = "Ready (Healthy or Degraded).", Content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal) { ["application/json"] = report } },
            ["503"] = new OpenApiResponse { Description = "Not ready: take the instance out of the load balancer's rotation.", Content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal) { ["application/json"] = report } },
        });
        return Task.CompletedTask;
    }

    private static OpenApiPathItem Get(string operationId, string summary, OpenApiResponses responses) => new()
    {
        Operations = new Dictionary<HttpMethod, OpenApiOperation>
        {
            [HttpMethod.Get] = new OpenApiOperation
            {
                OperationId = operationId,
                Summary = summary,
                Security = [], // open: overrides the document's bearer requirement
                Responses = responses,
            },
        },
    };
}
