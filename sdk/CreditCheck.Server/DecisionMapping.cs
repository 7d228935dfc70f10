using System.Globalization;
using CreditCheck.Catalog;

namespace CreditCheck.Server;

/// <summary>A decision as the APIs show it; every value is the SDK's.</summary>
internal static class DecisionMapping
{
    private static readonly string[] Outcomes = Enum.GetNames<DecisionOutcome>();

    public static DecisionBody ToBody(CreditDecision d) => new()
    {
        CheckId = d.CheckId,
        Subject = d.Subject,
        SubjectKind = d.SubjectKind.ToString(),
        Scenario = d.Scenario,
        ResolvedScenario = d.ResolvedScenario.Code,
        Outcome = Outcomes[(int)d.Outcome],
        AppliedMeasures = Measures(d.AppliedMeasures),
        VoidedMeasures = Measures(d.VoidedMeasures),
        MatchedEntries = d.MatchedEntries.Count == 0 ? [] : [.. d.MatchedEntries.Select(Entry)],
        UnreadableEntries = d.UnreadableEntries,
        Explanation = d.Explanation,
        ExplanationEnglish = d.ExplanationEnglish,
        CatalogVersion = d.CatalogVersion,
        Sequence = d.Sequence,
        IsDegraded = d.IsDegraded,
        DegradedReason = d.DegradedReason,
        Path = d.Path.ToString(),
        EvaluatedAt = d.EvaluatedAt,
        TransactionReference = d.TransactionReference,
        Department = d.Department,
        Operator = d.Operator,
        Ratings = d.Ratings.Count == 0 ? [] : [.. d.Ratings.Select(r => new RatingBody { Rating = r.Rating.Code, RatingName = r.Rating.Name, Level = r.Level.Code, LevelName = r.Level.Name, AsOf = r.AsOf })],
        ListsNotHeld = d.ListsNotHeld.Count == 0 ? [] : [.. d.ListsNotHeld.Select(l => l.Code)],
    };

    public static Grpc.Decision ToProto(CreditDecision d)
    {
        var message = new Grpc.Decision
        {
            CheckId = d.CheckId.ToString(),
            Subject = d.Subject,
            SubjectKind = d.SubjectKind.ToString(),
            Scenario = d.Scenario,
            ResolvedScenario = d.ResolvedScenario.Code,
            Outcome = Outcomes[(int)d.Outcome],
            Explanation = d.Explanation,
            ExplanationEnglish = d.ExplanationEnglish,
            CatalogVersion = d.CatalogVersion,
            Sequence = d.Sequence,
            IsDegraded = d.IsDegraded,
            DegradedReason = d.DegradedReason ?? string.Empty,
            Path = d.Path.ToString(),
            EvaluatedAt = d.EvaluatedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            TransactionReference = d.TransactionReference ?? string.Empty,
            Department = d.Department ?? string.Empty,
            Operator = d.Operator ?? string.Empty,
        };
        foreach (var m in d.AppliedMeasures)
        {
            message.AppliedMeasures.Add(ProtoMeasure(m));
        }

        foreach (var list in d.ListsNotHeld)
        {
            message.ListsNotHeld.Add(list.Code);
        }

        foreach (var m in d.VoidedMeasures)
        {
            message.VoidedMeasures.Add(ProtoMeasure(m));
        }

        foreach (var e in d.MatchedEntries)
        {
            message.MatchedEntries.Add(new Grpc.MatchedEntry
            {
                List = e.Entry.ListCode,
                ListName = e.List?.Name ?? string.Empty,
                EntryId = e.Entry.EntryId,
                SubjectName = e.Entry.SubjectName ?? string.Empty,
                Authority = e.Entry.Authority ?? string.Empty,
                DecisionReference = e.Entry.DecisionReference ?? string.Empty,
                State = e.State.ToString(),
                ValidFrom = Time(e.Entry.ValidFrom),
                ValidUntil = Time(e.Entry.ValidUntil),
                RelatedEnterprise = e.Entry.RelatedTo?.EnterpriseName ?? string.Empty,
                RelatedRole = e.Entry.RelatedTo?.Role.ToString() ?? string.Empty,
                ListedOn = Time(e.Entry.ListedOn),
                ListedInOwnRight = e.IsCoListedPerson,
            });
        }

        foreach (var u in d.UnreadableEntries)
        {
            message.UnreadableEntries.Add(new Grpc.UnreadableEntry { Field = u.Field, Reason = u.Reason });
        }

        foreach (var r in d.Ratings)
        {
            message.Ratings.Add(new Grpc.Rating { Rating_ = r.Rating.Code, RatingName = r.Rating.Name, Level = r.Level.Code, LevelName = r.Level.Name, AsOf = Time(r.AsOf) });
        }

        return message;
    }

    public static Grpc.Catalog ToProto(CreditCatalog catalog)
    {
        var message = new Grpc.Catalog { Version = catalog.Version, Edition = catalog.Edition, Json = catalog.ToJson() };
        foreach (var l in catalog.Lists)
        {
            message.Lists.Add(new Grpc.CatalogList { Code = l.Code, Name = l.Name, Category = l.Category.ToString(), Authority = l.Authority, LegalBasis = l.LegalBasis });
        }

        foreach (var m in catalog.Measures)
        {
            var measure = new Grpc.CatalogMeasure { Code = m.Code, Name = m.Name, Kind = m.Kind.ToString(), Effect = m.Effect.ToString(), LegalBasis = m.LegalBasis };
            measure.Lists.AddRange(m.Lists);
            measure.Scenarios.AddRange(m.Scenarios);
            message.Measures.Add(measure);
        }

        foreach (var s in catalog.Scenarios)
        {
            message.Scenarios.Add(new Grpc.CatalogScenario { Code = s.Code, Name = s.Name, Parent = s.ParentCode ?? string.Empty });
        }

        return message;
    }

    private static IReadOnlyList<MeasureBody> Measures(IReadOnlyList<AppliedMeasure> measures) => measures.Count == 0 ? [] : [.. measures.Select(m => new MeasureBody
    {
        Code = m.Measure.Code,
        Name = m.Measure.Name,
        Kind = m.Measure.Kind.ToString(),
        Effect = m.Measure.Effect.ToString(),
        LegalBasis = m.LegalBasis,
        TriggeredBy = [.. m.TriggeredBy.Select(e => new EntryReference(e.Entry.ListCode, e.Entry.EntryId))],
        VoidReason = m.VoidReason,
        VoidReasonEnglish = m.VoidReasonEnglish,
        Rating = m.Rating?.ToString(),
    })];

    private static EntryBody Entry(MatchedEntry e) => new()
    {
        List = e.Entry.ListCode,
        ListName = e.List?.Name,
        EntryId = e.Entry.EntryId,
        SubjectName = e.Entry.SubjectName,
        Authority = e.Entry.Authority,
        DecisionReference = e.Entry.DecisionReference,
        State = e.State.ToString(),
        ListedOn = e.Entry.ListedOn,
        ValidFrom = e.Entry.ValidFrom,
        ValidUntil = e.Entry.ValidUntil,
        RelatedEnterprise = e.Entry.RelatedTo?.EnterpriseName,
        RelatedRole = e.Entry.RelatedTo?.Role.ToString(),
        ListedInOwnRight = e.Entry.RelatedTo is null ? null : e.IsCoListedPerson,
    };

    private static Grpc.AppliedMeasure ProtoMeasure(AppliedMeasure m)
    {
        var message = new Grpc.AppliedMeasure
        {
            Code = m.Measure.Code,
            Name = m.Measure.Name,
            Kind = m.Measure.Kind.ToString(),
            Effect = m.Measure.Effect.ToString(),
            LegalBasis = m.LegalBasis,
            VoidReason = m.VoidReason ?? string.Empty,
            VoidReasonEnglish = m.VoidReasonEnglish ?? string.Empty,
            Rating = m.Rating?.ToString() ?? string.Empty,
        };
        foreach (var e in m.TriggeredBy)
        {
            message.TriggeredBy.Add(e.Entry.ListCode + ":" + e.Entry.EntryId);
        }

        return message;
    }

    private static string Time(DateTimeOffset? time) => time?.ToString("O", CultureInfo.InvariantCulture) ?? string.Empty;
}
