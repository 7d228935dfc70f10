using System.Net;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using CreditCheck;
using CreditCheck.Adapters.Approval;
using CreditCheck.Redis;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.WebEncoders;

namespace ServiceHall;

/// <summary>Where the window's data comes from, shown in the page header.</summary>
public sealed record HallStore(string Description);

/// <summary>Builds and runs the service-hall page. Tests build it in-process with <see cref="BuildAsync"/>.</summary>
public static class ServiceHallApp
{
    /// <summary>The command-line entry point: 0 after a normal shutdown, 2 for bad arguments, 3 when the
    /// store cannot be set up, 1 when the page cannot start (e.g. the port is taken).</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        ServiceHallSettings? settings;
        try
        {
            settings = ServiceHallSettings.Parse(args);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}\n{ServiceHallSettings.Usage}");
            return 2;
        }

        if (settings is null)
        {
            Console.WriteLine(ServiceHallSettings.Usage);
            return 0;
        }

        WebApplication app;
        try
        {
            app = await BuildAsync(settings);
        }
        catch (Exception e)
        {
            var store = settings.Redis is null ? $"the embedded store (data folder {settings.DataDirectory})" : $"Redis at {RedisHost(settings.Redis)}";
            await Console.Error.WriteLineAsync($"error: {store} could not be set up: {Short(e.Message)}");
            return 3;
        }

        await using (app)
        {
            try
            {
                await app.StartAsync();
            }
            catch (Exception e)
            {
                await Console.Error.WriteLineAsync($"error: the page could not start: {e.Message}");
                return 1;
            }

            Console.WriteLine($"服务大厅综合窗口：{string.Join(", ", app.Urls)}  （{app.Services.GetRequiredService<HallStore>().Description}；Ctrl+C 退出）");
            await app.WaitForShutdownAsync();
        }

        return 0;
    }

    /// <summary>Builds the page on the chosen store, listening on 127.0.0.1 only. With Redis, the namespace is
    /// seeded from the sample data first.</summary>
    /// <param name="settings">The command-line settings.</param>
    /// <param name="configure">Lets a test adjust the builder (logging, extra services) before it is built.</param>
    public static async Task<WebApplication> BuildAsync(ServiceHallSettings settings, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = [],
            ApplicationName = typeof(ServiceHallApp).Assembly.GetName().Name, // Razor Pages live in this assembly, also when a test hosts it
            ContentRootPath = AppContext.BaseDirectory,
        });

        // Loopback only, whatever ASPNETCORE_URLS says: the page is for the window's own machine.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, settings.Port));
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.AddRazorPages();

        // The forms' anti-forgery keys live in memory: nothing written to the user's profile; a restart
        // only means reloading the page.
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        builder.Services.Configure<WebEncoderOptions>(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));

        var creditCheck = builder.Services.AddCreditCheck();
        string description;
        if (settings.Redis is null)
        {
            creditCheck.UseInMemory(o => { o.DataDirectory = settings.DataDirectory; o.StateDirectory = settings.StateDirectory; });
            description = "本机名单数据（示例）";
        }
        else
        {
            await SampleData.SeedRedisAsync(settings);
            creditCheck.UseRedis(settings.Redis, o =>
            {
                o.Namespace = settings.Namespace;
                o.Secret = settings.Secret;
            });
            description = $"共享名单库（{settings.Namespace}）";
        }

        creditCheck.AddApprovalAdapter(HallMatters.Configure);
        builder.Services.AddSingleton(new HallStore(description));
        builder.Services.AddSingleton<PendingApplications>();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseExceptionHandler(error => error.Run(async context =>
        {
            context.Response.ContentType = "text/html; charset=utf-8";
            await context.Response.WriteAsync("<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>系统错误</title>"
                + "<p role=\"alert\">系统内部错误，本次操作未完成。请返回<a href=\"/\">综合窗口</a>重试；如持续出现，请联系系统管理员。</p></html>");
        }));
        app.Use(async (context, next) =>
        {
            // Everything the page needs is inline: no script, no external resource of any kind.
            context.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
            context.Response.Headers.XContentTypeOptions = "nosniff";
            context.Response.Headers["Referrer-Policy"] = "no-referrer";
            await next();
        });
        app.UseMiddleware<TolerantFormReader>();
        app.MapRazorPages();
        return app;
    }

    /// <summary>A client error's first part, without the connection diagnostics that follow it.</summary>
    private static string Short(string message)
    {
        var cut = message.IndexOf(", origin:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    /// <summary>The host part of a configuration string, without passwords or other options.</summary>
    private static string RedisHost(string configuration) => configuration.Split(',')[0].Trim();
}
