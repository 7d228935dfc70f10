using System.Net;
using System.Text.Json;
using CreditCheck;
using CreditCheck.Catalog;
using CreditCheck.ListFiles;
using CreditCheck.Stores;
using CreditCheck.Platform.Protocol;

namespace ReferencePlatform;

/// <summary>The operator's HTTP endpoints (loopback callers only): changes to the lists, which every
/// subscriber then receives, and what the platform received.</summary>
internal static class AdminEndpoints
{
    public static void MapAdmin(this WebApplication app, Func<int> adminPort)
    {
        var admin = app.MapGroup("/admin").AddEndpointFilter(async (context, next) =>
        {
            var connection = context.HttpContext.Connection;
            if (connection.LocalPort != adminPort() || connection.RemoteIpAddress is not { } remote || !IPAddress.IsLoopback(remote))
            {
                return Results.Problem("The admin endpoints answer loopback callers on the admin port only.", statusCode: StatusCodes.Status403Forbidden);
            }

            return await next(context);
        });

        // Add or replace entries: one entry, an array, or { "entries": [ … ] } with the list-file field names
        // (list, kind, subject, name, authority, reference, listedOn, validFrom, validUntil, status, …, entryId).
        admin.MapPost("/entries", async (HttpRequest request, PlatformState state) =>
        {
            using var body = new StreamReader(request.Body);
            var json = (await body.ReadToEndAsync()).Trim();
            if (json.StartsWith('{') && !json.Contains("\"entries\"", StringComparison.Ordinal))
            {
                json = "[" + json + "]";
            }

            var records = new List<ListRecord>();
            foreach (var row in ListFileReader.ReadJson(json, "request", null, SubjectIdParseMode.Strict))
            {
                if (row.Record is null)
                {
                    return Results.Problem(string.Join("; ", row.Problems.Select(p => p.ToString())), statusCode: 400);
                }

                if (ListEntryRules.Check(row.Record, state.Catalog) is { } refusal)
                {
                    return Results.Problem($"entry {row.Line}: {refusal}", statusCode: 400);
                }

                records.Add(row.Record);
            }

            var versions = records.Select(r => state.Commit(new Change { Upsert = EntryMapping.ToProto(r) }).Version).ToList();
            return Results.Ok(new { versions, version = state.Version });
        });

        // A status change: { "status": "Repaired" | "UnderObjection" | "Revoked" | "Active" (or 修复, 异议, 撤销, 恢复), "reason": "…" }.
        admin.MapPost("/entries/{list}/{entryId}/status", (string list, string entryId, StatusBody body, PlatformState state) =>
        {
            if (EntryMapping.ParseStatus(body.Status) is not { } status)
            {
                return Results.Problem($"Unknown status '{body.Status}': use Active, UnderObjection, Repaired or Revoked (恢复, 异议, 修复, 撤销).", statusCode: 400);
            }

            if (!state.TryGet(list, entryId, out var entry))
            {
                return Results.Problem($"No entry '{entryId}' on list '{list}'.", statusCode: 404);
            }

            var change = state.Commit(new Change
            {
                Status = new StatusChange { Entry = KeyOf(entry), Status = status, Reason = body.Reason ?? "" },
            });
            return Results.Ok(new { version = change.Version });
        });

        admin.MapDelete("/entries/{list}/{entryId}", (string list, string entryId, PlatformState state) =>
        {
            if (!state.TryGet(list, entryId, out var entry))
            {
                return Results.Problem($"No entry '{entryId}' on list '{list}'.", statusCode: 404);
            }

            return Results.Ok(new { version = state.Commit(new Change { Remove = KeyOf(entry) }).Version });
        });

        // Replace the catalog (its JSON document, as CreditCatalog.Parse reads it).
        admin.MapPut("/catalog", async (HttpRequest request, PlatformState state) =>
        {
            using var body = new StreamReader(request.Body);
            var json = await body.ReadToEndAsync();
            try
            {
                CreditCatalog.Parse(json);
            }
            catch (CatalogValidationException e)
            {
                return Results.Problem($"The catalog was refused: {e.Message}", statusCode: 400);
            }

            return Results.Ok(new { version = state.Commit(new Change { CatalogJson = json }).Version });
        });

        admin.MapGet("/feedback", (FeedbackStore feedback) => Results.Text(feedback.ToJsonArray(), "application/json"));

        admin.MapGet("/state", (PlatformState state, FeedbackStore feedback) => Results.Ok(new
        {
            version = state.Version,
            oldestKeptVersion = state.LogFloor + 1,
            entries = state.EntryCount,
            subscribers = state.SubscriberCount,
            feedback = feedback.Count,
        }));
    }

    internal static EntryKey KeyOf(Entry entry) => new()
    {
        Subject = entry.Subject,
        SubjectKind = entry.SubjectKind,
        ListCode = entry.ListCode,
        EntryId = entry.EntryId,
    };

    internal sealed record StatusBody(string? Status, string? Reason);
}
