namespace CreditCheck.Stores;

/// <summary>An entry was refused because it does not fit the catalog or is inconsistent.</summary>
public sealed class ListEntryException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ListEntryException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, naming the entry.</param>
    public ListEntryException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, naming the entry.</param>
    /// <param name="innerException">The cause.</param>
    public ListEntryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
