namespace CreditCheck.Catalog;

/// <summary>One problem found in a catalog document.</summary>
/// <param name="Path">JSON path of the offending element, e.g. <c>$.measures[3].lists[1]</c>.</param>
/// <param name="Message">What is wrong.</param>
public sealed record CatalogProblem(string Path, string Message)
{
    /// <summary><c>path: message</c>.</summary>
    public override string ToString() => $"{Path}: {Message}";
}

/// <summary>A catalog was refused; <see cref="Problems"/> lists every problem, not only the first.</summary>
public sealed class CatalogValidationException : Exception
{
    /// <summary>Creates the exception from the problems found.</summary>
    /// <param name="source">Where the catalog came from (a file path), or null.</param>
    /// <param name="problems">Every problem; at least one.</param>
    public CatalogValidationException(string? source, IReadOnlyList<CatalogProblem> problems)
        : base(BuildMessage(source, problems))
    {
        CatalogSource = source;
        Problems = problems;
    }

    /// <summary>Creates an exception with a single problem at the root.</summary>
    public CatalogValidationException()
        : this(null, [new CatalogProblem("$", "The catalog is invalid.")])
    {
    }

    /// <summary>Creates an exception with a single problem at the root.</summary>
    /// <param name="message">What is wrong.</param>
    public CatalogValidationException(string message)
        : this(null, [new CatalogProblem("$", message)])
    {
    }

    /// <summary>Creates an exception with a single problem at the root.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public CatalogValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [new CatalogProblem("$", message)];
    }

    /// <summary>Where the catalog came from (a file path), or null.</summary>
    public string? CatalogSource { get; }

    /// <summary>Every problem found, each with its JSON path.</summary>
    public IReadOnlyList<CatalogProblem> Problems { get; }

    private static string BuildMessage(string? source, IReadOnlyList<CatalogProblem> problems)
    {
        var where = source is null ? "The catalog" : $"The catalog '{source}'";
        var count = problems.Count == 1 ? "1 problem" : $"{problems.Count} problems";
        return $"{where} was refused ({count}):{Environment.NewLine}  "
            + string.Join(Environment.NewLine + "  ", problems);
    }
}
