using System.Text;
using System.Threading.Channels;
using CreditCheck;
using CreditCheck.Catalog;
using CreditCheck.ListFiles;
using CreditCheck.Stores;
using Google.Protobuf;
using CreditCheck.Platform.Protocol;

namespace ReferencePlatform;

/// <summary>The platform's lists, its one increasing version, the bounded change log and the subscribers.
/// State on disk (DIR/platform-state/): <c>journal.jsonl</c> (one change a line, as the contract's JSON)
/// and, once the journal has been compacted, <c>checkpoint.jsonl</c> (a header with the version and the
/// catalog, then one entry a line). At start the lists are the checkpoint (or, before the first one, the
/// list files in DIR at version 1) with the journal's later changes applied; the change log is the last
/// <c>--change-log</c> changes of the journal. A client older than the log gets a snapshot.</summary>
internal sealed class PlatformState : IDisposable
{
    private const int SubscriberBuffer = 100_000;
    private readonly object _gate = new();
    private readonly Dictionary<(string List, string EntryId), Entry> _entries = [];
    private readonly Dictionary<string, HashSet<(string List, string EntryId)>> _bySubject = new(StringComparer.Ordinal);
    private readonly LinkedList<Change> _log = new();
    private readonly HashSet<Subscriber> _subscribers = [];
    private readonly int _logLimit;
    private readonly string _stateDirectory;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private StreamWriter _journal;
    private int _journalLines;

    public PlatformState(string dataDirectory, int logLimit, TimeProvider time, ILogger logger)
    {
        _logLimit = logLimit;
        _time = time;
        _logger = logger;
        _stateDirectory = Directory.CreateDirectory(Path.Combine(dataDirectory, "platform-state")).FullName;
        var checkpoint = Path.Combine(_stateDirectory, "checkpoint.jsonl");
        if (File.Exists(checkpoint))
        {
            LoadCheckpoint(checkpoint);
        }
        else
        {
            LoadDataFolder(dataDirectory);
        }

        LogFloor = Version;
        var journal = Path.Combine(_stateDirectory, "journal.jsonl");
        if (File.Exists(journal))
        {
            ReplayJournal(journal);
        }

        _journal = OpenJournal(journal);
        if (_journalLines > _logLimit)
        {
            Compact();
        }

        History = ContinuedHistory() ?? Guid.NewGuid().ToString("N");
        foreach (var change in _log)
        {
            change.History = History; // the state continues them: their versions are this history's too
        }

        _logger.LogInformation("History {History} at version {Version}", History, Version);
    }

    /// <summary>The history the versions belong to (the contract's History). Kept only across a clean restart of
    /// the very state the platform stopped with: the record <c>history.json</c> is written at a clean stop and
    /// consumed at start, so a copy of the running state restored later, a crash (which may have lost changes
    /// already sent) or a start without state each start a new history. A copy taken while the platform was
    /// stopped holds the record: delete <c>platform-state/history.json</c> when restoring one.</summary>
    public string History { get; }

    private string HistoryRecord => Path.Combine(_stateDirectory, "history.json");

    private string? ContinuedHistory()
    {
        if (!File.Exists(HistoryRecord))
        {
            return null;
        }

        try
        {
            var record = JsonParser.Default.Parse<GetCatalogResponse>(File.ReadAllText(HistoryRecord));
            return record.Version == Version && record.History.Length > 0 ? record.History : null;
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or InvalidJsonException)
        {
            return null;
        }
        finally
        {
            File.Delete(HistoryRecord);
        }
    }

    /// <summary>The platform's version: every change numbered, the lists as loaded are version 1.</summary>
    public long Version { get; private set; } = 1;

    /// <summary>The log holds every change after this version; a client at an older version gets a snapshot.</summary>
    public long LogFloor { get; private set; }

    public CreditCatalog Catalog { get; private set; } = CreditCatalog.Default;

    public string CatalogJson { get; private set; } = CreditCatalog.Default.ToJson();

    public int EntryCount { get { lock (_gate) { return _entries.Count; } } }

    public int SubscriberCount { get { lock (_gate) { return _subscribers.Count; } } }

    /// <summary>The catalog's list codes (what "every list" means).</summary>
    public IReadOnlyList<string> ListCodes => [.. Catalog.Lists.Select(l => l.Code).Order(StringComparer.Ordinal)];

    public bool TryGet(string list, string entryId, out Entry entry)
    {
        lock (_gate)
        {
            return _entries.TryGetValue((list, entryId), out entry!);
        }
    }

    /// <summary>A subject's entries on the given lists (null: all), and the version they reflect.</summary>
    public (long Version, List<Entry> Entries) Query(string subject, ISet<string>? lists)
    {
        lock (_gate)
        {
            var found = new List<Entry>();
            if (_bySubject.TryGetValue(subject, out var keys))
            {
                found.AddRange(keys.Select(k => _entries[k]).Where(e => lists is null || lists.Contains(e.ListCode))
                    .OrderBy(e => e.ListCode, StringComparer.Ordinal).ThenBy(e => e.EntryId, StringComparer.Ordinal));
            }

            return (Version, found);
        }
    }

    /// <summary>Numbers a change, applies it, writes it to the journal and hands it to every subscriber. An
    /// upsert that re-uses an entry id of another subject is preceded by the removal of that subject's entry:
    /// a client keys entries by subject, list and entry id, and would otherwise keep the old subject listed.</summary>
    public Change Commit(Change change)
    {
        lock (_gate)
        {
            if (change.OperationCase == Change.OperationOneofCase.Upsert
                && _entries.TryGetValue((change.Upsert.ListCode, change.Upsert.EntryId), out var previous) && previous.Subject != change.Upsert.Subject)
            {
                CommitLocked(new Change { Remove = AdminEndpoints.KeyOf(previous) });
            }

            return CommitLocked(change);
        }
    }

    private Change CommitLocked(Change change)
    {
        change.Version = Version + 1;
        change.History = History;
        change.ChangedAt = _time.GetLocalNow().ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", System.Globalization.CultureInfo.InvariantCulture);
        Apply(change);
        _journal.WriteLine(JsonFormatter.Default.Format(change));
        _journalLines++;
        Version = change.Version;
        _log.AddLast(change);
        TrimLog();
        foreach (var subscriber in _subscribers.ToList())
        {
            if (!subscriber.Changes.Writer.TryWrite(change))
            {
                // Too far behind: its stream ends with an error and it resumes from its version.
                subscriber.Changes.Writer.TryComplete(new InvalidOperationException("the subscriber fell more than 100,000 changes behind"));
                _subscribers.Remove(subscriber);
            }
        }

        if (_journalLines > 2 * _logLimit)
        {
            Compact();
        }

        return change;
    }

    /// <summary>Starts a subscription: a snapshot when <paramref name="lastApplied"/> is 0, newer than the
    /// platform, or older than the log; else the logged changes after it. Later changes arrive on the
    /// subscriber's channel, in version order, none missed (all taken under one lock).</summary>
    public Subscriber Subscribe(long lastApplied, ISet<string>? lists, bool live)
    {
        lock (_gate)
        {
            var subscriber = new Subscriber(Version);
            if (lastApplied <= 0 || lastApplied < LogFloor || lastApplied > Version)
            {
                subscriber.Snapshot = SnapshotLocked(lists);
            }
            else
            {
                subscriber.Backlog = [.. _log.Where(c => c.Version > lastApplied)];
            }

            if (live)
            {
                _subscribers.Add(subscriber);
            }

            return subscriber;
        }
    }

    public void Unsubscribe(Subscriber subscriber)
    {
        lock (_gate)
        {
            _subscribers.Remove(subscriber);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _journal.Dispose();
            foreach (var subscriber in _subscribers)
            {
                subscriber.Changes.Writer.TryComplete();
            }

            // A clean stop: the next start of this state continues the history.
            File.WriteAllText(HistoryRecord, JsonFormatter.Default.Format(new GetCatalogResponse { Version = Version, History = History }));
        }
    }

    private Snapshot SnapshotLocked(ISet<string>? lists)
    {
        var codes = lists is null ? ListCodes.ToList() : [.. lists.Order(StringComparer.Ordinal)];
        var byList = codes.ToDictionary(c => c, _ => new List<Entry>(), StringComparer.Ordinal);
        foreach (var entry in _entries.Values)
        {
            if (byList.TryGetValue(entry.ListCode, out var entries))
            {
                entries.Add(entry);
            }
            else if (lists is null)
            {
                byList[entry.ListCode] = [entry];
            }
        }

        return new Snapshot(Version, History, CatalogJson, byList);
    }

    private void Apply(Change change)
    {
        switch (change.OperationCase)
        {
            case Change.OperationOneofCase.Upsert:
                Put(change.Upsert);
                break;
            case Change.OperationOneofCase.Remove:
                var key = (change.Remove.ListCode, change.Remove.EntryId);
                if (_entries.Remove(key, out var removed) && _bySubject.TryGetValue(removed.Subject, out var keys))
                {
                    keys.Remove(key);
                }

                break;
            case Change.OperationOneofCase.Status:
                var entryKey = change.Status.Entry;
                if (_entries.TryGetValue((entryKey.ListCode, entryKey.EntryId), out var current))
                {
                    var changed = current.Clone();
                    changed.Status = change.Status.Status;
                    changed.StatusReason = change.Status.Reason;
                    _entries[(entryKey.ListCode, entryKey.EntryId)] = changed;
                }

                break;
            case Change.OperationOneofCase.CatalogJson:
                Catalog = CreditCatalog.Parse(change.CatalogJson);
                CatalogJson = change.CatalogJson;
                break;
        }
    }

    private void Put(Entry entry)
    {
        var key = (entry.ListCode, entry.EntryId);
        if (_entries.TryGetValue(key, out var previous) && previous.Subject != entry.Subject && _bySubject.TryGetValue(previous.Subject, out var old))
        {
            old.Remove(key);
        }

        _entries[key] = entry;
        if (!_bySubject.TryGetValue(entry.Subject, out var keys))
        {
            _bySubject[entry.Subject] = keys = [];
        }

        keys.Add(key);
    }

    private void TrimLog()
    {
        while (_log.Count > _logLimit)
        {
            LogFloor = _log.First!.Value.Version;
            _log.RemoveFirst();
        }
    }

    private void LoadDataFolder(string directory)
    {
        var catalogPath = Path.Combine(directory, "catalog.json");
        if (File.Exists(catalogPath))
        {
            CatalogJson = File.ReadAllText(catalogPath);
            Catalog = CreditCatalog.Parse(CatalogJson);
        }

        var problems = new List<string>();
        foreach (var path in Directory.EnumerateFiles(directory).Order(StringComparer.Ordinal))
        {
            var extension = Path.GetExtension(path).ToLowerInvariant();
            if (extension is not (".csv" or ".json") || Path.GetFileName(path) is "catalog.json" or "clients.json")
            {
                continue;
            }

            var defaultList = Catalog.FindList(Path.GetFileNameWithoutExtension(path))?.Code;
            using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            var rows = extension == ".csv"
                ? ListFileReader.ReadCsv(reader, path, defaultList, SubjectIdParseMode.Strict)
                : ListFileReader.ReadJson(File.ReadAllBytes(path), path, defaultList, SubjectIdParseMode.Strict);
            foreach (var row in rows)
            {
                if (row.Record is null)
                {
                    problems.AddRange(row.Problems.Select(p => p.ToString()));
                }
                else if (ListEntryRules.Check(row.Record, Catalog) is { } refusal)
                {
                    problems.Add($"{path}:{row.Line}: {refusal}");
                }
                else
                {
                    Put(EntryMapping.ToProto(row.Record));
                }
            }
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException($"The data folder '{directory}' has {problems.Count} bad rows, e.g.:\n  " + string.Join("\n  ", problems.Take(10)));
        }
    }

    private void LoadCheckpoint(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8);
        var header = JsonParser.Default.Parse<GetCatalogResponse>(reader.ReadLine() ?? throw new InvalidOperationException($"{path} is empty"));
        Version = header.Version;
        CatalogJson = header.CatalogJson;
        Catalog = CreditCatalog.Parse(CatalogJson);
        while (reader.ReadLine() is { } line)
        {
            Put(JsonParser.Default.Parse<Entry>(line));
        }
    }

    private void ReplayJournal(string path)
    {
        foreach (var line in File.ReadLines(path))
        {
            Change change;
            try
            {
                change = JsonParser.Default.Parse<Change>(line);
            }
            catch (Exception e) when (e is InvalidProtocolBufferException or InvalidJsonException)
            {
                _logger.LogWarning("Skipping an unreadable journal line (a write cut short?) in {Path}", path);
                continue;
            }

            _journalLines++;
            if (_log.Count == 0)
            {
                // The log is complete from its first change on (a truncated journal starts later).
                LogFloor = Math.Min(LogFloor, change.Version - 1);
                if (change.Version > Version + 1)
                {
                    _logger.LogWarning("The journal starts at version {First} but the lists are at {Version}: changes in between are lost", change.Version, Version);
                    LogFloor = change.Version - 1;
                }
            }

            _log.AddLast(change);
            if (change.Version > Version)
            {
                Apply(change);
                Version = change.Version;
            }
        }

        TrimLog();
    }

    private static StreamWriter OpenJournal(string path) =>
        new(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read), new UTF8Encoding(false)) { AutoFlush = true };

    /// <summary>Writes the lists as a checkpoint and keeps only the log's changes in the journal (both
    /// written beside and moved over, so a crash leaves the previous files whole).</summary>
    private void Compact()
    {
        var checkpoint = Path.Combine(_stateDirectory, "checkpoint.jsonl");
        using (var writer = new StreamWriter(checkpoint + ".tmp", false, new UTF8Encoding(false)))
        {
            writer.WriteLine(JsonFormatter.Default.Format(new GetCatalogResponse { Version = Version, CatalogJson = CatalogJson }));
            foreach (var entry in _entries.Values)
            {
                writer.WriteLine(JsonFormatter.Default.Format(entry));
            }
        }

        var journal = Path.Combine(_stateDirectory, "journal.jsonl");
        File.WriteAllLines(journal + ".tmp", _log.Select(c => JsonFormatter.Default.Format(c)), new UTF8Encoding(false));
        File.Move(checkpoint + ".tmp", checkpoint, overwrite: true);
        _journal.Dispose();
        File.Move(journal + ".tmp", journal, overwrite: true);
        _journal = OpenJournal(journal);
        _journalLines = _log.Count;
        _logger.LogInformation("Compacted the state at version {Version}: {Entries} entries, {Changes} changes kept", Version, _entries.Count, _log.Count);
    }
}

/// <summary>A snapshot: the lists it holds (each replaced entirely) with their entries, as of a version.</summary>
internal sealed record Snapshot(long Version, string History, string CatalogJson, Dictionary<string, List<Entry>> Lists);

/// <summary>One Sync stream: what it starts with, then the live changes.</summary>
internal sealed class Subscriber(long startVersion)
{
    public long StartVersion { get; } = startVersion;

    public Snapshot? Snapshot { get; set; }

    public List<Change> Backlog { get; set; } = [];

    public Channel<Change> Changes { get; } = Channel.CreateBounded<Change>(new BoundedChannelOptions(100_000) { SingleReader = true });
}
