namespace CreditCheck;

/// <summary>What the host did with one measure of a decision (执行 → 反馈).</summary>
public enum ExecutionResult
{
    /// <summary>The measure was carried out (已惩戒 / 已激励).</summary>
    Executed = 1,

    /// <summary>The measure was not carried out; the reason is required (未执行).</summary>
    NotExecuted = 2,

    /// <summary>Someone with the authority to do so set the measure aside; who and why are required.</summary>
    Overridden = 3,

    /// <summary>The decision applied no measure; the record only says the check was made and used
    /// (so the platform can count checks as well as hits).</summary>
    NothingToExecute = 4,
}
