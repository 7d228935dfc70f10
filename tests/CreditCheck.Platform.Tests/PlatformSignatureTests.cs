using System.Globalization;

namespace CreditCheck.Platform.Tests;

public sealed class PlatformSignatureTests
{
    private const string Method = "/creditcheck.platform.v1.CreditPlatform/Sync";
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 12, 0, 0, TimeSpan.FromHours(8));

    [Fact]
    public void A_signature_made_with_the_secret_verifies()
    {
        var ms = Now.ToUnixTimeMilliseconds();
        var signature = PlatformSignature.Sign("s3cret", "dept-a", Method, ms, "n1");

        Assert.Matches("^[0-9a-f]{64}$", signature);
        Assert.Null(PlatformSignature.Verify("s3cret", "dept-a", Method, ms.ToString(CultureInfo.InvariantCulture), "n1", signature, Now));
    }

    [Theory]
    [InlineData("other", "dept-a", Method, "n1", "does not match")]
    [InlineData("s3cret", "dept-b", Method, "n1", "does not match")]
    [InlineData("s3cret", "dept-a", "/creditcheck.platform.v1.CreditPlatform/Query", "n1", "does not match")]
    [InlineData("s3cret", "dept-a", Method, "n2", "does not match")]
    public void Any_part_changed_fails(string secret, string client, string method, string nonce, string problem)
    {
        var ms = Now.ToUnixTimeMilliseconds();
        var signature = PlatformSignature.Sign("s3cret", "dept-a", Method, ms, "n1");

        Assert.Contains(problem, PlatformSignature.Verify(secret, client, method, ms.ToString(CultureInfo.InvariantCulture), nonce, signature, Now));
    }

    [Fact]
    public void A_stale_or_missing_timestamp_is_named()
    {
        var old = Now.AddMinutes(-6).ToUnixTimeMilliseconds();
        var signature = PlatformSignature.Sign("s3cret", "dept-a", Method, old, "n1");

        Assert.Contains("from the platform's clock", PlatformSignature.Verify("s3cret", "dept-a", Method, old.ToString(CultureInfo.InvariantCulture), "n1", signature, Now));
        Assert.Contains("x-cc-timestamp", PlatformSignature.Verify("s3cret", "dept-a", Method, "yesterday", "n1", signature, Now));
        Assert.Contains("x-cc-nonce", PlatformSignature.Verify("s3cret", "dept-a", Method, old.ToString(CultureInfo.InvariantCulture), "", signature, Now));
    }
}
