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
    /// there, and appends those delivered to it. What was wrong with the file (a torn last line cut off, a line that
    /// is not a record passed over) is written to <paramref name="warnings"/>, in Chinese then English.</summary>
    public static InMemoryFeedbackStore Open(DirectoryInfo data, TextWriter warnings)
    {
        var store = new InMemoryFeedbackStore(PathIn(data), int.MaxValue);
        foreach (var problem in store.LoadProblems)
        {
            warnings.WriteLine($"creditcheck: 警告：反馈文件中有损坏的行，已截去或跳过，其余记录照常读取 — warning: {problem}");
        }

        return store;
    }
}
