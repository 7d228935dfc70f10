using System.Text.Json;
using System.Text.Json.Serialization;

namespace CreditCheck;

/// <summary>The embedded store's line for one commitment state (camelCase, enums by name). The subject is kept
/// whole: the data folder holds the list files with identifiers anyway.</summary>
internal static class CommitmentJson
{
    public static string Serialize(CreditCommitment c) => JsonSerializer.Serialize(
        new CommitmentLine(c.Id, c.Subject.Kind, c.Subject.Value, c.SubjectName, c.MatterCode, c.MatterName, c.Promise, c.Materials, c.Department, c.CheckId, c.RecordedAt, c.DueOn, c.Status, c.ClosedAt, c.Reason),
        CommitmentJsonContext.Default.CommitmentLine);

    /// <summary>The commitment, or null with why not.</summary>
    public static CreditCommitment? Deserialize(string json, out string? error)
    {
        error = null;
        try
        {
            var line = JsonSerializer.Deserialize(json, CommitmentJsonContext.Default.CommitmentLine);
            if (line is null || string.IsNullOrEmpty(line.Id) || string.IsNullOrEmpty(line.MatterCode) || line.Promise is null)
            {
                error = "id, matterCode or promise is missing";
                return null;
            }

            if (!SubjectId.TryParse(line.Subject, line.SubjectKind, SubjectIdParseMode.LenientCheckCharacter, out var subject, out var why))
            {
                error = $"the subject is not a {line.SubjectKind} id: {why}";
                return null;
            }

            return new CreditCommitment
            {
                Id = line.Id,
                Subject = subject,
                SubjectName = line.SubjectName,
                MatterCode = line.MatterCode,
                MatterName = line.MatterName,
                Promise = line.Promise,
                Materials = line.Materials ?? [],
                Department = line.Department,
                CheckId = line.CheckId,
                RecordedAt = line.RecordedAt,
                DueOn = line.DueOn,
                Status = line.Status,
                ClosedAt = line.ClosedAt,
                Reason = line.Reason,
            };
        }
        catch (JsonException e)
        {
            error = e.Message;
            return null;
        }
    }
}

internal sealed record CommitmentLine(
    string Id,
    SubjectKind SubjectKind,
    string Subject,
    string? SubjectName,
    string MatterCode,
    string? MatterName,
    string Promise,
    IReadOnlyList<string>? Materials,
    string? Department,
    Guid? CheckId,
    DateTimeOffset RecordedAt,
    DateOnly DueOn,
    CommitmentStatus Status,
    DateTimeOffset? ClosedAt,
    string? Reason);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CommitmentLine))]
internal sealed partial class CommitmentJsonContext : JsonSerializerContext;
