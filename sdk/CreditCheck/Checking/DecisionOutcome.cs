namespace CreditCheck;

/// <summary>What the host should do, ordered from most to least favourable to the subject.</summary>
public enum DecisionOutcome
{
    /// <summary>No listing applies here: proceed normally.</summary>
    Clear = 0,

    /// <summary>A red list applies: benefits such as 绿色通道 or 容缺受理 may be granted.</summary>
    Benefit = 1,

    /// <summary>Look closer (从严审核): a watch list, a listing with no measure here, unreadable data,
    /// or a store that could not answer under <c>FailClosed</c>.</summary>
    Review = 2,

    /// <summary>Proceed with restrictions (e.g. 不适用告知承诺制).</summary>
    Restricted = 3,

    /// <summary>Refuse (e.g. 拒绝参与政府采购活动).</summary>
    Denied = 4,
}

/// <summary>How an entry found for the subject was treated.</summary>
public enum EntryState
{
    /// <summary>In force: its measures apply.</summary>
    InForce = 1,

    /// <summary>In force and under objection (异议中): measures apply unless the catalog suspends them; flagged.</summary>
    UnderObjection = 2,

    /// <summary>Under objection and the catalog suspends measures meanwhile.</summary>
    SuspendedByObjection = 3,

    /// <summary>Its validity has not begun.</summary>
    NotYetValid = 4,

    /// <summary>Its validity has ended (公示期满).</summary>
    Expired = 5,

    /// <summary>Removed by credit repair (已修复).</summary>
    Repaired = 6,

    /// <summary>Revoked (已撤销).</summary>
    Revoked = 7,

    /// <summary>Its list is not in the catalog the decision was made on.</summary>
    UnknownList = 8,

    /// <summary>In force, but on a list that acts only in its sector (<see cref="Catalog.CreditList.Sectors"/>)
    /// and the scenario is outside it: here it triggers no measure, sets no floor and voids no benefit
    /// (国办发〔2020〕49号: lists that are not serious carry sector measures only).</summary>
    OutsideSector = 9,
}

/// <summary>Which path produced a decision.</summary>
public enum DecisionPath
{
    /// <summary>The embedded store, authoritative.</summary>
    Embedded = 1,

    /// <summary>The local filter: not listed, no network round trip.</summary>
    LocalFilter = 2,

    /// <summary>Cached entries of a listed subject.</summary>
    Cache = 3,

    /// <summary>A read from the shared store.</summary>
    Store = 4,

    /// <summary>The last known state, because the store could not answer (degraded).</summary>
    LastKnown = 5,

    /// <summary>The unavailability policy, because the store could not answer (degraded).</summary>
    Policy = 6,
}

/// <summary>What to decide when the store cannot answer.</summary>
public enum UnavailablePolicy
{
    /// <summary>Answer <see cref="DecisionOutcome.Review"/>, flagged degraded. The default: nobody is
    /// waved through unchecked.</summary>
    FailClosed = 0,

    /// <summary>Answer <see cref="DecisionOutcome.Clear"/>, flagged degraded.</summary>
    FailOpen = 1,

    /// <summary>Decide on the last known entries, flagged degraded; without any, as <see cref="FailClosed"/>.</summary>
    LastKnown = 2,
}

/// <summary>What to decide when the store holds no data of a list that acts in the scenario
/// (<see cref="CreditDecision.ListsNotHeld"/>: never imported, or not followed from the credit platform).</summary>
public enum ListsNotHeldPolicy
{
    /// <summary>Decide on the lists the store holds and name the others in <see cref="CreditDecision.ListsNotHeld"/> and
    /// in the explanations (<c>本次核查未覆盖……</c>); the outcome is unchanged. The default: the store did answer from
    /// current data, and the host sees what it did not cover.</summary>
    Name = 0,

    /// <summary>While a list not held could hold a 失信 record acting in the scenario (a punishment or watch list, or a
    /// rating with a level that restricts there), a decision better than <see cref="DecisionOutcome.Review"/> (Clear or
    /// Benefit) is answered Review, flagged degraded on current data, and its benefits are withheld
    /// (<see cref="CreditDecision.VoidedMeasures"/>; other measures stay applied): a subject on such a list cannot be told
    /// from a clean one. A missing red list alone hides only a benefit and changes nothing. Worse outcomes are unchanged.</summary>
    Review = 1,
}
