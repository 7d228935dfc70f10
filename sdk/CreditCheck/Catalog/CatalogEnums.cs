namespace CreditCheck.Catalog;

/// <summary>Which of the three kinds of list (名单) a list is.</summary>
public enum ListCategory
{
    /// <summary>失信惩戒: a blacklist such as 严重失信主体名单.</summary>
    Punishment = 1,

    /// <summary>重点关注: a watch list; hits lead to closer review.</summary>
    Watch = 2,

    /// <summary>守信激励: a red list; hits may earn benefits.</summary>
    Reward = 3,

    /// <summary>信用评价结果: the results of a <see cref="CreditRating"/> (same code), each entry carrying its level;
    /// what a level earns or costs is in the measures that name it. Not a 失信 record by itself.</summary>
    Rating = 4,
}

/// <summary>How serious a punishment or watch list is (国办发〔2020〕49号: joint punishment only for
/// serious lists).</summary>
public enum ListSeverity
{
    /// <summary>严重失信主体名单: may carry cross-department joint punishment.</summary>
    Serious = 1,

    /// <summary>重点关注: closer supervision, no joint punishment.</summary>
    Focus = 2,

    /// <summary>A sector status (e.g. a tax grade) that triggers that sector's measures only.</summary>
    Sector = 3,
}

/// <summary>What a measure is, in the terms of the 奖惩措施清单.</summary>
public enum MeasureKind
{
    /// <summary>惩戒: reduces rights or adds obligations.</summary>
    Restriction = 1,

    /// <summary>监管: closer supervision or review, no loss of rights.</summary>
    Supervision = 2,

    /// <summary>激励: a benefit for good credit.</summary>
    Benefit = 3,
}

/// <summary>What applying a measure does to the transaction; drives the decision's outcome.</summary>
public enum MeasureEffect
{
    /// <summary>The transaction is refused (e.g. 拒绝参与政府采购活动). Outcome <c>Denied</c>.</summary>
    Deny = 1,

    /// <summary>The transaction goes on with a restriction (e.g. 不适用告知承诺制). Outcome <c>Restricted</c>.</summary>
    Restrict = 2,

    /// <summary>The transaction needs a closer review (从严审核, 重点监管). Outcome <c>Review</c>.</summary>
    Review = 3,

    /// <summary>Information for the clerk or another body; does not change the outcome by itself.</summary>
    Notify = 4,

    /// <summary>行政审批绿色通道. Outcome <c>Benefit</c>.</summary>
    FastTrack = 10,

    /// <summary>优先办理. Outcome <c>Benefit</c>.</summary>
    Priority = 11,

    /// <summary>容缺受理: accept now, missing materials to follow. Outcome <c>Benefit</c>.</summary>
    TolerantAcceptance = 12,

    /// <summary>告知承诺: approval on the applicant's written commitment. Outcome <c>Benefit</c>.</summary>
    Commitment = 13,

    /// <summary>降低抽查比例和频次. Outcome <c>Benefit</c>.</summary>
    ReducedInspection = 14,

    /// <summary>信用加分 or another advantage in a competition (bidding, funding). Outcome <c>Benefit</c>.</summary>
    CreditBonus = 15,
}
