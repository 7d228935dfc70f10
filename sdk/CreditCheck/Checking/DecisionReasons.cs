namespace CreditCheck;

/// <summary>
/// The Chinese wording adapters and hosts show a clerk for what a decision found: why an entry matters,
/// the lists that triggered a measure, the role a related person holds. One wording for every adapter,
/// so that a clerk reads the same sentence for the same fact in approval, procurement and bidding.
/// </summary>
public static class DecisionReasons
{
    /// <summary>Why a matched entry matters, or null for one that does not call for action (a red list, an
    /// entry expired, repaired, revoked, not yet valid, or outside its list's sector).</summary>
    /// <param name="entry">The matched entry.</param>
    /// <param name="subject">How the subject is named in the sentence, e.g. <c>申请单位</c> or a bidder's name.</param>
    /// <param name="consequence">What follows for an entry in force or under objection, e.g. <c>从严审核</c>, <c>需人工核查</c>.</param>
    /// <param name="unknownListConsequence">What follows for an entry on a list the catalog lacks; null for <paramref name="consequence"/>.</param>
    /// <returns>The sentence, e.g. <c>申请单位列入失信被执行人名单（异议处理中），从严审核</c>, or, for a person only
    /// linked through a listed enterprise, <c>申请人为列入失信被执行人名单的“某公司”的法定代表人（本人未列入），从严审核</c>;
    /// or null.</returns>
    public static string? Describe(MatchedEntry entry, string subject, string consequence, string? unknownListConsequence = null)
    {
        ArgumentNullException.ThrowIfNull(entry);

        // Not "listed" himself (found from outside: a 法定代表人 was told he was on the list his enterprise is on).
        if (entry.IsRelatedPerson && entry.Entry.RelatedTo is { } related && entry.List is { } list && list.Category != Catalog.ListCategory.Reward
            && entry.State is EntryState.InForce or EntryState.UnderObjection or EntryState.SuspendedByObjection)
        {
            var state = entry.State switch
            {
                EntryState.UnderObjection => "（异议处理中）",
                EntryState.SuspendedByObjection => "（异议核查中）",
                _ => string.Empty,
            };
            return $"{subject}为列入{list.Name}的“{related.EnterpriseName}”的{RoleName(related.Role)}（本人未列入）{state}，{consequence}";
        }

        return entry.State switch
        {
            EntryState.UnknownList => $"{subject}有名单“{entry.Entry.ListCode}”的记录，该名单不在当前目录中，{unknownListConsequence ?? consequence}",
            EntryState.SuspendedByObjection => $"{subject}在{entry.List!.Name}的记录异议核查中，{consequence}",
            EntryState.UnderObjection when entry.List!.Category != Catalog.ListCategory.Reward => $"{subject}列入{entry.List.Name}（异议处理中），{consequence}",
            EntryState.InForce when entry.List!.Category != Catalog.ListCategory.Reward => $"{subject}列入{entry.List.Name}，{consequence}",
            _ => null,
        };
    }

    /// <summary>The lists of the entries, by name (the code for a list the catalog lacks), each once, joined by 、.</summary>
    /// <param name="entries">Matched entries, e.g. a measure's <see cref="AppliedMeasure.TriggeredBy"/>.</param>
    /// <returns>e.g. <c>失信被执行人名单、重大税收违法失信主体名单</c>.</returns>
    public static string ListNames(IEnumerable<MatchedEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return string.Join("、", entries.Select(e => e.List?.Name ?? e.Entry.ListCode).Distinct(StringComparer.Ordinal));
    }

    /// <summary>The lists a decision did not cover (<see cref="CreditDecision.ListsNotHeld"/>), as a clause to follow what
    /// was not found, so that "未发现" is not read as covering a list the store holds no data of.</summary>
    /// <param name="decision">The decision.</param>
    /// <returns>e.g. <c>（未覆盖“经营异常名录”：本系统未载入上述名单数据，如需请另行核查）</c>, or empty when it covers every list.</returns>
    public static string NotCovered(CreditDecision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return decision.ListsNotHeld.Count == 0
            ? string.Empty
            : $"（未覆盖{string.Concat(decision.ListsNotHeld.Select(l => $"“{l.Name}”"))}：本系统未载入上述名单数据，如需请另行核查）";
    }

    /// <summary>The role of a person listed because of an enterprise, as the regulations name it.</summary>
    /// <param name="role">The role.</param>
    /// <returns>法定代表人, 主要负责人, 直接负责的主管人员和其他直接责任人员 or 实际控制人.</returns>
    public static string RoleName(RelatedRole role) => role switch
    {
        RelatedRole.LegalRepresentative => "法定代表人",
        RelatedRole.PrincipalPerson => "主要负责人",
        RelatedRole.DirectlyResponsiblePerson => "直接负责的主管人员和其他直接责任人员",
        _ => "实际控制人",
    };
}
