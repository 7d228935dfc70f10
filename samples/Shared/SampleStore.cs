// Shared by the samples (linked into each): the store a sample runs on. By default the embedded store,
// seeded from samples/data. With --redis CONNSTR, a Redis namespace ("samples" unless --namespace), which
// this helper seeds from the same files first (catalog if missing, then each list merged — re-running
// changes nothing), so a newcomer's empty Redis works. Real platforms load lists with `creditcheck import`.
using System.Globalization;
using System.Text.Json;
using CreditCheck;
using CreditCheck.Catalog;
using CreditCheck.Redis;
using CreditCheck.Stores;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CreditCheck.Samples;

/// <summary>The command line every sample shares: <c>[--redis CONNSTR] [--secret S] [--namespace NS]</c>, plus the sample's own options.</summary>
internal sealed class SampleArguments
{
    public string? Redis { get; private set; }

    public string Secret { get; private set; } = Environment.GetEnvironmentVariable("CREDITCHECK_SECRET") ?? "creditcheck-samples-secret";

    public string Namespace { get; private set; } = "samples";

    public Dictionary<string, string> Extra { get; } = new(StringComparer.Ordinal);

    /// <summary>Parses the arguments, or prints the usage and returns null.</summary>
    public static SampleArguments? Parse(string[] args, string usage, params string[] extraOptions)
    {
        var parsed = new SampleArguments();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (name is "-h" or "--help")
            {
                Console.WriteLine(usage);
                return null;
            }

            if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                Console.Error.WriteLine($"error: {name} needs a value.\n{usage}");
                return null;
            }

            var value = args[++i];
            switch (name)
            {
                case "--redis": parsed.Redis = value; break;
                case "--secret": parsed.Secret = value; break;
                case "--namespace": parsed.Namespace = value; break;
                default:
                    if (!extraOptions.Contains(name))
                    {
                        Console.Error.WriteLine($"error: unknown option {name}.\n{usage}");
                        return null;
                    }

                    parsed.Extra[name] = value;
                    break;
            }
        }

        return parsed;
    }
}

internal static class SampleStore
{
    /// <summary>The sample data folder, copied next to the sample's binaries.</summary>
    public static string DataDirectory => Path.Combine(AppContext.BaseDirectory, "data");

    /// <summary>Where a sample's embedded store keeps what it records (counts, commitments, feedback): a per-user folder
    /// under the system's temporary folder, never the data folder (found by review: samples/data got a .creditcheck).</summary>
    public static string StateDirectory(string sample) =>
        Path.Combine(Path.GetTempPath(), "creditcheck-samples-" + Environment.UserName, sample);

    /// <summary>Chooses the store: the embedded default, or a Redis namespace seeded from the sample data.</summary>
    /// <returns>A line saying which store is used.</returns>
    public static async Task<string> UseAsync(CreditCheckBuilder builder, SampleArguments arguments)
    {
        if (arguments.Redis is null)
        {
            var state = StateDirectory(AppDomain.CurrentDomain.FriendlyName);
            builder.UseInMemory(o => { o.DataDirectory = DataDirectory; o.StateDirectory = state; });
            return $"store: embedded (UseInMemory), seeded from samples/data; state in {state}";
        }

        var options = new RedisStoreOptions { Configuration = arguments.Redis, Namespace = arguments.Namespace, Secret = arguments.Secret };
        await using (var publisher = await RedisCreditPublisher.ConnectAsync(options))
        {
            if (await publisher.GetCatalogAsync() is null)
            {
                await publisher.PublishCatalogAsync(CreditCatalog.Default);
            }

            foreach (var list in ReadSampleData().GroupBy(r => r.Entry.ListCode, StringComparer.Ordinal))
            {
                await publisher.ImportListAsync(list.Key, list, ImportMode.Merge);
            }
        }

        builder.UseRedis(arguments.Redis, o =>
        {
            o.Namespace = arguments.Namespace;
            o.Secret = arguments.Secret;
        });
        return $"store: Redis {arguments.Redis}, namespace {arguments.Namespace} (seeded from samples/data)";
    }

    /// <summary>Starts what the host would start: feedback delivery, and the Redis store's first sync.</summary>
    public static async Task StartAsync(IServiceProvider provider)
    {
        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }
    }

    /// <summary>Stops it as the host would: feedback still buffered is delivered first (bounded wait).</summary>
    public static async Task StopAsync(IServiceProvider provider)
    {
        foreach (var hosted in provider.GetServices<IHostedService>().Reverse())
        {
            await hosted.StopAsync(CancellationToken.None);
        }
    }

    // The sample files are simple: UTF-8, a header row, no quoted fields (see samples/data/README.md).
    private static IEnumerable<ListRecord> ReadSampleData()
    {
        foreach (var file in Directory.EnumerateFiles(DataDirectory, "*.csv").Order(StringComparer.Ordinal))
        {
            var lines = File.ReadAllLines(file);
            var header = lines[0].Split(',');
            foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
            {
                if (line.Contains('"', StringComparison.Ordinal))
                {
                    throw new InvalidDataException($"{file}: quoted fields are beyond this sample helper; load real exports with `creditcheck import`.");
                }

                var cells = line.Split(',');
                yield return ToRecord(name => cells[Array.IndexOf(header, name)]);
            }
        }

        foreach (var file in Directory.EnumerateFiles(DataDirectory, "*.json").Order(StringComparer.Ordinal))
        {
            using var document = JsonDocument.Parse(File.ReadAllText(file));
            foreach (var entry in document.RootElement.GetProperty("entries").EnumerateArray())
            {
                yield return ToRecord(name => entry.TryGetProperty(name, out var value) ? value.GetString() ?? string.Empty : string.Empty);
            }
        }
    }

    private static ListRecord ToRecord(Func<string, string> field)
    {
        var kind = Enum.Parse<SubjectKind>(field("kind"));
        RelatedParty? related = field("relatedEnterprise") is { Length: > 0 } enterprise
            ? new RelatedParty(enterprise, NullIfEmpty(field("relatedEnterpriseCode")), Enum.Parse<RelatedRole>(field("relatedRole")))
            : null;
        return new ListRecord(SubjectId.Parse(field("subject"), kind), new ListEntry
        {
            EntryId = field("entryId"),
            ListCode = field("list"),
            SubjectKind = kind,
            SubjectName = NullIfEmpty(field("name")),
            Authority = NullIfEmpty(field("authority")),
            DecisionReference = NullIfEmpty(field("reference")),
            Summary = NullIfEmpty(field("summary")),
            ListedOn = Day(field("listedOn")),
            ValidFrom = Day(field("validFrom")),
            ValidUntil = Day(field("validUntil"))?.AddDays(1), // the published end date is inclusive
            Status = Enum.Parse<EntryStatus>(field("status")),
            RelatedTo = related,
        });
    }

    private static DateTimeOffset? Day(string text) => text.Length == 0
        ? null
        : new DateTimeOffset(DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture).ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8));

    private static string? NullIfEmpty(string text) => text.Length == 0 ? null : text;
}
