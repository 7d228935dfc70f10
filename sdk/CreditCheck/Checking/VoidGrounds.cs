namespace CreditCheck;

/// <summary>
/// What ends a subject's good standing in one decision, gathered from every entry that does, so that a void
/// reason names every list concerned (found by review: only the first list found was named when several were).
/// Each ground is a Chinese template with a <see cref="Names"/> placeholder, the name to put there, and an English
/// phrase; grounds of one template are said once, their names joined by 、 in the order found.
/// </summary>
/// <remarks>Not thread-safe: one instance per decision.</remarks>
internal sealed class VoidGrounds
{
    /// <summary>Where the names of the lists concerned go in a template, e.g. <c>存在失信记录（{names}）</c>.</summary>
    public const string Names = "{names}";

    private List<(string Template, string Name, string English)>? _grounds;
    private (string Chinese, string English)? _text;

    /// <summary>Adds a ground; a null one (an entry that does not end good standing here) is ignored.</summary>
    /// <param name="ground">The template, the name for its placeholder (empty when it has none) and the English phrase.</param>
    public void Add((string Template, string Name, string English)? ground)
    {
        if (ground is { } g)
        {
            (_grounds ??= []).Add(g);
            _text = null;
        }
    }

    /// <summary>Every ground in one phrase, Chinese and English, or null when there is none: e.g.
    /// <c>存在失信记录（失信被执行人名单、市场监督管理严重违法失信名单）</c>; grounds of different kinds joined by ；.</summary>
    public (string Chinese, string English)? Text => _grounds is null ? null : _text ??= Compose(_grounds);

    private static (string Chinese, string English) Compose(List<(string Template, string Name, string English)> grounds)
    {
        var chinese = grounds
            .GroupBy(g => g.Template, StringComparer.Ordinal)
            .Select(g => g.Key.Replace(Names, string.Join("、", g.Select(x => x.Name).Distinct(StringComparer.Ordinal)), StringComparison.Ordinal));
        var english = grounds.Select(g => g.English).Distinct(StringComparer.Ordinal);
        return (string.Join("；", chinese), string.Join("; ", english));
    }
}
