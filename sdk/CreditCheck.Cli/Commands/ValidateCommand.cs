using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace CreditCheck.Cli.Commands;

/// <summary><c>validate ID…</c>: whether each identifier is valid, and if not, exactly why.</summary>
internal static class ValidateCommand
{
    public static Command Create(CommandContext context)
    {
        var ids = new Argument<string[]>("ID") { Description = "Identifiers to check.", Arity = ArgumentArity.OneOrMore };
        var kind = SubjectArguments.Kind();
        var lenient = new Option<bool>("--lenient") { Description = "Accept codes whose check character does not conform (reported as such)." };
        var command = new Command("validate", "Validate identifiers (统一社会信用代码, 组织机构代码, 工商注册号, 居民身份证号码) and say what is wrong.") { ids, kind, lenient };
        command.SetAction(parse =>
        {
            var subjectKind = SubjectArguments.ParseKind(parse.GetValue(kind));
            var results = parse.GetValue(ids)!.Select(text =>
            {
                var ok = SubjectArguments.TryParse(text, subjectKind, parse.GetValue(lenient), out var id, out var error, out var ambiguous);
                return (Text: text, Ok: ok, Id: id, Error: error, Ambiguous: ambiguous);
            }).ToList();

            if (parse.GetValue(GlobalOptions.Json))
            {
                context.Output.WriteJson(new JsonArray([.. results.Select(r => (JsonNode)new JsonObject
                {
                    ["input"] = r.Text,
                    ["valid"] = r.Ok,
                    ["ambiguous"] = r.Ambiguous, // valid as both kinds: pass --kind
                    ["canonical"] = r.Ok ? r.Id.Value : null,
                    ["kind"] = r.Ok ? r.Id.Kind.ToString() : null,
                    ["scheme"] = r.Ok ? r.Id.Scheme.ToString() : null,
                    ["checkCharacterConforms"] = r.Ok ? r.Id.CheckCharacterConforms : null,
                    ["error"] = r.Ok ? null : r.Error,
                })]));
            }
            else
            {
                var table = new Table().AddColumns("input", "result", "detail");
                foreach (var r in results)
                {
                    table.AddRow(
                        Markup.Escape(r.Text),
                        r.Ok ? (r.Id.CheckCharacterConforms ? "[green]valid[/]" : "[yellow]valid (lenient)[/]") : r.Ambiguous ? "[yellow]ambiguous[/]" : "[red]invalid[/]",
                        Markup.Escape(r.Ok ? $"{r.Id.Scheme}, canonical {r.Id.Value}" : r.Error));
                }

                context.Output.Console.Write(table);
            }

            return results.TrueForAll(r => r.Ok) ? ExitCodes.Ok : ExitCodes.InvalidInput;
        });
        return command;
    }
}
