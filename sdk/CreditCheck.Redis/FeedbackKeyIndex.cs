using CreditCheck.Stores;
using StackExchange.Redis;

namespace CreditCheck.Redis;

/// <summary>
/// Each feedback key stored once per namespace, whichever host delivers it: the sorted set <c>cc:{ns}:feedback:keys</c>
/// indexes the stream <c>cc:{ns}:feedback</c> by idempotency key (member: the key; score: its entry's id), and one
/// script checks the index and appends to the stream, atomically — so a record reported again through another host is
/// not appended again, and two hosts delivering one key at the same moment append it once.
/// </summary>
/// <remarks>
/// <para>The score is the entry id <c>ms-seq</c> as <c>ms × 1024 + min(seq, 1023)</c>, exact in a double until the year
/// 2248: the entry is read by its id (<c>XRANGE id id</c>); the rare entry past the 1023rd of one millisecond is found
/// by scanning that millisecond's entries from the 1023rd. The index names an entry the stream must still hold: a key
/// whose entry is gone (trimmed, deleted, evicted) is not held, and its record is appended again.</para>
/// <para>Bounded by the stream: every append first removes the members scored below the stream's first entry (the
/// platform and the forwarder trim the stream with <c>XTRIM MINID</c>), and all of them when the stream is empty or
/// gone. So the index holds one member (about 150 bytes: the key, ~35–60 characters, a score, the sorted set's
/// nodes; 15.2 MB for 100,000 keys beside 96.6 MB of stream) per record the stream holds — a sixth of the stream.</para>
/// <para>Every key shares the namespace's hash tag, so the scripts stay in one Redis Cluster slot. Both scripts read their
/// replies as strings and integers only (a Lua <c>false</c> would be a null under RESP2 but a boolean under RESP3).</para>
/// </remarks>
internal static class FeedbackKeyIndex
{
    // KEYS[1] the stream, KEYS[2] its index. held(key): the JSON of the record the stream holds under key, or nil.
    private const string HeldLua = """
        local stream, index = KEYS[1], KEYS[2]
        local function may(...)
          if not redis.acl_check_cmd then return true end
          local ok, allowed = pcall(redis.acl_check_cmd, ...)
          return ok and allowed
        end
        local function score_of(id)
          local dash = string.find(id, '-', 1, true)
          local seq = tonumber(string.sub(id, dash + 1))
          if seq > 1023 then seq = 1023 end
          return tonumber(string.sub(id, 1, dash - 1)) * 1024 + seq
        end
        local function field(entry, name)
          local fields = entry[2]
          for i = 1, #fields, 2 do
            if fields[i] == name then return fields[i + 1] end
          end
          return nil
        end
        local function held(key)
          local score = redis.call('ZSCORE', index, key)
          if not score then return nil end
          score = tonumber(score)
          local ms = math.floor(score / 1024)
          local seq = score - ms * 1024
          local prefix = string.format('%.0f', ms) .. '-'
          local from = prefix .. string.format('%.0f', seq)
          local to = from
          if seq >= 1023 then to = prefix .. '18446744073709551615' end
          while true do
            local entries = redis.call('XRANGE', stream, from, to, 'COUNT', 200)
            for _, entry in ipairs(entries) do
              if field(entry, 'key') == key then
                local json = field(entry, 'record')
                -- an entry that is not a record (written by hand) does not hold the key: the record is appended
                if json and json ~= '' and pcall(cjson.decode, json) then return json end
                return nil
              end
            end
            if #entries < 200 then return nil end
            local last = entries[#entries][1]
            local dash = string.find(last, '-', 1, true)
            from = string.sub(last, 1, dash) .. string.format('%.0f', tonumber(string.sub(last, dash + 1)) + 1)
          end
        end

        """;

    /// <summary>KEYS: stream, index, meta; ARGV[1] the delivered count's field, then each record's key and JSON. Returns
    /// <c>{wrote, r1, r2, …}</c>: <c>wrote</c> 1 when the call wrote anything (an append, or the delivered count), 0 when
    /// not, plus 2 when the user may not use the index (an ACL of an older version, without XRANGE, ZSCORE,
    /// ZREMRANGEBYSCORE or ZADD: every record is then appended, as before the index, so that delivery never stops on an
    /// upgrade); and per record <c>''</c> when appended now, else the JSON of the record held under its key.</summary>
    public const string Append = HeldLua + """
        -- Only into a namespace a publisher set up (its meta holds the secret's fingerprint). Found from outside: a host on a
        -- mistyped namespace created its stream and meta, counted the records delivered into a stream nobody reads, and
        -- the operator tool then took the name for a namespace. Refused, the records stay queued and are retried.
        if not redis.call('HGET', KEYS[3], 'fingerprint') then
          return redis.error_reply('NONAMESPACE no publisher has set this namespace up in Redis (' .. KEYS[3] .. ' holds no fingerprint: a mistyped namespace, or one flushed and not published again); the feedback records are kept and delivered once it is')
        end
        if not (may('XRANGE', stream, '-', '+') and may('ZSCORE', index, 'k') and may('ZREMRANGEBYSCORE', index, '0', '0') and may('ZADD', index, '0', 'k')) then
          local out = { 2 }
          for i = 2, #ARGV, 2 do
            redis.call('XADD', stream, '*', 'key', ARGV[i], 'record', ARGV[i + 1])
            out[#out + 1] = ''
          end
          local counted = redis.pcall('HINCRBY', KEYS[3], ARGV[1], (#ARGV - 1) / 2)
          if #ARGV > 1 or type(counted) == 'number' then out[1] = 3 end
          return out
        end
        local first = redis.call('XRANGE', stream, '-', '+', 'COUNT', 1)[1]
        if first then
          redis.call('ZREMRANGEBYSCORE', index, '-inf', '(' .. string.format('%.0f', score_of(first[1])))
        else
          redis.call('ZREMRANGEBYSCORE', index, '-inf', '+inf')
        end
        local out = { 0 }
        local appended = 0
        for i = 2, #ARGV, 2 do
          local key = ARGV[i]
          local json = held(key)
          if json then
            out[#out + 1] = json
          else
            local id = redis.call('XADD', stream, '*', 'key', key, 'record', ARGV[i + 1])
            redis.call('ZADD', index, string.format('%.0f', score_of(id)), key)
            appended = appended + 1
            out[#out + 1] = ''
          end
        end
        -- The delivered count is a sign for readers (FeedbackStreamState): a refusal does not fail the batch. It is also
        -- this call's write when every record was held already, so that a WAIT after it covers them.
        local counted = redis.pcall('HINCRBY', KEYS[3], ARGV[1], appended)
        if appended > 0 or type(counted) == 'number' then out[1] = 1 end
        return out
        """;

    /// <summary>KEYS: stream, index; ARGV: keys. Returns per key the JSON of the record held under it, or <c>''</c> (also
    /// when the user may not read the index).</summary>
    public const string Find = HeldLua + """
        -- A user set up for an older version may not read the index: nothing is held as far as it can tell (the append
        -- says so, warning 2154), rather than a failed lookup on every report.
        local readable = may('XRANGE', stream, '-', '+') and may('ZSCORE', index, 'k')
        local out = {}
        for i = 1, #ARGV do
          out[i] = readable and held(ARGV[i]) or ''
        end
        return out
        """;

    /// <summary>The append script's keys.</summary>
    public static RedisKey[] AppendKeys(RedisKeys keys) => [keys.Feedback, keys.FeedbackKeys, keys.Meta];

    /// <summary>The append script's arguments, and each record's JSON (to tell a record held from another).</summary>
    public static RedisValue[] AppendArguments(IReadOnlyList<FeedbackRecord> records, out string[] json)
    {
        json = new string[records.Count];
        var values = new RedisValue[1 + (2 * records.Count)];
        values[0] = FeedbackStreamState.DeliveredField;
        for (var i = 0; i < records.Count; i++)
        {
            json[i] = FeedbackJson.Serialize(records[i]);
            values[1 + (2 * i)] = records[i].Key;
            values[2 + (2 * i)] = json[i];
        }

        return values;
    }

    /// <summary>Reads the append script's reply.</summary>
    /// <returns>Per record, null when the stream holds it (appended now or before: the same JSON), else the other record
    /// held under its key; per record, whether this call appended it; whether the call wrote anything.</returns>
    /// <remarks><c>Unindexed</c>: the user may not use the key index (see <see cref="Append"/>); every record was appended.</remarks>
    public static (FeedbackRecord?[] Kept, bool[] Appended, bool Wrote, bool Unindexed) ReadAppend(RedisResult reply, IReadOnlyList<FeedbackRecord> records, string[] json)
    {
        var items = (RedisResult[]?)reply;
        if (items is null || items.Length != records.Count + 1)
        {
            throw new InvalidDataException($"The feedback append script answered {items?.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "nothing"} items for {records.Count} records.");
        }

        var kept = new FeedbackRecord?[records.Count];
        var appended = new bool[records.Count];
        for (var i = 0; i < records.Count; i++)
        {
            var held = (string?)items[i + 1];
            if (string.IsNullOrEmpty(held))
            {
                appended[i] = true;
            }
            else if (held != json[i])
            {
                // Another record under the key (reported through another host and delivered first). One this version cannot
                // read is left as held by this record: it is not appended again either way.
                kept[i] = FeedbackJson.Deserialize(held, out _) is { } other && other.Key == records[i].Key ? other : null;
            }
        }

        var flags = (long)items[0];
        return (kept, appended, (flags & 1) == 1, (flags & 2) == 2);
    }

    /// <summary>Reads the find script's reply: per key, the record held, or null.</summary>
    public static FeedbackRecord?[] ReadFind(RedisResult reply, IReadOnlyList<string> keys)
    {
        var items = (RedisResult[]?)reply;
        if (items is null || items.Length != keys.Count)
        {
            throw new InvalidDataException($"The feedback lookup script answered {items?.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "nothing"} items for {keys.Count} keys.");
        }

        var found = new FeedbackRecord?[keys.Count];
        for (var i = 0; i < keys.Count; i++)
        {
            if ((string?)items[i] is { Length: > 0 } held && FeedbackJson.Deserialize(held, out _) is { } record && record.Key == keys[i])
            {
                found[i] = record;
            }
        }

        return found;
    }
}
