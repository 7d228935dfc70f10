namespace CreditCheck.Adapters.Supervision;

/// <summary>Options of the supervision adapter. The catalog's <c>inspection</c> ratios win; these apply only to a
/// catalog that sets none.</summary>
public sealed class SupervisionOptions
{
    /// <summary>Multiplier of the base ratio for reduced inspection when the catalog sets none. Default 0.5.</summary>
    public double ReducedMultiplier { get; set; } = 0.5;

    /// <summary>Multiplier of the base ratio for increased inspection when the catalog sets none. Default 2.</summary>
    public double IncreasedMultiplier { get; set; } = 2;

    /// <summary>Subjects checked per <see cref="ICreditChecker.CheckManyAsync"/> call; at most the checker's
    /// <see cref="CreditCheckOptions.MaxBatchSize"/>. Default 2,000.</summary>
    public int BatchSize { get; set; } = 2_000;
}
