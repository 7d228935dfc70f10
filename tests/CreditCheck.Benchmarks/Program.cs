using BenchmarkDotNet.Running;
using CreditCheck.Benchmarks.Compare;

// `compare [--listed N] [--json FILE]`: the SDK against one HGETALL per check, in one run.
// Anything else goes to BenchmarkDotNet, e.g. `--filter '*'` or `--list flat`.
if (args.Length > 0 && args[0] == "compare")
{
    return await CompareHarness.RunAsync(args[1..]);
}

// `sync [--listed N] [--json FILE]`: Redis and host memory per listed subject, first sync and resync.
if (args.Length > 0 && args[0] == "sync")
{
    return await CreditCheck.Benchmarks.Sync.FirstSyncHarness.RunAsync(args[1..]);
}

// `server [--seconds S] [--workers N] [--json FILE]`: the service interface under load against the in-process SDK.
if (args.Length > 0 && args[0] == "server")
{
    return await CreditCheck.Benchmarks.Server.ServerLoadHarness.RunAsync(args[1..]);
}

// `ledger --baseline DLL [--server DLL] [--decisions N]`: the service's decision ledger, memory and GC, two builds in one run.
if (args.Length > 0 && args[0] == "ledger")
{
    return await CreditCheck.Benchmarks.Server.LedgerHarness.RunAsync(args[1..]);
}

// `counter [--rounds N]`: the check counter's cost on the clean embedded check, A/B in alternating rounds.
if (args.Length > 0 && args[0] == "counter")
{
    return await CreditCheck.Benchmarks.Local.CounterCostHarness.RunAsync(args[1..]);
}

// `batch-stages [--listed N] [--rounds R] [--warmup W] [--only TEXT]`: where a 10,000-subject batch's time goes, stage by stage.
if (args.Length > 0 && args[0] == "batch-stages")
{
    return await CreditCheck.Benchmarks.Local.BatchStagesHarness.RunAsync(args[1..]);
}

// `empty-proof [--listed N] [--rounds R]`: what proving an empty read of a subject the filter holds costs (issue 12).
if (args.Length > 0 && args[0] == "empty-proof")
{
    return await CreditCheck.Benchmarks.Local.EmptyProofHarness.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(CompareHarness).Assembly).Run(args);
return 0;
