using System.Text;
using CreditCheck.Catalog;
using CreditCheck.ListFiles;

namespace CreditCheck.Stores;

/// <summary>Builds an in-memory store from its options: the catalog, then every list file of the
/// data folder. Refuses to start on any bad row, naming each one, so that no listing is silently
/// dropped.</summary>
internal static class InMemoryStoreSeeder
{
    private const int ProblemsShown = 25;

    public static InMemoryCreditStore Create(InMemoryStoreOptions options, out int files)
    {
        var catalog = LoadCatalog(options);
        var store = new InMemoryCreditStore(catalog);
        files = 0;
        if (options.DataDirectory is not { } directory)
        {
            return store;
        }

        var problems = new List<ListFileProblem>();
        var byList = new Dictionary<string, List<Stores.ListRecord>>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFiles(directory).Order(StringComparer.Ordinal))
        {
            var extension = Path.GetExtension(path).ToLowerInvariant();
            var name = Path.GetFileNameWithoutExtension(path);
            if (extension is not (".csv" or ".json") || string.Equals(Path.GetFileName(path), "catalog.json", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            files++;
            var defaultList = catalog.FindList(name)?.Code;
            using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            var rows = extension == ".csv"
                ? ListFileReader.ReadCsv(reader, path, defaultList, options.IdentifierMode)
                : ListFileReader.ReadJson(File.ReadAllBytes(path), path, defaultList, options.IdentifierMode);
            foreach (var row in rows)
            {
                if (row.Record is null)
                {
                    problems.AddRange(row.Problems);
                    continue;
                }

                if (ListEntryRules.CheckDetailed(row.Record, catalog) is { } refusal)
                {
                    problems.Add(new ListFileProblem(path, row.Line, null, refusal.Message) { ChineseMessage = refusal.ChineseMessage });
                    continue;
                }

                if (!byList.TryGetValue(row.Record.Entry.ListCode, out var records))
                {
                    byList[row.Record.Entry.ListCode] = records = [];
                }

                records.Add(row.Record);
            }
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException(
                $"The in-memory store's data in '{directory}' has {problems.Count} bad rows; nothing was loaded:{Environment.NewLine}  "
                + string.Join(Environment.NewLine + "  ", problems.Take(ProblemsShown))
                + (problems.Count > ProblemsShown ? $"{Environment.NewLine}  … and {problems.Count - ProblemsShown} more." : string.Empty));
        }

        foreach (var (list, records) in byList)
        {
            try
            {
                store.ImportListAsync(list, records, ImportMode.Merge).GetAwaiter().GetResult();
            }
            catch (Stores.ListEntryException e)
            {
                throw new InvalidOperationException($"The in-memory store's data in '{directory}' was refused: {e.Message}", e);
            }
        }

        return store;
    }

    private static CreditCatalog LoadCatalog(InMemoryStoreOptions options)
    {
        if (options.Catalog is not null)
        {
            return options.Catalog;
        }

        var path = options.CatalogPath;
        if (path is null && options.DataDirectory is { } directory && File.Exists(Path.Combine(directory, "catalog.json")))
        {
            path = Path.Combine(directory, "catalog.json");
        }

        return path is null ? CreditCatalog.Default : CatalogReader.Read(File.ReadAllBytes(path), path);
    }
}
