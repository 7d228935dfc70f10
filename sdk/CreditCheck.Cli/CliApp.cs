using System.Collections;
using System.CommandLine;
using System.CommandLine.Help;
using System.Text;
using CreditCheck.Catalog;
using CreditCheck.Cli.Commands;
using CreditCheck.Redis;
using CreditCheck.Stores;
using StackExchange.Redis;

namespace CreditCheck.Cli;

/// <summary>The <c>creditcheck</c> command line: parsing, the commands, and the mapping of failures
/// to documented exit codes.</summary>
internal static class CliApp
{
    public static async Task<int> RunAsync(
        string[] args,
        TextWriter output,
        TextWriter error,
        IReadOnlyDictionary<string, string?>? environment = null,
        bool interactive = false,
        TimeProvider? time = null,
        CancellationToken cancellationToken = default)
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance); // GBK and GB18030 exports
        environment ??= Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value, StringComparer.Ordinal);
        var context = new CommandContext(environment, time ?? TimeProvider.System);
        // Named as the tool is installed: a RootCommand would take the name of the executable that runs it
        // (CreditCheck.Cli, or a test host) into every usage line.
        var root = new Command("creditcheck", "creditcheck — load, repair, inspect and verify the joint reward-and-punishment lists (联合奖惩), and export and report the feedback.")
        {
            Options = { new HelpOption(), new VersionOption() },
        };
        GlobalOptions.AddTo(root);
        root.Subcommands.Add(CatalogCommands.Create(context));
        root.Subcommands.Add(ImportCommand.Create(context));
        root.Subcommands.Add(EntryCommands.Create(context));
        root.Subcommands.Add(CheckCommand.Create(context));
        root.Subcommands.Add(ValidateCommand.Create(context));
        root.Subcommands.Add(GenerateCommand.Create(context));
        root.Subcommands.Add(StatusCommand.Create(context));
        root.Subcommands.Add(VerifyCommand.Create(context));
        root.Subcommands.Add(FeedbackCommands.Create(context));
        root.Subcommands.Add(ReportCommand.Create(context));
        root.Subcommands.Add(PlatformCommands.Create(context));
        root.Subcommands.Add(SupervisionCommand.Create(context));
        root.Subcommands.Add(CommitmentCommands.Create(context));
        root.Subcommands.Add(ReceiptCommands.Create(context));

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var problem in parse.Errors)
            {
                error.WriteLine($"creditcheck: {problem.Message}");
            }

            error.WriteLine("Run 'creditcheck --help' for usage.");
            return ExitCodes.Usage;
        }

        context.Output = new CliOutput(output, error, interactive && !parse.GetValue(GlobalOptions.Json));
        try
        {
            GlobalOptions.RequireMemoryForState(parse); // every command, also those that do not open a store
            return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false }, cancellationToken).ConfigureAwait(false);
        }
        catch (CliException e)
        {
            context.Output.Fail(e.Message);
            return e.ExitCode;
        }
        catch (CatalogValidationException e)
        {
            context.Output.Fail(e.Message);
            return ExitCodes.InvalidInput;
        }
        catch (ListEntryException e)
        {
            context.Output.Fail(e.Message);
            return ExitCodes.InvalidInput;
        }
        catch (RedisUserMismatchException e)
        {
            context.Output.Fail(
                $"Redis 拒绝了用户 '{e.ConfiguredUser}' 的密码（连接以 '{e.ActualUser}' 登录），未做任何更改：请核对 --redis 中的密码或 $CREDITCHECK_REDIS_PASSWORD，以及 --user / $CREDITCHECK_REDIS_USER — "
                + $"Redis refused the password of user '{e.ConfiguredUser}' (the connection is logged in as '{e.ActualUser}'); nothing was changed. "
                + "Check the password in --redis or $CREDITCHECK_REDIS_PASSWORD, and --user / $CREDITCHECK_REDIS_USER (ACL LOG on the server says more).");
            return ExitCodes.StoreUnavailable;
        }
        catch (ImportConflictException e)
        {
            context.Output.Fail(e.ChineseMessage is { } chinese ? $"{chinese} — {e.Message}" : e.Message);
            return ExitCodes.Conflict;
        }
        catch (RedisDataMissingException e)
        {
            context.Output.Fail($"{e.ChineseMessage} — {e.Message}");
            return ExitCodes.DataDamaged;
        }
        catch (SecretMismatchException e)
        {
            // Found from outside: the SDK's text says "so CreditCheck refuses to start", which a command does not do.
            context.Output.Fail($"密钥与该命名空间设置时的密钥不符（CREDITCHECK_SECRET 或 --secret），命令拒绝执行，未做任何更改 — {ForTheCommand(e)}");
            return ExitCodes.Conflict;
        }
        catch (Exception e) when (StoreFailure.IsDamage(e))
        {
            context.Output.Fail(
                "命名空间的变更序号键缺失（被删除、淘汰或在无持久化的重启中丢失），写入会让主机跟随的序号从 1 重新开始，未写入任何数据。请先重新发布目录（creditcheck catalog publish，主机将据新序号重新同步），再重新导入各名单 — "
                + StoreFailure.Brief(e.Message)[StoreFailure.DamagePrefix.Length..]);
            return ExitCodes.DataDamaged;
        }
        catch (Exception e) when (StoreFailure.IsPermission(e))
        {
            // Found from outside: the SDK's user running an operator's command, or a namespace outside the user's key
            // patterns (mistyped?), was reported as "the store cannot be reached".
            var detail = StoreFailure.Brief(e.Message);
            context.Output.Fail(
                $"Redis 拒绝了当前用户的权限（{detail}）：该用户的 ACL 不允许本命令所需的命令或键；被拒绝的一步未写入任何数据。请使用有发布权限的用户（README“Running on Redis”中的 ACL 示例），或核对 --namespace 是否拼写有误 — "
                + $"Redis refused the user's rights ({detail}): its ACL does not allow a command or key this command needs; the refused step wrote nothing. "
                + "Use a publisher's user (the ACL example under \"Running on Redis\" in the README), or check whether --namespace is mistyped (a namespace outside the user's key patterns is refused the same way).");
            return ExitCodes.StoreUnavailable;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            var (chinese, english) = StoreFailure.Cause(e);
            context.Output.Fail($"存储不可用：{chinese} — The store cannot be reached: {english}");
            return ExitCodes.StoreUnavailable;
        }
        catch (IOException e)
        {
            context.Output.Fail(e.Message);
            return ExitCodes.InvalidInput;
        }
        catch (OperationCanceledException)
        {
            context.Output.Fail("已取消，未完成的一步未做任何更改 — Cancelled; nothing was changed by the unfinished step.");
            return 130;
        }
        catch (Exception e)
        {
            // A bug of the tool's own: say so in one line rather than crash with a stack trace.
            context.Output.Fail($"internal error ({e.GetType().Name}): {e.Message}");
            return ExitCodes.InternalError;
        }
    }

    /// <summary>The SDK's secret-mismatch text as a command's: it refuses to run (and changed nothing), it does not "refuse
    /// to start".</summary>
    internal static string ForTheCommand(SecretMismatchException e) =>
        e.Message.Replace("so CreditCheck refuses to start.", "so the command refuses to run; nothing was changed.", StringComparison.Ordinal);
}

/// <summary>What the commands share: the environment, the clock and the output.</summary>
internal sealed class CommandContext(IReadOnlyDictionary<string, string?> environment, TimeProvider time)
{
    public IReadOnlyDictionary<string, string?> Environment { get; } = environment;

    /// <summary>The clock: what day it is in China for the checks that depend on it (an entry listed after today is
    /// refused). The system's, or the one a test passes.</summary>
    public TimeProvider Time { get; } = time;

    public CliOutput Output { get; set; } = null!;

    /// <summary>Opens the store the options name; <paramref name="setUp"/> only for a command that may set a new namespace up.</summary>
    public Task<OperatorStore> OpenStoreAsync(ParseResult parse, CancellationToken cancellationToken, bool setUp = false) =>
        OperatorStore.OpenAsync(GlobalOptions.Settings(parse, Environment), cancellationToken, setUp);
}
