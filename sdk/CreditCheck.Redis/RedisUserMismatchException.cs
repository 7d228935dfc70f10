namespace CreditCheck.Redis;

/// <summary>Redis has this connection logged in as another user than the configured one: the configured user's
/// password was refused and the client went on as <c>default</c>. Start-up fails rather than run with rights the
/// operator did not give. A tool catches it to name its own setting for the password.</summary>
public sealed class RedisUserMismatchException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="configured">The user the configuration names.</param>
    /// <param name="actual">The user Redis has the connection logged in as.</param>
    public RedisUserMismatchException(string configured, string actual)
        : base(
            $"Redis has this connection logged in as user '{actual}', not as the configured user '{configured}': Redis refused "
            + $"the password of '{configured}' (see ACL LOG on the server) and StackExchange.Redis went on as '{actual}'. "
            + "CreditCheck refuses to run with rights that were not given to it; correct RedisStoreOptions.Password or the password in the "
            + "configuration, or turn the 'default' user off (ACL SETUSER default off).")
    {
        ConfiguredUser = configured;
        ActualUser = actual;
    }

    /// <summary>The user the configuration names.</summary>
    public string ConfiguredUser { get; }

    /// <summary>The user Redis has the connection logged in as (usually <c>default</c>).</summary>
    public string ActualUser { get; }
}
