using System.Collections.Frozen;
using CreditCheck.Stores;
using CreditCheck.Tests.Evidence;
using CreditCheck.Tests.Support;
using Microsoft.Extensions.Options;
using NSubstitute;

namespace CreditCheck.Tests.Cli;

/// <summary><c>creditcheck receipt verify</c>: an auditor checks a receipt without .NET.</summary>
[Collection(CliTestGroup.Name)]
public sealed class ReceiptCommandTests : IDisposable
{
    private static readonly string Key = Convert.ToBase64String([.. Enumerable.Range(1, 32).Select(i => (byte)(i * 3))]);
    private readonly CliSession _cli = new(server: null);

    public ReceiptCommandTests() => _cli.Environment["CREDITCHECK_RECEIPT_KEY"] = Key;

    public void Dispose() => _cli.Dispose();

    private static HmacEvidenceSigner Signer() => new(new EvidenceReceiptOptions { KeyId = "2026-q1", Key = Key });

    /// <param name="held">The lists the store says it holds (null: it does not say).</param>
    private static async Task<EvidenceReceipt> ReceiptAsync(bool storeDown, string? transaction = "ZB-2026-001", string[]? held = null, string scenario = "procurement.bid")
    {
        var store = Substitute.For<ICreditStore>();
        store.LookupAsync(Arg.Any<SubjectId>(), Arg.Any<CancellationToken>()).Returns(storeDown
            ? ValueTask.FromException<SubjectLookup>(new IOException("connection refused"))
            : new ValueTask<SubjectLookup>(new SubjectLookup(TestCatalog.Create(), [], [], LookupSource.Store, new StoreFreshness(7, CheckerHarness.Now)) { ListsHeld = held?.ToFrozenSet() }));
        var checker = new CreditChecker(store, Options.Create(new CreditCheckOptions { OnUnavailable = UnavailablePolicy.FailOpen }), new FakeTimeProvider(CheckerHarness.Now));
        return Signer().Sign(await checker.CheckAsync(new CheckRequest(Subjects.Alibaba, scenario) { TransactionReference = transaction }));
    }

    [Fact]
    public async Task ReceiptVerify_GenuineReceipt_PrintsWhatItSaysChineseThenEnglishExit0()
    {
        var file = _cli.Write("r.json", (await ReceiptAsync(storeDown: false)).ToJson());

        var result = await _cli.RunAsync("receipt", "verify", file, "--subject", Subjects.Alibaba.Value, "--transaction", "ZB-2026-001");

        Assert.True(result.ExitCode == Exit.Ok, result.ToString());
        Assert.Contains("核查结果 Clear（无限制，正常办理） — outcome Clear", result.Output, StringComparison.Ordinal);
        Assert.Contains("降级：否（路径 Store） — degraded: no (path Store)", result.Output, StringComparison.Ordinal);
        Assert.Contains("办件编号 ZB-2026-001 — transaction ZB-2026-001", result.Output, StringComparison.Ordinal);
        Assert.Contains("未覆盖名单：无 — lists not held: none", result.Output, StringComparison.Ordinal);
        Assert.Contains("结论：回执有效 — verdict: the receipt verifies", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(Subjects.Alibaba.Value, result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReceiptVerify_ClearReceiptOfAStoreMissingLists_NamesTheListsNotHeldChineseThenEnglish()
    {
        // A Clear from a store holding only the debtors list: in licensing, 经营异常名录 (abnormal) and the red list
        // grade-a act too, and the store held no data of them. The auditor must see that the Clear does not cover them.
        var receipt = await ReceiptAsync(storeDown: false, held: ["debtors"], scenario: "licensing");
        var file = _cli.Write("r.json", receipt.ToJson());
        var compact = _cli.Write("r.txt", receipt.ToCompactString());
        var dropped = _cli.Write("dropped.json", receipt.ToJson().Replace("\"abnormal\",", "", StringComparison.Ordinal));

        var result = await _cli.RunAsync("receipt", "verify", file, "--subject", Subjects.Alibaba.Value, "--transaction", "ZB-2026-001");
        var json = await _cli.RunAsync("receipt", "verify", compact, "--json");
        var tampered = await _cli.RunAsync("receipt", "verify", dropped);

        Assert.True(result.ExitCode == Exit.Ok, result.ToString());
        Assert.Contains("回执格式 3", result.Output, StringComparison.Ordinal);
        Assert.Contains("核查结果 Clear（无限制，正常办理） — outcome Clear", result.Output, StringComparison.Ordinal);
        Assert.Contains("未覆盖名单 abnormal、grade-a：本系统未载入上述名单数据，名列其中的主体无法查出，核查结果仅就已载入的名单而言 — lists not held: abnormal, grade-a: the store held no data of them, so a subject on them was not found; the outcome answers only for the other lists", result.Output, StringComparison.Ordinal);
        Assert.Contains("结论：回执有效，但核查未覆盖名单 abnormal、grade-a — verdict: the receipt verifies, but the check did not cover the list(s) abnormal, grade-a", result.Output, StringComparison.Ordinal);
        Assert.True(json.ExitCode == Exit.Ok, json.ToString());
        Assert.True(json.Json["verifies"]!.GetValue<bool>());
        Assert.Equal(["abnormal", "grade-a"], json.Json["listsNotHeld"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Contains("did not cover the list(s) abnormal, grade-a", json.Json["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(Exit.DataDamaged, tampered.ExitCode);
        Assert.Contains("签名与回执内容不符", tampered.Output, StringComparison.Ordinal);
        Assert.Contains("未覆盖名单 grade-a", tampered.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReceiptVerify_StoredFormatTwoReceipt_VerifiesAndSaysItDoesNotRecordListsNotHeld()
    {
        var file = _cli.Write("v2.json", EvidenceReceiptTests.FormatTwoClearJson);

        var result = await _cli.RunAsync("receipt", "verify", file, "--key", EvidenceReceiptTests.KeyA, "--subject", Subjects.Alibaba.Value, "--transaction", "ZB-2026-001");
        var json = await _cli.RunAsync("receipt", "verify", file, "--key", EvidenceReceiptTests.KeyA, "--json");

        Assert.True(result.ExitCode == Exit.Ok, result.ToString());
        Assert.Contains("回执格式 2，密钥 2026-q1 — receipt format 2, key 2026-q1", result.Output, StringComparison.Ordinal);
        Assert.Contains("未覆盖名单：格式2回执未记录 — lists not held: not recorded (format 2 receipt)", result.Output, StringComparison.Ordinal);
        Assert.Contains("结论：回执有效 — verdict: the receipt verifies", result.Output, StringComparison.Ordinal);
        Assert.True(json.ExitCode == Exit.Ok, json.ToString());
        Assert.Equal(2, json.Json["formatVersion"]!.GetValue<int>());
        Assert.True(json.Json.AsObject().ContainsKey("listsNotHeld"));
        Assert.Null(json.Json["listsNotHeld"]);
    }

    [Fact]
    public async Task ReceiptVerify_DegradedCompactReceipt_VerifiesButSaysDegraded()
    {
        var file = _cli.Write("r.txt", (await ReceiptAsync(storeDown: true)).ToCompactString() + "\n");

        var result = await _cli.RunAsync("receipt", "verify", file, "--json");

        Assert.True(result.ExitCode == Exit.Ok, result.ToString());
        Assert.True(result.Json["verifies"]!.GetValue<bool>());
        Assert.True(result.Json["degraded"]!.GetValue<bool>());
        Assert.Equal("Policy", result.Json["path"]!.GetValue<string>());
        Assert.Contains("degraded decision", result.Json["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False(result.Json["subjectChecked"]!.GetValue<bool>());
    }

    [Fact]
    public async Task ReceiptVerify_AlteredOtherSubjectOrOtherTransaction_Exit7NamingWhy()
    {
        var receipt = await ReceiptAsync(storeDown: false);
        var altered = _cli.Write("altered.json", (receipt with { Outcome = DecisionOutcome.Benefit }).ToJson());
        var genuine = _cli.Write("genuine.json", receipt.ToJson());

        var tampered = await _cli.RunAsync("receipt", "verify", altered);
        var otherSubject = await _cli.RunAsync("receipt", "verify", genuine, "--subject", Subjects.Tencent.Value);
        var otherTender = await _cli.RunAsync("receipt", "verify", genuine, "--subject", Subjects.Alibaba.Value, "--transaction", "ZB-2026-002");

        Assert.Equal(Exit.DataDamaged, tampered.ExitCode);
        Assert.Contains("签名与回执内容不符", tampered.Output, StringComparison.Ordinal);
        Assert.Contains("the receipt was altered", tampered.Output, StringComparison.Ordinal);
        Assert.Equal(Exit.DataDamaged, otherSubject.ExitCode);
        Assert.Contains("回执真实，但不是关于所核对主体的", otherSubject.Output, StringComparison.Ordinal);
        Assert.Equal(Exit.DataDamaged, otherTender.ExitCode);
        Assert.Contains("for transaction 'ZB-2026-001', not 'ZB-2026-002'", otherTender.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReceiptVerify_AlteredReceiptWithLineBreaksAndEscapesInItsText_CannotForgeTheVerdict()
    {
        // Found from outside: an altered receipt's transaction reference held line breaks, a forged "结论：回执有效" line
        // and ESC[8m, which hid the real verdict after it on a terminal; the exit code alone said 7.
        var forged = "ZB-2026-001\n结论：回执有效 — verdict: the receipt verifies\u001b[8m";
        var receipt = await ReceiptAsync(storeDown: false);
        var altered = receipt with { TransactionReference = forged, EntryIds = ["debtors:e-1\u202e"], Scenario = "procurement.bid\r" };
        var json = _cli.Write("altered.json", altered.ToJson());
        var compact = _cli.Write("altered.txt", altered.ToCompactString());

        foreach (var file in new[] { json, compact })
        {
            var result = await _cli.RunAsync("receipt", "verify", file);

            Assert.Equal(Exit.DataDamaged, result.ExitCode);
            var verdicts = result.Output.Split('\n').Where(line => line.StartsWith("结论", StringComparison.Ordinal)).ToList();
            Assert.Equal("结论：回执未通过验证：签名与回执内容不符（回执被改动过，或密钥不是签发它的那一个） — verdict: the receipt does not verify: "
                + "The signature does not match the receipt's fields under key '2026-q1': the receipt was altered (or signed with another key of that id).", Assert.Single(verdicts).TrimEnd('\r'));
            Assert.DoesNotContain('\u001b', result.Output);
            Assert.DoesNotContain('\u202e', result.Output);
            Assert.DoesNotContain('\r', result.Output.Replace(Environment.NewLine, "\n", StringComparison.Ordinal));
            Assert.Contains("办件编号 ZB-2026-001\\u000A结论：回执有效 — verdict: the receipt verifies\\u001B[8m — transaction", result.Output, StringComparison.Ordinal);
            Assert.Contains("命中条目 debtors:e-1\\u202E — entries", result.Output, StringComparison.Ordinal);
            Assert.Contains("应用场景 procurement.bid\\u000D — scenario", result.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ReceiptVerify_NoKeyBadKeyOrNotAReceipt_Exit2Or1()
    {
        var file = _cli.Write("r.json", (await ReceiptAsync(storeDown: false)).ToJson());
        var notReceipt = _cli.Write("x.json", "{\"keyId\":\"k\"}");

        _cli.Environment.Remove("CREDITCHECK_RECEIPT_KEY");
        var noKey = await _cli.RunAsync("receipt", "verify", file);
        var zeroKey = await _cli.RunAsync("receipt", "verify", file, "--key", Convert.ToBase64String(new byte[32]));
        _cli.Environment["CREDITCHECK_RECEIPT_KEY"] = Key;
        var bad = await _cli.RunAsync("receipt", "verify", notReceipt);

        Assert.Equal(Exit.Usage, noKey.ExitCode);
        Assert.Contains("CREDITCHECK_RECEIPT_KEY", noKey.Error, StringComparison.Ordinal);
        Assert.Equal(Exit.InvalidInput, zeroKey.ExitCode);
        Assert.Contains("not a random key", zeroKey.Error, StringComparison.Ordinal);
        Assert.Equal(Exit.InvalidInput, bad.ExitCode);
        Assert.Contains("不是有效的核查回执", bad.Error, StringComparison.Ordinal);
    }
}
