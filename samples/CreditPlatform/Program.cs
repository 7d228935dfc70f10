// The reference credit platform: see README.md beside this file.
//   dotnet run --project samples/CreditPlatform -- --urls http://127.0.0.1:5300 --data DIR
//     [--admin-urls http://127.0.0.1:5301] [--clients FILE] [--change-log 10000] [--heartbeat 5]
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using ReferencePlatform;

PlatformSettings settings;
try
{
    settings = PlatformSettings.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    Console.Error.WriteLine("usage: CreditPlatform --urls http://127.0.0.1:PORT --data DIR [--admin-urls http://127.0.0.1:PORT] [--clients FILE] [--change-log N] [--heartbeat SECONDS]");
    return 2;
}

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
builder.Logging.AddSimpleConsole(o => o.SingleLine = true);

// gRPC needs HTTP/2; without TLS Kestrel speaks HTTP/2 only on an endpoint that allows nothing else
// (prior-knowledge h2c). So gRPC gets its own port (--urls, HTTP/2) and the admin endpoints theirs
// (--admin-urls, HTTP/1.1, always on loopback): plain curl works for the admin, grpcurl -plaintext for gRPC.
ListenOptions? grpcListen = null, adminListen = null;
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.Limits.MaxRequestBodySize = 256 * 1024 * 1024;
    kestrel.Listen(settings.Grpc, l => { l.Protocols = HttpProtocols.Http2; grpcListen = l; });
    kestrel.Listen(settings.Admin, l => { l.Protocols = HttpProtocols.Http1; adminListen = l; });
});

Dictionary<string, PlatformClient> clients;
PlatformState state;
try
{
    clients = PlatformClient.Load(settings.ClientsFile);
    using var loggers = LoggerFactory.Create(l => l.AddSimpleConsole(o => o.SingleLine = true));
    state = new PlatformState(settings.Data, settings.ChangeLog, TimeProvider.System, loggers.CreateLogger("ReferencePlatform.PlatformState"));
}
catch (Exception e) when (e is InvalidOperationException or IOException or System.Text.Json.JsonException or CreditCheck.Catalog.CatalogValidationException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

builder.Services.AddSingleton(settings);
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton(clients);
builder.Services.AddSingleton(state);
builder.Services.AddSingleton(new FeedbackStore(settings.Data, TimeProvider.System));
builder.Services.AddSingleton<SignatureInterceptor>();
builder.Services.AddGrpc(o =>
{
    o.Interceptors.Add<SignatureInterceptor>();
    o.MaxReceiveMessageSize = 64 * 1024 * 1024;
    o.MaxSendMessageSize = 64 * 1024 * 1024;
});

var app = builder.Build();
app.MapGrpcService<PlatformService>();
app.MapAdmin(() => adminListen!.IPEndPoint!.Port);
await app.StartAsync();
Console.WriteLine($"CreditPlatform gRPC (h2c): http://{Host(grpcListen!.IPEndPoint!)}");
Console.WriteLine($"CreditPlatform admin: http://{Host(adminListen!.IPEndPoint!)}");
Console.WriteLine($"CreditPlatform version {state.Version} (change log from {state.LogFloor + 1}), {state.EntryCount} entries, {clients.Count} clients, data {settings.Data}");
await app.WaitForShutdownAsync();
state.Dispose();
return 0;

static string Host(IPEndPoint endpoint) => endpoint.ToString();

namespace ReferencePlatform
{
    /// <summary>The command line.</summary>
    internal sealed record PlatformSettings(IPEndPoint Grpc, IPEndPoint Admin, string Data, string ClientsFile, int ChangeLog, TimeSpan Heartbeat)
    {
        public static PlatformSettings Parse(string[] args)
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < args.Length; i++)
            {
                if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
                {
                    throw new ArgumentException($"unexpected argument '{args[i]}'");
                }

                values[args[i]] = args[++i];
            }

            var unknown = values.Keys.Except(["--urls", "--admin-urls", "--data", "--clients", "--change-log", "--heartbeat"]).FirstOrDefault();
            if (unknown is not null)
            {
                throw new ArgumentException($"unknown option '{unknown}'");
            }

            var data = values.GetValueOrDefault("--data") ?? throw new ArgumentException("--data DIR is required (the folder of list files)");
            if (!Directory.Exists(data))
            {
                throw new ArgumentException($"the data folder '{data}' does not exist");
            }

            var grpc = Endpoint(values.GetValueOrDefault("--urls") ?? "http://127.0.0.1:5300", "--urls");
            // Admin: loopback always; by default the port after the gRPC one (any free port when that is 0).
            var admin = values.TryGetValue("--admin-urls", out var a)
                ? Endpoint(a, "--admin-urls")
                : new IPEndPoint(IPAddress.Loopback, grpc.Port == 0 ? 0 : grpc.Port + 1);
            if (!IPAddress.IsLoopback(admin.Address))
            {
                throw new ArgumentException("--admin-urls must be a loopback address (127.0.0.1)");
            }

            var changeLog = int.Parse(values.GetValueOrDefault("--change-log") ?? "10000", CultureInfo.InvariantCulture);
            var heartbeat = double.Parse(values.GetValueOrDefault("--heartbeat") ?? "5", CultureInfo.InvariantCulture);
            if (changeLog < 1 || heartbeat <= 0)
            {
                throw new ArgumentException("--change-log and --heartbeat must be positive");
            }

            var full = Path.GetFullPath(data);
            return new PlatformSettings(grpc, admin, full, values.GetValueOrDefault("--clients") ?? Path.Combine(full, "clients.json"), changeLog, TimeSpan.FromSeconds(heartbeat));
        }

        private static IPEndPoint Endpoint(string url, string option)
        {
            if (!Uri.TryCreate(url.Split(';')[0], UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
            {
                throw new ArgumentException($"{option} must be http://HOST:PORT (h2c; put TLS in front on a real network), was '{url}'");
            }

            var address = uri.Host is "localhost" ? IPAddress.Loopback : IPAddress.TryParse(uri.Host, out var ip) ? ip : throw new ArgumentException($"{option}: '{uri.Host}' is not an IP address");
            return new IPEndPoint(address, uri.Port);
        }
    }
}
