using System.Text;
using System.Text.Unicode;
using CreditCheck.Stores;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace CreditCheck.Redis;

/// <summary>Turns a subject's hash fields into its visible entries: the generation each list has
/// committed, the newest field of each entry, and every field that cannot be read reported (logged and
/// returned as unreadable, never dropped).</summary>
/// <remarks>Field names are read where they lie, as UTF-8 (<see cref="FieldName.TryLocate"/>): a batch reads
/// every listed subject's names twice (<see cref="IsAhead"/>, then <see cref="Select"/>), and making their list
/// and entry id strings each time allocated more than the rest of the selection. Strings are made only for a
/// field reported unreadable, or a name that is not valid UTF-8 (compared as its decoded string, as before).</remarks>
internal sealed class EntrySelector(ILogger logger, string ns)
{
    private const int StackNames = 8;

    /// <summary>Of each entry's fields, the newest generation at or below its list's committed one:
    /// newer fields belong to an import not yet switched on; older ones were superseded. A subject has
    /// a handful of fields, so a linear scan beats a dictionary; names and values stay UTF-8.</summary>
    public void Select(IReadOnlyDictionary<string, long> generations, HashEntry[] fields, IdentifierScheme scheme, SubjectId subject, ref List<FoundEntry>? entries, ref List<UnreadableEntry>? unreadable)
    {
        if (fields.Length == 0)
        {
            return;
        }

        // Per entry, in order of first appearance, its chosen field.
        Span<Located> chosen = fields.Length <= StackNames ? stackalloc Located[StackNames] : new Located[fields.Length];
        var count = 0;
        for (var f = 0; f < fields.Length; f++)
        {
            var raw = (byte[])fields[f].Name!;
            if (!FieldName.TryLocate(raw, out var first, out var last, out var generation))
            {
                Report(subject, Encoding.UTF8.GetString(raw), "the field name is not list⇥entryId⇥generation", ref unreadable);
                continue;
            }

            var name = new Located(f, first, last, generation);
            if (generation > Committed(generations, name.List(raw)))
            {
                continue;
            }

            var existing = -1;
            for (var c = 0; c < count; c++)
            {
                if (SameEntry(raw, name, (byte[])fields[chosen[c].Field].Name!, chosen[c]))
                {
                    existing = c;
                    break;
                }
            }

            if (existing < 0)
            {
                chosen[count++] = name;
            }
            else if (chosen[existing].Generation < generation)
            {
                chosen[existing] = name;
            }
        }

        foreach (var name in chosen[..count])
        {
            var raw = (byte[])fields[name.Field].Name!;
            if (EntryCodec.IsTombstone((byte[])fields[name.Field].Value!))
            {
                continue; // removed by an import committed at that generation (RedisScripts' sweep)
            }

            if (EntryCodec.Deserialize((byte[])fields[name.Field].Value!, out var error) is not { } entry)
            {
                Report(subject, Describe(raw, name), error!, ref unreadable);
            }
            else if (!SameText(entry.ListCode, name.List(raw)) || !SameText(entry.EntryId, name.EntryId(raw)))
            {
                Report(subject, Describe(raw, name), $"the JSON says {entry.ListCode}/{entry.EntryId}", ref unreadable);
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
            var raw = (byte[])field.Name!;
            if (FieldName.TryLocate(raw, out var first, out _, out var generation) && generation > Committed(generations, raw.AsSpan(0, first)))
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
            var raw = (byte[])field.Name!;
            if (!FieldName.TryLocate(raw, out var first, out var last, out var generation) || generation <= Committed(generations, raw.AsSpan(0, first)))
            {
                continue;
            }

            var name = new Located(0, first, last, generation);
            var visible = false;
            foreach (var other in fields)
            {
                var otherRaw = (byte[])other.Name!;
                if (FieldName.TryLocate(otherRaw, out var oFirst, out var oLast, out var oGeneration)
                    && SameEntry(raw, name, otherRaw, new Located(0, oFirst, oLast, oGeneration))
                    && oGeneration <= Committed(generations, otherRaw.AsSpan(0, oFirst)))
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

    /// <summary>The list's committed generation (0 when the host knows none), found by the list's UTF-8 name:
    /// an ASCII name is looked up as characters on the stack, any other as its decoded string.</summary>
    private static long Committed(IReadOnlyDictionary<string, long> generations, ReadOnlySpan<byte> list)
    {
        if (list.Length <= 128 && System.Text.Ascii.IsValid(list) && generations is Dictionary<string, long> dictionary
            && dictionary.TryGetAlternateLookup<ReadOnlySpan<char>>(out var lookup))
        {
            Span<char> chars = stackalloc char[list.Length];
            System.Text.Ascii.ToUtf16(list, chars, out _);
            return lookup.TryGetValue(chars, out var committed) ? committed : 0;
        }

        return generations.GetValueOrDefault(Encoding.UTF8.GetString(list));
    }

    /// <summary>Whether two names are of the same entry: the same list and entry id, as strings (so two
    /// invalid UTF-8 names that decode alike are the same, as when they were compared decoded).</summary>
    private static bool SameEntry(byte[] raw, Located name, byte[] otherRaw, Located other) =>
        SameUtf8Text(name.List(raw), other.List(otherRaw)) && SameUtf8Text(name.EntryId(raw), other.EntryId(otherRaw));

    private static bool SameUtf8Text(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) =>
        a.SequenceEqual(b)
        || (!(Utf8.IsValid(a) && Utf8.IsValid(b)) && string.Equals(Encoding.UTF8.GetString(a), Encoding.UTF8.GetString(b), StringComparison.Ordinal));

    private static bool SameText(string text, ReadOnlySpan<byte> utf8) =>
        System.Text.Ascii.IsValid(utf8)
            ? System.Text.Ascii.Equals(utf8, text)
            : string.Equals(text, Encoding.UTF8.GetString(utf8), StringComparison.Ordinal);

    private static string Describe(byte[] raw, Located name) =>
        $"{Encoding.UTF8.GetString(name.List(raw))}/{Encoding.UTF8.GetString(name.EntryId(raw))}";

    private void Report(SubjectId subject, string field, string reason, ref List<UnreadableEntry>? unreadable)
    {
        Log.UnreadableEntry(logger, subject.Masked, ns, field, reason);
        (unreadable ??= []).Add(new UnreadableEntry(field, reason));
    }

    /// <summary>A parsed field name as positions in its bytes (see <see cref="FieldName.TryLocate"/>).</summary>
    private readonly record struct Located(int Field, int First, int Last, long Generation)
    {
        public ReadOnlySpan<byte> List(byte[] raw) => raw.AsSpan(0, First);

        public ReadOnlySpan<byte> EntryId(byte[] raw) => raw.AsSpan(First + 1, Last - First - 1);
    }
}
