// A host that knows CreditCheck only from its packages. Two runs:
//   embedded DATA_DIR LISTED_USCC CLEAN_USCC           — UseInMemory seeded from list files
//   redis CONFIGURATION NAMESPACE LISTED_USCC CLEAN_USCC — UseRedis on the host's own multiplexer,
//                                                        shared with AddStackExchangeRedisCache
// The secret comes from CREDITCHECK_SECRET. Exit code 0 when the listed subject is denied in
// procurement and the clean one is clear; 1 otherwise, saying what was wrong.
using CreditCheck;
using CreditCheck.Redis;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

var builder = Host.CreateApplicationBuilder();
builder.Logging.ClearProviders();
IConnectionMultiplexer? multiplexer = null;
string listedCode, cleanCode;
switch (args[0])
{
    case "embedded":
        builder.Services.AddCreditCheck().UseInMemory(o => o.DataDirectory = args[1]);
        (listedCode, cleanCode) = (args[2], args[3]);
        break;
    case "redis":
        multiplexer = await ConnectionMultiplexer.ConnectAsync(args[1]);
        var shared = multiplexer;
        builder.Services.AddStackExchangeRedisCache(o => o.ConnectionMultiplexerFactory = () => Task.FromResult(shared));
        builder.Services.AddCreditCheck().UseRedis(multiplexer, o =>
        {
            o.Namespace = args[2];
            o.Secret = Environment.GetEnvironmentVariable("CREDITCHECK_SECRET");
        });
        (listedCode, cleanCode) = (args[3], args[4]);
        break;
    default:
        Console.Error.WriteLine($"unknown mode '{args[0]}'");
        return 2;
}

using var host = builder.Build();
await host.StartAsync();
var checker = host.Services.GetRequiredService<ICreditChecker>();
var listed = await checker.CheckAsync(new CheckRequest(SubjectId.Parse(listedCode, SubjectKind.LegalEntity), "procurement.bid"));
var clean = await checker.CheckAsync(new CheckRequest(SubjectId.Parse(cleanCode, SubjectKind.LegalEntity), "procurement.bid"));
Console.WriteLine($"{args[0]}: listed {listed.Outcome} via {listed.Path} ({string.Join("; ", listed.AppliedMeasures.Select(m => m.Measure.Name))}); clean {clean.Outcome} via {clean.Path}");

var ok = listed.Outcome == DecisionOutcome.Denied && clean.Outcome == DecisionOutcome.Clear && !listed.IsDegraded && !clean.IsDegraded;
if (multiplexer is not null)
{
    var cache = host.Services.GetRequiredService<IDistributedCache>();
    await cache.SetStringAsync("package-consumer", "ok");
    var cached = await cache.GetStringAsync("package-consumer");
    Console.WriteLine($"redis: the host's own cache on the same multiplexer answered '{cached}'");
    ok &= cached == "ok";
}

await host.StopAsync();
if (!ok)
{
    Console.Error.WriteLine($"unexpected: listed {listed.Outcome} ({listed.DegradedReason}), clean {clean.Outcome} ({clean.DegradedReason})");
}

return ok ? 0 : 1;
