namespace CreditCheck.Redis;

/// <summary>The namespace was set up with a different secret. Under the wrong secret every listed
/// subject would look clean, so start-up fails instead.</summary>
internal sealed class SecretMismatchException : InvalidOperationException
{
    public SecretMismatchException(string ns, string? stored, string mine)
        : base($"Namespace '{ns}' was set up with a different secret (fingerprint {stored}; this process has {mine}). "
            + "Every listed subject would look clean under the wrong secret, so CreditCheck refuses to start. "
            + "Configure the secret that the namespace's publisher uses.")
    {
    }
}
