namespace CreditCheck.Redis;

/// <summary>The namespace was set up with a different secret. Under the wrong secret every listed
/// subject would look clean, so start-up fails instead.</summary>
public sealed class SecretMismatchException : InvalidOperationException
{
    /// <summary>Names the namespace and both secrets' fingerprints (never the secrets).</summary>
    /// <param name="ns">The namespace.</param>
    /// <param name="stored">The fingerprint the namespace was set up with.</param>
    /// <param name="mine">This process's fingerprint.</param>
    public SecretMismatchException(string ns, string? stored, string mine)
        : base($"Namespace '{ns}' was set up with a different secret (fingerprint {stored}; this process has {mine}). "
            + "Every listed subject would look clean under the wrong secret, so CreditCheck refuses to start. "
            + "Configure the secret that the namespace's publisher uses.")
    {
    }
}
