using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CreditCheck.Cli;
using CreditCheck.Redis;
using CreditCheck.Tests.Support;

namespace CreditCheck.Tests.Cli;

/// <summary>The CLI tests share one redis-server and run one after another: the tool's parser is built
/// from static option instances, so in-process runs are kept off each other's threads.</summary>
[CollectionDefinition(Name)]
public sealed class CliTestGroup : ICollectionFixture<RedisFixture>
{
    public const string Name = "creditcheck CLI";
}

/// <summary>The exit codes as the issue and the README document them (the contract scripts rely on),
/// spelled out here rather than taken from the tool so that a change to them fails a test.</summary>
internal static class Exit
{
    public const int Ok = 0;
    public const int InvalidInput = 1;
    public const int Usage = 2;
    public const int StoreUnavailable = 3;
    public const int Conflict = 4;
    public const int NotFound = 5;
    public const int SomeLinesInvalid = 6;
    public const int DataDamaged = 7;
}

/// <summary>What one run of the tool gave.</summary>
internal sealed record CliResult(int ExitCode, string Output, string Error)
{
    /// <summary>Standard output as one JSON document.</summary>
    public JsonNode Json => JsonNode.Parse(Output) ?? throw new InvalidOperationException($"No JSON in the output of: {this}");

    public override string ToString() => $"exit {ExitCode}{Environment.NewLine}stdout:{Environment.NewLine}{Output}{Environment.NewLine}stderr:{Environment.NewLine}{Error}";
}

/// <summary>Runs the tool in-process with an explicit environment, so nothing depends on the machine.</summary>
internal static class Cli
{
    public static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(60);

    public static Task<CliResult> RunAsync(IReadOnlyDictionary<string, string?> environment, params string[] args) => RunAsync(environment, null, args);

    /// <summary>Runs with the given clock (null: the system's), so that "today" is what the test says.</summary>
    public static async Task<CliResult> RunAsync(IReadOnlyDictionary<string, string?> environment, TimeProvider? time, params string[] args)
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var error = new StringWriter(CultureInfo.InvariantCulture);
        using var timeout = new CancellationTokenSource(RunTimeout);
        var code = await CliApp.RunAsync(args, output, error, environment, interactive: false, time, timeout.Token);
        return new CliResult(code, output.ToString(), error.ToString());
    }
}

/// <summary>
/// One namespace of its own on the shared redis-server (or none, for the memory store), a temporary
/// folder for the files a test writes, and the environment the tool sees.
/// </summary>
internal sealed class CliSession : IDisposable
{
    public const string Secret = "cli-test-secret-0123456789abcdef";
    public const string Debtors = "court-dishonest-debtors";
    public const string EnglishHeader = "kind,subject,name,authority,reference,listedOn,validUntil,entryId";

    private readonly IRedisDeployment? _server;

    public CliSession(IRedisDeployment? server, string? ns = null)
    {
        _server = server;
        Namespace = ns ?? "cli" + Guid.NewGuid().ToString("N")[..12];
        Folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "creditcheck-cli-" + Guid.NewGuid().ToString("N"))).FullName;
        Environment = server is null
            ? new Dictionary<string, string?>(StringComparer.Ordinal)
            : new Dictionary<string, string?>(StringComparer.Ordinal)
            {
                ["CREDITCHECK_REDIS"] = server.Configuration,
                ["CREDITCHECK_SECRET"] = Secret,
                ["CREDITCHECK_NAMESPACE"] = Namespace,
            };
    }

    public string Namespace { get; }

    public string Folder { get; }

    public Dictionary<string, string?> Environment { get; }

    /// <summary>The tool's clock in this session (null: the system's).</summary>
    public TimeProvider? Time { get; set; }

    public Task<CliResult> RunAsync(params string[] args) => Cli.RunAsync(Environment, Time, args);

    /// <summary>Runs and asserts exit 0, showing the output when it is not.</summary>
    public async Task<CliResult> RunOkAsync(params string[] args)
    {
        var result = await RunAsync(args);
        Assert.True(result.ExitCode == Exit.Ok, $"creditcheck {string.Join(' ', args)} failed: {result}");
        return result;
    }

    public Task<CliResult> PublishAsync() => RunOkAsync("catalog", "publish");

    public async Task<JsonNode> StatusAsync() => (await RunOkAsync("status", "--json")).Json;

    /// <summary>Entries of a list in <c>status --json</c> (0 when the list is not shown).</summary>
    public async Task<long> EntriesAsync(string list = Debtors)
    {
        var entries = (await StatusAsync())["entries"]!.AsObject();
        return entries.TryGetPropertyValue(list, out var count) && count is not null ? count.GetValue<long>() : 0;
    }

    public async Task<long> SequenceAsync() => (await StatusAsync())["sequence"]!.GetValue<long>();

    /// <summary><c>check SUBJECT --scenario CODE [--kind KIND] --json</c>.</summary>
    public async Task<JsonNode> CheckAsync(string subject, string scenario = "procurement", string? kind = null) =>
        (await RunOkAsync(["check", subject, "--scenario", scenario, "--json", .. kind is null ? Array.Empty<string>() : ["--kind", kind]])).Json;

    public async Task<string> OutcomeAsync(string subject, string scenario = "procurement", string? kind = null) =>
        (await CheckAsync(subject, scenario, kind))["outcome"]!.GetValue<string>();

    /// <summary>The outcome for a person (many 居民身份证号码 are also well-formed 统一社会信用代码, so the kind is given).</summary>
    public Task<string> PersonOutcomeAsync(string subject, string scenario = "procurement") => OutcomeAsync(subject, scenario, "person");

    /// <summary>The subject's entries as the SDK's Redis store reads them from this namespace.</summary>
    public async Task<IReadOnlyList<ListEntry>> LookupAsync(string subject, SubjectKind kind = SubjectKind.LegalEntity)
    {
        var server = _server ?? throw new InvalidOperationException("This session has no Redis.");
        await using var store = new RedisCreditStore(RedisHarness.Options(server, Namespace, secret: Secret), new CreditCheckOptions(), null, TimeProvider.System, null);
        await store.StartAsync();
        var found = await store.LookupAsync(SubjectId.Parse(subject, kind));
        return [.. found.Entries.Select(e => e.Entry)];
    }

    public string PathOf(string name) => Path.Combine(Folder, name);

    public string Write(string name, string text, Encoding? encoding = null)
    {
        var path = PathOf(name);
        File.WriteAllText(path, text, encoding ?? new UTF8Encoding(false));
        return path;
    }

    public string Write(string name, byte[] bytes)
    {
        var path = PathOf(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>A CSV with <see cref="EnglishHeader"/> and the given rows.</summary>
    public string WriteCsv(string name, params string[] rows) =>
        Write(name, EnglishHeader + "\n" + string.Concat(rows.Select(r => r + "\n")));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }
}

/// <summary>Rows for the files the tests write: valid identifiers, dates far from any expiry.</summary>
internal static class Rows
{
    public static string Company(int n) => SyntheticIds.Company(n).Value;

    public static string Person(int n) => SyntheticIds.Person(n).Value;

    /// <summary>A row of <see cref="CliSession.EnglishHeader"/>: a legal entity listed 2024-01-02 until 2099-12-31.</summary>
    public static string Entity(int n, string? entryId = null, string? name = null, string until = "2099-12-31") =>
        $"LegalEntity,{Company(n)},{name ?? $"示例测试企业{n}有限公司"},示例认定部门,示例〔2024〕{n}号,2024-01-02,{until},{entryId ?? $"e-{n}"}";

    /// <summary>A row of <see cref="CliSession.EnglishHeader"/> with the fields given as they are.</summary>
    public static string Raw(string kind, string subject, string listedOn, string until, string entryId) =>
        $"{kind},{subject},示例测试企业有限公司,示例认定部门,示例〔2024〕1号,{listedOn},{until},{entryId}";
}
