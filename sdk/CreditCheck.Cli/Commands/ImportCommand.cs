using System.CommandLine;
using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using CreditCheck.Catalog;
using CreditCheck.ListFiles;
using CreditCheck.Redis;
using CreditCheck.Stores;
using Spectre.Console;

using StackExchange.Redis;

namespace CreditCheck.Cli.Commands;

/// <summary>
/// <c>import FILE --list ID</c>: validates every row first (each bad row reported with line, column and
/// reason), then streams the good rows into the store, whose switch to the new data is atomic.
/// Without <c>--rejects</c> one bad row refuses the whole import; with it the bad ones go to the file and, in
/// merge mode, the good rows go in (a replace with a bad row is still refused: it would remove that row's entry).
/// </summary>
internal static class ImportCommand
{
    private const int ProblemsShown = 50;

    public static Command Create(CommandContext context)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "The list export (CSV with a header row, or JSON)." };
        var list = new Option<string?>("--list") { Description = "Code of the list being loaded, e.g. court-dishonest-debtors. Without it, every list the file's list column names is imported, each on its own (the whole file is checked first; any bad row refuses it all)." };
        var format = new Option<string?>("--format") { Description = "csv or json (default: from the file name)." };
        var encoding = new Option<string>("--encoding") { Description = "utf-8 (default; a BOM is honoured), gbk or gb18030.", DefaultValueFactory = _ => "utf-8" };
        var mode = new Option<string>("--mode") { Description = "replace (default: entries absent from the file are removed) or merge.", DefaultValueFactory = _ => "replace" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Validate only; write nothing." };
        var rejects = new Option<FileInfo?>("--rejects") { Description = "Write bad rows here (with line and reason) and, with --mode merge, import the good ones (a replace with bad rows is refused: it would remove their entries)." };
        var lenient = new Option<bool>("--lenient") { Description = "Accept codes whose check character does not conform (early pilot-region codes)." };
        var columns = new Option<string[]>("--column")
        {
            Description = "Map a header to a field, e.g. --column 被执行人=name or --column 组织机构代码=- (ignore); repeatable. Fields: "
                + "list, kind, subject, alternateSubject, name, authority, reference, listedOn, validFrom, validUntil, status, statusReason, relatedEnterprise, relatedEnterpriseCode, relatedRole, summary, entryId, level (a rating's results).",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var allowEmpty = new Option<bool>("--allow-empty") { Description = "Let a replace import with no valid rows empty the list (refused otherwise: an empty export is more often a mistake)." };
        var allowMassRemoval = new Option<bool>("--allow-mass-removal") { Description = "Let a replace import remove most of a list (refused otherwise when a list of at least 1,000 entries would lose more than half: an export cut short, or a forgotten --mode merge, is the likelier cause)." };
        var command = new Command("import", "Import a list export into the store, atomically.") { file, list, format, encoding, mode, dryRun, rejects, lenient, allowEmpty, allowMassRemoval, columns };

        command.SetAction(async (parse, ct) =>
        {
            var source = parse.GetValue(file)!;
            var listCode = parse.GetValue(list);
            var importMode = parse.GetValue(mode) switch
            {
                "replace" => ImportMode.Replace,
                "merge" => ImportMode.Merge,
                var other => throw new CliException(ExitCodes.Usage, $"--mode '{other}' 应为 replace（替换）或 merge（合并）", $"--mode '{other}' is not replace or merge."),
            };
            var options = new ReadOptions(
                source,
                listCode,
                Format(parse.GetValue(format), source),
                TextEncoding(parse.GetValue(encoding)!),
                parse.GetValue(lenient) ? SubjectIdParseMode.LenientCheckCharacter : SubjectIdParseMode.Strict,
                Mapping(parse.GetValue(columns)));
            if (!source.Exists)
            {
                throw new CliException(ExitCodes.InvalidInput, $"文件 '{source.FullName}' 不存在", $"File '{source.FullName}' does not exist.");
            }

            // Found from outside: --rejects naming the file being imported truncated it before it was read.
            if (parse.GetValue(rejects) is { } rejectsTarget && SameFile(rejectsTarget, source))
            {
                throw new CliException(ExitCodes.Usage,
                    $"--rejects 不能是导入文件本身（{source.Name}）：写入有误行会先清空该文件；请另指定一个文件",
                    $"--rejects names the file being imported ({source.Name}): writing the bad rows would first empty it. Name another file.");
            }

            if (options.Encoding.CodePage != Encoding.UTF8.CodePage && LooksLikeUtf8(source))
            {
                // GBK decodes almost any bytes, so UTF-8 read as GBK would go in as garbled names without a word.
                throw new CliException(
                    ExitCodes.InvalidInput,
                    $"文件 {source.Name} 是 UTF-8 文本，不是 {EncodingName(options.Encoding)}：请去掉 --encoding（按 GBK 读会把名称读成乱码）",
                    $"{source.Name} is UTF-8 text, not {EncodingName(options.Encoding)}: drop --encoding (read as GBK its names would be garbled).");
            }

            await using var store = await context.OpenStoreAsync(parse, ct);
            if (store is RedisOperatorStore redisStore)
            {
                await WarnOfEvictionAsync(context, redisStore);
            }

            var catalog = await store.GetCatalogAsync(ct) ?? throw await store.NoCatalogAsync(ct);
            var json = parse.GetValue(GlobalOptions.Json);
            var dry = parse.GetValue(dryRun);
            var rejectsFile = parse.GetValue(rejects);
            if (listCode is null)
            {
                if (rejectsFile is not null)
                {
                    throw new CliException(ExitCodes.Usage, "--rejects 需要 --list：多名单文件须整体无误才导入", "--rejects needs --list: a file of several lists goes in only when every row is good.");
                }

                return await ImportEveryListAsync(context, store, catalog, options, importMode, json, dry, parse.GetValue(allowEmpty), parse.GetValue(allowMassRemoval), ct);
            }

            if (catalog.FindList(listCode) is null)
            {
                throw new CliException(ExitCodes.InvalidInput, $"名单 '{listCode}' 不在目录 {catalog.Version} 中", $"List '{listCode}' is not in catalog {catalog.Version}; its lists are: {string.Join(", ", catalog.Lists.Select(l => l.Code))}.");
            }

            return await ImportOneListAsync(context, store, catalog, options, listCode, importMode, json, dry, rejectsFile, parse.GetValue(allowEmpty), parse.GetValue(allowMassRemoval), null, ct);
        });
        return command;
    }

    /// <summary>Before anything is read: on standard error, Chinese then English, whether the Redis written to may evict
    /// the namespace's keys. Its entries have no TTL, so under a <c>maxmemory</c> only an <c>allkeys-*</c> policy evicts
    /// them — and a subject's evicted entry hash makes a listed subject unreadable; a <c>volatile-*</c> one refuses
    /// writes once memory is full. Without a <c>maxmemory</c> nothing is evicted. A user that may not ask (INFO is in
    /// <c>@dangerous</c>) is told it could not be checked; the import goes on either way.</summary>
    private static async Task WarnOfEvictionAsync(CommandContext context, RedisOperatorStore store)
    {
        var found = await store.ReadMemoryPolicyAsync(why => context.Output.Fail(
            $"提示：无法检查 Redis 的淘汰策略（{why.Chinese}）；请确认 maxmemory-policy 为 noeviction，否则被淘汰的条目会使在册主体无法读取。 — "
            + $"note: Redis's eviction policy could not be checked ({why.English}); make sure maxmemory-policy is noeviction, since an evicted entry makes a listed subject unreadable."));
        if (found is not { MaxMemory: > 0 } memory)
        {
            return; // not known, or no memory limit: nothing is evicted
        }

        var (maxMemory, policy) = memory;

        var size = maxMemory >= 1L << 30
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{maxMemory / (double)(1L << 30):0.##} GiB")
            : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{maxMemory / (double)(1L << 20):0.##} MiB");
        if (policy.StartsWith("allkeys-", StringComparison.Ordinal))
        {
            context.Output.Fail(
                $"警告：Redis 设置了 maxmemory（{size}）且 maxmemory-policy 为 {policy}：内存不足时可能淘汰本命名空间的任何键，被淘汰的主体条目会使在册主体无法读取。"
                + "请将 maxmemory-policy 设为 noeviction（CONFIG SET maxmemory-policy noeviction，并写入 redis.conf）。 — "
                + $"warning: Redis has maxmemory {size} and maxmemory-policy {policy}: under memory pressure it may evict any key of this namespace, and a subject's evicted entry hash makes a listed subject unreadable. "
                + "Set maxmemory-policy noeviction (CONFIG SET maxmemory-policy noeviction, and in redis.conf).");
        }
        else if (policy.StartsWith("volatile-", StringComparison.Ordinal))
        {
            context.Output.Fail(
                $"提示：Redis 设置了 maxmemory（{size}）且 maxmemory-policy 为 {policy}：名单数据的键没有过期时间，不会被淘汰，但内存用满时 Redis 会拒绝写入（OOM），导入将失败（原有数据不变）；"
                + "带过期时间的键（导入锁、每日核查计数）仍可能被淘汰。建议设为 noeviction，并为 Redis 留足内存。 — "
                + $"note: Redis has maxmemory {size} and maxmemory-policy {policy}: the list data's keys have no TTL and are not evicted, but once memory is full Redis refuses writes (OOM) and the import fails (the data before stays); "
                + "the keys that have a TTL (an import's lock, the daily check counts) may still be evicted. Prefer maxmemory-policy noeviction, and leave Redis room.");
        }
    }

    /// <summary>A file of several lists (the list column says which): every row is checked first, as one file;
    /// then each list is imported from it on its own, atomically, in the order the file first names them.</summary>
    private static async Task<int> ImportEveryListAsync(
        CommandContext context, OperatorStore store, CreditCatalog catalog, ReadOptions options, ImportMode importMode, bool json, bool dry, bool allowEmpty, bool allowMassRemoval, CancellationToken ct)
    {
        var check = new ImportValidation(options, catalog, strict: true, rejects: null, rememberEntries: true, importMode, allowEmpty, context.Time);
        var rows = new Dictionary<string, long>(StringComparer.Ordinal); // valid rows per list, in the order the file names them
        var lists = new List<string>();
        foreach (var record in check.GoodRecords(null, ct))
        {
            if (!rows.TryGetValue(record.Entry.ListCode, out var count))
            {
                lists.Add(record.Entry.ListCode);
            }

            rows[record.Entry.ListCode] = count + 1;
        }

        // What a replace would remove from each list, and whether the guard refuses it — for every list before any is
        // written (found from outside: the dry run said nothing, and the import committed the first list, was refused
        // on the second by this guard, and exited 1, whose meaning is "nothing was written").
        var removals = check.Problems.Count == 0 && importMode == ImportMode.Replace && store.Publisher is RedisCreditPublisher
            ? await RemovalsAsync(store, lists, rows, ct)
            : null;
        var refusals = allowMassRemoval || removals is null
            ? []
            : removals.Select(r => (r.List, Why: ImportValidation.MassRemoval(r.Before, r.Valid))).Where(r => r.Why is not null).ToList();
        if (check.Problems.Count > 0 || dry || refusals.Count > 0)
        {
            Report(context, check, json, written: false, dryRun: dry, perList: removals is null ? null : PerList(removals));
            if (check.Problems.Count == 0 && !json)
            {
                context.Output.Console.MarkupLine(Markup.Escape($"名单：{string.Join("、", lists)} — lists: {string.Join(", ", lists)}."));
                foreach (var r in removals?.Where(r => r.Before > 0) ?? [])
                {
                    context.Output.Console.MarkupLine(Markup.Escape(
                        $"{r.List}：替换导入将移除该名单现有 {r.Before} 条中的至少 {r.RemovedAtLeast} 条 — a replace would remove at least {r.RemovedAtLeast} of its {r.Before} entries."));
                }
            }

            if (check.Problems.Count == 0 && refusals.Count > 0)
            {
                var (first, why) = (refusals[0], refusals[0].Why!.Value);
                throw new CliException(ExitCodes.InvalidInput,
                    $"名单 '{first.List}'：{why.Chinese}{(refusals.Count > 1 ? $"（名单 {string.Join("、", refusals.Skip(1).Select(r => r.List))} 同样）" : string.Empty)}；文件中的任何名单均未导入",
                    $"List '{first.List}': {why.English}{(refusals.Count > 1 ? $" (so would lists {string.Join(", ", refusals.Skip(1).Select(r => r.List))})" : string.Empty)} No list of the file was imported.");
            }

            return check.Problems.Count == 0 ? ExitCodes.Ok : ExitCodes.InvalidInput;
        }

        if (lists.Count == 0)
        {
            throw new CliException(ExitCodes.InvalidInput, $"{options.File.Name} 没有任何条目", $"{options.File.Name} holds no entry.");
        }

        var results = new JsonObject(); // --json: one document, each list's result under its code
        var done = new List<string>();
        foreach (var code in lists)
        {
            if (!json)
            {
                context.Output.Console.MarkupLine(Markup.Escape($"== {code}"));
            }

            int exit;
            try
            {
                exit = await ImportOneListAsync(context, store, catalog, options with { OnlyList = code }, code, importMode, json, dry: false, rejectsFile: null, allowEmpty, allowMassRemoval, results, ct);
            }
            catch (CliException e) when (done.Count > 0)
            {
                // The lists before it went in, each whole; the rest did not. Say which, whatever the exit code.
                throw new CliException(e.ExitCode, $"{e.Message}. {Imported(done, lists)}");
            }

            if (exit != ExitCodes.Ok)
            {
                if (json)
                {
                    context.Output.WriteJson(new JsonObject { ["lists"] = results });
                }

                if (done.Count > 0)
                {
                    context.Output.Fail(Imported(done, lists));
                }

                return exit;
            }

            done.Add(code);
        }

        if (json)
        {
            context.Output.WriteJson(new JsonObject { ["lists"] = results });
        }

        return ExitCodes.Ok;
    }

    private static string Imported(List<string> done, List<string> lists)
    {
        var rest = lists.Except(done, StringComparer.Ordinal).ToList();
        return $"已完整导入的名单：{string.Join("、", done)}；未导入：{string.Join("、", rest)} — lists imported whole before this: {string.Join(", ", done)}; not imported: {string.Join(", ", rest)}.";
    }

    private static async Task<List<ListRemoval>> RemovalsAsync(OperatorStore store, List<string> lists, Dictionary<string, long> rows, CancellationToken ct)
    {
        var counts = await store.CountEntriesAsync(ct);
        return [.. lists.Select(code => new ListRemoval(code, counts.GetValueOrDefault(code), rows[code]))];
    }

    private static JsonObject PerList(List<ListRemoval> removals)
    {
        var node = new JsonObject();
        foreach (var r in removals)
        {
            node[r.List] = new JsonObject { ["valid"] = r.Valid, ["listedBefore"] = r.Before, ["removedAtLeast"] = r.RemovedAtLeast };
        }

        return node;
    }

    private static async Task<int> ImportOneListAsync(
        CommandContext context, OperatorStore store, CreditCatalog catalog, ReadOptions options, string listCode, ImportMode importMode, bool json, bool dry, FileInfo? rejectsFile, bool allowEmpty, bool allowMassRemoval, JsonObject? results, CancellationToken ct)
    {
        var source = options.File;
        // One pass: every row is validated as it is read; good rows are staged (invisible) as
        // they come. A bad row without --rejects refuses the import: the rest of the file is
        // still checked (and staged, so that Redis finds entries given twice) so that every
        // problem is reported, and the staged rows are dropped: nothing is written. With
        // --rejects the bad rows go to the file and the good ones in.
        using var rejectsWriter = rejectsFile is null || dry ? null : OpenRejects(rejectsFile);

        // Redis finds an entry given twice itself, as it stages; elsewhere the tool remembers each entry.
        var redis = dry ? null : store.Publisher as RedisCreditPublisher;
        var check = new ImportValidation(options, catalog, strict: rejectsFile is null, rejectsWriter, rememberEntries: redis is null, importMode, allowEmpty, context.Time);

        // What a replace would remove, said before it does (found from outside: a one-row file replaced a list of
        // 400,080 entries, and --dry-run said only "1 rows valid").
        if (importMode == ImportMode.Replace && store.Publisher is RedisCreditPublisher)
        {
            check.ListedBefore = (await store.CountEntriesAsync(ct)).GetValueOrDefault(listCode);
            check.AllowMassRemoval = allowMassRemoval;
        }
        // Read before: after a failure the tool checks the data before against it instead of assuming it stays.
        var sequenceBefore = redis is null ? 0 : await redis.GetSequenceAsync(ct);
        var clock = Stopwatch.StartNew();
        ImportSummary? summary = null;

        Task<ImportSummary> Import(Action<long>? progress) => redis is not null
            ? redis.ImportListAsync(listCode, check.GoodRecords(progress, ct), importMode, check, progress: null, ct)
            : store.Publisher.ImportListAsync(listCode, check.Guarded(check.GoodRecords(progress, ct)), importMode, ct);
        try
        {
            if (dry)
            {
                foreach (var _ in check.GoodRecords(null, ct))
                {
                }

                check.DecideDry();
            }
            else if (context.Output.Interactive && !json)
            {
                await context.Output.Console.Progress().StartAsync(async progress =>
                {
                    var task = progress.AddTask($"Importing {listCode}", maxValue: Math.Max(1, source.Length));
                    summary = await Import(bytes => task.Value = bytes);
                    task.Value = task.MaxValue; // read to the end (progress is reported every 1024 lines)
                });
            }
            else
            {
                summary = await Import(null);
            }
        }
        catch (ImportValidation.RefusedException)
        {
            // The store dropped what was staged; report why.
        }
        catch (Exception e) when (StoreFailure.IsDamage(e))
        {
            throw; // the namespace's own keys are damaged: said as such (exit 7), not as a failing store
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // One line: what failed, and what is left (checked, not assumed: Redis may have lost the namespace).
            var (causeChinese, causeEnglish) = StoreFailure.Cause(e);
            var (stateChinese, stateEnglish) = redis is null
                ? ("未导入任何数据，原有数据不变；请在存储恢复后重新导入", "nothing was imported, the data before stays. Import again once the store is back")
                : await StoreFailure.StateAfterAsync(redis, sequenceBefore);
            throw new CliException(
                ExitCodes.StoreUnavailable,
                $"导入名单 '{listCode}' 时存储出错：{causeChinese}；{stateChinese}",
                $"The store failed while the rows were staged ({causeEnglish}); list '{listCode}': {stateEnglish}.");
        }

        if (summary is null)
        {
            Report(context, check, json, written: false, dryRun: dry, results: results, list: listCode);
            if (check.WholeRefusal is { } why)
            {
                throw new CliException(ExitCodes.InvalidInput, $"名单 '{listCode}'：{why.Chinese}", $"List '{listCode}': {why.English}");
            }

            // A dry run exits as the import would: with --rejects in a merge, bad rows go to the file and the good ones
            // in, exit 0 (found from outside: the dry run exited 1, the import 0).
            return check.Problems.Count == 0 || (dry && !check.Refused) ? ExitCodes.Ok : ExitCodes.InvalidInput;
        }

        await store.SaveAsync(ct);
        Report(context, check, json, written: true, summary, clock.Elapsed, results: results, list: listCode);
        return ExitCodes.Ok;
    }

    private static RejectsWriter OpenRejects(FileInfo file)
    {
        try
        {
            return new RejectsWriter(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.InvalidInput,
                $"无法写入 rejects 文件 '{file.FullName}'（{e.Message}），未导入任何数据",
                $"The rejects file '{file.FullName}' cannot be written ({e.Message}); nothing was imported.");
        }
    }

    private static bool SameFile(FileInfo a, FileInfo b)
    {
        static string Real(FileInfo file) => (file.Exists ? file.ResolveLinkTarget(returnFinalTarget: true)?.FullName : null) ?? Path.GetFullPath(file.FullName);
        return string.Equals(Real(a), Real(b), OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
    }

    // Streams the file; bytes that are not text in the chosen encoding (a binary file, GBK read as
    // UTF-8) end the read with a clear error instead of garbled names.
    internal static IEnumerable<ListFileRow> Read(ReadOptions options, Action<IReadOnlyList<string>>? onHeader, Action<long>? progress)
    {
        using var stream = new FileStream(options.File.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        using var reader = new StreamReader(stream, options.Encoding, detectEncodingFromByteOrderMarks: true);
        IEnumerator<ListFileRow> opened;
        try
        {
            opened = (options.Format == "json"
                ? ReadJson(reader, options)
                : ListFileReader.ReadCsv(reader, options.File.Name, options.List, options.Mode, onHeader, options.Mapping)).GetEnumerator();
        }
        catch (DecoderFallbackException)
        {
            // A JSON file is decoded whole before it is parsed: its bytes that are not text in the encoding end here.
            throw EncodingProblem.Describe(options.File, options.Encoding, EncodingName(options.Encoding));
        }

        using var rows = opened;
        var line = 1;
        while (true)
        {
            try
            {
                if (!rows.MoveNext())
                {
                    yield break;
                }
            }
            catch (DecoderFallbackException)
            {
                // The reader decodes ahead of the rows it hands out: find the line that holds the bytes.
                throw EncodingProblem.Describe(options.File, options.Encoding, EncodingName(options.Encoding));
            }

            line = rows.Current.Line;
            if ((line & 1023) == 0)
            {
                progress?.Invoke(stream.Position);
            }

            if (options.OnlyList is { } only && rows.Current.Record is { } record && record.Entry.ListCode != only)
            {
                continue; // another list's row, imported on its own
            }

            yield return rows.Current;
        }
    }

    // UTF-8 JSON is read as bytes. Bytes that are not UTF-8 (a GBK export, most often) are said as for a CSV file: the
    // line and bytes, and which --encoding to try (found from outside: a GBK JSON file got no hint, a GBK CSV did).
    private static IEnumerable<ListFileRow> ReadJson(StreamReader reader, ReadOptions options)
    {
        if (options.Encoding.CodePage != Encoding.UTF8.CodePage)
        {
            return ListFileReader.ReadJson(reader.ReadToEnd(), options.File.Name, options.List, options.Mode, options.Mapping);
        }

        var bytes = ReadAll(reader.BaseStream);
        var text = bytes.AsSpan(bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0);
        return System.Text.Unicode.Utf8.IsValid(text)
            ? ListFileReader.ReadJson(bytes, options.File.Name, options.List, options.Mode, options.Mapping)
            : throw EncodingProblem.Describe(options.File, options.Encoding, EncodingName(options.Encoding));
    }

    private static byte[] ReadAll(Stream stream)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>Whether the file's first 64 KiB are UTF-8 holding non-ASCII text (a GBK export almost never is).</summary>
    private static bool LooksLikeUtf8(FileInfo file)
    {
        var head = new byte[64 * 1024];
        int read;
        using (var stream = file.OpenRead())
        {
            read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }

        var bytes = head.AsSpan(0, read);
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) || bytes.IndexOfAnyExceptInRange((byte)0, (byte)0x7F) < 0)
        {
            return false; // a byte-order mark is honoured whatever --encoding says; ASCII alone reads the same either way
        }

        // A multi-byte character cut at the end of the sample is not evidence against UTF-8.
        var status = System.Text.Unicode.Utf8.ToUtf16(bytes, new char[read], out var consumed, out _, replaceInvalidSequences: false, isFinalBlock: read < head.Length);
        return status is System.Buffers.OperationStatus.Done or System.Buffers.OperationStatus.NeedMoreData && consumed >= read - 3;
    }

    private static string EncodingName(Encoding encoding) => encoding.CodePage switch
    {
        65001 => "utf-8",
        936 => "gbk",
        _ => "gb18030",
    };

    private static void Report(
        CommandContext context, ImportValidation check, bool json, bool written, ImportSummary? summary = null, TimeSpan elapsed = default, bool dryRun = false, JsonObject? results = null, string? list = null, JsonObject? perList = null)
    {
        var rate = elapsed > TimeSpan.Zero ? (check.Valid / elapsed.TotalSeconds) : 0;
        if (json)
        {
            var node = new JsonObject
            {
                ["valid"] = check.Valid,
                ["rejected"] = check.Rejected,
                ["duplicates"] = check.Duplicates,
                ["nonConforming"] = check.NonConforming,
                ["written"] = written,
                ["listedBefore"] = check.ListedBefore,
                ["removedAtLeast"] = check.RemovedAtLeast,
                ["problems"] = new JsonArray([.. check.Problems.OrderBy(p => p.Line).Select(p => (JsonNode)new JsonObject { ["line"] = p.Line, ["column"] = p.Column, ["reason"] = p.OperatorMessage })]),
            };
            if (summary is not null)
            {
                node["added"] = summary.Added;
                node["updated"] = summary.Updated;
                node["unchanged"] = summary.Unchanged;
                node["removed"] = summary.Removed;
                node["restored"] = summary.Restored;
                node["sequence"] = summary.Sequence;
                node["seconds"] = Math.Round(elapsed.TotalSeconds, 3);
                node["rowsPerSecond"] = Math.Round(rate);
            }

            if (perList is not null)
            {
                node["lists"] = perList; // a file of several lists, replaced: what each would lose
            }

            if (results is not null)
            {
                results[list!] = node; // written with the other lists' results
                return;
            }

            context.Output.WriteJson(node);
            return;
        }

        if (check.Problems.Count > 0)
        {
            var table = new Table().AddColumns(check.ByEntry ? "entry" : "line", "column", "reason");
            foreach (var problem in check.Problems.OrderBy(p => p.Line).Take(ProblemsShown))
            {
                table.AddRow(problem.Line.ToString(System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(problem.Column ?? ""), Markup.Escape(problem.OperatorMessage));
            }

            context.Output.Console.Write(table);
            if (check.Problems.Count > ProblemsShown)
            {
                context.Output.Console.MarkupLine($"… and {check.Problems.Count - ProblemsShown} more problems.");
            }
        }

        var console = context.Output.Console;
        if (check.NonConforming > 0)
        {
            console.MarkupLine($"[yellow]{check.NonConforming} 个代码的校验码不符，已按 --lenient 接受[/] — "
                + $"[yellow]{check.NonConforming} codes with a non-conforming check character were accepted under --lenient[/].");
        }

        if (!written && dryRun && check.Problems.Count > 0 && !check.Refused && check.WholeRefusal is null)
        {
            console.MarkupLine($"试运行：{check.Valid} 行有效，将导入；[yellow]{check.Rejected} 行有误[/]，将写入 rejects 文件；未写入任何数据 — "
                + $"dry run: {check.Valid} valid rows would be imported and [yellow]{check.Rejected} bad rows[/] written to the rejects file; nothing written.");
            return;
        }

        if (!written)
        {
            console.MarkupLine(check.Problems.Count == 0
                ? $"[green]{check.Valid} rows valid[/]; nothing written{(dryRun ? " (dry run)" : "")}."
                    + (dryRun && check.RemovedAtLeast is { } removing
                        ? $" 替换导入将移除该名单现有 {check.ListedBefore} 条中的至少 {removing} 条 — a replace would remove at least {removing} of the list's {check.ListedBefore} entries."
                        : "")
                : check.HeaderRefused
                    ? "[red]表头行无法使用[/]（见上表第1行），未读取数据行，未写入任何数据 — [red]The header row cannot be used[/] (line 1 above): no data row was read; nothing written."
                    : check.FileRefused
                        ? "[red]文件无法使用[/]（见上表），未写入任何数据 — [red]The file cannot be used[/] (see above): nothing written."
                        : $"[red]{check.Rejected} 行有误[/]，{check.Valid} 行有效，未写入任何数据{(check.Rejected > 0 && check.Strict ? "（加 --rejects FILE 可只导入有效行）" : "")} — "
                            + $"[red]{check.Rejected} bad rows[/], {check.Valid} valid; nothing written{(check.Rejected > 0 && check.Strict ? " (use --rejects FILE to import the good rows)" : "")}.");
            return;
        }

        console.MarkupLine($"Imported {check.Valid} rows in {elapsed.TotalSeconds:F1} s ({rate:F0} rows/s): "
            + $"{summary!.Added} added, {summary.Updated} updated, {summary.Unchanged} unchanged, {summary.Removed} removed; sequence {summary.Sequence}."
            + (check.Rejected > 0 ? $" [yellow]{check.Rejected} 行有误，已写入 rejects 文件 — {check.Rejected} bad rows written to the rejects file.[/]" : "")
            + (check.Duplicates > 0 ? $" {check.Duplicates} repeated rows counted once." : "")
            + (summary.Restored > 0
                ? $" [yellow]{summary.Restored} 条条目在 Redis 中缺失（被删除或淘汰），已按文件写回 — {summary.Restored} entries missing from Redis (deleted or evicted) were restored from the file.[/]"
                : ""));
    }

    private static string Format(string? given, FileInfo file) => (given ?? Path.GetExtension(file.Name).TrimStart('.').ToLowerInvariant()) switch
    {
        "csv" or "txt" => "csv",
        "json" => "json",
        var other => throw new CliException(ExitCodes.Usage, $"文件格式 '{other}' 不是 csv 或 json，请用 --format 指明", $"Format '{other}' is not csv or json; pass --format."),
    };

    private static Encoding TextEncoding(string name) => name.ToLowerInvariant() switch
    {
        "utf-8" or "utf8" => new UTF8Encoding(false, throwOnInvalidBytes: true),
        "gbk" or "cp936" => Encoding.GetEncoding(936, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback),
        "gb18030" => Encoding.GetEncoding("gb18030", EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback),
        _ => throw new CliException(ExitCodes.Usage, $"--encoding '{name}' 应为 utf-8、gbk 或 gb18030", $"--encoding '{name}' is not utf-8, gbk or gb18030."),
    };

    private static Dictionary<string, ListColumn?>? Mapping(string[]? given)
    {
        if (given is null || given.Length == 0)
        {
            return null;
        }

        var mapping = new Dictionary<string, ListColumn?>(StringComparer.Ordinal);
        foreach (var item in given)
        {
            var equals = item.LastIndexOf('=');
            if (equals <= 0 || !ListColumns.TryParseField(item[(equals + 1)..].Trim(), out var column))
            {
                throw new CliException(ExitCodes.Usage, $"--column '{item}' 格式应为 列名=字段（或 列名=- 忽略该列）", $"--column '{item}' is not HEADER=field (or HEADER=- to ignore the column).");
            }

            mapping[ListColumns.Key(item[..equals])] = column;
        }

        return mapping;
    }

    /// <summary>One list of a file of several, in a replace: the entries it holds, the file's valid rows for it.</summary>
    private sealed record ListRemoval(string List, long Before, long Valid)
    {
        public long RemovedAtLeast => Math.Max(0, Before - Valid);
    }

    /// <summary>How a list file is read. <paramref name="List"/> is the list it is loaded into (rows of another list are
    /// problems), or null for a file of several lists; <see cref="OnlyList"/> then takes one list's rows and skips the rest.</summary>
    internal sealed record ReadOptions(FileInfo File, string? List, string Format, Encoding Encoding, SubjectIdParseMode Mode, IReadOnlyDictionary<string, ListColumn?>? Mapping)
    {
        public string? OnlyList { get; init; }
    }
}
