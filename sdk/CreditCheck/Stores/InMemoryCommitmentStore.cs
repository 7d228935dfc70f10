using System.Text;

namespace CreditCheck.Stores;

/// <summary>
/// The embedded store's commitments: in this process, or — when the store has a data folder — in
/// <c>DIR/.creditcheck/commitments.jsonl</c>, one line per state appended (the last line of an id wins),
/// so they outlive the process and the operator tool (<c>creditcheck commitments --store memory --data DIR</c>)
/// sees a host's and the host sees the tool's. A line cut short by a crash is skipped when read.
/// </summary>
public sealed class InMemoryCommitmentStore : ICommitmentStore
{
    /// <summary>The file's name in the state folder.</summary>
    public const string FileName = "commitments.jsonl";

    private readonly Lock _lock = new();
    private readonly Dictionary<string, CreditCommitment> _memory = new(StringComparer.Ordinal);
    private readonly string? _path;

    /// <summary>Keeps commitments in a state folder's file, or in memory.</summary>
    /// <param name="stateFolder">The folder to keep the file in (created when first written), or null for memory only.</param>
    public InMemoryCommitmentStore(string? stateFolder)
    {
        _path = stateFolder is null ? null : Path.Combine(stateFolder, FileName);
    }

    /// <summary>The state folder of a data folder: <c>DIR/.creditcheck</c>, shared with the operator tool.</summary>
    internal static string StateFolder(string dataDirectory) => Path.Combine(dataDirectory, ".creditcheck");

    /// <inheritdoc/>
    public Task AddAsync(CreditCommitment commitment, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var all = Load();
            if (all.ContainsKey(commitment.Id))
            {
                throw new InvalidOperationException($"A commitment with the id {commitment.Id} exists already.");
            }

            Write(commitment);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task<CreditCommitment?> GetAsync(string id, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(Load().GetValueOrDefault(id));
        }
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<CreditCommitment>> ListAsync(bool openOnly, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<CreditCommitment>>([.. Load().Values.Where(c => !openOnly || c.Status == CommitmentStatus.Open)]);
        }
    }

    /// <inheritdoc/>
    public Task<bool> CloseAsync(CreditCommitment closed, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (Load().GetValueOrDefault(closed.Id) is not { Status: CommitmentStatus.Open })
            {
                return Task.FromResult(false);
            }

            Write(closed);
            return Task.FromResult(true);
        }
    }

    private Dictionary<string, CreditCommitment> Load()
    {
        if (_path is null || !File.Exists(_path))
        {
            return _memory;
        }

        var all = new Dictionary<string, CreditCommitment>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(_path, Encoding.UTF8))
        {
            if (!string.IsNullOrWhiteSpace(line) && CommitmentJson.Deserialize(line, out _) is { } commitment)
            {
                all[commitment.Id] = commitment;
            }
        }

        return all;
    }

    private void Write(CreditCommitment commitment)
    {
        if (_path is null)
        {
            _memory[commitment.Id] = commitment;
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        var bytes = Encoding.UTF8.GetBytes(CommitmentJson.Serialize(commitment) + "\n");
        using var file = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        file.Write(bytes); // one write per line: appends of two processes do not interleave within a line
        file.Flush(flushToDisk: true);
    }
}
