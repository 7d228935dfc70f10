using System.Net;
using System.Threading.RateLimiting;
using CreditCheck.Redis;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace CreditCheck.Server;

/// <summary>Builds and runs the service.</summary>
public static class ServerApp
{
    /// <summary>The default address: loopback, HTTP/1.1 and h2c on one port.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5090";

    private const string HostingDiagnostics = "Microsoft.AspNetCore.Hosting.Diagnostics";

    private const string Usage = """
        usage: dotnet run --project sdk/CreditCheck.Server [-- options]
          --urls URL[;URL]   where to listen (default http://127.0.0.1:5090; port 0 picks a free one). A non-loopback
                             address needs https, or --behind-tls-proxy when TLS ends at a reverse proxy in front.
          --data DIR         the list files the embedded store starts from (default: samples/data)
          --redis CONNSTR    answer from Redis instead (e.g. 127.0.0.1:6379); secret from $CREDITCHECK_SECRET
          --namespace NS     the Redis namespace (default: default)
          --journal FILE     the feedback journal (CreditCheck:Feedback:JournalPath; its folder must exist): feedback is
                             acknowledged (202) once on disk there and delivered from it, also after a crash or
                             while the store is down. Without it feedback is acknowledged only once the store holds it.
          --behind-tls-proxy TLS ends at a reverse proxy in front of the service
          hash-key KEY       print the KeyHash to configure for a client key, and exit
        Every option binds from configuration (CreditCheck:Server:…, CreditCheck:…): appsettings.json,
        environment variables (CreditCheck__Server__Clients__0__Id=…) or --CreditCheck:Server:…=… .
        """;

    /// <summary>The command line: 0 after a normal shutdown, 2 for bad arguments or an unsafe address,
    /// 3 when the store cannot be set up, 1 when the service cannot start.</summary>
    /// <param name="args">The arguments.</param>
    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args is ["hash-key", var key])
        {
            Console.WriteLine(ApiClientRegistry.Hash(key));
            return 0;
        }

        if (args is ["hash-key", ..])
        {
            // Not a server option: without this, a missing key started the service.
            await Console.Error.WriteLineAsync($"error: hash-key takes exactly one argument, the client's key.\n{Usage}").ConfigureAwait(false);
            return 2;
        }

        if (args.Any(a => a is "-h" or "--help" or "-?"))
        {
            Console.WriteLine(Usage);
            return 0;
        }

        WebApplication app;
        try
        {
            app = Build(args);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}\n{Usage}").ConfigureAwait(false);
            return 2;
        }
        catch (InvalidOperationException e) when (BadConfigurationValue(e) is { } message)
        {
            // A server option's value of the wrong type (--CreditCheck:Server:MaxRequestBodyBytes=4MB) crashed the
            // process with an unhandled exception (found from outside).
            await Console.Error.WriteLineAsync($"error: {message}").ConfigureAwait(false);
            return 2;
        }

        await using (app.ConfigureAwait(false))
        {
            try
            {
                await app.StartAsync().ConfigureAwait(false);
            }
            catch (OptionsValidationException e) when (e.OptionsType == typeof(FeedbackOptions) && e.Failures.Any(f => f.Contains("JournalPath", StringComparison.Ordinal)))
            {
                // A journal that cannot be opened (its folder missing, a folder named) stops the start as one in use does:
                // exit 1, as README says (found from outside: it was 2, the code of a bad argument).
                await Console.Error.WriteLineAsync($"error: 反馈日志无法使用，服务未启动。The feedback journal cannot be used: {e.Message}").ConfigureAwait(false);
                return 1;
            }
            catch (InvalidOperationException e) when (BadConfigurationValue(e) is { } message)
            {
                // Before the store's cases: --CreditCheck:OnListsNotHeld=Strict was "the embedded store could not load
                // its data" (on Redis "Redis … could not be set up"), exit 3 (found from outside). It is a bad argument.
                await Console.Error.WriteLineAsync($"error: {message}").ConfigureAwait(false);
                return 2;
            }
            catch (OptionsValidationException e)
            {
                // The SDK's options are named as a .NET host sets them; say how the service sets the usual ones.
                var hint = e.Message.Contains("RedisStoreOptions.Secret", StringComparison.Ordinal)
                    ? " The service takes the secret from $CREDITCHECK_SECRET (or CreditCheck__Server__Secret)."
                    : string.Empty;
                await Console.Error.WriteLineAsync($"error: {e.Message}{hint}").ConfigureAwait(false);
                return 2;
            }
            catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException || e.Message.StartsWith("Failed to bind", StringComparison.Ordinal))
            {
                // Before the Redis case: a port in use is no fault of the store (found from outside: it was blamed on Redis).
                await Console.Error.WriteLineAsync($"error: the service could not listen: {e.Message} Another process may hold the port: choose another with --urls.").ConfigureAwait(false);
                return 1;
            }
            catch (InvalidOperationException e) when (e.Message.StartsWith("The feedback journal", StringComparison.Ordinal))
            {
                // Before the store's cases: a journal in use or unreadable is no fault of the store.
                await Console.Error.WriteLineAsync($"error: 反馈日志无法使用，服务未启动。The feedback journal cannot be used: {e.Message}").ConfigureAwait(false);
                return 1;
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or TimeoutException && app.Services.GetService<IOptions<ServerOptions>>()?.Value.Redis is { } redis)
            {
                await Console.Error.WriteLineAsync($"error: Redis at {RedisConfiguration.Masked(redis)} could not be set up: {e.Message}").ConfigureAwait(false);
                return 3;
            }
            catch (InvalidOperationException e) when (app.Services.GetService<IOptions<ServerOptions>>()?.Value.Redis is null)
            {
                // The embedded store loads its data at start: a bad row in --data is named here, not a 500 on every check.
                await Console.Error.WriteLineAsync($"error: the embedded store could not load its data: {e.Message}").ConfigureAwait(false);
                return 3;
            }
            catch (IOException e)
            {
                await Console.Error.WriteLineAsync($"error: the service could not start: {e.Message}").ConfigureAwait(false);
                return 1;
            }

            Announce(app);
            await app.WaitForShutdownAsync().ConfigureAwait(false);
        }

        return 0;
    }

    /// <summary>Builds the service: the SDK on the chosen store, both APIs, keys, limits.</summary>
    /// <param name="args">The command line.</param>
    /// <exception cref="ArgumentException">A bad option, or a non-loopback address without TLS or a reverse-proxy setting.</exception>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddEnvironmentVariables();
        builder.Configuration.AddCommandLine(args, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["--redis"] = "CreditCheck:Server:Redis",
            ["--namespace"] = "CreditCheck:Server:Namespace",
            ["--data"] = "CreditCheck:Server:DataDirectory",
            ["--journal"] = "CreditCheck:Feedback:JournalPath",
            ["--urls"] = "urls",
        });
        if (args.Contains("--behind-tls-proxy"))
        {
            builder.Configuration["CreditCheck:Server:BehindTlsProxy"] = "true";
        }

        var unknown = args.Where((a, i) => a.StartsWith("--", StringComparison.Ordinal) && !a.Contains(':', StringComparison.Ordinal) && !a.Contains('=', StringComparison.Ordinal)
            && a is not ("--redis" or "--namespace" or "--data" or "--journal" or "--urls" or "--behind-tls-proxy")).FirstOrDefault();
        if (unknown is not null)
        {
            throw new ArgumentException($"unknown option '{unknown}'.");
        }

        var options = new ServerOptions();
        builder.Configuration.GetSection(ServerOptions.SectionName).Bind(options);
        options.Secret ??= Environment.GetEnvironmentVariable("CREDITCHECK_SECRET");
        if (ApiClientRegistry.Validate(options) is { } problem)
        {
            throw new ArgumentException(problem);
        }

        if (options.BehindTlsProxy && options.Clients.Count == 0)
        {
            // Behind a proxy every caller looks like the proxy, often on this machine: "loopback only" would let
            // anyone through.
            throw new ArgumentException(
                "BehindTlsProxy (--behind-tls-proxy) needs clients (CreditCheck:Server:Clients): behind a proxy every caller looks like the proxy.");
        }

        var urls = (builder.Configuration["urls"] ?? DefaultUrl).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        CheckAddresses(urls, options.BehindTlsProxy);
        builder.WebHost.UseUrls(urls);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
            kestrel.Limits.Http2.MaxStreamsPerConnection = options.MaxStreamsPerConnection;
            kestrel.ConfigureEndpointDefaults(endpoint =>
            {
                endpoint.Protocols = HttpProtocols.Http1AndHttp2;
                if (Http2PriorKnowledge.IsAvailable)
                {
                    endpoint.Use(Http2PriorKnowledge.Middleware);
                }
            });
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        if (builder.Configuration[$"Logging:LogLevel:{HostingDiagnostics}"] is null)
        {
            // This category only logs each request's start and end at Information, which the filter above already
            // drops; but while it is enabled at any level, hosting opens a log scope and starts an Activity for every
            // request (≈3 % of the server's CPU per check). Set Logging:LogLevel for it to have them back.
            builder.Logging.AddFilter(HostingDiagnostics, LogLevel.None);
        }

        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(Options.Create(options));
        var creditCheck = services.AddCreditCheck(builder.Configuration.GetSection(CreditCheckOptions.SectionName));

        // A 202 must mean the feedback survives this process: on disk in the journal when one is configured,
        // otherwise held by the store. Never only in memory (found from outside: kill -9 lost acknowledged reports).
        creditCheck.ConfigureFeedback(o => o.AcknowledgeOnDelivery = true);
        if (options.Redis is { } redis)
        {
            creditCheck.UseRedis(redis, o =>
            {
                o.ThreadPoolSockets = true; // nothing in the service blocks on async code; CreditCheck:Redis:ThreadPoolSockets=false undoes it
                builder.Configuration.GetSection("CreditCheck:Redis").Bind(o);
                o.Namespace = options.Namespace;
                o.Secret = options.Secret;
            });
        }
        else
        {
            var data = options.DataDirectory ?? Path.Combine(AppContext.BaseDirectory, "data");
            if (!Directory.Exists(data))
            {
                throw new ArgumentException($"--data '{data}': no such folder.");
            }

            creditCheck.UseInMemory(o => o.DataDirectory = Path.GetFullPath(data));
        }

        services.AddSingleton<ApiClientRegistry>();
        services.AddSingleton<CatalogSource>();
        services.AddSingleton<DecisionLedger>();
        services.AddSingleton<CheckService>();
        if (options.Redis is not null)
        {
            // Instances on one namespace pass each other the feedback on checks they made (a load balancer's doing).
            services.AddSingleton<FeedbackRelay>();
            services.AddHostedService(sp => sp.GetRequiredService<FeedbackRelay>());
        }

        services.AddHealthChecks();
        services.ConfigureHttpJsonOptions(o =>
        {
            // The OpenAPI document is generated from these options: they describe the wire as HttpApi.Json reads
            // and writes it (integers strictly numbers, unknown members refused).
            o.SerializerOptions.NumberHandling = HttpApi.Json.NumberHandling;
            o.SerializerOptions.UnmappedMemberHandling = HttpApi.Json.UnmappedMemberHandling;
            o.SerializerOptions.DefaultIgnoreCondition = HttpApi.Json.DefaultIgnoreCondition;
        });
        services.AddOpenApi(o =>
        {
            o.AddOperationTransformer<RequestBodyTransformer>();
            o.AddOperationTransformer<CatalogAnswerTransformer>();
            o.AddSchemaTransformer<ContractSchemaTransformer>();
            o.AddDocumentTransformer<ClientContractTransformer>();
            o.AddDocumentTransformer<HealthEndpointsTransformer>();
        });
        services.AddGrpc(o =>
        {
            o.MaxReceiveMessageSize = (int)Math.Min(options.MaxRequestBodyBytes, int.MaxValue);
            o.EnableDetailedErrors = false;
        });
        services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                context.Features.Get<ClientFeature>()?.Client is { RequestsPerSecond: > 0 } client
                    ? RateLimitPartition.GetTokenBucketLimiter(client.Id, _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = client.Burst,
                        TokensPerPeriod = Math.Max(1, client.RequestsPerSecond / 10),
                        ReplenishmentPeriod = TimeSpan.FromMilliseconds(100),
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    })
                    : RateLimitPartition.GetNoLimiter(string.Empty));
            limiter.OnRejected = (rejected, _) =>
            {
                var client = rejected.HttpContext.Features.Get<ClientFeature>()?.Client.Id ?? "?";
                Log.RateLimited(rejected.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("CreditCheck.Server"), client, rejected.HttpContext.Request.Path);
                rejected.HttpContext.Response.Headers.RetryAfter = "1";
                return new ValueTask(ClientAuthentication.WriteErrorAsync(rejected.HttpContext, ApiError.RateLimited(client)));
            };
        });

        var app = builder.Build();
        app.Use(Grpc.CreditCheckGrpcService.OversizeMessageAsync);
        app.UseMiddleware<ClientAuthentication>();
        if (options.Clients.Any(c => c.RequestsPerSecond > 0))
        {
            // Only a configured client with a rate is ever limited: without one the limiter would only hand out
            // no-op leases, at a cost on every request.
            app.UseRateLimiter();
        }
        app.MapOpenApi();
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("ready"),
            ResponseWriter = WriteHealthAsync,
        });
        HttpApi.Map(app);
        app.MapGrpcService<Grpc.CreditCheckGrpcService>();

        // Anything else: a problem+json 404 that lists the endpoints, not an empty body.
        app.MapFallback(context => ClientAuthentication.WriteErrorAsync(context, ApiError.NoSuchPath(context.Request.Method, context.Request.Path)));
        return app;
    }

    /// <summary>For a configuration value the binder could not convert (an option's value of the wrong type, wherever it
    /// was set): the option, the value, why, and for an enum the values it takes; null for any other exception.</summary>
    private static string? BadConfigurationValue(Exception e)
    {
        for (Exception? at = e; at is not null; at = at.InnerException)
        {
            if (at is not InvalidOperationException { Message: var message } || !message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal))
            {
                continue;
            }

            var reason = at.InnerException;
            while (reason?.InnerException is not null)
            {
                reason = reason.InnerException;
            }

            // "… to type 'CreditCheck.ListsNotHeldPolicy'." → the enum's names.
            var typeName = message.LastIndexOf(" to type '", StringComparison.Ordinal) is var i and >= 0 ? message[(i + 10)..].TrimEnd('.', '\'') : null;
            var type = typeName is null ? null : AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetType(typeName)).FirstOrDefault(t => t is not null);
            var allowed = type is { IsEnum: true } ? $" It takes one of: {string.Join(", ", Enum.GetNames(type))}." : string.Empty;
            return $"{message}{(reason is null ? string.Empty : " " + reason.Message)}{allowed} Options are set as --Section:Name=value, "
                + "CreditCheck__Section__Name environment variables or appsettings.json.";
        }

        return null;
    }

    /// <summary>A non-loopback address over plain http is refused unless TLS ends at a reverse proxy in front.</summary>
    private static void CheckAddresses(IEnumerable<string> urls, bool behindTlsProxy)
    {
        foreach (var url in urls)
        {
            if (!Uri.TryCreate(url.Replace("://*", "://any", StringComparison.Ordinal).Replace("://+", "://any", StringComparison.Ordinal), UriKind.Absolute, out var uri)
                || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw new ArgumentException($"--urls '{url}' is not an http or https address such as {DefaultUrl}.");
            }

            var loopback = uri.Host is "localhost" || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
            if (!loopback && uri.Scheme == Uri.UriSchemeHttp && !behindTlsProxy)
            {
                throw new ArgumentException(
                    $"--urls '{url}' listens beyond this machine without TLS. Use https (a certificate under Kestrel:Certificates:Default), "
                    + "or set CreditCheck:Server:BehindTlsProxy (--behind-tls-proxy) when TLS ends at a reverse proxy in front of the service.");
            }
        }
    }

    private static void Announce(WebApplication app)
    {
        var options = app.Services.GetRequiredService<ServerOptions>();
        var clients = app.Services.GetRequiredService<ApiClientRegistry>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("CreditCheck.Server");
        var addresses = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var store = options.Redis is { } redis ? $"Redis {RedisConfiguration.Masked(redis)}，命名空间 {options.Namespace}" : "内置存储（UseInMemory）";
        var storeEnglish = options.Redis is { } r ? $"Redis {RedisConfiguration.Masked(r)}, namespace {options.Namespace}" : "embedded (UseInMemory)"; // logs are English (found from outside: "…，命名空间 zhejiang" in event 4001)
        var who = clients.HasClients ? string.Join(", ", clients.Ids) : "none — loopback callers only";
        // Who may call first, then the address line (scripts wait for it): when it appears, everything is said.
        Console.WriteLine(clients.HasClients
            ? $"调用方：{who}（Authorization: Bearer <key>）"
            : "未配置调用方：仅接受本机（loopback）调用。No client is configured: only callers on this machine are served.");
        if (Http2PriorKnowledge.IsAvailable)
        {
            Console.WriteLine("HTTP/1.1 and gRPC (h2c, prior knowledge) share each cleartext port: Kestrel's warning that such an endpoint uses only HTTP/1.1 does not apply.");
        }

        var journal = app.Services.GetRequiredService<IOptions<FeedbackOptions>>().Value.JournalPath;

        // What "held by the store" means on Redis: the primary alone, or also N replicas (found from outside: the
        // line did not say, and an operator could not tell whether CreditCheck:Redis:FeedbackReplicas was read).
        var replicas = options.Redis is null ? 0 : app.Configuration.GetValue<int>("CreditCheck:Redis:FeedbackReplicas");
        var (heldZh, held) = options.Redis is null ? ("存储", "the store")
            : replicas > 0 ? ($"Redis 主节点及 {replicas} 个副本（FeedbackReplicas）", $"the Redis primary and {replicas} replica(s) (FeedbackReplicas)")
            : ("Redis 主节点（未要求副本确认，FeedbackReplicas = 0）", "the Redis primary (no replica confirmation asked, FeedbackReplicas = 0)");
        Console.WriteLine(journal is not null
            ? $"反馈：写入日志 {Path.GetFullPath(journal)} 并落盘后答复 202，再由日志投递至{heldZh}。Feedback: 202 once flushed to the journal {Path.GetFullPath(journal)}, delivered from it to {held}."
            : $"反馈：未配置日志（--journal），{heldZh}确认收到后才答复 202。Feedback: no journal (--journal); 202 only once {held} hold(s) the records.");
        Console.WriteLine($"CreditCheck 服务接口：{string.Join(' ', addresses)}  （HTTP/1.1 与 gRPC h2c 同一端口；{store}）");
        Log.Started(logger, string.Join(' ', addresses), storeEnglish, who);
        Log.FeedbackAcknowledgement(logger, journal is not null ? $"once flushed to the journal {Path.GetFullPath(journal)}, delivered from it to {held}" : $"once {held} hold(s) the records (no journal)");
        if (!clients.HasClients)
        {
            Log.LoopbackOnly(logger);
        }

        if (!Http2PriorKnowledge.IsAvailable)
        {
            Log.H2cUnavailable(logger);
        }
    }

    private static Task WriteHealthAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        var entries = report.Entries.ToDictionary(e => e.Key, e => new
        {
            status = e.Value.Status.ToString(),
            description = e.Value.Description,
            data = e.Value.Data,
        });
        return System.Text.Json.JsonSerializer.SerializeAsync(context.Response.Body, new { status = report.Status.ToString(), entries }, HttpApi.Json);
    }
}
