using CreditCheck.Stores;

namespace CreditCheck.Cli.Reporting;

/// <summary>
/// The memory store's feedback: <c>DIR/.creditcheck/feedback.jsonl</c>, one delivered record per line in
/// the JSON the Redis stream's <c>record</c> field holds (camelCase names, enums by name), which the SDK's
/// <see cref="InMemoryFeedbackStore"/> over the file reads and appends (a host on <c>UseInMemory</c> with the data
/// folder writes it); a record repeated with the same key counts once.
/// </summary>
internal static class MemoryFeedbackFile
{
    public static string PathIn(DirectoryInfo data) => Path.Combine(data.FullName, MemoryOperatorStore.StateFolder, InMemoryFeedbackStore.FileName);

    /// <summary>The SDK's in-memory feedback store over the file (empty when there is no file): it reads the records
    /// there, and appends those delivered to it.</summary>
    /// <exception cref="CliException">A line is not a record: its file, line and reason (exit code invalid input).</exception>
    public static InMemoryFeedbackStore Open(DirectoryInfo data)
    {
        var path = PathIn(data);
        try
        {
            return new InMemoryFeedbackStore(path, int.MaxValue);
        }
        catch (InvalidOperationException e)
        {
            throw new CliException(ExitCodes.InvalidInput, $"{path} 中有一行不是反馈记录", e.Message);
        }
    }
}
