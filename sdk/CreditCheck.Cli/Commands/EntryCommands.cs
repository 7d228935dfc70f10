using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace CreditCheck.Cli.Commands;

/// <summary><c>entry repair|objection|revoke|restore SUBJECT --list ID [--entry ID] --reason TEXT</c>.</summary>
internal static class EntryCommands
{
    public static Command Create(CommandContext context)
    {
        var entry = new Command("entry", "Change an entry's status: credit repair (信用修复), objection (异议), revocation (撤销), restoration.");
        entry.Subcommands.Add(Status(context, "repair", EntryStatus.Repaired, "Mark an entry repaired (信用修复): it stops triggering measures; its history stays."));
        entry.Subcommands.Add(Status(context, "objection", EntryStatus.UnderObjection, "Mark an entry under objection (异议中); whether measures pause is catalog policy."));
        entry.Subcommands.Add(Status(context, "revoke", EntryStatus.Revoked, "Revoke an entry (撤销), e.g. listed in error."));
        entry.Subcommands.Add(Status(context, "restore", EntryStatus.Active, "Make an entry active again (e.g. objection rejected, repair obtained by fraud)."));
        return entry;
    }

    private static Command Status(CommandContext context, string name, EntryStatus status, string description)
    {
        var subject = new Argument<string>("SUBJECT") { Description = "统一社会信用代码 or 居民身份证号码." };
        var list = new Option<string>("--list") { Description = "The entry's list.", Required = true };
        var entryId = new Option<string?>("--entry") { Description = "The entry's id; needed when the subject has several entries on the list." };
        var reason = new Option<string>("--reason") { Description = "Why: the decision's reference, the objection's number …", Required = true };
        var kind = SubjectArguments.Kind();
        var command = new Command(name, description) { subject, list, entryId, reason, kind };
        command.SetAction(async (parse, ct) =>
        {
            var id = SubjectArguments.Parse(parse.GetValue(subject)!, SubjectArguments.ParseKind(parse.GetValue(kind)), lenient: true);
            var listCode = parse.GetValue(list)!;
            if (string.IsNullOrWhiteSpace(parse.GetValue(reason)))
            {
                // Found from outside: a blank reason was "internal error (ArgumentException)", exit 70.
                throw new CliException(ExitCodes.Usage, "--reason 不能为空：请写明依据（决定书文号、异议编号等）", "--reason is blank: give the grounds (the decision's reference, the objection's number …).");
            }

            await using var store = await context.OpenStoreAsync(parse, ct);
            if (await store.GetCatalogAsync(ct) is { } catalog && catalog.FindList(listCode) is null)
            {
                // Found from outside: an unknown list was "has no entry on list".
                throw new CliException(ExitCodes.NotFound, $"目录 {catalog.Version} 中没有名单 '{listCode}'（可能拼写有误）", $"List '{listCode}' is not in catalog {catalog.Version} (mistyped?).");
            }

            var reader = await store.OpenReaderAsync(ct);
            var entries = (await reader.LookupAsync(id, ct)).Entries.Where(e => e.Entry.ListCode == listCode).Select(e => e.Entry).ToList();
            var chosen = parse.GetValue(entryId) is { } wanted
                ? entries.FirstOrDefault(e => e.EntryId == wanted) ?? throw new CliException(ExitCodes.NotFound, $"{id} 在名单 '{listCode}' 中没有条目 '{wanted}'", $"{id} has no entry '{wanted}' on list '{listCode}'.")
                : entries.Count switch
                {
                    0 => throw new CliException(ExitCodes.NotFound, $"{id} 不在名单 '{listCode}' 中", $"{id} has no entry on list '{listCode}'."),
                    1 => entries[0],
                    _ => throw new CliException(ExitCodes.Usage, $"{id} 在名单 '{listCode}' 中有 {entries.Count} 个条目（{string.Join("、", entries.Select(e => e.EntryId))}），请用 --entry 指定", $"{id} has {entries.Count} entries on list '{listCode}' ({string.Join(", ", entries.Select(e => e.EntryId))}); pass --entry."),
                };

            // A 统一社会信用代码's lookup also finds entries listed under the 组织机构代码 it embeds (an older list's
            // key): the entry is changed where it is stored.
            if (!await store.Publisher.SetStatusAsync(id, listCode, chosen.EntryId, status, parse.GetValue(reason)!, ct)
                && !(id.EmbeddedOrganizationCode is { } organization
                    && await store.Publisher.SetStatusAsync(organization, listCode, chosen.EntryId, status, parse.GetValue(reason)!, ct)))
            {
                throw new CliException(ExitCodes.NotFound, $"{id} 的条目 '{chosen.EntryId}' 在此期间已从名单 '{listCode}' 中移除", $"Entry '{chosen.EntryId}' of {id} disappeared from list '{listCode}' meanwhile.");
            }

            await store.SaveAsync(ct);
            if (parse.GetValue(GlobalOptions.Json))
            {
                context.Output.WriteJson(new JsonObject { ["subject"] = id.Masked, ["list"] = listCode, ["entry"] = chosen.EntryId, ["status"] = status.ToString(), ["previous"] = chosen.Status.ToString() });
            }
            else
            {
                context.Output.Console.MarkupLine($"{Markup.Escape(id.Masked)} {Markup.Escape(listCode)}/{Markup.Escape(chosen.EntryId)}: {chosen.Status} → [bold]{status}[/].");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
