using System.Text;
using CreditCheck.Stores;

namespace CreditCheck.Cli.Reporting;

/// <summary>
/// The memory store's feedback: <c>DIR/.creditcheck/feedback.jsonl</c>, one delivered record per line in
/// the JSON the Redis stream's <c>record</c> field holds (camelCase names, enums by name). The SDK's
/// <see cref="InMemoryFeedbackStore"/> lives only as long as its process, so a trial host writes what it
/// holds there (append its <c>Snapshot()</c>); a record repeated with the same key counts once.
/// </summary>
internal static class MemoryFeedbackFile
{
    public const string FileName = "feedback.jsonl";

    public static string PathIn(DirectoryInfo data) => Path.Combine(data.FullName, MemoryOperatorStore.StateFolder, FileName);

    /// <summary>Reads the file into the SDK's in-memory feedback store (empty when there is no file).</summary>
    /// <exception cref="CliException">A line is not a record: its file, line and reason (exit code invalid input).</exception>
    public static async Task<InMemoryFeedbackStore> LoadAsync(DirectoryInfo data, CancellationToken cancellationToken)
    {
        var store = new InMemoryFeedbackStore(int.MaxValue);
        var path = PathIn(data);
        if (!File.Exists(path))
        {
            return store;
        }

        var records = new List<FeedbackRecord>();
        using (var reader = new StreamReader(path, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true))
        {
            var line = 0;
            while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } text)
            {
                line++;
                if (string.IsNullOrWhiteSpace(text))
                {
                    continue;
                }

                records.Add(FeedbackJson.Deserialize(text, out var error)
                    ?? throw new CliException(ExitCodes.InvalidInput, $"{path}:{line}：不是一条反馈记录", $"{path}:{line}: not a feedback record: {error}"));
            }
        }

        await ((IFeedbackSink)store).WriteAsync(records, cancellationToken).ConfigureAwait(false);
        return store;
    }
}
