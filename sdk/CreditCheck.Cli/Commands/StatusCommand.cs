using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace CreditCheck.Cli.Commands;

/// <summary><c>status [--json]</c>: namespace, catalog version, sequence, entries per list, filter, feed lag.</summary>
internal static class StatusCommand
{
    public static Command Create(CommandContext context)
    {
        var command = new Command("status", "Show the store: catalog version, sequence, entries per list, filter size, feed lag.");
        command.SetAction(async (parse, ct) =>
        {
            await using var store = await context.OpenStoreAsync(parse, ct);
            var report = await store.ReportAsync(ct);
            if (parse.GetValue(GlobalOptions.Json))
            {
                context.Output.WriteJson(new JsonObject
                {
                    ["store"] = report.Store,
                    ["namespace"] = report.Namespace,
                    ["catalogVersion"] = report.CatalogVersion,
                    ["sequence"] = report.Sequence,
                    ["entries"] = new JsonObject([.. report.Entries.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))]),
                    ["changeRecords"] = report.ChangeRecords,
                    ["filterKeys"] = report.FilterKeys,
                    ["filterBytes"] = report.FilterBytes,
                    ["feedLag"] = report.FeedLag,
                    ["damage"] = report.Damage is null ? null : new JsonObject([.. report.Damage.Where(p => p.Value is not null).Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))]),
                    ["notPermitted"] = report.NotPermitted is null ? null : new JsonArray([.. report.NotPermitted.Select(n => (JsonNode?)n)]),
                    ["missingKeys"] = report.Health is null ? null : new JsonArray([.. report.Health.MissingKeys.Select(k => (JsonNode?)k)]),
                    ["imports"] = report.Imports is null ? null : new JsonObject([.. report.Imports.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))]),
                    ["eviction"] = report.Health is not { } health ? null : new JsonObject
                    {
                        ["policy"] = health.EvictionPolicy,
                        ["evictedKeys"] = health.EvictedKeys,
                        ["mayEvict"] = health.EvictionPolicy is null ? null : health.MayEvict, // unknown, not "no", when INFO is not answered
                        ["suspicion"] = health.EvictionSuspicion,
                    },
                    ["listsNotHeld"] = report.ListsNotHeld is null ? null : new JsonArray([.. report.ListsNotHeld.Select(l => (JsonNode?)l.Code)]),
                    ["platform"] = report.Platform is not { } mark ? null : new JsonObject
                    {
                        ["version"] = mark.Version,
                        ["lists"] = mark.Lists,
                        ["history"] = mark.History,
                        ["behind"] = mark.Behind,
                    },
                });
                return Exit(report);
            }

            var table = new Table().HideHeaders().AddColumns("", "");
            table.AddRow("Store", Markup.Escape($"{report.Store} {report.Namespace}"));
            table.AddRow("Catalog", report.Health is { CatalogMissing: true }
                ? "[red]目录键缺失[/] — " + Markup.Escape("catalog key missing (evicted or deleted; the namespace holds lists): run creditcheck verify, then creditcheck catalog publish")
                : Markup.Escape(report.CatalogVersion ?? "(none published)"));
            table.AddRow("Sequence", report.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture));
            foreach (var (list, entries) in report.Entries)
            {
                table.AddRow(Markup.Escape(list), entries.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
            }

            if (report.ListsNotHeld is { Count: > 0 } notHeld)
            {
                table.AddRow("[yellow]未载入的名单[/]", Markup.Escape(
                    $"{string.Join("、", notHeld.Select(l => l.Name))} — 本命名空间没有这些名单的数据，名列其中的主体将被答复为未列入（每个核查结果会注明未覆盖）；如需覆盖，请导入（creditcheck import FILE --list 名单代码）"
                    + $" — the namespace holds no data of {string.Join(", ", notHeld.Select(l => l.Code))}: subjects on them are answered as not listed (each decision names them in ListsNotHeld); import them unless the namespace is meant to hold only some lists"));
            }

            if (report.FilterKeys is { } keys)
            {
                table.AddRow("Filter", $"{keys:N0} keys, {report.FilterBytes:N0} bytes");
            }

            if (report.FeedLag is { } lag)
            {
                table.AddRow("Feed lag", $"{lag} changes");
            }

            if (report.Platform is { } platform)
            {
                // The lists the relay keeps here: a subject on another of the platform's lists is answered "not listed".
                var lists = platform.Lists is "*" ? "全部名单 — every list of the platform"
                    : platform.Lists is { } some ? $"仅 {some}（其他名单上的主体按未列入作答）— only {some} (subjects on the platform's other lists are answered as not listed)"
                    : "未记录 — not recorded";
                table.AddRow("Platform", Markup.Escape($"version {platform.Version}; lists: {lists}{(platform.Behind is { } behind ? $"; behind: {behind}" : "")}"));
            }

            foreach (var (list, damage) in report.Damage ?? new Dictionary<string, string?>())
            {
                if (damage is not null)
                {
                    // 名单数据受损: checks answer no subject "not listed" until a replace import of the list rebuilds it.
                    table.AddRow($"[red]{Markup.Escape(list)} 数据受损[/]", Markup.Escape($"{damage} — 请以替换模式重新导入该名单 (creditcheck import FILE --list {list} --mode replace)"));
                }
            }

            if (report.Health is { } found)
            {
                var missing = found.MissingKeys.Where(k => !k.EndsWith(":catalog", StringComparison.Ordinal)).ToList();
                if (missing.Count > 0)
                {
                    table.AddRow("[red]键缺失[/]", Markup.Escape($"{string.Join(", ", missing)} — 被淘汰或被删除；请运行 creditcheck verify — missing keys (evicted or deleted): run creditcheck verify"));
                }

                if (found.MayEvict)
                {
                    // An entry hash evicted behind the manifests leaves every list looking whole: only verify finds it.
                    table.AddRow("[yellow]淘汰策略[/]", Markup.Escape(
                        $"Redis 可能淘汰名单数据（{found.EvictionFacts}），被淘汰的条目会使在册主体显示为未列入；请将 maxmemory-policy 设为 noeviction 并运行 creditcheck verify — "
                        + $"Redis may evict list data ({found.EvictionFacts}); an evicted entry makes a listed subject look clean. Set maxmemory-policy noeviction and run creditcheck verify."));
                }

                if (found.EvictionSuspicion is { } suspicion)
                {
                    table.AddRow("[yellow]可能有键被淘汰[/]", Markup.Escape($"{suspicion} — 请运行 creditcheck verify 检查全部条目 — run creditcheck verify to check every entry"));
                }
            }

            foreach (var (list, import) in report.Imports ?? new Dictionary<string, string>())
            {
                var chinese = import.StartsWith("an import holds", StringComparison.Ordinal) ? "导入进行中（或已终止，锁尚未失效）" : "有未完成导入留下的暂存数据（不可见，下次导入该名单时清理）";
                table.AddRow($"[yellow]{Markup.Escape(list)} 导入[/]", Markup.Escape($"{chinese} — {import}"));
            }

            foreach (var part in report.NotPermitted ?? [])
            {
                // The ACL user may not read this part; the rest above is what it may read.
                table.AddRow("[yellow]无权读取[/]", Markup.Escape($"{part}（该 ACL 用户无此权限；发布者用户可读取全部）"));
            }

            context.Output.Console.Write(table);
            return Exit(report);
        });
        return command;
    }

    /// <summary>7 when the report names damage (a list whose keys do not match its manifest, keys of the namespace
    /// missing), else 0: a script watching the store learns it from the exit code (found from outside: always 0).</summary>
    private static int Exit(StoreReport report) =>
        report.Damage?.Values.Any(d => d is not null) == true || report.Health?.MissingKeys.Count > 0 ? ExitCodes.DataDamaged : ExitCodes.Ok;
}
