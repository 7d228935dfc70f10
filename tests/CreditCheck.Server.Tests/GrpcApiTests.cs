using System.Globalization;
using CreditCheck.Server.Tests.Support;

namespace CreditCheck.Server.Tests;

/// <summary>The gRPC API on the same port (h2c), called by Python <c>grpcio</c> stubs generated from the shipped proto.</summary>
public sealed class GrpcApiTests(EmbeddedServerFixture fixture) : IClassFixture<EmbeddedServerFixture>
{
    [Fact(Timeout = 120_000)]
    public async Task Check_ListedSubject_IsDenied()
    {
        var result = await Python.RunAsync("grpc_cases.py", "listed", fixture.For(Clients.Procurement));

        Assert.Equal("Denied", result.GetProperty("outcome").GetString());
        Assert.Equal("市财政局", result.GetProperty("department").GetString());
    }

    [Fact(Timeout = 120_000)]
    public async Task Check_CleanSubject_IsClear()
    {
        var result = await Python.RunAsync("grpc_cases.py", "clean", fixture.For(Clients.Procurement));

        Assert.Equal("Clear", result.GetProperty("outcome").GetString());
        Assert.Equal(0, result.GetProperty("listsNotHeld").GetArrayLength()); // the embedded store does not say
    }

    [Fact(Timeout = 180_000)]
    public async Task Check_300CallsInFlightOnOneChannel_AreEachAnsweredAsAlone()
    {
        var result = await Python.RunAsync("grpc_cases.py", "concurrent", fixture.For(Clients.Procurement));

        Assert.Equal(300, result.GetProperty("answered").GetInt32());
        Assert.Equal(30, result.GetProperty("denied").GetInt32());
    }

    [Fact(Timeout = 120_000)]
    public async Task AMethodPathInAnotherLetterCase_IsUnauthenticatedWithoutTheKey_AndServedWithIt()
    {
        var result = await Python.RunAsync("grpc_cases.py", "path_letter_case", fixture.For(Clients.Procurement));

        Assert.All(result.EnumerateObject(), s => Assert.All(s.Value.EnumerateArray(), c => Assert.Equal("UNAUTHENTICATED", c.GetString())));
    }

    [Fact]
    public void Proto_TheStateCommentNamesEveryStateTheServiceSends()
    {
        // Found from outside: the proto's MatchedEntry.state listed no OutsideSector, which the service sends (a sector
        // list such as 经营异常名录 outside its sector) and the OpenAPI enum declares; a Java switch on it had no case.
        var proto = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Protos", "creditcheck.proto"));
        var comment = proto[..proto.IndexOf("string state = 7;", StringComparison.Ordinal)];
        comment = comment[comment.LastIndexOf("message MatchedEntry", StringComparison.Ordinal)..];
        Assert.All(Enum.GetNames<EntryState>(), state => Assert.Contains(state, comment, StringComparison.Ordinal));
    }

    [Fact(Timeout = 120_000)]
    public async Task CheckMany_WithThirtyBadItems_IsInvalidArgumentNamingThem_WithinTheClientsMetadataLimit()
    {
        var result = await Python.RunAsync("grpc_cases.py", "batch_many_problems", fixture.For(Clients.Procurement));

        Assert.Equal("INVALID_ARGUMENT", result.GetProperty("code").GetString());
        Assert.Contains("另有", result.GetProperty("details").GetString(), StringComparison.Ordinal);
        Assert.Contains("more", result.GetProperty("details").GetString(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task ALongValueRepeatedInTheAnswer_IsStillInvalidArgument_WithinTheClientsMetadataLimit()
    {
        var result = await Python.RunAsync("grpc_cases.py", "long_values", fixture.For(Clients.Procurement));

        Assert.All(result.EnumerateObject(), p => Assert.InRange(p.Value.GetInt32(), 1, 4096));
    }

    [Fact(Timeout = 120_000)]
    public async Task CheckMany_DecisionsInRequestOrder()
    {
        var result = await Python.RunAsync("grpc_cases.py", "batch", fixture.For(Clients.Procurement));

        Assert.Equal("Denied", result.GetProperty("outcomes")[0].GetString());
        Assert.Equal("Clear", result.GetProperty("outcomes")[1].GetString());
    }

    [Fact(Timeout = 120_000)]
    public async Task ReportFeedback_Overridden_IsAcknowledgedWithItsKey()
    {
        var result = await Python.RunAsync("grpc_cases.py", "feedback", fixture.For(Clients.Procurement));

        Assert.EndsWith(":procurement-refusal", result.GetProperty("recordKeys")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task ReportFeedback_SameMeasureAgainWithAnotherResult_AnsweredWithTheRecordKeptMarkedAsARepeat()
    {
        var result = await Python.RunAsync("grpc_cases.py", "feedback_repeat", fixture.For(Clients.Procurement));

        var repeat = Assert.Single(result.GetProperty("repeats").EnumerateArray().ToList());
        Assert.Equal(result.GetProperty("recordKeys")[0].GetString(), repeat.GetProperty("recordKey").GetString());
        Assert.Equal("Executed", repeat.GetProperty("result").GetString());
        Assert.True(DateTimeOffset.TryParse(repeat.GetProperty("reportedAt").GetString(), CultureInfo.InvariantCulture, out _));
    }

    [Fact(Timeout = 120_000)]
    public async Task BadInput_EachErrorClass_IsAStatusNamingTheField()
    {
        var result = await Python.RunAsync("grpc_cases.py", "errors", fixture.For(Clients.Procurement));

        Assert.Equal("INVALID_ARGUMENT", result.GetProperty("invalid_subject").GetProperty("code").GetString());
        Assert.Equal("INVALID_ARGUMENT", result.GetProperty("unknown_scenario").GetProperty("code").GetString());
        Assert.Equal("INVALID_ARGUMENT", result.GetProperty("batch_too_large").GetProperty("code").GetString());
        Assert.Equal("NOT_FOUND", result.GetProperty("unknown_check").GetProperty("code").GetString());
        Assert.Contains("作为自然人：", result.GetProperty("month_typo").GetProperty("details").GetString(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task Amount_WithThousandsSeparator_IsRefusedAsOverHttp_FieldsAreSnakeCase_OversizeMessageIsTheServicesOwn()
    {
        var result = await Python.RunAsync("grpc_cases.py", "contract", fixture.For(Clients.Procurement));

        Assert.Contains("“1,200”不是以元计的数字", result.GetProperty("amount").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("executed_at：", result.GetProperty("future").GetString(), StringComparison.Ordinal);
        Assert.Contains(" | message: is larger than", result.GetProperty("big").GetString(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task UnknownOrMissingKey_IsUnauthenticated()
    {
        var result = await Python.RunAsync("grpc_cases.py", "unknown_key", fixture.For(Clients.Procurement));

        Assert.Equal("UNAUTHENTICATED", result.GetProperty("unknown").GetProperty("code").GetString());
        Assert.Equal("UNAUTHENTICATED", result.GetProperty("missing").GetProperty("code").GetString());
    }

    [Fact(Timeout = 120_000)]
    public async Task FeedbackOnlyClient_CheckIsPermissionDenied()
    {
        var result = await Python.RunAsync("grpc_cases.py", "feedback_only", fixture.For(Clients.FeedbackOnly));

        Assert.Equal("PERMISSION_DENIED", result.GetProperty("check").GetProperty("code").GetString());
        Assert.Equal("NOT_FOUND", result.GetProperty("feedback").GetProperty("code").GetString());
    }

    [Fact(Timeout = 120_000)]
    public async Task GetCatalog_IsTheStoresCatalog()
    {
        var result = await Python.RunAsync("grpc_cases.py", "catalog", fixture.For(Clients.Procurement));

        Assert.Equal(CreditCheck.Catalog.CreditCatalog.Default.Version, result.GetProperty("version").GetString());
    }
}
