namespace CreditCheck.Platform;

/// <summary>The platform (or the Redis the forwarder reads) could not be reached, or did not answer within the
/// call deadline, for longer than allowed.</summary>
public sealed class PlatformUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="platform">The platform's address.</param>
    /// <param name="reason">The last failure.</param>
    /// <param name="inner">The last failure's exception.</param>
    public PlatformUnavailableException(Uri platform, string reason, Exception? inner = null)
        : base(inner is Grpc.Core.RpcException { StatusCode: Grpc.Core.StatusCode.DeadlineExceeded }
            ? $"The credit platform {platform} did not answer in time: {reason}" // reached, but slow: not "cannot be reached"
            : $"The credit platform {platform} cannot be reached: {reason}", inner)
    {
        Platform = platform;
    }

    /// <summary>The platform's address.</summary>
    public Uri Platform { get; }
}
