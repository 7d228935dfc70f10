using System.Globalization;

namespace ServiceHall;

/// <summary>The sample's command line: <c>[--urls http://127.0.0.1:PORT] [--data DIR] [--state DIR] [--redis CONNSTR] [--secret S] [--namespace NS]</c>.</summary>
public sealed record ServiceHallSettings
{
    public const string DefaultUrl = "http://127.0.0.1:5080";

    public const string Usage = """
        usage: dotnet run --project samples/ServiceHall [-- options]
          --urls URL         where to listen; loopback only (127.0.0.1 or localhost), http; default http://127.0.0.1:5080
          --data DIR         the list files (*.csv, *.json as in samples/data) to start from; default samples/data (only read)
          --state DIR        where the embedded store keeps counts, commitments and feedback; default a per-user temporary folder
          --redis CONNSTR    use Redis (e.g. 127.0.0.1:6379) instead of the embedded store; the namespace is seeded from the data folder first
          --secret S         the namespace's shared secret (≥ 16 characters); default $CREDITCHECK_SECRET or creditcheck-samples-secret
          --namespace NS     the Redis namespace; default samples
        """;

    /// <summary>The loopback port; 0 picks a free one (tests).</summary>
    public int Port { get; init; } = 5080;

    /// <summary>The Redis configuration string, or null for the embedded store.</summary>
    public string? Redis { get; init; }

    public string Secret { get; init; } = Environment.GetEnvironmentVariable("CREDITCHECK_SECRET") is { Length: > 0 } secret ? secret : "creditcheck-samples-secret";

    public string Namespace { get; init; } = "samples";

    /// <summary>The sample list files (samples/data, copied next to the binaries).</summary>
    public string DataDirectory { get; init; } = Path.Combine(AppContext.BaseDirectory, "data");

    /// <summary>Where the embedded store keeps what it records; never the data folder, which stays as it is.</summary>
    public string StateDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "creditcheck-samples-" + Environment.UserName, "ServiceHall");

    /// <summary>Parses the command line.</summary>
    /// <returns>The settings, or null when help was asked for.</returns>
    /// <exception cref="ArgumentException">An unknown option, a missing value, or an address that is not loopback http.</exception>
    public static ServiceHallSettings? Parse(IReadOnlyList<string> args)
    {
        var settings = new ServiceHallSettings();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (name is "-h" or "--help" or "-?")
            {
                return null;
            }

            // Accept --name=value as well as --name value.
            string? value = null;
            if (name.StartsWith("--", StringComparison.Ordinal) && name.IndexOf('=', StringComparison.Ordinal) is > 2 and var equals)
            {
                value = name[(equals + 1)..];
                name = name[..equals];
            }
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                value = args[++i];
            }

            if (name is not ("--urls" or "--data" or "--state" or "--redis" or "--secret" or "--namespace"))
            {
                throw new ArgumentException($"unknown option '{name}'.");
            }

            if (string.IsNullOrWhiteSpace(value))
            {
                throw new ArgumentException($"{name} needs a value.");
            }

            settings = name switch
            {
                "--urls" => settings with { Port = LoopbackPort(value) },
                "--data" => settings with { DataDirectory = ExistingDirectory(value) },
                "--state" => settings with { StateDirectory = Path.GetFullPath(value) },
                "--redis" => settings with { Redis = value },
                "--secret" => settings with { Secret = value },
                _ => settings with { Namespace = value },
            };
        }

        return settings;
    }

    private static string ExistingDirectory(string path) => Directory.Exists(path)
        ? Path.GetFullPath(path)
        : throw new ArgumentException($"--data '{path}': no such folder.");

    /// <summary>The port of a loopback http address; the page is for the window's own machine only.</summary>
    private static int LoopbackPort(string urls)
    {
        if (urls.Contains(';', StringComparison.Ordinal))
        {
            throw new ArgumentException($"--urls '{urls}': give one address; the sample listens on 127.0.0.1 only.");
        }

        if (!Uri.TryCreate(urls.Trim(), UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
        {
            throw new ArgumentException($"--urls '{urls}' is not an http address such as {DefaultUrl}.");
        }

        if (uri.Host is not ("127.0.0.1" or "localhost"))
        {
            throw new ArgumentException($"--urls '{urls}': the sample listens on 127.0.0.1 only, not on '{uri.Host}'; use http://127.0.0.1:PORT.");
        }

        if (uri.AbsolutePath != "/")
        {
            throw new ArgumentException($"--urls '{urls}': a path ('{uri.AbsolutePath}') is not supported; use http://127.0.0.1:PORT.");
        }

        // Uri reports 80 when no port is written; say so rather than listen somewhere unexpected.
        if (!urls.Contains($":{uri.Port.ToString(CultureInfo.InvariantCulture)}", StringComparison.Ordinal))
        {
            throw new ArgumentException($"--urls '{urls}' has no port; use http://127.0.0.1:PORT.");
        }

        return uri.Port;
    }
}
