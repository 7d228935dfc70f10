using System.Globalization;
using Proto = CreditCheck.Platform.Protocol;

namespace CreditCheck.Platform;

/// <summary>The SDK's feedback record as the contract's message; the SDK's JSON rides along whole.</summary>
internal static class FeedbackMapping
{
    public static Proto.FeedbackRecord ToProto(FeedbackRecord record, string json)
    {
        var message = new Proto.FeedbackRecord
        {
            IdempotencyKey = record.Key,
            CheckId = record.CheckId.ToString("D"),
            PlatformRequestId = record.PlatformRequestId ?? "",
            Subject = record.SubjectCode,
            SubjectKind = record.SubjectKind switch
            {
                SubjectKind.LegalEntity => Proto.SubjectKind.LegalEntity,
                SubjectKind.NaturalPerson => Proto.SubjectKind.NaturalPerson,
                _ => Proto.SubjectKind.Unspecified,
            },
            SubjectName = record.SubjectName ?? "",
            Scenario = record.Scenario,
            Outcome = record.Outcome.ToString(),
            CatalogVersion = record.CatalogVersion,
            MeasureCode = record.MeasureCode ?? "",
            MeasureName = record.MeasureName ?? "",
            LegalBasis = record.LegalBasis ?? "",
            Result = record.Result switch
            {
                ExecutionResult.Executed => Proto.ExecutionResult.Executed,
                ExecutionResult.NotExecuted => Proto.ExecutionResult.NotExecuted,
                ExecutionResult.Overridden => Proto.ExecutionResult.Overridden,
                ExecutionResult.NothingToExecute => Proto.ExecutionResult.NothingToExecute,
                _ => Proto.ExecutionResult.Unspecified,
            },
            Reason = record.Reason ?? "",
            OverriddenBy = record.OverriddenBy ?? "",
            ResultText = record.ResultText ?? "",
            Department = record.Department ?? "",
            District = record.District ?? "",
            Operator = record.Operator ?? "",
            TransactionReference = record.TransactionReference ?? "",
            ItemCode = record.ItemCode ?? "",
            ItemName = record.ItemName ?? "",
            ExecutedAt = record.ExecutedAt.ToString("O", CultureInfo.InvariantCulture),
            ReportedAt = record.ReportedAt.ToString("O", CultureInfo.InvariantCulture),
            RecordJson = json,
        };
        message.Lists.AddRange(record.Lists);
        message.EntryIds.AddRange(record.EntryIds);
        return message;
    }
}
