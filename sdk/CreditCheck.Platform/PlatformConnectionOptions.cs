namespace CreditCheck.Platform;

/// <summary>Where the credit platform is and who this client is to it. Bound from configuration
/// (section <c>CreditCheck:Platform</c>); the secret should come from the environment
/// (<c>CREDITCHECK_PLATFORM_SECRET</c>), never from a file in the repository.</summary>
public sealed class PlatformConnectionOptions
{
    /// <summary>The platform's gRPC address, e.g. <c>https://credit.example.gov.cn</c>; <c>http://</c> only on loopback or a trusted network.</summary>
    public Uri? Address { get; set; }

    /// <summary>The client id the platform issued (metadata <c>x-cc-client</c>).</summary>
    public string ClientId { get; set; } = "";

    /// <summary>The client's secret, which signs every call (HMAC-SHA256).</summary>
    public string Secret { get; set; } = "";

    /// <summary>List codes to follow; empty: every list the client is entitled to.</summary>
    public IList<string> Lists { get; } = [];

    /// <summary>How long one unary call may take before it counts as a failure.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Checks that the options can be used; throws naming the first problem.</summary>
    /// <exception cref="InvalidOperationException">An option is missing or wrong.</exception>
    public void Validate()
    {
        if (Address is null || !Address.IsAbsoluteUri || (Address.Scheme != Uri.UriSchemeHttp && Address.Scheme != Uri.UriSchemeHttps))
        {
            throw new InvalidOperationException($"CreditCheck:Platform:Address must be an absolute http:// or https:// address (was '{Address}').");
        }

        if (string.IsNullOrWhiteSpace(ClientId))
        {
            throw new InvalidOperationException("CreditCheck:Platform:ClientId is empty: set the client id the platform issued.");
        }

        if (string.IsNullOrEmpty(Secret))
        {
            throw new InvalidOperationException("CreditCheck:Platform:Secret is empty: set it from the environment (CREDITCHECK_PLATFORM_SECRET).");
        }

        if (CallTimeout <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"CreditCheck:Platform:CallTimeout must be positive (was {CallTimeout}).");
        }
    }
}
