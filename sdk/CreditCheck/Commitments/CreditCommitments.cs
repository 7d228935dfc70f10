using CreditCheck.Stores;

namespace CreditCheck;

/// <summary>
/// The lifecycle of <see cref="ICreditCommitments"/> over a store's <see cref="ICommitmentStore"/>: checks the
/// input, stamps ids and times from the injected clock, and on a breach lists the subject through the
/// publisher before the commitment is closed — a failed listing leaves the commitment open to retry,
/// never breached without the listing. A host gets it from the container (<c>UseInMemory</c>, <c>UseRedis</c>);
/// a tool without one builds it over a store and a publisher.
/// </summary>
/// <param name="store">Where commitments are kept.</param>
/// <param name="publisher">Lists a breaching subject; null only for reading.</param>
/// <param name="time">The clock.</param>
public sealed class CreditCommitments(ICommitmentStore store, ICreditPublisher? publisher, TimeProvider time) : ICreditCommitments
{
    /// <summary>The catalog list a breach lists the subject on.</summary>
    public const string ListCode = "broken-commitments";

    private static readonly TimeSpan ChinaStandardTime = TimeSpan.FromHours(8);

    /// <summary>Today in China Standard Time, the calendar of due days.</summary>
    /// <param name="now">The current instant.</param>
    /// <returns>The date in China.</returns>
    public static DateOnly Today(DateTimeOffset now) => DateOnly.FromDateTime(now.ToOffset(ChinaStandardTime).DateTime);

    /// <inheritdoc/>
    public async Task<CreditCommitment> RecordAsync(NewCommitment commitment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commitment);
        if (commitment.Subject.IsEmpty)
        {
            throw new ArgumentException("The commitment's subject is empty; parse it with SubjectId.Parse.", nameof(commitment));
        }

        if (string.IsNullOrWhiteSpace(commitment.MatterCode))
        {
            throw new ArgumentException("The commitment has no MatterCode (事项编码).", nameof(commitment));
        }

        if (string.IsNullOrWhiteSpace(commitment.Promise))
        {
            throw new ArgumentException("The commitment has no Promise: say what was promised (materials and deadline, or conditions).", nameof(commitment));
        }

        var materials = commitment.Materials ?? [];
        if (materials.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("A material of the commitment is blank; name it.", nameof(commitment));
        }

        var now = time.GetUtcNow();
        var today = Today(now);
        if (commitment.DueOn < today && !commitment.TakenEarlier)
        {
            // Found by review: a commitment already past due was accepted without a word, overdue at once.
            throw new ArgumentException(
                $"The commitment's DueOn {commitment.DueOn:yyyy-MM-dd} is already past (today is {today:yyyy-MM-dd}, China Standard Time), "
                + "so it would be overdue the moment it is recorded; nothing was recorded. To record a promise taken earlier, set TakenEarlier.",
                nameof(commitment));
        }

        var recorded = new CreditCommitment
        {
            Id = CheckIds.Next(now).ToString("N"),
            Subject = commitment.Subject,
            SubjectName = Trimmed(commitment.SubjectName),
            MatterCode = commitment.MatterCode.Trim(),
            MatterName = Trimmed(commitment.MatterName),
            Promise = commitment.Promise.Trim(),
            Materials = [.. materials.Select(m => m.Trim())],
            Department = Trimmed(commitment.Department),
            CheckId = commitment.CheckId,
            RecordedAt = now,
            DueOn = commitment.DueOn,
            Status = CommitmentStatus.Open,
        };
        await store.AddAsync(recorded, cancellationToken).ConfigureAwait(false);
        return recorded;
    }

    /// <inheritdoc/>
    public Task<CreditCommitment?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        return store.GetAsync(id.Trim(), cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<CreditCommitment>> ListAsync(bool overdueOnly = false, CancellationToken cancellationToken = default)
    {
        var all = await store.ListAsync(overdueOnly, cancellationToken).ConfigureAwait(false);
        var today = Today(time.GetUtcNow());
        return [.. all.Where(c => !overdueOnly || c.IsOverdue(today)).OrderBy(c => c.RecordedAt).ThenBy(c => c.Id, StringComparer.Ordinal)];
    }

    /// <inheritdoc/>
    public async Task<CreditCommitment> FulfilAsync(string id, CancellationToken cancellationToken = default)
    {
        var open = await OpenAsync(id, cancellationToken).ConfigureAwait(false);
        var fulfilled = open with { Status = CommitmentStatus.Fulfilled, ClosedAt = time.GetUtcNow() };
        return await CloseAsync(fulfilled, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<CreditCommitment> BreachAsync(string id, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        var listing = publisher ?? throw new InvalidOperationException(
            "A breach lists the subject, and no ICreditPublisher is registered: call .UseInMemory(...) or .UseRedis(...) on the builder that AddCreditCheck returns.");
        var open = await OpenAsync(id, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var breached = open with { Status = CommitmentStatus.Breached, ClosedAt = now, Reason = reason.Trim() };
        try
        {
            await listing.UpsertAsync(new ListRecord(open.Subject, Entry(breached)), cancellationToken).ConfigureAwait(false);
        }
        catch (ListEntryException e)
        {
            throw new InvalidOperationException(
                $"Commitment {open.Id} could not be breached: the subject cannot be listed on '{ListCode}' ({e.Message}). Publish a catalog that has the list (the default catalog does).", e);
        }

        return await CloseAsync(breached, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The listing a breach makes: one entry per commitment, so a repaired subject who breaks another
    /// promise is listed again.</summary>
    internal static ListEntry Entry(CreditCommitment breached) => new()
    {
        EntryId = "commitment-" + breached.Id,
        ListCode = ListCode,
        SubjectKind = breached.Subject.Kind,
        SubjectName = breached.SubjectName,
        Authority = breached.Department,
        DecisionReference = "信用承诺 " + breached.Id,
        Summary = $"违背信用承诺：{breached.MatterName ?? breached.MatterCode}（承诺：{breached.Promise}）；{breached.Reason}",
        ListedOn = breached.ClosedAt,
        ValidFrom = breached.ClosedAt,
    };

    private async Task<CreditCommitment> OpenAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        var found = await store.GetAsync(id.Trim(), cancellationToken).ConfigureAwait(false)
            ?? throw new KeyNotFoundException($"No commitment has the id '{id}'.");
        return found.Status == CommitmentStatus.Open
            ? found
            : throw new InvalidOperationException($"Commitment {found.Id} is already {found.Status} ({found.ClosedAt:O}); only an open commitment can be fulfilled or breached.");
    }

    private async Task<CreditCommitment> CloseAsync(CreditCommitment closed, CancellationToken cancellationToken)
    {
        if (!await store.CloseAsync(closed, cancellationToken).ConfigureAwait(false))
        {
            var now = await store.GetAsync(closed.Id, cancellationToken).ConfigureAwait(false);
            throw new InvalidOperationException($"Commitment {closed.Id} was closed by someone else meanwhile (now {now?.Status}).");
        }

        return closed;
    }

    private static string? Trimmed(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
