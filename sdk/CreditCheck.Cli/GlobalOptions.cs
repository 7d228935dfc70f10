using System.CommandLine;

namespace CreditCheck.Cli;

/// <summary>Options every command takes: where the store is.</summary>
internal static partial class GlobalOptions
{
    // RedisStoreOptions.Namespace's rule, checked before any connection.
    [System.Text.RegularExpressions.GeneratedRegex("^[a-z0-9_-]{1,64}$")]
    private static partial System.Text.RegularExpressions.Regex NamespaceRule();

    public static readonly Option<string?> Redis = new("--redis")
    {
        Description = "StackExchange.Redis configuration of the store (default: $CREDITCHECK_REDIS).",
        Recursive = true,
    };

    public static readonly Option<string?> Namespace = new("--namespace")
    {
        Description = "Namespace of the lists in Redis (default: $CREDITCHECK_NAMESPACE or 'default').",
        Recursive = true,
    };

    public static readonly Option<string?> Secret = new("--secret")
    {
        Description = "Secret shared with the SDKs (default: $CREDITCHECK_SECRET; prefer the variable).",
        Recursive = true,
    };

    public static readonly Option<string?> User = new("--user")
    {
        Description = "Redis ACL user (default: $CREDITCHECK_REDIS_USER; password from $CREDITCHECK_REDIS_PASSWORD).",
        Recursive = true,
    };

    public static readonly Option<string?> Store = new("--store")
    {
        Description = "redis (default) or memory, which keeps the lists in --data DIR without Redis.",
        Recursive = true,
    };

    public static readonly Option<DirectoryInfo?> Data = new("--data")
    {
        Description = "With --store memory: the folder holding the lists (seed files, and the tool's state in DIR/.creditcheck unless --state says).",
        Recursive = true,
    };

    public static readonly Option<DirectoryInfo?> State = new("--state")
    {
        Description = "With --store memory: the folder of the tool's and a host's state (feedback, commitments, counts, the saved lists) — a host's InMemoryStoreOptions.StateDirectory (default: $CREDITCHECK_STATE, else DATA/.creditcheck).",
        Recursive = true,
    };

    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Write JSON for scripts instead of tables.",
        Recursive = true,
    };

    public static void AddTo(Command root)
    {
        foreach (var option in new Option[] { Redis, Namespace, Secret, User, Store, Data, State, Json })
        {
            root.Options.Add(option);
        }
    }

    /// <summary>Where the store is, from options and environment. <c>--state</c> is for the memory store only: given with
    /// another store it is a usage error (<c>$CREDITCHECK_STATE</c> is left unused there, as <c>$CREDITCHECK_REDIS</c> is
    /// with <c>--store memory</c>, so that a shell setting it still runs Redis commands).</summary>
    public static StoreSettings Settings(ParseResult parse, IReadOnlyDictionary<string, string?> environment)
    {
        string? Env(string name) => environment.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value) ? value : null;
        var kind = parse.GetValue(Store) ?? "redis";
        RequireMemoryForState(parse, kind);
        var ns = parse.GetValue(Namespace) ?? Env("CREDITCHECK_NAMESPACE") ?? "default";
        if (kind == "redis" && !NamespaceRule().IsMatch(ns))
        {
            // A usage error, not "does not exist in Redis (mistyped?)", exit 5 (found from outside with --namespace '').
            throw new CliException(
                ExitCodes.Usage,
                $"命名空间 '{ns}' 不合规：应为 1-64 个小写字母、数字、'-' 或 '_'",
                $"namespace '{ns}' is not valid: it must be 1-64 of a-z, 0-9, '-' and '_' (the rule of RedisStoreOptions.Namespace).");
        }

        return new StoreSettings(
            kind,
            parse.GetValue(Redis) ?? Env("CREDITCHECK_REDIS"),
            ns,
            parse.GetValue(Secret) ?? Env("CREDITCHECK_SECRET"),
            parse.GetValue(User) ?? Env("CREDITCHECK_REDIS_USER"),
            Env("CREDITCHECK_REDIS_PASSWORD"),
            parse.GetValue(Data))
        {
            StateOption = kind == "memory" ? parse.GetValue(State) ?? (Env("CREDITCHECK_STATE") is { } state ? new DirectoryInfo(state) : null) : null,
        };
    }

    /// <summary>Refuses <c>--state</c> given without <c>--store memory</c>: the Redis store keeps its state in Redis, and an
    /// operator who meant the memory store would otherwise read or change Redis instead.</summary>
    public static void RequireMemoryForState(ParseResult parse, string? kind = null)
    {
        kind ??= parse.GetValue(Store) ?? "redis";
        if (kind != "memory" && parse.GetResult(State) is { Implicit: false })
        {
            throw new CliException(
                ExitCodes.Usage,
                "--state 只能与 --store memory 一起使用（内存存储的状态目录，即宿主的 InMemoryStoreOptions.StateDirectory）；Redis 存储的状态在 Redis 中",
                $"--state is for --store memory only (the memory store's state folder, a host's InMemoryStoreOptions.StateDirectory); the {kind} store keeps its state in the store itself.");
        }
    }
}

/// <summary>Where the store is.</summary>
internal sealed record StoreSettings(string Kind, string? Redis, string Namespace, string? Secret, string? User, string? Password, DirectoryInfo? Data)
{
    /// <summary>The memory store's state folder as given (<c>--state</c> or <c>$CREDITCHECK_STATE</c>); null for the
    /// default, <c>DATA/.creditcheck</c>.</summary>
    public DirectoryInfo? StateOption { get; init; }

    /// <summary>The memory store's state folder: <see cref="StateOption"/>, else <c>DATA/.creditcheck</c>
    /// (<see cref="MemoryOperatorStore.StateFolder"/>); null without a data folder.</summary>
    public DirectoryInfo? State => StateOption ?? (Data is { } data ? new DirectoryInfo(Path.Combine(data.FullName, MemoryOperatorStore.StateFolder)) : null);

    /// <summary>The Redis store's options these settings give (one place for every command that connects).</summary>
    public CreditCheck.Redis.RedisStoreOptions RedisOptions() => new()
    {
        Configuration = Redis,
        Namespace = Namespace,
        Secret = Secret,
        User = User,
        Password = Password,
    };
}
