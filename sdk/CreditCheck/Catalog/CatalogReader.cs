using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;

namespace CreditCheck.Catalog;

/// <summary>Turns catalog JSON into a validated <see cref="CreditCatalog"/> and back. Validation
/// collects every problem before refusing, so an operator fixes a file in one pass.</summary>
internal static partial class CatalogReader
{
    private static readonly JsonSerializerOptions WriteOptions = new(CatalogJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // keep Chinese readable in files
    };

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex CodePattern();

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*(\\.[a-z0-9]+(-[a-z0-9]+)*)*$")]
    private static partial Regex ScenarioPattern();

    internal static bool IsScenarioCode(string code) => code.Length <= Scenario.MaxCodeLength && ScenarioPattern().IsMatch(code);

    // Strict reading: a property given twice in one object is an error (the last one would win
    // silently, and a changed catalog could pass under an unchanged version).
    private static readonly JsonSerializerOptions ReadOptions = new(CatalogJsonContext.Default.Options)
    {
        AllowDuplicateProperties = false,
    };

    private static readonly JsonTypeInfo<CatalogDocument> ReadInfo = (JsonTypeInfo<CatalogDocument>)ReadOptions.GetTypeInfo(typeof(CatalogDocument));

    /// <summary>Reads a catalog file's bytes: invalid UTF-8 is refused with its byte offset (not
    /// decoded to U+FFFD); a leading byte-order mark is allowed.</summary>
    public static CreditCatalog Read(ReadOnlySpan<byte> utf8, string? source)
    {
        utf8 = utf8[StrictUtf8.PreambleLength(utf8)..];
        if (StrictUtf8.FindInvalid(utf8) is var bad and >= 0)
        {
            throw new CatalogValidationException(source, [new CatalogProblem("$", $"The document is not UTF-8 text: invalid UTF-8 at {StrictUtf8.DescribeAt(utf8, bad)}. Save the catalog as UTF-8.")]);
        }

        CatalogDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(utf8, ReadInfo);
        }
        catch (JsonException e)
        {
            throw Malformed(e, source);
        }

        return Build(document, source);
    }

    public static CreditCatalog Read(string json, string? source)
    {
        CatalogDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(json, ReadInfo);
        }
        catch (JsonException e)
        {
            throw Malformed(e, source);
        }

        return Build(document, source);
    }

    private static CatalogValidationException Malformed(JsonException e, string? source)
    {
        var where = e.LineNumber is { } line
            ? $" at line {line + 1}, position {e.BytePositionInLine + 1}"
            : string.Empty;
        var message = e.Message.StartsWith("Duplicate", StringComparison.Ordinal) && e.Path is { } path
            ? $"The property '{path[(path.LastIndexOf('.') + 1)..]}' is given twice in one object{where}; each property may appear once."
            : $"Malformed JSON{where}: {FirstSentence(e.Message)}";
        return new CatalogValidationException(source, [new CatalogProblem(e.Path ?? "$", message)]);
    }

    private static CreditCatalog Build(CatalogDocument? document, string? source)
    {
        if (document is null)
        {
            throw new CatalogValidationException(source, [new CatalogProblem("$", "The document is empty (null).")]);
        }

        var validation = new Validation();
        var catalog = Build(document, validation);
        return validation.Problems.Count > 0 || catalog is null
            ? throw new CatalogValidationException(source, validation.Problems)
            : catalog;
    }

    public static string Write(CreditCatalog catalog)
    {
        var document = new CatalogDocument
        {
            Version = catalog.Version,
            Edition = catalog.Edition,
            EffectiveFrom = catalog.EffectiveFrom?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            Changes = catalog.Changes.Count == 0 ? null : [.. catalog.Changes.Select(c => new ChangeDocument
            {
                Version = c.Version,
                Date = c.Date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                Notes = [.. c.Notes],
            })],
            Policy = new PolicyDocument
            {
                PunishmentVoidsBenefits = catalog.Policy.PunishmentVoidsBenefits,
                ObjectionSuspendsMeasures = catalog.Policy.ObjectionSuspendsMeasures,
            },
            Lists = [.. catalog.Lists.Where(l => l.Category != ListCategory.Rating).Select(l => new ListDocument
            {
                Code = l.Code,
                Name = l.Name,
                Category = l.Category.ToString(),
                Severity = l.Severity?.ToString(),
                JointPunishment = l.JointPunishment,
                Authority = l.Authority,
                LegalBasis = l.LegalBasis,
                Edition = l.Edition,
                SubjectKinds = [.. l.SubjectKinds.Select(k => k.ToString())],
                Sectors = l.Sectors.Count == 0 ? null : [.. l.Sectors],
                CoListsRelatedPersons = l.CoListsRelatedPersons ? true : null,
                Duration = l.Duration,
                EarlyExit = l.EarlyExit,
            })],
            Scenarios = [.. catalog.Scenarios.Select(s => new ScenarioDocument
            {
                Code = s.Code,
                Name = s.Name,
                LegalBasis = s.LegalBasis,
                Edition = s.Edition,
            })],
            Measures = [.. catalog.Measures.Select(m => new MeasureDocument
            {
                Code = m.Code,
                Name = m.Name,
                Kind = m.Kind.ToString(),
                Effect = m.Effect.ToString(),
                Lists = [.. m.Lists],
                Scenarios = [.. m.Scenarios],
                LegalBasis = m.LegalBasis,
                Edition = m.Edition,
                ReachesRelatedPersons = m.ReachesRelatedPersons ? true : null,
                RelatedPersonsOnly = m.RelatedPersonsOnly ? true : null,
                JointPunishment = m.JointPunishment ? true : null,
                SurvivesPunishment = m.SurvivesPunishment ? true : null,
                AppliesInGoodStanding = m.AppliesInGoodStanding ? true : null,
                SubjectKinds = m.SubjectKinds.Count == 0 ? null : [.. m.SubjectKinds.Select(k => k.ToString())],
                BasicListItem = m.BasicListItem,
                RatingLevels = m.RatingLevels.Count == 0 ? null : [.. m.RatingLevels],
                Description = m.Description,
            })],
            Ratings = catalog.Ratings.Count == 0 ? null : [.. catalog.Ratings.Select(r => new RatingDocument
            {
                Code = r.Code,
                Name = r.Name,
                Authority = r.Authority,
                LegalBasis = r.LegalBasis,
                Edition = r.Edition,
                SubjectKinds = [.. r.SubjectKinds.Select(k => k.ToString())],
                Levels = [.. r.Levels.Select(l => new LevelDocument { Code = l.Code, Name = l.Name, Rank = l.Rank })],
            })],
            Inspection = catalog.Inspection is not { } inspection ? null : new InspectionDocument
            {
                ReducedMultiplier = inspection.ReducedMultiplier,
                IncreasedMultiplier = inspection.IncreasedMultiplier,
                SeriousListsAlwaysInspected = inspection.SeriousListsAlwaysInspected,
                LegalBasis = inspection.LegalBasis,
            },
        };
        return JsonSerializer.Serialize(document, WriteOptions.GetTypeInfo(typeof(CatalogDocument)));
    }

    private static CreditCatalog? Build(CatalogDocument doc, Validation v)
    {
        v.Unknown("$", doc.Unknown);
        var version = v.Required("$.version", doc.Version);
        var edition = v.Required("$.edition", doc.Edition);
        DateOnly? effectiveFrom = null;
        if (doc.EffectiveFrom is not null)
        {
            if (DateOnly.TryParseExact(doc.EffectiveFrom, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                effectiveFrom = date;
            }
            else
            {
                v.Add("$.effectiveFrom", $"'{doc.EffectiveFrom}' is not a date in the form yyyy-MM-dd.");
            }
        }

        var changes = BuildChanges(doc.Changes, v);
        v.Unknown("$.policy", doc.Policy?.Unknown);
        var policy = new CatalogPolicy
        {
            PunishmentVoidsBenefits = doc.Policy?.PunishmentVoidsBenefits ?? true,
            ObjectionSuspendsMeasures = doc.Policy?.ObjectionSuspendsMeasures ?? false,
        };

        var lists = BuildLists(doc.Lists, edition, v);
        var ratings = BuildRatings(doc.Ratings, edition, lists, v);
        var scenarios = BuildScenarios(doc.Scenarios, edition, v);
        ValidateSectors(doc.Lists, scenarios, v);
        var measures = BuildMeasures(doc.Measures, edition, lists, scenarios, ratings, v);
        var inspection = BuildInspection(doc.Inspection, v);

        if (v.Problems.Count > 0)
        {
            return null;
        }

        return new CreditCatalog
        {
            Version = version!,
            Edition = edition!,
            EffectiveFrom = effectiveFrom,
            Changes = changes,
            Policy = policy,
            Lists = lists,
            Scenarios = scenarios,
            Measures = measures,
            Ratings = ratings,
            Inspection = inspection,
        };
    }

    /// <summary>Rating schemes; each also becomes a list of category <see cref="ListCategory.Rating"/> with the
    /// same code (appended to <paramref name="lists"/>), so that its results import, travel and are looked up
    /// as list entries.</summary>
    private static List<CreditRating> BuildRatings(List<RatingDocument?>? documents, string? catalogEdition, List<CreditList> lists, Validation v)
    {
        var ratings = new List<CreditRating>();
        var listCodes = lists.Select(l => l.Code).ToHashSet(StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; documents is not null && i < documents.Count; i++)
        {
            var path = $"$.ratings[{i}]";
            if (documents[i] is not { } d)
            {
                v.Add(path, "A rating cannot be null.");
                continue;
            }

            v.Unknown(path, d.Unknown);
            var code = v.Code($"{path}.code", d.Code, CodePattern(), "a rating code such as 'tax-credit-rating'");
            if (code is not null && !seen.TryAdd(code, i))
            {
                v.Add($"{path}.code", $"Duplicate rating code '{code}' (first at $.ratings[{seen[code]}]).");
                code = null;
            }
            else if (code is not null && listCodes.Contains(code))
            {
                v.Add($"{path}.code", $"Rating code '{code}' is also a list code; a rating's results are held under its own code.");
                code = null;
            }

            var name = v.Required($"{path}.name", d.Name);
            var authority = v.Required($"{path}.authority", d.Authority);
            string? legalBasis = null;
            if (string.IsNullOrWhiteSpace(d.LegalBasis))
            {
                v.Add($"{path}.legalBasis", "A rating needs its legal basis (the document that establishes the rating and its levels); a rating without one may not grade subjects.");
            }
            else
            {
                legalBasis = d.LegalBasis;
            }

            var kinds = new List<SubjectKind>();
            if (d.SubjectKinds is null || d.SubjectKinds.Count == 0)
            {
                v.Add($"{path}.subjectKinds", "Say which kinds of subject the rating grades: LegalEntity, NaturalPerson.");
            }
            else
            {
                for (var k = 0; k < d.SubjectKinds.Count; k++)
                {
                    if (v.Enum<SubjectKind>($"{path}.subjectKinds[{k}]", d.SubjectKinds[k]) is { } kind)
                    {
                        kinds.Add(kind);
                    }
                }
            }

            var levels = new List<RatingLevel>();
            if (d.Levels is null || d.Levels.Count == 0)
            {
                v.Add($"{path}.levels", "A rating needs its levels.");
            }
            else
            {
                var levelCodes = new Dictionary<string, int>(StringComparer.Ordinal);
                var ranks = new Dictionary<int, int>();
                for (var l = 0; l < d.Levels.Count; l++)
                {
                    var levelPath = $"{path}.levels[{l}]";
                    if (d.Levels[l] is not { } level)
                    {
                        v.Add(levelPath, "A level cannot be null.");
                        continue;
                    }

                    v.Unknown(levelPath, level.Unknown);
                    var levelCode = v.Required($"{levelPath}.code", level.Code);
                    if (levelCode is not null && (levelCode.Contains(':', StringComparison.Ordinal) || levelCode.Any(char.IsWhiteSpace)))
                    {
                        v.Add($"{levelPath}.code", $"'{levelCode}' is not a level code: no spaces or colons (measures name levels as 'rating:level').");
                        levelCode = null;
                    }
                    else if (levelCode is not null && !levelCodes.TryAdd(levelCode, l))
                    {
                        v.Add($"{levelPath}.code", $"Duplicate level code '{levelCode}' (first at {path}.levels[{levelCodes[levelCode]}]).");
                        levelCode = null;
                    }

                    var levelName = v.Required($"{levelPath}.name", level.Name);
                    int? rank = null;
                    if (level.Rank is not { } r || r < 1)
                    {
                        v.Add($"{levelPath}.rank", "Required: the level's order, 1 for the best.");
                    }
                    else if (!ranks.TryAdd(r, l))
                    {
                        v.Add($"{levelPath}.rank", $"Rank {r} is already given to {path}.levels[{ranks[r]}]; each level has its own rank.");
                    }
                    else
                    {
                        rank = r;
                    }

                    if (levelCode is not null && levelName is not null && rank is not null)
                    {
                        levels.Add(new RatingLevel { Code = levelCode, Name = levelName, Rank = rank.Value });
                    }
                }
            }

            var edition = d.Edition ?? catalogEdition;
            if (code is null || name is null || authority is null || legalBasis is null || edition is null)
            {
                continue;
            }

            var rating = new CreditRating
            {
                Code = code,
                Name = name,
                Authority = authority,
                LegalBasis = legalBasis,
                Edition = edition,
                SubjectKinds = kinds,
                Levels = [.. levels.OrderBy(l => l.Rank)],
            };
            ratings.Add(rating);
            lists.Add(new CreditList
            {
                Code = code,
                Name = name,
                Category = ListCategory.Rating,
                Authority = authority,
                LegalBasis = legalBasis,
                Edition = edition,
                SubjectKinds = kinds,
            });
        }

        return ratings;
    }

    private static InspectionPolicy? BuildInspection(InspectionDocument? d, Validation v)
    {
        if (d is null)
        {
            return null;
        }

        v.Unknown("$.inspection", d.Unknown);
        if (d.ReducedMultiplier is not { } reduced || !(reduced > 0 && reduced <= 1))
        {
            v.Add("$.inspection.reducedMultiplier", "Required: the multiplier of the base ratio for reduced inspection, more than 0 and at most 1.");
        }

        if (d.IncreasedMultiplier is not { } increased || !(increased >= 1 && increased <= 100))
        {
            v.Add("$.inspection.increasedMultiplier", "Required: the multiplier of the base ratio for increased inspection, from 1 to 100.");
        }

        var legalBasis = v.Required("$.inspection.legalBasis", d.LegalBasis);
        return v.Problems.Count > 0 || legalBasis is null
            ? null
            : new InspectionPolicy
            {
                ReducedMultiplier = d.ReducedMultiplier!.Value,
                IncreasedMultiplier = d.IncreasedMultiplier!.Value,
                SeriousListsAlwaysInspected = d.SeriousListsAlwaysInspected ?? true,
                LegalBasis = legalBasis,
            };
    }

    private static List<CatalogChange> BuildChanges(List<ChangeDocument?>? documents, Validation v)
    {
        var changes = new List<CatalogChange>();
        for (var i = 0; documents is not null && i < documents.Count; i++)
        {
            var path = $"$.changes[{i}]";
            if (documents[i] is not { } d)
            {
                v.Add(path, "A change cannot be null.");
                continue;
            }

            v.Unknown(path, d.Unknown);
            var version = v.Required($"{path}.version", d.Version);
            DateOnly? date = null;
            if (d.Date is not null)
            {
                if (DateOnly.TryParseExact(d.Date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
                {
                    date = parsed;
                }
                else
                {
                    v.Add($"{path}.date", $"'{d.Date}' is not a date in the form yyyy-MM-dd.");
                }
            }

            var notes = new List<string>();
            if (d.Notes is null || d.Notes.Count == 0)
            {
                v.Add($"{path}.notes", "Say what changed and why.");
            }
            else
            {
                for (var n = 0; n < d.Notes.Count; n++)
                {
                    if (v.Required($"{path}.notes[{n}]", d.Notes[n]) is { } note)
                    {
                        notes.Add(note);
                    }
                }
            }

            if (version is not null)
            {
                changes.Add(new CatalogChange { Version = version, Date = date, Notes = notes });
            }
        }

        return changes;
    }

    /// <summary>A list's sector names declared scenarios (checked once the scenarios are read).</summary>
    private static void ValidateSectors(List<ListDocument?>? documents, List<Scenario> scenarios, Validation v)
    {
        var scenarioCodes = scenarios.Select(s => s.Code).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; documents is not null && i < documents.Count; i++)
        {
            for (var s = 0; documents[i]?.Sectors is { } sectors && s < sectors.Count; s++)
            {
                if (ScenarioMatcher.Validate(sectors[s], scenarioCodes) is { } problem)
                {
                    v.Add($"$.lists[{i}].sectors[{s}]", problem);
                }
            }
        }
    }

    private static List<CreditList> BuildLists(List<ListDocument?>? documents, string? catalogEdition, Validation v)
    {
        var lists = new List<CreditList>();
        if (documents is null || documents.Count == 0)
        {
            v.Add("$.lists", "At least one list is required.");
            return lists;
        }

        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < documents.Count; i++)
        {
            var path = $"$.lists[{i}]";
            if (documents[i] is not { } d)
            {
                v.Add(path, "A list cannot be null.");
                continue;
            }

            v.Unknown(path, d.Unknown);
            var code = v.Code($"{path}.code", d.Code, CodePattern(), "a list code such as 'court-dishonest-debtors'");
            if (code is not null && !seen.TryAdd(code, i))
            {
                v.Add($"{path}.code", $"Duplicate list code '{code}' (first at $.lists[{seen[code]}]).");
                code = null; // reported; the first one stands for the rest of the checks
            }

            var name = v.Required($"{path}.name", d.Name);
            var category = v.Enum<ListCategory>($"{path}.category", d.Category);
            if (category == ListCategory.Rating)
            {
                v.Add($"{path}.category", "A rating's results are declared under $.ratings, with its levels, not as a list.");
                category = null;
            }

            ListSeverity? severity = null;
            if (d.Severity is not null)
            {
                severity = v.Enum<ListSeverity>($"{path}.severity", d.Severity);
            }
            else if (category is ListCategory.Punishment or ListCategory.Watch)
            {
                v.Add($"{path}.severity", "A punishment or watch list needs a severity: Serious, Focus or Sector.");
            }

            var joint = d.JointPunishment ?? false;
            if (joint && (category != ListCategory.Punishment || severity != ListSeverity.Serious))
            {
                v.Add($"{path}.jointPunishment", "Joint punishment applies only to serious punishment lists (国办发〔2020〕49号).");
            }

            var authority = v.Required($"{path}.authority", d.Authority);

            // Only lists the law allows (DOMAIN §1: minor matters such as 信访, 闯红灯, 欠缴物业费 may not become
            // credit records without legislation): every list names the law, regulation or basic-list item it rests on.
            string? legalBasis = null;
            if (string.IsNullOrWhiteSpace(d.LegalBasis))
            {
                v.Add($"{path}.legalBasis", "A list needs its legal basis (a law, an administrative regulation, a rule or the 全国失信惩戒措施基础清单 item that allows it); a list without one may not hold credit records.");
            }
            else
            {
                legalBasis = d.LegalBasis;
            }

            var sectors = d.Sectors is null ? [] : d.Sectors.Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s!).ToList(); // patterns checked by ValidateSectors

            if (sectors.Count > 0 && joint)
            {
                v.Add($"{path}.sectors", "A serious list with joint punishment acts wherever its measures say; only lists without joint punishment are limited to a sector (国办发〔2020〕49号).");
            }
            else if (d.Sectors is not null && d.Sectors.Count == 0)
            {
                v.Add($"{path}.sectors", "Name at least one scenario pattern of the sector, or leave sectors out.");
            }

            if (d.CoListsRelatedPersons == true && category == ListCategory.Reward)
            {
                v.Add($"{path}.coListsRelatedPersons", "Only a punishment or watch list co-lists persons with an enterprise.");
            }
            var edition = d.Edition ?? catalogEdition;
            var kinds = new List<SubjectKind>();
            if (d.SubjectKinds is null || d.SubjectKinds.Count == 0)
            {
                v.Add($"{path}.subjectKinds", "Say which kinds of subject the list holds: LegalEntity, NaturalPerson.");
            }
            else
            {
                for (var k = 0; k < d.SubjectKinds.Count; k++)
                {
                    if (v.Enum<SubjectKind>($"{path}.subjectKinds[{k}]", d.SubjectKinds[k]) is { } kind)
                    {
                        kinds.Add(kind);
                    }
                }
            }

            if (code is null || name is null || category is null || authority is null || legalBasis is null || edition is null)
            {
                continue;
            }

            lists.Add(new CreditList
            {
                Code = code,
                Name = name,
                Category = category.Value,
                Severity = severity,
                JointPunishment = joint,
                Authority = authority,
                LegalBasis = legalBasis,
                Edition = edition,
                SubjectKinds = kinds,
                Sectors = sectors,
                CoListsRelatedPersons = d.CoListsRelatedPersons ?? false,
                Duration = d.Duration,
                EarlyExit = d.EarlyExit,
            });
        }

        return lists;
    }

    private static List<Scenario> BuildScenarios(List<ScenarioDocument?>? documents, string? catalogEdition, Validation v)
    {
        var scenarios = new List<Scenario>();
        if (documents is null || documents.Count == 0)
        {
            v.Add("$.scenarios", "At least one scenario is required.");
            return scenarios;
        }

        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < documents.Count; i++)
        {
            var path = $"$.scenarios[{i}]";
            if (documents[i] is not { } d)
            {
                v.Add(path, "A scenario cannot be null.");
                continue;
            }

            v.Unknown(path, d.Unknown);
            var code = v.Code($"{path}.code", d.Code, ScenarioPattern(), "a scenario code such as 'procurement' or 'procurement.bid'");
            if (code is { Length: > Scenario.MaxCodeLength })
            {
                v.Add($"{path}.code", string.Create(CultureInfo.InvariantCulture, $"A scenario code has at most {Scenario.MaxCodeLength} characters; this one has {code.Length}."));
                code = null;
            }

            if (code is not null && !seen.TryAdd(code, i))
            {
                v.Add($"{path}.code", $"Duplicate scenario code '{code}' (first at $.scenarios[{seen[code]}]).");
                code = null;
            }

            var name = v.Required($"{path}.name", d.Name);
            var legalBasis = v.Required($"{path}.legalBasis", d.LegalBasis);
            if (code is null || name is null || legalBasis is null)
            {
                continue;
            }

            scenarios.Add(new Scenario { Code = code, Name = name, LegalBasis = legalBasis, Edition = d.Edition ?? catalogEdition ?? string.Empty });
        }

        // A sub-code needs its parent, so that fallback from an undeclared sub-code is well defined.
        for (var i = 0; i < scenarios.Count; i++)
        {
            if (scenarios[i].ParentCode is { } parent && !seen.ContainsKey(parent))
            {
                v.Add($"$.scenarios[{seen[scenarios[i].Code]}].code", $"Scenario '{scenarios[i].Code}' has no parent '{parent}' in the catalog.");
            }
        }

        return scenarios;
    }

    private static List<Measure> BuildMeasures(
        List<MeasureDocument?>? documents,
        string? catalogEdition,
        List<CreditList> lists,
        List<Scenario> scenarios,
        List<CreditRating> ratings,
        Validation v)
    {
        var measures = new List<Measure>();
        if (documents is null || documents.Count == 0)
        {
            v.Add("$.measures", "At least one measure is required.");
            return measures;
        }

        var listsByCode = lists.ToDictionary(l => l.Code, StringComparer.Ordinal);
        var scenarioCodes = scenarios.Select(s => s.Code).ToHashSet(StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < documents.Count; i++)
        {
            var path = $"$.measures[{i}]";
            if (documents[i] is not { } d)
            {
                v.Add(path, "A measure cannot be null.");
                continue;
            }

            v.Unknown(path, d.Unknown);
            var code = v.Code($"{path}.code", d.Code, CodePattern(), "a measure code such as 'procurement-refusal'");
            if (code is not null && !seen.TryAdd(code, i))
            {
                v.Add($"{path}.code", $"Duplicate measure code '{code}' (first at $.measures[{seen[code]}]).");
            }

            var name = v.Required($"{path}.name", d.Name);
            var kind = v.Enum<MeasureKind>($"{path}.kind", d.Kind);
            var effect = v.Enum<MeasureEffect>($"{path}.effect", d.Effect);
            if (kind is { } k && effect is { } e && !EffectFits(k, e))
            {
                v.Add($"{path}.effect", $"Effect '{e}' does not fit a measure of kind '{k}'.");
            }

            var legalBasis = d.LegalBasis;
            if (string.IsNullOrWhiteSpace(legalBasis))
            {
                var what = kind == MeasureKind.Benefit ? "A benefit" : "A measure";
                v.Add($"{path}.legalBasis", $"{what} needs its legal basis (文件、条款).");
                legalBasis = null;
            }

            var goodStanding = d.AppliesInGoodStanding ?? false;
            if (goodStanding && kind is { } gk && gk != MeasureKind.Benefit)
            {
                v.Add($"{path}.appliesInGoodStanding", "Only a benefit applies to subjects in good standing.");
            }

            if (goodStanding && d.SurvivesPunishment == true)
            {
                v.Add($"{path}.survivesPunishment", "A measure for subjects in good standing cannot survive punishment: a 失信 record ends good standing (国办发〔2020〕42号).");
            }

            var ratingLevels = new List<string>();
            for (var r = 0; d.RatingLevels is not null && r < d.RatingLevels.Count; r++)
            {
                var ratingPath = $"{path}.ratingLevels[{r}]";
                var text = d.RatingLevels[r];
                var colon = text?.IndexOf(':', StringComparison.Ordinal) ?? -1;
                if (text is null || colon <= 0)
                {
                    v.Add(ratingPath, $"'{text}' is not 'rating:level', e.g. 'public-credit-rating:A'.");
                }
                else if (ratings.FirstOrDefault(x => string.Equals(x.Code, text[..colon], StringComparison.Ordinal)) is not { } rating)
                {
                    v.Add(ratingPath, $"Unknown rating '{text[..colon]}'; declare it under $.ratings.");
                }
                else if (rating.FindLevel(text[(colon + 1)..]) is null)
                {
                    v.Add(ratingPath, $"Rating '{rating.Code}' has no level '{text[(colon + 1)..]}'; its levels are {string.Join(", ", rating.Levels.Select(l => l.Code))}.");
                }
                else
                {
                    ratingLevels.Add(text);
                }
            }

            if (d.RatingLevels is not null && d.RatingLevels.Count == 0)
            {
                v.Add($"{path}.ratingLevels", "Name at least one 'rating:level', or leave ratingLevels out.");
            }

            if (d.RatingLevels is { Count: > 0 } && (d.JointPunishment ?? false))
            {
                v.Add($"{path}.ratingLevels", "A rating level cannot trigger a joint punishment: only serious lists carry it (国办发〔2020〕49号).");
            }

            var listCodes = new List<string>();
            if (d.Lists is null || d.Lists.Count == 0)
            {
                if (!goodStanding && d.RatingLevels is not { Count: > 0 })
                {
                    v.Add($"{path}.lists", "A measure must name the lists whose entries trigger it (or the rating levels, or apply in good standing).");
                }
            }
            else
            {
                for (var l = 0; l < d.Lists.Count; l++)
                {
                    var listPath = $"{path}.lists[{l}]";
                    if (d.Lists[l] is not { } listCode || !listsByCode.TryGetValue(listCode, out var list))
                    {
                        v.Add(listPath, $"Unknown list '{d.Lists[l]}'; declare it under $.lists.");
                        continue;
                    }

                    if (list.Category == ListCategory.Rating)
                    {
                        v.Add(listPath, $"'{listCode}' is a rating; name the levels that trigger the measure under ratingLevels ('{listCode}:level').");
                        continue;
                    }

                    if (kind == MeasureKind.Benefit && list.Category != ListCategory.Reward)
                    {
                        v.Add(listPath, $"A benefit cannot be triggered by '{listCode}', a {list.Category} list.");
                    }
                    else if (kind is MeasureKind.Restriction or MeasureKind.Supervision && list.Category == ListCategory.Reward)
                    {
                        v.Add(listPath, $"A {kind} cannot be triggered by '{listCode}', a red list.");
                    }

                    listCodes.Add(listCode);
                }
            }

            var patterns = new List<string>();
            if (d.Scenarios is null || d.Scenarios.Count == 0)
            {
                v.Add($"{path}.scenarios", "A measure must name the scenarios where it applies ('*' for all).");
            }
            else
            {
                for (var s = 0; s < d.Scenarios.Count; s++)
                {
                    var pattern = d.Scenarios[s];
                    if (ScenarioMatcher.Validate(pattern, scenarioCodes) is { } problem)
                    {
                        v.Add($"{path}.scenarios[{s}]", problem);
                        continue;
                    }

                    patterns.Add(pattern!);
                }
            }

            var relatedOnly = d.RelatedPersonsOnly ?? false;
            var related = (d.ReachesRelatedPersons ?? false) || relatedOnly;
            if (related && kind == MeasureKind.Benefit)
            {
                v.Add($"{path}.{(relatedOnly ? "relatedPersonsOnly" : "reachesRelatedPersons")}", "Only punishment and supervision measures reach related persons.");
            }

            var joint = d.JointPunishment ?? false;
            if (joint && kind == MeasureKind.Benefit)
            {
                v.Add($"{path}.jointPunishment", "A benefit is not a joint punishment.");
            }
            else if (joint && d.Lists is not null)
            {
                for (var l = 0; l < d.Lists.Count; l++)
                {
                    if (d.Lists[l] is { } listCode && listsByCode.TryGetValue(listCode, out var list) && !list.JointPunishment)
                    {
                        v.Add($"{path}.lists[{l}]", $"Joint measure cannot be triggered by '{listCode}', which carries no joint punishment (国办发〔2020〕49号: serious lists only).");
                    }
                }
            }

            if (joint && string.IsNullOrWhiteSpace(d.BasicListItem))
            {
                v.Add($"{path}.basicListItem", "A joint punishment needs the item of the 全国失信惩戒措施基础清单 it implements: the basic list bounds what may be done.");
            }

            var measureKinds = new List<SubjectKind>();
            for (var sk = 0; d.SubjectKinds is not null && sk < d.SubjectKinds.Count; sk++)
            {
                if (v.Enum<SubjectKind>($"{path}.subjectKinds[{sk}]", d.SubjectKinds[sk]) is { } subjectKind)
                {
                    measureKinds.Add(subjectKind);
                }
            }

            var survives = d.SurvivesPunishment ?? false;
            if (survives && kind != MeasureKind.Benefit)
            {
                v.Add($"{path}.survivesPunishment", "Only a benefit can survive punishment.");
            }

            var edition = d.Edition ?? catalogEdition;
            if (code is null || name is null || kind is null || effect is null || legalBasis is null || edition is null)
            {
                continue;
            }

            measures.Add(new Measure
            {
                Code = code,
                Name = name,
                Kind = kind.Value,
                Effect = effect.Value,
                Lists = listCodes,
                Scenarios = patterns,
                LegalBasis = legalBasis,
                Edition = edition,
                ReachesRelatedPersons = related,
                RelatedPersonsOnly = relatedOnly,
                JointPunishment = joint,
                SurvivesPunishment = survives,
                AppliesInGoodStanding = goodStanding,
                SubjectKinds = measureKinds,
                BasicListItem = string.IsNullOrWhiteSpace(d.BasicListItem) ? null : d.BasicListItem,
                RatingLevels = ratingLevels,
                Description = d.Description,
            });
        }

        return measures;
    }

    private static bool EffectFits(MeasureKind kind, MeasureEffect effect) => kind switch
    {
        MeasureKind.Benefit => effect >= MeasureEffect.FastTrack,
        MeasureKind.Restriction => effect is MeasureEffect.Deny or MeasureEffect.Restrict or MeasureEffect.Notify,
        MeasureKind.Supervision => effect is MeasureEffect.Review or MeasureEffect.Notify,
        _ => false,
    };

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(" Path:", StringComparison.Ordinal);
        return end > 0 ? message[..end] : message;
    }

    /// <summary>Collects problems; each helper returns the value or null after recording why.</summary>
    private sealed class Validation
    {
        public List<CatalogProblem> Problems { get; } = [];

        public void Add(string path, string message) => Problems.Add(new CatalogProblem(path, message));

        public string? Required(string path, string? value)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                Add(path, "Required; missing or empty.");
                return null;
            }

            return value;
        }

        public string? Code(string path, string? value, Regex pattern, string example)
        {
            if (Required(path, value) is not { } code)
            {
                return null;
            }

            if (!pattern.IsMatch(code))
            {
                Add(path, $"'{code}' is not {example}: lower-case letters, digits and hyphens.");
                return null;
            }

            return code;
        }

        public T? Enum<T>(string path, string? value)
            where T : struct, Enum
        {
            if (Required(path, value) is not { } text)
            {
                return null;
            }

            if (System.Enum.TryParse<T>(text, ignoreCase: false, out var parsed) && System.Enum.IsDefined(parsed) && !char.IsAsciiDigit(text[0]))
            {
                return parsed;
            }

            Add(path, $"'{text}' is not one of {string.Join(", ", System.Enum.GetNames<T>())}.");
            return null;
        }

        public void Unknown(string path, Dictionary<string, JsonElement>? unknown)
        {
            if (unknown is null)
            {
                return;
            }

            foreach (var name in unknown.Keys)
            {
                Add($"{path}.{name}", "Unknown property (check its spelling; names are camelCase).");
            }
        }
    }
}
