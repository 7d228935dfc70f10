using CreditCheck.Stores;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace CreditCheck.Redis;

/// <summary>Turns a subject's hash fields into its visible entries: the generation each list has
/// committed, the newest field of each entry, and every field that cannot be read reported (logged and
/// returned as unreadable, never dropped).</summary>
internal sealed class EntrySelector(ILogger logger, string ns)
{
    /// <summary>Of each entry's fields, the newest generation at or below its list's committed one:
    /// newer fields belong to an import not yet switched on; older ones were superseded. A subject has
    /// a handful of fields, so a linear scan beats a dictionary; names and values stay UTF-8.</summary>
    public void Select(IReadOnlyDictionary<string, long> generations, HashEntry[] fields, IdentifierScheme scheme, SubjectId subject, ref List<FoundEntry>? entries, ref List<UnreadableEntry>? unreadable)
    {
        if (fields.Length == 0)
        {
            return;
        }

        var chosen = new List<(FieldName Name, byte[] Json)>(fields.Length);
        foreach (var field in fields)
        {
            var raw = (byte[])field.Name!;
            if (!FieldName.TryParse(raw, out var name))
            {
                Report(subject, System.Text.Encoding.UTF8.GetString(raw), "the field name is not list⇥entryId⇥generation", ref unreadable);
                continue;
            }

            if (name.Generation > generations.GetValueOrDefault(name.List))
            {
                continue;
            }

            var existing = chosen.FindIndex(c => c.Name.SameEntry(name));
            if (existing < 0)
            {
                chosen.Add((name, (byte[])field.Value!));
            }
            else if (chosen[existing].Name.Generation < name.Generation)
            {
                chosen[existing] = (name, (byte[])field.Value!);
            }
        }

        foreach (var (name, json) in chosen)
        {
            if (EntryCodec.Deserialize(json, out var error) is not { } entry)
            {
                Report(subject, $"{name.List}/{name.EntryId}", error!, ref unreadable);
            }
            else if (entry.ListCode != name.List || entry.EntryId != name.EntryId)
            {
                Report(subject, $"{name.List}/{name.EntryId}", $"the JSON says {entry.ListCode}/{entry.EntryId}", ref unreadable);
            }
            else
            {
                (entries ??= []).Add(new FoundEntry(entry, scheme));
            }
        }
    }

    /// <summary>Whether some entry has only fields newer than its list's committed generation as this host
    /// knows it: the node has committed an import this host has not applied yet and has already collected the
    /// superseded fields, so selecting by the host's generations would show the subject as not listed.</summary>
    public static bool IsAhead(IReadOnlyDictionary<string, long> generations, HashEntry[] fields)
    {
        var ahead = false;
        foreach (var field in fields)
        {
            if (FieldName.TryParse((byte[])field.Name!, out var name) && name.Generation > generations.GetValueOrDefault(name.List))
            {
                ahead = true;
                break;
            }
        }

        if (!ahead)
        {
            return false;
        }

        // Some field is newer; ahead only if an entry has no field at or below its committed generation.
        foreach (var field in fields)
        {
            if (!FieldName.TryParse((byte[])field.Name!, out var name) || name.Generation <= generations.GetValueOrDefault(name.List))
            {
                continue;
            }

            var visible = false;
            foreach (var other in fields)
            {
                if (FieldName.TryParse((byte[])other.Name!, out var o) && o.SameEntry(name) && o.Generation <= generations.GetValueOrDefault(o.List))
                {
                    visible = true;
                    break;
                }
            }

            if (!visible)
            {
                return true;
            }
        }

        return false;
    }

    private void Report(SubjectId subject, string field, string reason, ref List<UnreadableEntry>? unreadable)
    {
        Log.UnreadableEntry(logger, subject.Masked, ns, field, reason);
        (unreadable ??= []).Add(new UnreadableEntry(field, reason));
    }
}
