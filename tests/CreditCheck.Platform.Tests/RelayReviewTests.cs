using System.Diagnostics;
using System.Text.Json;
using CreditCheck.Platform.Tests.Support;

namespace CreditCheck.Platform.Tests;

/// <summary>Faults of the sync relay found by an outside-in review, each reproduced against the real pieces
/// (the reference platform or the Python one as processes, the operator tool, a redis-server).</summary>
public sealed class RelayReviewTests
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task An_entry_id_re_used_for_another_subject_does_not_leave_the_first_subject_listed()
    {
        await using var platform = await PlatformProcess.StartAsync();
        await using var harness = await RelayHarness.StartAsync();
        await harness.SyncOnceAsync(platform.Address);

        await platform.UpsertAsync(PlatformProcess.Entry("wage-arrears", TestIds.Company(901), "dup-9"));
        await platform.UpsertAsync(PlatformProcess.Entry("wage-arrears", TestIds.Company(902), "dup-9")); // the id now names another subject
        await platform.RemoveAsync("wage-arrears", "dup-9");
        await harness.SyncOnceAsync(platform.Address);

        var host = await harness.HostAsync();
        Assert.Empty((await host.LookupAsync(RelayTests.Id(901))).Entries);
        Assert.Empty((await host.LookupAsync(RelayTests.Id(902))).Entries);
        await harness.AssertEqualAsync(await RelayTests.PlatformListsAsync(platform.Address));
    }

    internal static Dictionary<string, object> Entry(int n, string list, string id) => new()
    {
        ["subject"] = TestIds.Company(n),
        ["subjectKind"] = "SUBJECT_KIND_LEGAL_ENTITY",
        ["listCode"] = list,
        ["entryId"] = id,
        ["subjectName"] = $"示例测试企业{n}有限公司",
        ["listedOn"] = "2026-01-05T00:00:00+08:00",
        ["status"] = "ENTRY_STATUS_ACTIVE",
    };
}
