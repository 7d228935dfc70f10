namespace CreditCheck.Platform;

/// <summary>The platform (or the Redis the forwarder reads) could not be reached for longer than allowed.</summary>
public sealed class PlatformUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="platform">The platform's address.</param>
    /// <param name="reason">The last failure.</param>
    /// <param name="inner">The last failure's exception.</param>
    public PlatformUnavailableException(Uri platform, string reason, Exception? inner = null)
        : base($"The credit platform {platform} cannot be reached: {reason}", inner)
    {
        Platform = platform;
    }

    /// <summary>The platform's address.</summary>
    public Uri Platform { get; }
}
