namespace CreditCheck.Adapters;

/// <summary>
/// Which enterprise (or person) an identifier names, so the procurement and bidding adapters refuse one that takes part
/// twice under two of its codes: a 统一社会信用代码 and the 组织机构代码 it embeds (positions 9–17, GB 32100) are one
/// enterprise (found from outside: <c>91510104MAK50F914T</c> alone and <c>MAK50F914</c> in a consortium took part twice).
/// Compiled into each adapter that uses it (linked source, internal).
/// </summary>
/// <remarks>A 工商注册号 cannot be tied to a code by its text, so it is only its own key.</remarks>
internal static class SubjectIdentity
{
    private const string Why = "a 统一社会信用代码 and the 组织机构代码 it embeds";

    /// <summary>The key two identifiers of one enterprise share: a 统一社会信用代码's embedded 组织机构代码, else the
    /// identifier itself.</summary>
    /// <param name="subject">The identifier as given.</param>
    /// <returns>The key to compare by.</returns>
    public static SubjectId Key(SubjectId subject) => subject.EmbeddedOrganizationCode ?? subject;

    /// <summary>The two entries found to be one, in English for an exception: <c>the same subject (…)</c>, or when
    /// given by two codes <c>the same enterprise (…)</c> saying why.</summary>
    /// <param name="first">The identifier first given.</param>
    /// <param name="again">The identifier given again.</param>
    /// <returns>Text for "… are {it}".</returns>
    public static string Same(SubjectId first, SubjectId again) => first == again
        ? $"the same subject ({again.Masked})"
        : $"the same enterprise ({Codes(first, again)})";

    /// <summary>Who takes part twice, in English for an exception, followed by where: one name and code, or both names
    /// and codes when given by two codes.</summary>
    /// <param name="firstName">The name first given.</param>
    /// <param name="first">The identifier first given.</param>
    /// <param name="againName">The name given again.</param>
    /// <param name="again">The identifier given again.</param>
    /// <returns>e.g. <c>甲 (9151…) takes part</c> or <c>甲 (9151…) and 甲（旧代码） (MAK5…) are the same enterprise (…), taking part</c>.</returns>
    public static string TakesPart(string firstName, SubjectId first, string againName, SubjectId again) => first == again
        ? $"{againName} ({again.Masked}) takes part"
        : $"{firstName} ({first.Masked}) and {againName} ({again.Masked}) are the same enterprise ({Why}), taking part";

    /// <summary>Refuses a consortium that lists one member twice, by the same code or by its two codes: the
    /// procurement and bidding adapters' <c>Consortium(...)</c> factories. A member without a name or an identifier
    /// is left to the adapter's validation, which names its position in the project or tender.</summary>
    /// <typeparam name="T">The adapter's member type.</typeparam>
    /// <param name="consortium">The consortium's name.</param>
    /// <param name="members">Its members.</param>
    /// <param name="name">A member's name.</param>
    /// <param name="subject">A member's identifier.</param>
    /// <exception cref="ArgumentException">A member is listed twice; the message names both positions.</exception>
    public static void ThrowIfMemberTwice<T>(string consortium, IReadOnlyList<T?> members, Func<T, string> name, Func<T, SubjectId> subject)
        where T : class
    {
        var seen = new Dictionary<SubjectId, int>();
        for (var m = 0; m < members.Count; m++)
        {
            if (members[m] is { } member && !subject(member).IsEmpty && !seen.TryAdd(Key(subject(member)), m))
            {
                var first = members[seen[Key(subject(member))]]!;
                throw new ArgumentException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"Consortium '{consortium}': members {seen[Key(subject(member))] + 1} ({name(first)}) and {m + 1} ({name(member)}) are {Same(subject(first), subject(member))}; list each member once."), nameof(members));
            }
        }
    }

    private static string Codes(SubjectId first, SubjectId again) => $"{first.Masked} and {again.Masked}: {Why}";
}
