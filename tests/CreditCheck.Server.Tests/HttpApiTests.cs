using CreditCheck.Server.Tests.Support;

namespace CreditCheck.Server.Tests;

/// <summary>The HTTP/JSON API of the built server on the embedded store, called by Python <c>requests</c>.</summary>
public sealed class HttpApiTests(EmbeddedServerFixture fixture) : IClassFixture<EmbeddedServerFixture>
{
    [Fact(Timeout = 120_000)]
    public async Task Check_ListedSubject_IsDeniedWithMeasureAndLegalBasis_AttributedToTheClient()
    {
        var result = await Python.RunAsync("http_cases.py", "listed", fixture.For(Clients.Procurement));

        Assert.Equal("Denied", result.GetProperty("outcome").GetString());
        Assert.Contains("procurement-refusal", result.GetProperty("measures").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal("市财政局", result.GetProperty("department").GetString());
        Assert.Equal("Embedded", result.GetProperty("path").GetString());
        Assert.Equal("CG-2026-118", result.GetProperty("transactionReference").GetString());
    }

    [Fact(Timeout = 120_000)]
    public async Task Check_CleanSubject_IsClear()
    {
        var result = await Python.RunAsync("http_cases.py", "clean", fixture.For(Clients.Procurement));

        Assert.Equal("Clear", result.GetProperty("outcome").GetString());
        Assert.Equal("市财政局", result.GetProperty("department").GetString());
        Assert.Equal(0, result.GetProperty("listsNotHeld").GetArrayLength()); // the embedded store does not say
    }

    [Fact(Timeout = 120_000)]
    public async Task CheckBatch_ThreeChecks_DecisionsInRequestOrder()
    {
        var result = await Python.RunAsync("http_cases.py", "batch", fixture.For(Clients.Procurement));

        var outcomes = result.GetProperty("outcomes").EnumerateArray().Select(o => o.GetString() ?? string.Empty).ToArray();
        Assert.Equal(new[] { "Denied", "Benefit" }, outcomes[..2]); // a clean licensing applicant gets 告知承诺 and 容缺受理
        Assert.NotEqual("Clear", outcomes[2]);
        Assert.Equal(3, result.GetProperty("checkIds").EnumerateArray().Select(i => i.GetString()).Distinct().Count());
    }

    [Fact(Timeout = 120_000)]
    public async Task Feedback_OnAMeasureAndOnACleanCheck_Is202WithTheRecordKeys()
    {
        var result = await Python.RunAsync("http_cases.py", "feedback", fixture.For(Clients.Procurement));

        var checkId = Guid.Parse(result.GetProperty("checkId").GetString()!);
        Assert.Equal($"{checkId:N}:procurement-refusal", result.GetProperty("recordKeys")[0].GetString());
    }

    [Fact(Timeout = 120_000)]
    public async Task Feedback_SameMeasureAgainWithAnotherResult_Is202WithTheRecordKeptMarkedAsARepeat()
    {
        var result = await Python.RunAsync("http_cases.py", "feedback_repeat", fixture.For(Clients.Procurement));

        var repeat = Assert.Single(result.GetProperty("repeats").EnumerateArray().ToList());
        Assert.Equal(result.GetProperty("recordKeys")[0].GetString(), repeat.GetProperty("recordKey").GetString());
        Assert.Equal("Executed", repeat.GetProperty("result").GetString());
        Assert.True(repeat.TryGetProperty("reportedAt", out _));
    }

    [Theory(Timeout = 120_000)]
    [InlineData("invalid_subject")]
    [InlineData("missing_field")]
    [InlineData("unknown_scenario")]
    [InlineData("batch_too_large")]
    [InlineData("unknown_check")]
    [InlineData("bad_feedback")]
    [InlineData("malformed_json")]
    [InlineData("too_large")]
    [InlineData("text_too_long")]
    public async Task BadInput_EachErrorClass_IsProblemJsonNamingFieldInChineseAndEnglish(string errorCase)
    {
        var result = await Python.RunAsync("http_cases.py", errorCase, fixture.For(Clients.Procurement));

        // The script asserted status, problem type, field and both languages; it reports what it saw.
        Assert.NotEmpty(result.EnumerateObject());
    }

    [Fact(Timeout = 120_000)]
    public async Task InvalidSubject_NamesTheCharacterAndPosition_InBothLanguages()
    {
        var result = await Python.RunAsync("http_cases.py", "invalid_subject", fixture.For(Clients.Procurement));

        Assert.Contains("character 'I' at position 14", result.GetProperty("problem").GetString(), StringComparison.Ordinal);
        // The parser's own Chinese text, as the CLI prints it (no longer a translation of the English one).
        // Given no kind, both readings, the one more likely meant (here the 统一社会信用代码's) first.
        Assert.Contains("作为法人：统一社会信用代码第14位的字符 'I' 不允许", result.GetProperty("problemZh").GetString(), StringComparison.Ordinal);
        Assert.Contains("应为 'B'", result.GetProperty("typoZh").GetString(), StringComparison.Ordinal);
        Assert.Contains("作为自然人：居民身份证号码第7-14位出生日期 '19721706' 不是有效日期", result.GetProperty("monthTypoZh").GetString(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task ContentType_WithTheCharsetQuoted_IsReadAsUtf8Json()
    {
        var result = await Python.RunAsync("http_cases.py", "quoted_charset", fixture.For(Clients.Procurement));

        Assert.All(result.GetProperty("outcomes").EnumerateObject(), o => Assert.Equal("Denied", o.Value.GetString()));
        Assert.Equal("unsupported-media-type", result.GetProperty("gbk").GetString());
    }

    [Fact(Timeout = 120_000)]
    public async Task APathInAnotherLetterCase_AsksForTheKeyAsItsLowerCaseForm()
    {
        var result = await Python.RunAsync("http_cases.py", "path_letter_case", fixture.For(Clients.Procurement));

        Assert.Equal("missing-key", result.GetProperty("catalog").GetString());
        Assert.Equal("Denied", result.GetProperty("outcome").GetString());
    }

    [Fact(Timeout = 120_000)]
    public async Task UnknownField_IsRefusedNamingItAndTheFieldItProbablyMeans()
    {
        var result = await Python.RunAsync("http_cases.py", "unknown_field", fixture.For(Clients.Procurement));

        Assert.Contains("未知字段“transaction_reference”（是否应为 transactionReference？）", result.GetProperty("problemZh").GetString(), StringComparison.Ordinal);
        Assert.Equal("executed_at", result.GetProperty("feedbackField").GetString());
    }

    [Fact(Timeout = 120_000)]
    public async Task MalformedJson_SaysWhereInBothLanguages_WithoutTheServicesTypeNames()
    {
        var result = await Python.RunAsync("http_cases.py", "json_texts", fixture.For(Clients.Procurement));

        Assert.Contains("第4行", result.GetProperty("trailing_comma").GetProperty("problemZh").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("CreditCheck.", result.GetProperty("twice").GetProperty("problem").GetString(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task OpenApi_DeclaresTheRealProblemShape_TheStatuses_Enums_RequiredFields_AndTheCatalog()
    {
        var result = await Python.RunAsync("http_cases.py", "openapi_contract", fixture.For(Clients.Procurement));

        var enums = result.GetProperty("enums");
        string[] Values(string name) => [.. enums.GetProperty(name).EnumerateArray().Select(v => v.GetString() ?? string.Empty)];
        Assert.Equal(Enum.GetNames<DecisionOutcome>(), Values("outcome"));
        Assert.Equal(Enum.GetNames<SubjectKind>(), Values("subjectKind"));
        Assert.Equal(Enum.GetNames<DecisionPath>(), Values("path"));
        Assert.Equal(Enum.GetNames<EntryState>(), Values("state"));
        Assert.Equal(Enum.GetNames<CreditCheck.Catalog.MeasureKind>(), Values("measureKind"));
        Assert.Contains("titleZh", result.GetProperty("problemFields").EnumerateArray().Select(f => f.GetString()));
    }

    [Fact(Timeout = 120_000)]
    public async Task OpenApi_ForAGeneratedJavaClient_DeclaresBearerAuth_NamedRequestBodies_AlwaysSentArrays_AndADecimalAmount()
    {
        var result = await Python.RunAsync("http_cases.py", "openapi_java", fixture.For(Clients.Procurement));

        Assert.Equal(["CheckBody", "BatchBody", "FeedbackBody"], result.GetProperty("bodies").EnumerateArray().Select(b => b.GetString()));
        Assert.False(result.GetProperty("amount").TryGetProperty("format", out _));
    }

    [Fact(Timeout = 120_000)]
    public async Task BatchWithMoreBadChecksThanAnAnswerNames_EndsWithTheTotal()
    {
        await using var server = await ServerProcess.StartAsync(new Dictionary<string, string> { ["CreditCheck__MaxBatchSize"] = "500" });

        var result = await Python.RunAsync("http_cases.py", "batch_many_bad", new Dictionary<string, string> { ["BASE_URL"] = server.BaseUrl, ["KEY"] = string.Empty });

        Assert.Equal(100, result.GetProperty("named").GetInt32());
        Assert.StartsWith("150 of the 151 checks are invalid, with 150 problems in all", result.GetProperty("total").GetString(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task UnknownOrMissingKey_Is401()
    {
        var result = await Python.RunAsync("http_cases.py", "unknown_key", fixture.For(Clients.Procurement));

        Assert.Equal("调用密钥无效。", result.GetProperty("unknown").GetString());
        Assert.Contains("the scheme Basic is not accepted", result.GetProperty("basic").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("is not one 'Bearer <key>' header", result.GetProperty("bare").GetString(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task FeedbackOnlyClient_MayNotCheck_NorReportOnAnotherClientsCheck()
    {
        var result = await Python.RunAsync("http_cases.py", "feedback_only", fixture.For(Clients.FeedbackOnly, otherKey: Clients.Procurement));

        Assert.Contains("feedback-collector", result.GetProperty("titleZh").GetString(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task ScenarioLimitedClient_OutsideItsScenarios_Is403_InsideIsAnswered()
    {
        var result = await Python.RunAsync("http_cases.py", "scenario_limited", fixture.For(Clients.BiddingOnly));

        Assert.Equal("Clear", result.GetProperty("allowed").GetString());
    }

    [Fact(Timeout = 120_000)]
    public async Task ThrottledClient_OverItsRate_Gets429WithRetryAfter()
    {
        var result = await Python.RunAsync("http_cases.py", "rate_limited", fixture.For(Clients.Throttled));

        Assert.Contains(429, result.GetProperty("statuses").EnumerateArray().Select(s => s.GetInt32()));
    }

    [Fact(Timeout = 120_000)]
    public async Task Catalog_IsTheStoresCatalog()
    {
        var result = await Python.RunAsync("http_cases.py", "catalog", fixture.For(Clients.Procurement));

        Assert.Equal(CreditCheck.Catalog.CreditCatalog.Default.Version, result.GetProperty("version").GetString());
        Assert.Equal(CreditCheck.Catalog.CreditCatalog.Default.Measures.Count, result.GetProperty("measures").GetInt32());
    }

    [Fact(Timeout = 120_000)]
    public async Task HealthReadinessAndOpenApi_AreServedWithoutAKey()
    {
        var result = await Python.RunAsync("http_cases.py", "health_and_openapi", fixture.For(string.Empty));

        Assert.Equal("Healthy", result.GetProperty("ready").GetString());
        Assert.StartsWith("3.", result.GetProperty("openapi").GetString(), StringComparison.Ordinal);
    }
}
