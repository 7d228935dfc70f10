using CreditCheck.Stores;

namespace CreditCheck.Cli.Reporting;

/// <summary>
/// The memory store's feedback: <c>feedback.jsonl</c> in its state folder (<c>--state</c>, by default
/// <c>DIR/.creditcheck</c>), one delivered record per line in
/// the JSON the Redis stream's <c>record</c> field holds (camelCase names, enums by name), which the SDK's
/// <see cref="InMemoryFeedbackStore"/> over the file reads and appends (a host on <c>UseInMemory</c> writes it in its
/// <c>InMemoryStoreOptions.StateDirectory</c>); a record repeated with the same key counts once.
/// </summary>
internal static class MemoryFeedbackFile
{
    /// <summary>The file in a state folder (<see cref="StoreSettings.State"/>), not in a data folder.</summary>
    public static string PathInState(DirectoryInfo state) => Path.Combine(state.FullName, InMemoryFeedbackStore.FileName);

    /// <summary>The SDK's in-memory feedback store over the file (empty when there is no file): it reads the records
    /// there, and appends those delivered to it. What was wrong with the file (a torn last line cut off, a line that
    /// is not a record passed over) is written to <paramref name="warnings"/>, in Chinese then English.</summary>
    public static InMemoryFeedbackStore Open(DirectoryInfo state, TextWriter warnings)
    {
        var store = new InMemoryFeedbackStore(PathInState(state), int.MaxValue);
        foreach (var problem in store.LoadProblems)
        {
            warnings.WriteLine($"creditcheck: 警告：反馈文件中有损坏的行，已截去或跳过，其余记录照常读取 — warning: {problem}");
        }

        return store;
    }
}
