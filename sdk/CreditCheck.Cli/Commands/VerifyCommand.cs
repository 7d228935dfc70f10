using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using CreditCheck.Redis;

namespace CreditCheck.Cli.Commands;

/// <summary><c>verify [--list ID] [--json]</c>: every list's index against the subjects' entry hashes in Redis
/// (entries deleted, or evicted under a <c>maxmemory</c> policy); when all is whole, the verified mark that lets
/// hosts trust empty reads again.</summary>
internal static class VerifyCommand
{
    public static Command Create(CommandContext context)
    {
        var list = new Option<string?>("--list") { Description = "Verify this list only (no verified mark is written)." };
        var command = new Command(
            "verify",
            "Check that every entry a list's index names exists in Redis (deleted or evicted entries make listed subjects unreadable); when all is whole, record it so hosts stop suspecting evictions. Exit 7 when entries are missing.")
        { list };
        command.SetAction(async (parse, ct) =>
        {
            await using var store = await context.OpenStoreAsync(parse, ct);
            if (store is not RedisOperatorStore redis)
            {
                throw new CliException(ExitCodes.Usage, "verify 仅适用于 Redis 存储", "verify works on the Redis store only.");
            }

            var result = await redis.VerifyAsync(parse.GetValue(list), ct);
            if (parse.GetValue(GlobalOptions.Json))
            {
                context.Output.WriteJson(new JsonObject
                {
                    ["whole"] = result.IsWhole,
                    ["markWritten"] = result.MarkWritten,
                    ["evictionPolicy"] = result.EvictionPolicy,
                    ["evictedKeys"] = result.EvictedKeys,
                    ["lists"] = new JsonArray([.. result.Lists.Select(l => (JsonNode?)new JsonObject
                    {
                        ["list"] = l.List,
                        ["checked"] = l.Checked,
                        ["missing"] = l.Missing,
                        ["firstMissing"] = new JsonArray([.. l.FirstMissing.Select(m => (JsonNode?)m)]),
                        ["damage"] = l.Damage,
                    })]),
                });
                return result.IsWhole ? ExitCodes.Ok : ExitCodes.DataDamaged;
            }

            // Each line Chinese for the operator, then English for developers and scripts, as the other commands write.
            var output = context.Output.Out;
            foreach (var l in result.Lists)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{l.List}：检查 {l.Checked:N0} 条，缺失 {l.Missing:N0} 条 — {l.List}: {l.Checked:N0} entries checked, {l.Missing:N0} missing"));
                foreach (var missing in l.FirstMissing)
                {
                    output.WriteLine($"  缺失 {missing} — missing: {missing}");
                }

                if (l.Damage is not null)
                {
                    output.WriteLine($"  名单数据受损（索引、清单或过滤源与数据不符） — list data damaged: {l.Damage}"); // the damage is said in English only
                }

                if (!l.IsWhole)
                {
                    var import = $"creditcheck import FILE --list {l.List} --mode replace";
                    output.WriteLine($"  请以替换模式重新导入该名单的完整导出文件 ({import})，再运行 creditcheck verify — import the list's full export again in replace mode ({import}), then run creditcheck verify");
                }
            }

            var (evictions, evictionsEnglish) = result.EvictedKeys is { } evicted
                ? (string.Create(CultureInfo.InvariantCulture, $"Redis 淘汰策略 {result.EvictionPolicy ?? "未知"}，已淘汰 {evicted:N0} 个键"),
                    string.Create(CultureInfo.InvariantCulture, $"Redis has maxmemory-policy {result.EvictionPolicy ?? "unknown"} and has evicted {evicted:N0} keys"))
                : ("无法读取 Redis 的淘汰信息 (INFO)", "Redis's eviction facts (INFO) could not be read");
            var (mark, markEnglish) = result.MarkWritten ? ("已记录核验标记：各主机不再怀疑条目被淘汰。", "; the verified mark was recorded: hosts stop suspecting evictions")
                : result.EvictedKeys is null ? ("未记录核验标记（须读取 INFO 中的已淘汰键数）：请为该用户授予 +info 后重新运行 creditcheck verify。",
                    "; the verified mark was not written: it needs INFO's evicted_keys, which this user may not read; allow +info and run verify again")
                : ("", ""); // one list verified (--list): no mark is written
            output.WriteLine(result.IsWhole
                ? $"数据完整。{evictions}。{mark} — The data is whole. {evictionsEnglish}{markEnglish}."
                : $"数据不完整：被名单引用的条目缺失时，这些主体的核查按不可用策略处理（不会判为未列入）。{evictions}。"
                    + $" — The data is not whole: a subject whose entry a list names but Redis lacks is checked under the unavailability policy (never answered as not listed). {evictionsEnglish}.");
            return result.IsWhole ? ExitCodes.Ok : ExitCodes.DataDamaged;
        });
        return command;
    }
}
