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
            store.ContinueFrom(options.InitialSequence);
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
            // Strict UTF-8: a GBK export would otherwise load with U+FFFD in every name and authority.
            using var reader = new StreamReader(path, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true);
            var rows = extension == ".csv"
                ? ListFileReader.ReadCsv(reader, path, defaultList, options.IdentifierMode)
                : ListFileReader.ReadJson(File.ReadAllBytes(path), path, defaultList, options.IdentifierMode);
            foreach (var row in NotGarbled(rows, path, problems))
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

        store.ContinueFrom(options.InitialSequence);
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

    /// <summary>The rows, ended by a problem when the file turns out not to be UTF-8 text.</summary>
    private static IEnumerable<ListFileRow> NotGarbled(IEnumerable<ListFileRow> rows, string path, List<ListFileProblem> problems)
    {
        using var each = rows.GetEnumerator();
        while (true)
        {
            try
            {
                if (!each.MoveNext())
                {
                    yield break;
                }
            }
            catch (DecoderFallbackException)
            {
                problems.Add(new ListFileProblem(path, 0, null, "The file is not UTF-8 text (a GBK export?); the embedded store reads UTF-8: save it as UTF-8, or import it with creditcheck import --encoding gbk.")
                {
                    ChineseMessage = "文件不是 UTF-8 文本（可能是 GBK 导出）；内置存储只读 UTF-8：请另存为 UTF-8，或用 creditcheck import --encoding gbk 导入",
                });
                yield break;
            }

            yield return each.Current;
        }
    }
}
