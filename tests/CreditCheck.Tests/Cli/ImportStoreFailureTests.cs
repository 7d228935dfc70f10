using System.Globalization;
using CreditCheck.Tests.Support;

namespace CreditCheck.Tests.Cli;

/// <summary>Redis refusing the staging writes halfway (out of memory): the tool says the store failed,
/// the previous data stays live, and once Redis has room the import runs.</summary>
[Collection(CliTestGroup.Name)]
public sealed class ImportStoreFailureTests
{
    [Fact]
    public async Task Import_RedisOutOfMemoryWhileStaging_ExitsStoreUnavailableAndThePreviousDataStays()
    {
        await using var server = await RedisServer.StartAsync();
        using var cli = new CliSession(server);
        await cli.PublishAsync();
        await cli.RunOkAsync("import", cli.WriteCsv("old.csv", Rows.Entity(1)), "--list", CliSession.Debtors);
        var sequence = await cli.SequenceAsync();
        var big = cli.WriteCsv("big.csv", [.. Enumerable.Range(10, 5000).Select(n => Rows.Entity(n))]);
        var info = await server.CommandAsync("INFO", "memory");
        var used = long.Parse(info.Split('\n').First(l => l.StartsWith("used_memory:", StringComparison.Ordinal))["used_memory:".Length..].Trim(), CultureInfo.InvariantCulture);
        Assert.Equal("+OK", await server.CommandAsync("CONFIG", "SET", "maxmemory", (used + 400_000).ToString(CultureInfo.InvariantCulture)));

        var refused = await cli.RunAsync("import", big, "--list", CliSession.Debtors);

        Assert.Equal("+OK", await server.CommandAsync("CONFIG", "SET", "maxmemory", "0"));
        Assert.True(refused.ExitCode == Exit.StoreUnavailable, refused.ToString());
        Assert.Contains("while the rows were staged (OOM", refused.Error, StringComparison.Ordinal);
        Assert.Equal(sequence, await cli.SequenceAsync());
        Assert.Equal(1, await cli.EntriesAsync());
        Assert.Equal("Denied", await cli.OutcomeAsync(Rows.Company(1)));
        Assert.Equal("Clear", await cli.OutcomeAsync(Rows.Company(10)));

        var rerun = await cli.RunOkAsync("import", big, "--list", CliSession.Debtors, "--json");
        Assert.Equal((5000, 1), (rerun.Json["added"]!.GetValue<int>(), rerun.Json["removed"]!.GetValue<int>()));
        Assert.Empty(await server.KeysAsync($"cc:{{{cli.Namespace}}}:stage:*"));
    }
}
