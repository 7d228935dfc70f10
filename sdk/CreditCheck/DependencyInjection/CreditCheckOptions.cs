namespace CreditCheck;

/// <summary>Options of the checker. Validated when the host starts (or on first use without a host).</summary>
public sealed class CreditCheckOptions
{
    /// <summary>The configuration section <c>AddCreditCheck(IConfiguration)</c> binds by convention.</summary>
    public const string SectionName = "CreditCheck";

    /// <summary>What to decide when the store cannot answer. Default <see cref="UnavailablePolicy.FailClosed"/>
    /// (answer <see cref="DecisionOutcome.Review"/>, flagged degraded).</summary>
    public UnavailablePolicy OnUnavailable { get; set; } = UnavailablePolicy.FailClosed;

    /// <summary>What to decide when the store holds no data of a list that acts in the scenario. Default
    /// <see cref="ListsNotHeldPolicy.Name"/> (decide on the lists held, name the others); <see cref="ListsNotHeldPolicy.Review"/>
    /// answers a Clear or Benefit decision Review, flagged degraded, until every acting list is loaded.</summary>
    public ListsNotHeldPolicy OnListsNotHeld { get; set; } = ListsNotHeldPolicy.Name;

    /// <summary>How old a shared store's local state may grow before local negatives are re-checked
    /// against the store. Default 5 seconds; between 100 ms and 1 hour. The embedded store is always current.</summary>
    public TimeSpan MaxStaleness { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The most requests one <see cref="ICreditChecker.CheckManyAsync"/> call takes. Default 10,000; between 1 and 1,000,000.</summary>
    public int MaxBatchSize { get; set; } = 10_000;

    /// <summary>The feedback backlog (records acknowledged, not yet delivered) past which the health
    /// check reports <c>Degraded</c>. Default 1,000.</summary>
    public int HealthFeedbackBacklogLimit { get; set; } = 1_000;
}
