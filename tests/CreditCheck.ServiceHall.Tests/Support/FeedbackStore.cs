using CreditCheck.Stores;

namespace CreditCheck.ServiceHall.Tests.Support;

/// <summary>Reads the feedback store back: delivery is asynchronous (batched, at least once), so wait, bounded.</summary>
internal static class FeedbackStore
{
    public static async Task<IReadOnlyList<FeedbackRecord>> WaitForAsync(IFeedbackReader reader, IReadOnlyCollection<string> keys)
    {
        var deadline = TimeProvider.System.GetUtcNow().AddSeconds(15);
        while (true)
        {
            var now = TimeProvider.System.GetUtcNow();
            var found = new List<FeedbackRecord>();
            await foreach (var record in reader.ReadAsync(now.AddHours(-1), now.AddHours(1)))
            {
                if (keys.Contains(record.Key))
                {
                    found.Add(record);
                }
            }

            if (found.Count >= keys.Count)
            {
                return found;
            }

            if (now > deadline)
            {
                throw new TimeoutException($"The feedback store holds {found.Count} of the {keys.Count} records shown on the page after 15 s: "
                    + string.Join(", ", keys.Except(found.Select(r => r.Key))) + " missing.");
            }

            await Task.Delay(50);
        }
    }
}
