using System.CommandLine;

namespace CreditCheck.Cli;

/// <summary>Options every command takes: where the store is.</summary>
internal static class GlobalOptions
{
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
        Description = "With --store memory: the folder holding the lists (seed files, and the tool's state in DIR/.creditcheck).",
        Recursive = true,
    };

    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Write JSON for scripts instead of tables.",
        Recursive = true,
    };

    public static void AddTo(Command root)
    {
        foreach (var option in new Option[] { Redis, Namespace, Secret, User, Store, Data, Json })
        {
            root.Options.Add(option);
        }
    }

    /// <summary>Where the store is, from options and environment.</summary>
    public static StoreSettings Settings(ParseResult parse, IReadOnlyDictionary<string, string?> environment)
    {
        string? Env(string name) => environment.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value) ? value : null;
        return new StoreSettings(
            parse.GetValue(Store) ?? "redis",
            parse.GetValue(Redis) ?? Env("CREDITCHECK_REDIS"),
            parse.GetValue(Namespace) ?? Env("CREDITCHECK_NAMESPACE") ?? "default",
            parse.GetValue(Secret) ?? Env("CREDITCHECK_SECRET"),
            parse.GetValue(User) ?? Env("CREDITCHECK_REDIS_USER"),
            Env("CREDITCHECK_REDIS_PASSWORD"),
            parse.GetValue(Data));
    }
}

/// <summary>Where the store is.</summary>
internal sealed record StoreSettings(string Kind, string? Redis, string Namespace, string? Secret, string? User, string? Password, DirectoryInfo? Data)
{
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
