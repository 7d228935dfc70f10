using System.Security.Cryptography;
using System.Text;

namespace CreditCheck.Server.Tests.Support;

/// <summary>The client systems the tests configure, each with its key; only the keys' SHA-256 reach the server.</summary>
public static class Clients
{
    public const string Procurement = "cc-test-procurement-6f1d2a";
    public const string FeedbackOnly = "cc-test-feedback-only-91c3";
    public const string BiddingOnly = "cc-test-bidding-only-5e7b";
    public const string Throttled = "cc-test-throttled-0d4e";
    public const int MaxBatch = 50;
    public const int MaxBody = 65_536;

    /// <summary>The environment that configures them (and small limits, so the limits can be hit).</summary>
    public static Dictionary<string, string> Environment() => new()
    {
        ["CreditCheck__Server__Clients__0__Id"] = "procurement-system",
        ["CreditCheck__Server__Clients__0__KeyHash"] = Hash(Procurement),
        ["CreditCheck__Server__Clients__0__Department"] = "市财政局",
        ["CreditCheck__Server__Clients__1__Id"] = "feedback-collector",
        ["CreditCheck__Server__Clients__1__KeyHash"] = Hash(FeedbackOnly),
        ["CreditCheck__Server__Clients__1__Scopes__0"] = "feedback",
        ["CreditCheck__Server__Clients__2__Id"] = "bidding-system",
        ["CreditCheck__Server__Clients__2__KeyHash"] = Hash(BiddingOnly),
        ["CreditCheck__Server__Clients__2__Scenarios__0"] = "bidding.*",
        ["CreditCheck__Server__Clients__3__Id"] = "throttled-system",
        ["CreditCheck__Server__Clients__3__KeyHash"] = Hash(Throttled),
        ["CreditCheck__Server__Clients__3__RequestsPerSecond"] = "1",
        ["CreditCheck__Server__Clients__3__Burst"] = "2",
        ["CreditCheck__MaxBatchSize"] = MaxBatch.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["CreditCheck__Server__MaxRequestBodyBytes"] = MaxBody.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
