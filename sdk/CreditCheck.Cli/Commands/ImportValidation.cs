using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using CreditCheck.Catalog;
using CreditCheck.ListFiles;
using CreditCheck.Redis;
using CreditCheck.Stores;

namespace CreditCheck.Cli.Commands;

/// <summary>
/// Validates an import's rows as they stream by: parse problems, catalog refusals and an entry given
/// twice with different content; counts them, writes rejects, and decides whether the import may be
/// committed.
/// </summary>
/// <remarks>
/// An entry given twice is found in one of two ways. Against Redis the staging script finds it (the
/// staged index already holds the entry) and reports it through <see cref="IImportMonitor"/>, so the
/// tool keeps nothing per row and its memory does not grow with the file; the lines of an entry given
/// twice with different content are then found by reading the file a second time, which only happens
/// when there is such an entry. Elsewhere (the memory store, a dry run) the tool remembers a 64-bit
/// hash of each entry and its content.
/// </remarks>
internal sealed class ImportValidation(
    ImportCommand.ReadOptions options,
    CreditCatalog catalog,
    bool strict,
    RejectsWriter? rejects,
    bool rememberEntries,
    ImportMode mode,
    bool allowEmpty,
    TimeProvider time) : IImportMonitor
{
    // The CSV file's header, to name a refused entry's fields as the file calls them (null: JSON, or not read yet).
    private IReadOnlyList<string>? _header;

    private readonly Dictionary<ulong, (ulong Content, int Line)>? _seen = rememberEntries ? [] : null;

    // Entries Redis reported given twice with different content, and how many such rows.
    private readonly HashSet<EntryKey> _conflicts = [];
    private readonly XxHash64 _hash = new();
    private int _conflictingRows;

    /// <summary>Whether problems are numbered by entry (a JSON file: its n-th entry) rather than by line.</summary>
    public bool ByEntry => options.Format == "json" && !FileRefused;

    /// <summary>Whether any bad row refuses the import (no --rejects).</summary>
    public bool Strict => strict;

    public int Valid { get; private set; }

    public int Rejected { get; private set; }

    public int Duplicates { get; private set; }

    /// <summary>Valid rows whose code was taken only because of --lenient (its check character does not conform).</summary>
    public int NonConforming { get; private set; }

    public List<ListFileProblem> Problems { get; } = [];

    /// <summary>A bad row arrived without --rejects, or the file itself is unusable.</summary>
    public bool Refused { get; private set; }

    /// <summary>The file itself cannot be used (not text, malformed JSON, its header, another list's): no row may go in.</summary>
    public bool FileRefused { get; private set; }

    /// <summary>The header row cannot be used (no identifier column, one repeated, …): no data row was read.</summary>
    public bool HeaderRefused { get; private set; }

    /// <summary>How many entries the list held before a replace import (Redis), or null when not known.</summary>
    public long? ListedBefore { get; set; }

    /// <summary>Whether a replace may remove most of a large list (<c>--allow-mass-removal</c>).</summary>
    public bool AllowMassRemoval { get; set; }

    /// <summary>How many entries a replace removes at least: those the list holds beyond the file's valid rows (exact
    /// when every row of the file is already listed); null when the list's size is not known.</summary>
    public long? RemovedAtLeast => ListedBefore is { } before ? Math.Max(0, before - Valid) : null;

    /// <summary>Why the import was refused as a whole once its rows were read (Chinese, English), or null.</summary>
    public (string Chinese, string English)? WholeRefusal { get; private set; }

    /// <summary>The records of the valid rows, in file order.</summary>
    public IEnumerable<ListRecord> GoodRecords(Action<long>? progress, CancellationToken cancellationToken)
    {
        foreach (var row in ImportCommand.Read(options, OnHeader, progress))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var problems = Check(row);
            if (problems is not null)
            {
                Reject(row, problems);

                // Without --rejects any bad row refuses the file; a broken header or file always does.
                // (A JSON entry is a row like a CSV line: with --rejects a bad one goes to the rejects.)
                HeaderRefused |= row.SpoilsFile && options.Format != "json" && row.Line == 1;
                FileRefused |= row.SpoilsFile;
                Refused |= strict || row.SpoilsFile;
                continue;
            }

            if (row.Record is not { } record)
            {
                continue;
            }

            Valid++;
            NonConforming += record.Subject.CheckCharacterConforms ? 0 : 1;

            // A refused import goes on only where Redis must see the rest to find repeated entries.
            if (!Refused || _seen is null)
            {
                yield return record;
            }
        }
    }

    /// <summary>Ends the record stream with a refusal when the file must not go in (for stores that
    /// take no <see cref="IImportMonitor"/>).</summary>
    public IEnumerable<ListRecord> Guarded(IEnumerable<ListRecord> records)
    {
        foreach (var record in records)
        {
            yield return record;
        }

        Decide();
    }

    /// <inheritdoc/>
    public void Repeated(long position, ListRecord record, bool differs)
    {
        if (!differs)
        {
            Duplicates++;
            return;
        }

        Valid--;
        Rejected++;
        _conflictingRows++;
        _conflicts.Add(EntryKey.Of(record));
        Refused |= strict;
    }

    /// <inheritdoc/>
    public void Staged()
    {
        if (_conflictingRows > 0)
        {
            LocateConflicts();
        }

        Decide();
    }

    /// <summary>For a dry run: whether the import would be refused as a whole (<see cref="WholeRefusal"/>), as the
    /// real one decides once everything is staged.</summary>
    public void DecideDry()
    {
        try
        {
            Decide();
        }
        catch (RefusedException)
        {
            // WholeRefusal (or the bad rows already reported) says why.
        }
    }

    private void Decide()
    {
        if (Refused)
        {
            throw new RefusedException();
        }

        if (Valid == 0 && mode == ImportMode.Replace && !allowEmpty)
        {
            WholeRefusal = (
                "没有有效行：替换导入会清空该名单，未写入任何数据（确需清空请加 --allow-empty）",
                "No valid rows: a replace import would empty the list. Nothing was written (pass --allow-empty if that is meant).");
            throw new RefusedException();
        }

        // A list of at least 1,000 entries losing more than half of them in one replace is more often an export cut
        // short or a forgotten --mode merge than a decision: refused unless said (the floor keeps small lists free).
        if (mode == ImportMode.Replace && !AllowMassRemoval && MassRemoval(ListedBefore, Valid) is { } refusal)
        {
            WholeRefusal = refusal;
            throw new RefusedException();
        }

        if (Rejected > 0 && mode == ImportMode.Replace)
        {
            // A rejected row may be an entry that is still listed: a replace would remove it, and the subject
            // would be answered clean. Its good rows go in only by merge, which removes nothing.
            WholeRefusal = (
                $"替换导入中有 {Rejected} 行有误：这些行可能是仍在名单上的条目，替换导入会将其移除，因此未写入任何数据。"
                    + "请修正 rejects 文件中的行后重新导入；或用 --mode merge 只导入有效行（不移除任何条目）",
                $"{Rejected} rows are bad in a replace import: they may be entries still on the list, which a replace would remove, so nothing was written. "
                    + "Fix the rows in the rejects file and import again, or import the good rows with --mode merge (which removes nothing).");
            throw new RefusedException();
        }
    }

    /// <summary>Why a replace that leaves <paramref name="valid"/> rows of a list of <paramref name="before"/> entries is
    /// refused (Chinese, English), or null when it is not: a list of at least 1,000 entries losing more than half of them
    /// in one replace is more often an export cut short or a forgotten --mode merge than a decision (the floor keeps
    /// small lists free).</summary>
    public static (string Chinese, string English)? MassRemoval(long? before, long valid)
    {
        if (before is not { } listed || listed < 1_000)
        {
            return null;
        }

        var removed = Math.Max(0, listed - valid);
        if (removed <= listed / 2)
        {
            return null;
        }

        return (
            $"替换导入将从该名单现有的 {listed} 条条目中移除至少 {removed} 条（文件仅有 {valid} 行有效），未写入任何数据。"
                + "若只是增加或更新条目，请用 --mode merge；确需移除，请加 --allow-mass-removal",
            $"A replace would remove at least {removed} of the list's {listed} entries (the file has {valid} valid rows), so nothing was written. "
                + "To add or update entries use --mode merge; if the removal is meant, pass --allow-mass-removal.");
    }

    private void Reject(ListFileRow row, List<ListFileProblem> problems)
    {
        Rejected++;
        Problems.AddRange(problems);
        rejects?.Write(row, problems);
    }

    /// <summary>The row's problems, or null when it is good.</summary>
    private List<ListFileProblem>? Check(ListFileRow row)
    {
        if (row.Record is not { } record)
        {
            return row.Problems.Count > 0 ? [.. row.Problems] : null;
        }

        if (ListEntryRules.CheckDetailed(record, catalog, time) is { } refusal)
        {
            // Found from outside: an entry ending before it starts was refused under an empty column.
            var columns = refusal.Columns.Count == 0 ? null : string.Join(", ", refusal.Columns.Select(c => ColumnName(c, record)).Distinct(StringComparer.Ordinal));
            return [new ListFileProblem(options.File.Name, row.Line, columns, refusal.Message) { ChineseMessage = refusal.ChineseMessage }];
        }

        if (_seen is null)
        {
            return null;
        }

        // The same entry twice: harmless when equal, refused when it differs.
        _hash.Reset();
        Add(_hash, (long)record.Subject.Kind);
        Add(_hash, record.Subject.Value);
        Add(_hash, record.Entry.EntryId);
        var key = _hash.GetCurrentHashAsUInt64();
        var content = ContentHash(record.Entry);
        if (_seen.TryAdd(key, (content, row.Line)))
        {
            return null;
        }

        var first = _seen[key];
        if (first.Content != content)
        {
            return [Conflict(row.Line, record, first.Line)];
        }

        Duplicates++;
        return null;
    }

    /// <summary>Reads the file again to name the lines of the entries Redis found given twice with
    /// different content: the first occurrence stands (it was staged), each later one that differs
    /// from it is rejected.</summary>
    private void LocateConflicts()
    {
        var first = new Dictionary<EntryKey, (int Line, ulong Content)>();
        var located = 0;
        foreach (var row in ImportCommand.Read(options, null, null))
        {
            if (row.Record is not { } record || !_conflicts.Contains(EntryKey.Of(record)) || ListEntryRules.CheckDetailed(record, catalog, time) is not null)
            {
                continue;
            }

            var key = EntryKey.Of(record);
            var content = ContentHash(record.Entry);
            if (!first.TryGetValue(key, out var earlier))
            {
                first[key] = (row.Line, content);
            }
            else if (earlier.Content != content)
            {
                var problem = Conflict(row.Line, record, earlier.Line);
                Problems.Add(problem);
                rejects?.Write(row, [problem]);
                located++;
            }
        }

        if (located != _conflictingRows)
        {
            throw new CliException(ExitCodes.InvalidInput, $"{options.File.Name} 在导入过程中被修改，未写入任何数据，请重新导入", $"{options.File.Name} changed while it was being imported; nothing was written. Import it again.");
        }
    }

    private void OnHeader(IReadOnlyList<string> header)
    {
        _header = header;
        rejects?.WriteHeader(header);
    }

    /// <summary>A field as the file names it: the CSV header of its column (the operator's <c>--column</c> mapping first,
    /// as the reader resolves it), else the field's documented name. A start date the file does not give is its listing
    /// date (the reader takes one for the other), so that column is named.</summary>
    private string ColumnName(ListColumn column, ListRecord record)
    {
        if (_header is { } header)
        {
            if ((Find(header, column) ?? (column == ListColumn.ValidFrom ? Find(header, ListColumn.ListedOn) : null)) is { } found)
            {
                return found;
            }
        }
        else if (column == ListColumn.ValidFrom && record.Entry.ValidFrom == record.Entry.ListedOn)
        {
            column = ListColumn.ListedOn; // a JSON entry's start, when it is its listing date (given, or taken for it)
        }

        return System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(column.ToString());

        string? Find(IReadOnlyList<string> header, ListColumn wanted) => header.FirstOrDefault(h =>
        {
            var key = ListColumns.Key(h);
            var resolved = options.Mapping is { } mapping && mapping.TryGetValue(key, out var mapped) ? mapped
                : ListColumns.Aliases.TryGetValue(key, out var known) ? known : (ListColumn?)null;
            return resolved == wanted;
        });
    }

    private ListFileProblem Conflict(int line, ListRecord record, int firstLine) =>
        new(options.File.Name, line, "entryId", $"Entry '{record.Entry.EntryId}' of this subject is also on line {firstLine} with different content.")
        {
            ChineseMessage = $"该主体的条目“{record.Entry.EntryId}”在第{firstLine}行也出现，但内容不同",
        };

    // Everything an entry says, hashed (XXH64) without building its text.
    private ulong ContentHash(ListEntry entry)
    {
        _hash.Reset();
        foreach (var text in (string?[])[entry.SubjectName, entry.Authority, entry.DecisionReference, entry.Summary, entry.StatusReason, entry.RelatedTo?.EnterpriseName, entry.RelatedTo?.EnterpriseCode, entry.Level])
        {
            Add(_hash, text);
        }

        foreach (var value in (long[])[entry.ListedOn?.UtcTicks ?? -1, entry.ValidFrom?.UtcTicks ?? -1, entry.ValidUntil?.UtcTicks ?? -1, (long)entry.Status, (long?)entry.RelatedTo?.Role ?? -1, entry.RelatedTo?.ListedInOwnRight is { } ownRight ? (ownRight ? 1 : 0) : -1])
        {
            Add(_hash, value);
        }

        return _hash.GetCurrentHashAsUInt64();
    }

    // Each text length-prefixed (null as -1), so that no two sequences of parts hash the same bytes.
    private static void Add(XxHash64 hash, string? text)
    {
        Add(hash, text?.Length ?? -1);
        hash.Append(MemoryMarshal.AsBytes((text ?? "").AsSpan()));
    }

    private static void Add(XxHash64 hash, long value)
    {
        Span<byte> bytes = stackalloc byte[sizeof(long)];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        hash.Append(bytes);
    }

    /// <summary>An entry's identity within a list: its subject and entry id.</summary>
    private readonly record struct EntryKey(SubjectKind Kind, string Subject, string EntryId)
    {
        public static EntryKey Of(ListRecord record) => new(record.Subject.Kind, record.Subject.Value, record.Entry.EntryId);
    }

    /// <summary>Ends an import whose file was refused; the store drops what it staged.</summary>
    internal sealed class RefusedException : Exception
    {
        public RefusedException()
            : base("The import was refused.")
        {
        }
    }
}
