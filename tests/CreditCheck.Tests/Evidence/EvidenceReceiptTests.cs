using System.Collections.Frozen;
using System.Text;
using CreditCheck.Catalog;
using CreditCheck.Stores;
using CreditCheck.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NSubstitute;

namespace CreditCheck.Tests.Evidence;

/// <summary>Signed evidence receipts: what they hold, their two forms, and that no change goes unnoticed.</summary>
public sealed class EvidenceReceiptTests
{
    internal static readonly string KeyA = Convert.ToBase64String([.. Enumerable.Range(1, 32).Select(i => (byte)i)]);
    private static readonly string KeyB = Convert.ToBase64String([.. Enumerable.Range(1, 48).Select(i => (byte)(i * 7))]);

    // Receipts of format 1, as the signer wrote them before format 2 (key id 2025-q4, KeyA): a Denied one for
    // Subjects.Tencent and a Clear one for Subjects.Alibaba.
    private const string FormatOneDeniedJson = "{\"keyId\":\"2025-q4\",\"checkId\":\"01a200fb-5100-7396-ae42-7e7d2256cef9\",\"subjectKey\":\"8Sliy6NfuweF7g4cvP0LnQ\",\"scenario\":\"procurement.bid\",\"outcome\":\"Denied\",\"entryIds\":[\"debtors:e-1\"],\"catalogVersion\":\"test-1\",\"sequence\":1,\"evaluatedAt\":\"2026-11-22T02:00:00.0000000Z\",\"signature\":\"OcuJl3VIUiIF_o81vcRa67vdPa_QyHd1VHF4Ti_eEwA\"}";
    private const string FormatOneDeniedCompact = "ccr1.AAAAFmNyZWRpdGNoZWNrLXJlY2VpcHQtdjEAAAAHMjAyNS1xNAGiAPtRAHOWrkJ-fSJWzvkAAAAQ8Sliy6NfuweF7g4cvP0LnQAAAA9wcm9jdXJlbWVudC5iaWQAAAAGRGVuaWVkAAAAAQAAAAtkZWJ0b3JzOmUtMQAAAAZ0ZXN0LTEAAAAAAAAAAQjfSDxQwZAA.OcuJl3VIUiIF_o81vcRa67vdPa_QyHd1VHF4Ti_eEwA";
    private const string FormatOneClearJson = "{\"keyId\":\"2025-q4\",\"checkId\":\"01a200fb-5100-7b86-87b0-13dedbbd48a9\",\"subjectKey\":\"RJE7teudOa8ekUc0m1lXlw\",\"scenario\":\"procurement.bid\",\"outcome\":\"Clear\",\"entryIds\":[],\"catalogVersion\":\"test-1\",\"sequence\":1,\"evaluatedAt\":\"2026-11-22T02:00:00.0000000Z\",\"signature\":\"ugy_44UCgp4mkFE5Q7t2YHQaP9aYLtVEe7CRVrK-U78\"}";
    private const string FormatOneClearCompact = "ccr1.AAAAFmNyZWRpdGNoZWNrLXJlY2VpcHQtdjEAAAAHMjAyNS1xNAGiAPtRAHuGh7AT3tu9SKkAAAAQRJE7teudOa8ekUc0m1lXlwAAAA9wcm9jdXJlbWVudC5iaWQAAAAFQ2xlYXIAAAAAAAAABnRlc3QtMQAAAAAAAAABCN9IPFDBkAA.ugy_44UCgp4mkFE5Q7t2YHQaP9aYLtVEe7CRVrK-U78";

    // Receipts of format 2, as the signer wrote them before format 3 (key id 2026-q1, KeyA; a Denied one for
    // Subjects.Tencent and a Clear one for Subjects.Alibaba, both for transaction ZB-2026-001, on the embedded store).
    private const string FormatTwoDeniedJson = "{\"version\":2,\"keyId\":\"2026-q1\",\"checkId\":\"01a200fb-517b-79e0-b842-fc3fc020839f\",\"subjectKey\":\"8Sliy6NfuweF7g4cvP0LnQ\",\"scenario\":\"procurement.bid\",\"outcome\":\"Denied\",\"degraded\":false,\"path\":\"Embedded\",\"transactionReference\":\"ZB-2026-001\",\"entryIds\":[\"debtors:e-1\"],\"catalogVersion\":\"test-1\",\"sequence\":1,\"evaluatedAt\":\"2026-11-22T02:00:00.1234567Z\",\"signature\":\"GpqEc2ELAqXhbH9rb8D-Pch3fBKXmYtSLwq-k3F2eSI\"}";
    private const string FormatTwoDeniedCompact = "ccr2.AAAAFmNyZWRpdGNoZWNrLXJlY2VpcHQtdjIAAAAHMjAyNi1xMQGiAPtRe3nguEL8P8Agg58AAAAQ8Sliy6NfuweF7g4cvP0LnQAAAA9wcm9jdXJlbWVudC5iaWQAAAAGRGVuaWVkAAAAAQAAAAtkZWJ0b3JzOmUtMQAAAAZ0ZXN0LTEAAAAAAAAAAQjfSDxQ1GaHAAAAAAhFbWJlZGRlZAEAAAALWkItMjAyNi0wMDE.GpqEc2ELAqXhbH9rb8D-Pch3fBKXmYtSLwq-k3F2eSI";
    internal const string FormatTwoClearJson = "{\"version\":2,\"keyId\":\"2026-q1\",\"checkId\":\"01a200fb-517b-76a7-89f4-93fc94dd5817\",\"subjectKey\":\"RJE7teudOa8ekUc0m1lXlw\",\"scenario\":\"procurement.bid\",\"outcome\":\"Clear\",\"degraded\":false,\"path\":\"Embedded\",\"transactionReference\":\"ZB-2026-001\",\"entryIds\":[],\"catalogVersion\":\"test-1\",\"sequence\":0,\"evaluatedAt\":\"2026-11-22T02:00:00.1234567Z\",\"signature\":\"h6ngjL7b9SM015ErmUWUx3GnRhkIWxzjM6VLlD3KO4c\"}";
    private const string FormatTwoClearCompact = "ccr2.AAAAFmNyZWRpdGNoZWNrLXJlY2VpcHQtdjIAAAAHMjAyNi1xMQGiAPtRe3anifST_JTdWBcAAAAQRJE7teudOa8ekUc0m1lXlwAAAA9wcm9jdXJlbWVudC5iaWQAAAAFQ2xlYXIAAAAAAAAABnRlc3QtMQAAAAAAAAAACN9IPFDUZocAAAAACEVtYmVkZGVkAQAAAAtaQi0yMDI2LTAwMQ.h6ngjL7b9SM015ErmUWUx3GnRhkIWxzjM6VLlD3KO4c";

    private static HmacEvidenceSigner Signer(string keyId = "2026-q1", string? key = null, params (string Id, string Key)[] older)
    {
        var options = new EvidenceReceiptOptions { KeyId = keyId, Key = key ?? KeyA };
        foreach (var (id, value) in older)
        {
            options.VerificationKeys[id] = value;
        }

        return new HmacEvidenceSigner(options);
    }

    /// <summary>A denied decision on two entries, one with a court case number (non-ASCII) as its id,
    /// evaluated at a time with a fraction of a second.</summary>
    private static async Task<CreditDecision> DecisionAsync(SubjectId? subject = null, string? transaction = "ZB-2026-001")
    {
        var harness = new CheckerHarness();
        var who = subject ?? Subjects.Tencent;
        await harness.ListAsync(who, "debtors");
        await harness.Store.UpsertAsync(new ListRecord(who, new ListEntry
        {
            EntryId = "（2024）京0105执12345号",
            ListCode = "debtors",
            SubjectKind = who.Kind,
            ValidFrom = CheckerHarness.Now.AddYears(-1),
            ValidUntil = CheckerHarness.Now.AddYears(1),
        }));
        harness.Time.Advance(TimeSpan.FromTicks(1_234_567));
        return await harness.Checker.CheckAsync(new CheckRequest(who, "procurement.bid") { TransactionReference = transaction });
    }

    /// <summary>A Clear decision for Subjects.Tencent in licensing from a store holding only the debtors list, on the
    /// test catalog with its watch list coded "watch": the lists acting there that the store does not hold are, in the
    /// catalog's order, "watch" and "grade-a" — not sorted, so the receipt must sort them.</summary>
    private static async Task<CreditDecision> NotHeldDecisionAsync(SubjectId? subject = null, ListsNotHeldPolicy policy = ListsNotHeldPolicy.Name)
    {
        var catalog = CreditCatalog.Parse(TestCatalog.Json.Replace("\"abnormal\"", "\"watch\"", StringComparison.Ordinal));
        var store = Substitute.For<ICreditStore>();
        store.LookupAsync(Arg.Any<SubjectId>(), Arg.Any<CancellationToken>()).Returns(new ValueTask<SubjectLookup>(
            new SubjectLookup(catalog, [], [], LookupSource.Store, new StoreFreshness(7, CheckerHarness.Now)) { ListsHeld = new[] { "debtors" }.ToFrozenSet() }));
        var checker = new CreditChecker(store, Options.Create(new CreditCheckOptions { OnListsNotHeld = policy }), new FakeTimeProvider(CheckerHarness.Now));
        return await checker.CheckAsync(new CheckRequest(subject ?? Subjects.Tencent, "licensing") { TransactionReference = "ZB-2026-001" });
    }

    /// <summary>The policy's answer for Subjects.Tencent (listed or not, nobody knows) while the store is down
    /// and has never delivered a catalog: catalog version "", sequence 0.</summary>
    private static async Task<CreditDecision> StoreDownDecisionAsync(UnavailablePolicy policy, string? transaction = null)
    {
        var store = Substitute.For<ICreditStore>();
        store.LookupAsync(Arg.Any<SubjectId>(), Arg.Any<CancellationToken>())
            .Returns(ValueTask.FromException<SubjectLookup>(new IOException("connection refused")));
        var checker = new CreditChecker(store, Options.Create(new CreditCheckOptions { OnUnavailable = policy }), new FakeTimeProvider(CheckerHarness.Now));
        return await checker.CheckAsync(new CheckRequest(Subjects.Tencent, "procurement.bid") { TransactionReference = transaction });
    }

    /// <summary>Runs tests/CreditCheck.Tests/python/verify_receipt.py (standard library only) on a receipt.</summary>
    private static async Task<(int ExitCode, System.Text.Json.JsonElement Result)> VerifyInPythonAsync(string key, string receipt)
    {
        var start = new System.Diagnostics.ProcessStartInfo(File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "python", "verify_receipt.py"));
        start.ArgumentList.Add(key);
        start.ArgumentList.Add(receipt);
        start.Environment["PYTHONIOENCODING"] = "utf-8";
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(errors.Length == 0, errors);
        return (process.ExitCode, System.Text.Json.JsonDocument.Parse(output).RootElement.Clone());
    }

    [Fact]
    public async Task Receipt_VerifiedByHandInPython_AsTheReadmeDescribesTheEncoding()
    {
        // Found by review: the encoding was not documented for auditors without .NET. The script follows README.md
        // ("Verifying a receipt without .NET") with Python's standard library only. Format 3 with lists not held and
        // stored format-2 receipts: FormatThreeReceiptWithListsNotHeld_VerifiedByHandInPython_AndStoredFormatTwoStill.
        var signer = Signer();
        var receipt = signer.Sign(await DecisionAsync()); // a court case number (non-ASCII) among its entries, a fraction of a second
        var degraded = signer.Sign(await StoreDownDecisionAsync(UnavailablePolicy.FailClosed)); // no transaction reference

        var json = await VerifyInPythonAsync(KeyA, receipt.ToJson());
        var compact = await VerifyInPythonAsync(KeyA, receipt.ToCompactString());
        var noTransaction = await VerifyInPythonAsync(KeyA, degraded.ToJson());
        var formatOne = await VerifyInPythonAsync(KeyA, FormatOneDeniedJson);
        var wrongKey = await VerifyInPythonAsync(KeyB, receipt.ToJson());
        var altered = await VerifyInPythonAsync(KeyA, receipt.ToJson().Replace("\"Denied\"", "\"Clear\"", StringComparison.Ordinal));

        Assert.Equal((0, true), (json.ExitCode, json.Result.GetProperty("valid").GetBoolean()));
        Assert.Equal((0, true), (compact.ExitCode, compact.Result.GetProperty("valid").GetBoolean()));
        Assert.Equal(receipt.ToCompactString().Split('.')[1], json.Result.GetProperty("payload").GetString()); // the same signed bytes, rebuilt from the JSON
        Assert.Equal((0, true), (noTransaction.ExitCode, noTransaction.Result.GetProperty("valid").GetBoolean()));
        Assert.Equal((0, true), (formatOne.ExitCode, formatOne.Result.GetProperty("valid").GetBoolean()));
        Assert.Equal((1, false), (wrongKey.ExitCode, wrongKey.Result.GetProperty("valid").GetBoolean()));
        Assert.Equal((1, false), (altered.ExitCode, altered.Result.GetProperty("valid").GetBoolean()));
    }

    [Fact]
    public async Task FormatThreeReceiptWithListsNotHeld_VerifiedByHandInPython_AndStoredFormatTwoStill()
    {
        var signer = Signer();
        var receipt = signer.Sign(await NotHeldDecisionAsync());
        var json = receipt.ToJson();

        var fromJson = await VerifyInPythonAsync(KeyA, json);
        var fromCompact = await VerifyInPythonAsync(KeyA, receipt.ToCompactString());
        var dropped = await VerifyInPythonAsync(KeyA, json.Replace("\"grade-a\",", "", StringComparison.Ordinal));
        var asFormatTwo = await VerifyInPythonAsync(KeyA, json.Replace("\"version\":3", "\"version\":2", StringComparison.Ordinal));
        var storedJson = await VerifyInPythonAsync(KeyA, FormatTwoDeniedJson);
        var storedCompact = await VerifyInPythonAsync(KeyA, FormatTwoClearCompact);

        Assert.Equal((0, true, 3), (fromJson.ExitCode, fromJson.Result.GetProperty("valid").GetBoolean(), fromJson.Result.GetProperty("version").GetInt32()));
        Assert.Equal(["grade-a", "watch"], fromJson.Result.GetProperty("listsNotHeld").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(receipt.ToCompactString().Split('.')[1], fromJson.Result.GetProperty("payload").GetString()); // the same signed bytes, rebuilt from the JSON
        Assert.Equal((0, true), (fromCompact.ExitCode, fromCompact.Result.GetProperty("valid").GetBoolean()));
        Assert.Equal(["grade-a", "watch"], fromCompact.Result.GetProperty("listsNotHeld").EnumerateArray().Select(e => e.GetString())); // read from the payload
        Assert.Equal((1, false), (dropped.ExitCode, dropped.Result.GetProperty("valid").GetBoolean()));
        Assert.Equal((2, false), (asFormatTwo.ExitCode, asFormatTwo.Result.GetProperty("valid").GetBoolean())); // listsNotHeld is no property of format 2
        Assert.Equal((0, true, 2), (storedJson.ExitCode, storedJson.Result.GetProperty("valid").GetBoolean(), storedJson.Result.GetProperty("version").GetInt32()));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, storedJson.Result.GetProperty("listsNotHeld").ValueKind);
        Assert.Equal((0, true), (storedCompact.ExitCode, storedCompact.Result.GetProperty("valid").GetBoolean()));
    }

    [Fact]
    public async Task ReceiptJsonRetypedOrWithAFieldTwice_RefusedInPythonAsByParse()
    {
        // Found from outside: the Python verifier said "valid": true of a degraded receipt whose JSON read "degraded": "false"
        // (any non-empty string is true in Python), of one reading "outcome": "Clear" before the signed "outcome": "Review"
        // (json.loads keeps the last), and of one with a property of its own; EvidenceReceipt.Parse refuses all three.
        var degraded = Signer().Sign(await StoreDownDecisionAsync(UnavailablePolicy.FailClosed)).ToJson();
        string[] tampered =
        [
            degraded.Replace("\"degraded\":true", "\"degraded\":\"false\"", StringComparison.Ordinal),
            degraded.Replace("\"outcome\":\"Review\"", "\"outcome\":\"Clear\",\"outcome\":\"Review\"", StringComparison.Ordinal),
            degraded.Replace("\"sequence\":0", "\"sequence\":false", StringComparison.Ordinal),
            degraded.Replace("{", "{\"note\":\"已核实\",", StringComparison.Ordinal),
        ];

        foreach (var json in tampered)
        {
            Assert.NotEqual(degraded, json);
            Assert.Throws<FormatException>(() => EvidenceReceipt.Parse(json));
            var (exitCode, result) = await VerifyInPythonAsync(KeyA, json);
            Assert.Equal((2, false), (exitCode, result.GetProperty("valid").GetBoolean()));
        }

        var (genuineExit, genuine) = await VerifyInPythonAsync(KeyA, "\uFEFF" + degraded + "\r\n");
        Assert.Equal((0, true), (genuineExit, genuine.GetProperty("valid").GetBoolean()));
    }

    [Fact]
    public async Task Sign_TransactionReferenceCutInHalfACharacter_RefusedNotAReceiptWhoseJsonDoesNotReadBack()
    {
        // Found from outside: "ZB-2026-\uD840" (a 生僻字 of CJK Extension B cut in half) was signed as U+FFFD and written
        // to the JSON as "\uFFFD", which Parse then refused: a receipt that could never be verified from its JSON.
        var signer = Signer();
        var decision = await DecisionAsync(transaction: "ZB-2026-\uD840");
        var whole = signer.Sign(await DecisionAsync(transaction: "ZB-2026-\uD840\uDC00"));

        var refused = Assert.Throws<ArgumentException>(() => signer.Sign(decision));

        Assert.Contains("transactionReference holds an unpaired surrogate", refused.Message, StringComparison.Ordinal);
        Assert.True(signer.Verify(EvidenceReceipt.Parse(whole.ToJson())).IsValid); // a whole character beyond the BMP signs and reads back
        Assert.Equal("ZB-2026-\uD840\uDC00", EvidenceReceipt.Parse(whole.ToJson()).TransactionReference);
    }

    private static bool Detected(IEvidenceSigner signer, Func<EvidenceReceipt> parse)
    {
        try
        {
            return !signer.Verify(parse()).IsValid;
        }
        catch (FormatException)
        {
            return true;
        }
    }

    [Fact]
    public async Task Sign_Decision_ReceiptHoldsItsFactsAndVerifies()
    {
        var signer = Signer();
        var decision = await DecisionAsync();

        var receipt = signer.Sign(decision);

        Assert.Equal(("2026-q1", decision.CheckId, "procurement.bid", DecisionOutcome.Denied), (receipt.KeyId, receipt.CheckId, receipt.Scenario, receipt.Outcome));
        Assert.Equal(["debtors:e-1", "debtors:（2024）京0105执12345号"], receipt.EntryIds.Order(StringComparer.Ordinal));
        Assert.Equal((decision.CatalogVersion, decision.Sequence), (receipt.CatalogVersion, receipt.Sequence));
        Assert.Equal(decision.EvaluatedAt, receipt.EvaluatedAt);
        Assert.Equal(TimeSpan.Zero, receipt.EvaluatedAt.Offset);
        Assert.Equal((3, false, DecisionPath.Embedded, "ZB-2026-001"), (receipt.FormatVersion, receipt.IsDegraded, receipt.Path, receipt.TransactionReference));
        Assert.Empty(receipt.ListsNotHeld!);
        Assert.True(signer.Verify(receipt).IsValid);
        Assert.Equal(ReceiptVerification.Valid, signer.Verify(receipt));
    }

    [Theory]
    [InlineData(UnavailablePolicy.FailOpen, DecisionOutcome.Clear)]
    [InlineData(UnavailablePolicy.FailClosed, DecisionOutcome.Review)]
    public async Task Sign_DegradedPolicyDecision_ReceiptAndVerificationSayItWasDegraded(UnavailablePolicy policy, DecisionOutcome outcome)
    {
        var signer = Signer();
        var decision = await StoreDownDecisionAsync(policy);
        var onData = signer.Sign(await DecisionAsync());

        var receipt = signer.Sign(decision);
        var json = receipt.ToJson();
        var verification = signer.Verify(EvidenceReceipt.Parse(json));

        Assert.True(decision.IsDegraded);
        Assert.Equal((outcome, "", 0L), (receipt.Outcome, receipt.CatalogVersion, receipt.Sequence));
        Assert.Equal((true, DecisionPath.Policy), (receipt.IsDegraded, receipt.Path));
        Assert.Contains("\"degraded\":true,\"path\":\"Policy\"", json, StringComparison.Ordinal);
        Assert.True(verification.IsValid);
        Assert.True(verification.IsDegraded);
        Assert.Contains("degraded decision (path Policy)", verification.Message, StringComparison.Ordinal);
        Assert.Contains($"outcome {outcome} is not an answer of the lists", verification.Message, StringComparison.Ordinal);
        Assert.Contains("(degraded, Policy)", receipt.ToString(), StringComparison.Ordinal);
        Assert.Equal(receipt, EvidenceReceipt.ParseCompact(receipt.ToCompactString()));
        Assert.True(signer.Verify(EvidenceReceipt.ParseCompact(receipt.ToCompactString())).IsDegraded);
        Assert.Equal(ReceiptProblem.BadSignature, signer.Verify(receipt with { IsDegraded = false, Path = DecisionPath.Embedded }).Problem);
        Assert.Equal(ReceiptProblem.BadSignature, signer.Verify(EvidenceReceipt.Parse(json.Replace("\"degraded\":true", "\"degraded\":false", StringComparison.Ordinal))).Problem);
        Assert.False(signer.Verify(onData).IsDegraded);
        Assert.Contains("\"degraded\":false,\"path\":\"Embedded\"", onData.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_RequestWithTransactionReference_ReceiptCarriesItSigned()
    {
        var signer = Signer();
        var tenderA = signer.Sign(await DecisionAsync(Subjects.Alibaba, "ZB-2026-001"));
        var none = signer.Sign(await DecisionAsync(Subjects.Alibaba, null));

        Assert.Equal("ZB-2026-001", tenderA.TransactionReference);
        Assert.Contains("\"transactionReference\":\"ZB-2026-001\"", tenderA.ToJson(), StringComparison.Ordinal);
        Assert.Null(none.TransactionReference);
        Assert.Contains("\"transactionReference\":null", none.ToJson(), StringComparison.Ordinal);
        Assert.Equal(none, EvidenceReceipt.Parse(none.ToJson()));
        Assert.Equal(none, EvidenceReceipt.ParseCompact(none.ToCompactString()));
        Assert.Equal(tenderA, EvidenceReceipt.ParseCompact(tenderA.ToCompactString()));
        Assert.True(signer.Verify(tenderA).IsValid);
        Assert.Equal(ReceiptProblem.BadSignature, signer.Verify(tenderA with { TransactionReference = "ZB-2026-002" }).Problem);
        Assert.Equal(ReceiptProblem.BadSignature, signer.Verify(tenderA with { TransactionReference = null }).Problem);
        Assert.Equal(ReceiptProblem.BadSignature, signer.Verify(none with { TransactionReference = "" }).Problem);
    }

    [Fact]
    public void FormatOneReceipts_IssuedBeforeFormatTwo_StillParseAndVerifyAsBefore()
    {
        var signer = Signer("2026-q1", KeyB, ("2025-q4", KeyA));

        foreach (var (json, compact) in new[] { (FormatOneDeniedJson, FormatOneDeniedCompact), (FormatOneClearJson, FormatOneClearCompact) })
        {
            var fromJson = EvidenceReceipt.Parse(json);
            var fromCompact = EvidenceReceipt.ParseCompact(compact);

            Assert.Equal(fromJson, fromCompact);
            Assert.Equal((1, (bool?)null, (DecisionPath?)null, (string?)null), (fromJson.FormatVersion, fromJson.IsDegraded, fromJson.Path, fromJson.TransactionReference));
            Assert.Equal(ReceiptVerification.Valid, signer.Verify(fromJson));
            Assert.Equal(json, fromJson.ToJson());
            Assert.Equal(compact, fromJson.ToCompactString());
        }

        AssertEveryBitFlipDetected(signer, FormatOneClearJson);

        Assert.True(signer.IsAbout(EvidenceReceipt.Parse(FormatOneDeniedJson), Subjects.Tencent));
        Assert.Equal(ReceiptProblem.BadSignature, signer.Verify(EvidenceReceipt.Parse(FormatOneDeniedJson.Replace("\"Denied\"", "\"Clear\"", StringComparison.Ordinal))).Problem);
    }

    /// <summary>Every single-bit change of a stored receipt's JSON is refused or fails to verify.</summary>
    private static void AssertEveryBitFlipDetected(IEvidenceSigner signer, string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        for (var i = 0; i < bytes.Length; i++)
        {
            for (var bit = 0; bit < 8; bit++)
            {
                var altered = (byte[])bytes.Clone();
                altered[i] ^= (byte)(1 << bit);
                var text = Encoding.UTF8.GetString(altered);
                Assert.True(Detected(signer, () => EvidenceReceipt.Parse(text)), $"byte {i} bit {bit}: {text}");
            }
        }
    }

    [Fact]
    public async Task CurrentReceipt_PassedOffAsFormatOneOrTwo_DoesNotVerify()
    {
        var signer = Signer();
        var receipt = signer.Sign(await StoreDownDecisionAsync(UnavailablePolicy.FailOpen));
        var json = receipt.ToJson();
        var asTwo = json.Replace("\"version\":3,", "\"version\":2,", StringComparison.Ordinal)
            .Replace("\"listsNotHeld\":[],", "", StringComparison.Ordinal);
        var stripped = asTwo.Replace("\"version\":2,", "", StringComparison.Ordinal)
            .Replace("\"degraded\":true,\"path\":\"Policy\",\"transactionReference\":null,", "", StringComparison.Ordinal);

        var asFormatOne = receipt with { FormatVersion = 1, IsDegraded = null, Path = null, ListsNotHeld = null };
        var asFormatTwo = receipt with { FormatVersion = 2, ListsNotHeld = null };

        Assert.Equal(2, EvidenceReceipt.Parse(asTwo).FormatVersion);
        Assert.Equal(ReceiptProblem.BadSignature, signer.Verify(EvidenceReceipt.Parse(asTwo)).Problem);
        Assert.Equal(1, EvidenceReceipt.Parse(stripped).FormatVersion);
        Assert.Equal(ReceiptProblem.BadSignature, signer.Verify(EvidenceReceipt.Parse(stripped)).Problem);
        Assert.Equal(ReceiptProblem.BadSignature, signer.Verify(asFormatOne).Problem);
        Assert.Equal(ReceiptProblem.BadSignature, signer.Verify(asFormatTwo).Problem);
        Assert.Throws<FormatException>(() => EvidenceReceipt.ParseCompact("ccr1" + receipt.ToCompactString()[4..]));
        Assert.Throws<FormatException>(() => EvidenceReceipt.ParseCompact("ccr2" + receipt.ToCompactString()[4..]));
        Assert.Equal(ReceiptProblem.MalformedField, signer.Verify(receipt with { FormatVersion = 1 }).Problem);
        Assert.Equal(ReceiptProblem.MalformedField, signer.Verify(receipt with { FormatVersion = 2 }).Problem);
        Assert.Equal(ReceiptProblem.MalformedField, signer.Verify(receipt with { FormatVersion = 4 }).Problem);
        Assert.Equal(ReceiptProblem.MalformedField, signer.Verify(receipt with { Path = null }).Problem);
        Assert.Equal(ReceiptProblem.MalformedField, signer.Verify(receipt with { ListsNotHeld = null }).Problem);
        Assert.Contains("version '4' is not 2 or 3", Assert.Throws<FormatException>(() => EvidenceReceipt.Parse(json.Replace("\"version\":3", "\"version\":4", StringComparison.Ordinal))).Message, StringComparison.Ordinal);
        Assert.Contains("lacks 'degraded'", Assert.Throws<FormatException>(() => EvidenceReceipt.Parse(json.Replace("\"degraded\":true,", "", StringComparison.Ordinal))).Message, StringComparison.Ordinal);
        Assert.Contains("(format 3) lacks 'listsNotHeld'", Assert.Throws<FormatException>(() => EvidenceReceipt.Parse(json.Replace("\"listsNotHeld\":[],", "", StringComparison.Ordinal))).Message, StringComparison.Ordinal);
        Assert.Contains("(format 2) has an unknown property 'listsNotHeld'", Assert.Throws<FormatException>(() => EvidenceReceipt.Parse(json.Replace("\"version\":3", "\"version\":2", StringComparison.Ordinal))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FormatTwoReceipts_IssuedBeforeFormatThree_StillParseAndVerifyAsBefore()
    {
        // Stored samples, signed by the format-2 signer: an auditor's archive of receipts must keep verifying.
        var signer = Signer("2026-q2", KeyB, ("2026-q1", KeyA));

        foreach (var (json, compact) in new[] { (FormatTwoDeniedJson, FormatTwoDeniedCompact), (FormatTwoClearJson, FormatTwoClearCompact) })
        {
            var fromJson = EvidenceReceipt.Parse(json);
            var fromCompact = EvidenceReceipt.ParseCompact(compact);

            Assert.Equal(fromJson, fromCompact);
            Assert.Equal((2, (bool?)false, (DecisionPath?)DecisionPath.Embedded, "ZB-2026-001"), (fromJson.FormatVersion, fromJson.IsDegraded, fromJson.Path, fromJson.TransactionReference));
            Assert.Null(fromJson.ListsNotHeld); // format 2 does not record it: neither "none" nor any
            Assert.Equal(ReceiptVerification.Valid, signer.Verify(fromJson));
            Assert.Equal(json, fromJson.ToJson());
            Assert.Equal(compact, fromJson.ToCompactString());
        }

        AssertEveryBitFlipDetected(signer, FormatTwoClearJson);

        Assert.True(signer.IsAbout(EvidenceReceipt.Parse(FormatTwoClearJson), Subjects.Alibaba));
        Assert.True(signer.Verify(EvidenceReceipt.Parse(FormatTwoClearJson), new ReceiptExpectation(Subjects.Alibaba) { TransactionReference = "ZB-2026-001" }).IsValid);
        Assert.Equal(ReceiptProblem.BadSignature, signer.Verify(EvidenceReceipt.Parse(FormatTwoDeniedJson.Replace("\"Denied\"", "\"Clear\"", StringComparison.Ordinal))).Problem);
        Assert.Equal(ReceiptProblem.MalformedField, signer.Verify(EvidenceReceipt.Parse(FormatTwoClearJson) with { ListsNotHeld = [] }).Problem);
    }

    [Fact]
    public async Task Sign_DecisionWithListsNotHeld_ReceiptCarriesTheirCodesSortedAndSigned()
    {
        var signer = Signer();
        var decision = await NotHeldDecisionAsync();

        var receipt = signer.Sign(decision);
        var json = receipt.ToJson();
        var compact = receipt.ToCompactString();
        var verification = signer.Verify(EvidenceReceipt.Parse(json));

        Assert.Equal(["watch", "grade-a"], decision.ListsNotHeld.Select(l => l.Code)); // the catalog's order
        Assert.Equal(DecisionOutcome.Clear, receipt.Outcome);
        Assert.Equal(["grade-a", "watch"], receipt.ListsNotHeld!); // the receipt's: ordinal
        Assert.Contains("\"entryIds\":[],\"listsNotHeld\":[\"grade-a\",\"watch\"],", json, StringComparison.Ordinal);
        Assert.StartsWith("ccr3.", compact, StringComparison.Ordinal);
        Assert.Equal(receipt, EvidenceReceipt.Parse(json));
        Assert.Equal(receipt, EvidenceReceipt.ParseCompact(compact));
        Assert.Equal(compact, EvidenceReceipt.Parse(json).ToCompactString());
        Assert.True(verification.IsValid);
        Assert.False(verification.IsDegraded);
        Assert.Contains("did not cover the list(s) grade-a, watch", verification.Message, StringComparison.Ordinal);
        Assert.True(signer.Verify(receipt, new ReceiptExpectation(Subjects.Tencent) { TransactionReference = "ZB-2026-001" }).IsValid);
        Assert.Contains("Clear (lists not held: grade-a, watch)", receipt.ToString(), StringComparison.Ordinal);
        Assert.NotEqual(receipt, receipt with { ListsNotHeld = ["grade-a"] });
        Assert.NotEqual(receipt, receipt with { ListsNotHeld = null });
    }

    [Fact]
    public async Task Sign_DecisionDegradedByTheListsNotHeldPolicy_VerifiesAsDegradedOnCurrentData_NotAsMadeWithoutData()
    {
        var signer = Signer();
        var receipt = signer.Sign(await NotHeldDecisionAsync(policy: ListsNotHeldPolicy.Review));

        var verification = signer.Verify(EvidenceReceipt.Parse(receipt.ToJson()));

        Assert.Equal(DecisionOutcome.Review, receipt.Outcome);
        Assert.True(verification.IsValid);
        Assert.True(verification.IsDegraded);
        Assert.Contains("the host's policy for lists not held answered Review", verification.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("without current data", verification.Message, StringComparison.Ordinal);
        Assert.Contains("did not cover the list(s) grade-a, watch", verification.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListsNotHeld_Changed_SignatureNoLongerMatches()
    {
        var signer = Signer();
        var receipt = signer.Sign(await NotHeldDecisionAsync());
        var json = receipt.ToJson();
        var changes = new Dictionary<string, EvidenceReceipt>
        {
            ["all removed"] = receipt with { ListsNotHeld = [] },
            ["one removed"] = receipt with { ListsNotHeld = ["grade-a"] },
            ["one added"] = receipt with { ListsNotHeld = ["abnormal", "grade-a", "watch"] },
            ["one replaced"] = receipt with { ListsNotHeld = ["debtors", "watch"] },
            ["json: emptied"] = EvidenceReceipt.Parse(json.Replace("[\"grade-a\",\"watch\"]", "[]", StringComparison.Ordinal)),
            ["json: one dropped"] = EvidenceReceipt.Parse(json.Replace("\"grade-a\",", "", StringComparison.Ordinal)),
        };

        foreach (var (what, changed) in changes)
        {
            Assert.NotEqual(receipt, changed);
            var verification = signer.Verify(changed);
            Assert.True(verification.Problem == ReceiptProblem.BadSignature, $"{what}: {verification}");
        }

        // The one signed order is sorted: any other order, or a code twice, is not a receipt's.
        Assert.Contains("listsNotHeld is not sorted", signer.Verify(receipt with { ListsNotHeld = ["watch", "grade-a"] }).Message, StringComparison.Ordinal);
        Assert.Equal(ReceiptProblem.MalformedField, signer.Verify(receipt with { ListsNotHeld = ["grade-a", "grade-a", "watch"] }).Problem);
        Assert.Equal(ReceiptProblem.MalformedField, signer.Verify(receipt with { ListsNotHeld = ["", "watch"] }).Problem);
        Assert.Contains("listsNotHeld is not sorted", Assert.Throws<FormatException>(() => EvidenceReceipt.Parse(json.Replace("[\"grade-a\",\"watch\"]", "[\"watch\",\"grade-a\"]", StringComparison.Ordinal))).Message, StringComparison.Ordinal);
        Assert.Contains("listsNotHeld[0] must be a non-empty string", Assert.Throws<FormatException>(() => EvidenceReceipt.Parse(json.Replace("[\"grade-a\",", "[7,", StringComparison.Ordinal))).Message, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => (receipt with { ListsNotHeld = ["watch", "grade-a"] }).ToCompactString());
    }

    [Fact]
    public async Task SubjectKey_HoldsNoIdentifier_ConfirmsOnlyTheSubjectToAKeyHolder()
    {
        var signer = Signer();
        var receipt = signer.Sign(await DecisionAsync(Subjects.Person));

        Assert.DoesNotContain(Subjects.Person.Value, receipt.ToJson(), StringComparison.Ordinal);
        Assert.DoesNotContain(Subjects.Person.Value[^8..], receipt.ToJson(), StringComparison.Ordinal);
        Assert.True(signer.IsAbout(receipt, Subjects.Person));
        Assert.False(signer.IsAbout(receipt, Subjects.OtherPerson));
        Assert.False(signer.IsAbout(receipt, Subjects.Tencent));
        Assert.False(Signer("other", KeyB).IsAbout(receipt, Subjects.Person)); // another verifier cannot tell
        Assert.False(signer.IsAbout(receipt with { SubjectKey = "not base64url!" }, Subjects.Person));
    }

    [Fact]
    public async Task ToJsonAndParse_RoundTrip_EqualAndValidEvenReformatted()
    {
        var signer = Signer();
        var receipt = signer.Sign(await DecisionAsync());
        var json = receipt.ToJson();

        var back = EvidenceReceipt.Parse(json);
        using var document = System.Text.Json.JsonDocument.Parse(json);
        var reordered = "{\n  " + string.Join(",\n  ", document.RootElement.EnumerateObject().Reverse().Select(p => p.ToString())) + "\n}";
        var fromStorage = EvidenceReceipt.Parse(reordered);

        Assert.Equal(receipt, back);
        Assert.True(signer.Verify(back).IsValid);
        Assert.DoesNotContain(" ", json, StringComparison.Ordinal);
        Assert.Contains("\"evaluatedAt\":\"2026-11-22T02:00:00.1234567Z\"", json, StringComparison.Ordinal);
        Assert.Contains("京0105执", json, StringComparison.Ordinal);
        Assert.Equal(receipt, fromStorage);
    }

    [Fact]
    public async Task ToCompactStringAndParseCompact_RoundTrip_OneUrlSafeString()
    {
        var signer = Signer();
        var receipt = signer.Sign(await DecisionAsync());

        var compact = receipt.ToCompactString();
        var back = EvidenceReceipt.ParseCompact(compact);

        Assert.StartsWith("ccr3.", compact, StringComparison.Ordinal);
        Assert.Matches("^[A-Za-z0-9._-]+$", compact);
        Assert.Equal(receipt, back);
        Assert.True(signer.Verify(back).IsValid);
        Assert.Equal(compact, back.ToCompactString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task EveryByteOfTheJson_EveryBitFlipped_IsDetected(bool withListsNotHeld)
    {
        var signer = Signer();
        var bytes = Encoding.UTF8.GetBytes(signer.Sign(withListsNotHeld ? await NotHeldDecisionAsync() : await DecisionAsync()).ToJson());
        var missed = new List<string>();

        for (var i = 0; i < bytes.Length; i++)
        {
            for (var bit = 0; bit < 8; bit++)
            {
                var altered = (byte[])bytes.Clone();
                altered[i] ^= (byte)(1 << bit);
                var text = Encoding.UTF8.GetString(altered);
                if (!Detected(signer, () => EvidenceReceipt.Parse(text)))
                {
                    missed.Add($"byte {i} bit {bit}: {text}");
                }
            }
        }

        Assert.True(bytes.Length > 300);
        Assert.Empty(missed);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task EveryCharacterOfTheCompactForm_AlteredEveryWay_IsDetected(bool withListsNotHeld)
    {
        var signer = Signer();
        var compact = signer.Sign(withListsNotHeld ? await NotHeldDecisionAsync() : await DecisionAsync()).ToCompactString();
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.+/= ";
        var missed = new List<string>();

        for (var i = 0; i < compact.Length; i++)
        {
            foreach (var c in alphabet.Where(c => c != compact[i]))
            {
                var text = compact[..i] + c + compact[(i + 1)..];
                if (!Detected(signer, () => EvidenceReceipt.ParseCompact(text)))
                {
                    missed.Add($"position {i} '{compact[i]}' → '{c}'");
                }
            }
        }

        Assert.Empty(missed);
        Assert.True(Detected(signer, () => EvidenceReceipt.ParseCompact(compact[..^1])));
        Assert.True(Detected(signer, () => EvidenceReceipt.ParseCompact(compact + "A")));
    }

    [Fact]
    public async Task EachField_Changed_SignatureNoLongerMatches()
    {
        var signer = Signer();
        var receipt = signer.Sign(await DecisionAsync());
        var other = Signer().Sign(await DecisionAsync(Subjects.Alibaba));
        var changes = new Dictionary<string, EvidenceReceipt>
        {
            ["checkId"] = receipt with { CheckId = other.CheckId },
            ["subjectKey"] = receipt with { SubjectKey = other.SubjectKey },
            ["scenario"] = receipt with { Scenario = "procurement" },
            ["outcome"] = receipt with { Outcome = DecisionOutcome.Clear },
            ["entryIds removed"] = receipt with { EntryIds = receipt.EntryIds.Take(1).ToList() },
            ["entryIds reordered"] = receipt with { EntryIds = receipt.EntryIds.Reverse().ToList() },
            ["entryIds added"] = receipt with { EntryIds = [.. receipt.EntryIds, "debtors:e-9"] },
            ["catalogVersion"] = receipt with { CatalogVersion = "test-2" },
            ["sequence"] = receipt with { Sequence = receipt.Sequence + 1 },
            ["evaluatedAt"] = receipt with { EvaluatedAt = receipt.EvaluatedAt.AddTicks(1) },
            ["degraded"] = receipt with { IsDegraded = true },
            ["path"] = receipt with { Path = DecisionPath.Store },
            ["transactionReference"] = receipt with { TransactionReference = "ZB-2026-002" },
            ["transactionReference removed"] = receipt with { TransactionReference = null },
            ["listsNotHeld"] = receipt with { ListsNotHeld = ["abnormal"] },
            ["signature"] = receipt with { Signature = other.Signature },
        };

        foreach (var (field, changed) in changes)
        {
            var verification = signer.Verify(changed);
            Assert.True(verification.Problem == ReceiptProblem.BadSignature, $"{field}: {verification}");
            Assert.Contains("the receipt was altered", verification.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task VerifyWithExpectation_ReceiptOfAnotherSupplier_FailsNamingTheSubjectMismatch()
    {
        var signer = Signer();
        var receipt = signer.Sign(await DecisionAsync(Subjects.Alibaba));

        var plain = signer.Verify(receipt);
        var filedUnderTencent = signer.Verify(receipt, new ReceiptExpectation(Subjects.Tencent));
        var filedUnderAlibaba = signer.Verify(receipt, new ReceiptExpectation(Subjects.Alibaba));

        Assert.True(plain.IsValid); // the plain call never looks at the subject
        Assert.Equal(ReceiptProblem.SubjectMismatch, filedUnderTencent.Problem);
        Assert.Contains($"not about {Subjects.Tencent.Masked}", filedUnderTencent.Message, StringComparison.Ordinal);
        Assert.Equal(ReceiptVerification.Valid, filedUnderAlibaba);
        Assert.Equal(ReceiptProblem.BadSignature, signer.Verify(receipt with { Outcome = DecisionOutcome.Benefit }, new ReceiptExpectation(Subjects.Alibaba)).Problem);
        Assert.Throws<ArgumentException>(() => new ReceiptExpectation(default));
    }

    [Fact]
    public async Task VerifyWithExpectation_ClearReceiptOfTenderAFiledInTenderB_FailsNamingTheTransactions()
    {
        var signer = Signer();
        var tenderA = signer.Sign(await DecisionAsync(Subjects.Alibaba, "ZB-2026-001"));
        var noTransaction = signer.Sign(await DecisionAsync(Subjects.Alibaba, null));
        var formatOne = EvidenceReceipt.Parse(FormatOneClearJson);
        var old = Signer("2026-q1", KeyB, ("2025-q4", KeyA));

        var inTenderA = signer.Verify(tenderA, new ReceiptExpectation(Subjects.Alibaba) { TransactionReference = "ZB-2026-001" });
        var inTenderB = signer.Verify(tenderA, new ReceiptExpectation(Subjects.Alibaba) { TransactionReference = "ZB-2026-002" });
        var none = signer.Verify(noTransaction, new ReceiptExpectation(Subjects.Alibaba) { TransactionReference = "ZB-2026-002" });
        var oldFormat = old.Verify(formatOne, new ReceiptExpectation(Subjects.Alibaba) { TransactionReference = "ZB-2026-002" });

        Assert.Equal(ReceiptVerification.Valid, inTenderA);
        Assert.Equal((ReceiptProblem.TransactionMismatch, "The receipt is genuine but for transaction 'ZB-2026-001', not 'ZB-2026-002'."), (inTenderB.Problem, inTenderB.Message));
        Assert.Equal(ReceiptProblem.TransactionMismatch, none.Problem);
        Assert.Contains("names no transaction", none.Message, StringComparison.Ordinal);
        Assert.Equal(ReceiptProblem.TransactionMismatch, oldFormat.Problem);
        Assert.Contains("format 1, which records no transaction", oldFormat.Message, StringComparison.Ordinal);
        Assert.True(old.Verify(formatOne, new ReceiptExpectation(Subjects.Alibaba)).IsValid);
    }

    [Fact]
    public async Task VerifyWithExpectation_DegradedReceiptOfTheSubject_ValidAndStillSaysDegraded()
    {
        var signer = Signer();
        var receipt = signer.Sign(await StoreDownDecisionAsync(UnavailablePolicy.FailOpen, "ZB-2026-001"));

        var verification = ((IEvidenceSigner)signer).Verify(receipt, new ReceiptExpectation(Subjects.Tencent) { TransactionReference = "ZB-2026-001" });

        Assert.True(verification.IsValid);
        Assert.True(verification.IsDegraded);
        Assert.Contains("degraded decision (path Policy)", verification.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_UnknownKeyIdOrMalformedField_SaysWhich()
    {
        var signer = Signer();
        var receipt = signer.Sign(await DecisionAsync());

        var unknown = signer.Verify(receipt with { KeyId = "2025-q4" });
        var badKeyId = signer.Verify(receipt with { KeyId = "key with spaces" });
        var shortSignature = signer.Verify(receipt with { Signature = "AAAA" });
        var negative = signer.Verify(receipt with { Sequence = -1 });

        Assert.Equal(ReceiptProblem.UnknownKeyId, unknown.Problem);
        Assert.Contains("key '2025-q4', which this verifier does not hold (it holds 2026-q1)", unknown.Message, StringComparison.Ordinal);
        Assert.Equal(ReceiptProblem.MalformedField, badKeyId.Problem);
        Assert.Contains("keyId 'key with spaces'", badKeyId.Message, StringComparison.Ordinal);
        Assert.Equal((ReceiptProblem.MalformedField, "signature is not 32 bytes in canonical base64url."), (shortSignature.Problem, shortSignature.Message));
        Assert.Contains("sequence -1 is negative", negative.Message, StringComparison.Ordinal);
        Assert.False(negative.IsValid);
    }

    [Fact]
    public async Task KeyRotation_OldReceiptsVerifyUnderTheOldKeyNewOnesAreSignedWithTheNew()
    {
        var decision = await DecisionAsync();
        var old = Signer("2025-q4", KeyA).Sign(decision);
        var rotated = Signer("2026-q1", KeyB, ("2025-q4", KeyA));

        var fresh = rotated.Sign(decision);

        Assert.True(rotated.Verify(old).IsValid);
        Assert.True(rotated.IsAbout(old, Subjects.Tencent));
        Assert.Equal("2026-q1", fresh.KeyId);
        Assert.True(rotated.Verify(fresh).IsValid);
        Assert.NotEqual(old.SubjectKey, fresh.SubjectKey);
        Assert.Equal(ReceiptProblem.UnknownKeyId, Signer("2025-q4", KeyA).Verify(fresh).Problem);
        Assert.Equal(ReceiptProblem.BadSignature, rotated.Verify(old with { KeyId = "2026-q1" }).Problem);
    }

    [Theory]
    [InlineData("not json", "is not valid JSON")]
    [InlineData("[1,2]", "must be a JSON object; found Array")]
    [InlineData("{}", "lacks 'keyId'")]
    [InlineData("{\"keyId\":\"k\",\"keyId\":\"k\"}", "has the property 'keyId' twice")]
    [InlineData("{\"keyid\":\"k\"}", "unknown property 'keyid'")]
    public void Parse_MalformedJson_SaysWhatIsWrong(string json, string expected)
    {
        var error = Assert.Throws<FormatException>(() => EvidenceReceipt.Parse(json));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Parse_ValuesNotInCanonicalForm_NameTheField()
    {
        var json = Signer().Sign(await DecisionAsync()).ToJson();
        using var document = System.Text.Json.JsonDocument.Parse(json);
        var checkId = document.RootElement.GetProperty("checkId").GetString()!;
        var cases = new Dictionary<string, string>
        {
            [json.Replace(checkId, checkId.ToUpperInvariant(), StringComparison.Ordinal)] = "checkId",
            [json.Replace("\"Denied\"", "\"denied\"", StringComparison.Ordinal)] = "outcome 'denied' is not one of Clear",
            [json.Replace(".1234567Z", ".1234567+00:00", StringComparison.Ordinal)] = "evaluatedAt",
            [System.Text.RegularExpressions.Regex.Replace(json, "\"sequence\":([0-9]+)", "\"sequence\":$1.0")] = ".0' must be a plain non-negative integer",
            [json.Replace("\"entryIds\":[", "\"entryIds\":[1,", StringComparison.Ordinal)] = "entryIds[0] must be a non-empty string",
            [json.Replace("\"scenario\":\"procurement.bid\"", "\"scenario\":7", StringComparison.Ordinal)] = "'scenario' must be a string; found Number",
        };

        foreach (var (text, expected) in cases)
        {
            Assert.NotEqual(json, text);
            var error = Assert.Throws<FormatException>(() => EvidenceReceipt.Parse(text));
            Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        }

        Assert.Contains("has 2 part(s)", Assert.Throws<FormatException>(() => EvidenceReceipt.ParseCompact("ccr1.AAAA")).Message, StringComparison.Ordinal);
        Assert.Contains("cut short", Assert.Throws<FormatException>(() => EvidenceReceipt.ParseCompact("ccr1.AAAA." + new string('A', 43))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Parse_JsonEscapeOfAnOrdinaryCharacter_RefusedNamingTheField()
    {
        var signer = Signer();
        var receipt = signer.Sign(await DecisionAsync());
        var json = receipt.ToJson();
        var cases = new Dictionary<string, string>
        {
            [json.Replace("\"scenario\":\"procurement.bid\"", "\"scenario\":\"\\u0070rocurement.bid\"", StringComparison.Ordinal)] = "'scenario' is written with a JSON escape",
            [json.Replace("\"keyId\":\"2026-q1\"", "\"keyId\":\"2026\\u002dq1\"", StringComparison.Ordinal)] = "'keyId' is written with a JSON escape",
            [json.Replace("京0105执", "\\u4eac0105执", StringComparison.Ordinal)] = "'entryIds' is written with a JSON escape",
            [json.Replace("\"scenario\":", "\"\\u0073cenario\":", StringComparison.Ordinal)] = "property name 'scenario' is written with a JSON escape",
        };

        foreach (var (text, expected) in cases)
        {
            Assert.NotEqual(json, text);
            var error = Assert.Throws<FormatException>(() => EvidenceReceipt.Parse(text));
            Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Parse_EscapesTheWriterItselfUses_StillReadBack()
    {
        var receipt = Signer().Sign(await DecisionAsync());
        var quoted = receipt with { EntryIds = ["debtors:a\"b\\c\nd"] };
        var json = quoted.ToJson();

        Assert.Equal(quoted, EvidenceReceipt.Parse(json));
        Assert.Throws<FormatException>(() => EvidenceReceipt.Parse(json.Replace("a\\\"b", "a\\u0022b", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData((byte)0)]
    [InlineData((byte)0x41)]
    public void Options_KeyOfOneRepeatedByte_RefusedAsNotRandom(byte value)
    {
        var key = Convert.ToBase64String(Enumerable.Repeat(value, 32).ToArray());

        var error = Assert.Throws<OptionsValidationException>(() => new HmacEvidenceSigner(new EvidenceReceiptOptions { KeyId = "k", Key = key }));
        var verification = Assert.Throws<OptionsValidationException>(() => Signer(older: ("old", key)));

        Assert.Contains($"CreditCheck:EvidenceReceipts:Key is 32 bytes all 0x{value:x2}: not a random key; make one with openssl rand -base64 32.", error.Failures);
        Assert.Contains("CreditCheck:EvidenceReceipts:VerificationKeys:old is 32 bytes all", verification.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_InvalidKeys_RefusedNamingEachOne()
    {
        var options = new EvidenceReceiptOptions { KeyId = "bad id", Key = Convert.ToBase64String(new byte[16]) };
        options.VerificationKeys["old"] = "%%%";
        options.VerificationKeys["bad id"] = KeyA;

        var error = Assert.Throws<OptionsValidationException>(() => new HmacEvidenceSigner(options));

        Assert.Contains("CreditCheck:EvidenceReceipts:KeyId 'bad id' must be 1-64 of A-Z, a-z, 0-9, '.', '_' and '-'.", error.Failures);
        Assert.Contains("CreditCheck:EvidenceReceipts:Key is 16 bytes; it must be at least 32 (openssl rand -base64 32).", error.Failures);
        Assert.Contains("CreditCheck:EvidenceReceipts:VerificationKeys:old is not base64.", error.Failures);
        Assert.DoesNotContain(KeyA, options.ToString(), StringComparison.Ordinal);
        Assert.Equal("KeyId=bad id, VerificationKeys=[old, bad id]", options.ToString());
    }

    [Fact]
    public async Task AddEvidenceReceipts_FromConfiguration_SignerVerifiesTheOlderKeysReceipts()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CreditCheck:EvidenceReceipts:KeyId"] = "2026-q1",
            ["CreditCheck:EvidenceReceipts:Key"] = KeyB,
            ["CreditCheck:EvidenceReceipts:VerificationKeys:2025-q4"] = KeyA,
        }).Build();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddCreditCheck().UseInMemory().AddEvidenceReceipts(configuration.GetSection("CreditCheck:EvidenceReceipts"));
        using var host = builder.Build();
        await host.StartAsync();
        var old = Signer("2025-q4", KeyA).Sign(await DecisionAsync());

        var signer = host.Services.GetRequiredService<IEvidenceSigner>();

        Assert.True(signer.Verify(old).IsValid);
        Assert.Equal("2026-q1", signer.Sign(await DecisionAsync()).KeyId);
        await host.StopAsync();
    }

    [Fact]
    public async Task AddEvidenceReceipts_MissingKey_HostStartFailsSayingHowToMakeOne()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddCreditCheck().UseInMemory().AddEvidenceReceipts(o => o.KeyId = "2026-q1");
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("CreditCheck:EvidenceReceipts:Key is missing; set it to base64 of at least 32 random bytes (openssl rand -base64 32).", error.Failures);
    }
}
