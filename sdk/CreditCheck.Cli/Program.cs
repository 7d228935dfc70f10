using System.Runtime.InteropServices;
using CreditCheck.Cli;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
// Service managers stop with SIGTERM: handled like Ctrl+C (a follower ends its work and prints its summary)
// instead of the runtime's immediate exit 143.
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    cancel.Cancel();
});
Console.OutputEncoding = System.Text.Encoding.UTF8;
return await CliApp.RunAsync(args, Console.Out, Console.Error, interactive: !Console.IsOutputRedirected, cancellationToken: cancel.Token);
