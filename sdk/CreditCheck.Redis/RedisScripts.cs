namespace CreditCheck.Redis;

/// <summary>
/// The Lua scripts that keep the layout consistent: each change is one atomic script that writes the
/// data, bumps the sequence, appends the change record, trims the log and publishes the wake-up.
/// ARGV[1] is always the namespace prefix <c>cc:{ns}:</c>; KEYS[1] is a key of the namespace so that
/// Redis Cluster routes the script to the namespace's slot (every key shares its hash tag).
/// </summary>
/// <remarks>
/// Visibility: an entry field <c>list⇥entryId⇥generation</c> of a subject hash is visible only
/// while the list's committed index names that generation. An import stages new fields under a new
/// generation (invisible), then one commit script renames the staged index over the committed one:
/// the switch is atomic, and a killed import leaves only invisible staged fields behind.
/// </remarks>
internal static class RedisScripts
{
    // Redis Cluster: while the namespace's slot is being moved to another node its keys are split between the
    // two, and a script routed by KEYS[1] would read or write only part of them (keys it builds from the
    // prefix are not checked by the cluster). Refuse with TRYAGAIN instead; the caller retries or degrades.
    // On a server without cluster mode (or a user not allowed CLUSTER KEYSLOT/NODES) there is nothing to check.
    private const string MigrationGuardLua = """
        local guarded, migrating = pcall(function()
          local slot = redis.call('CLUSTER', 'KEYSLOT', KEYS[1])
          return string.find(redis.call('CLUSTER', 'NODES'), '[' .. slot .. '-', 1, true) ~= nil
        end)
        if guarded and migrating then
          return redis.error_reply('TRYAGAIN the slot of ' .. KEYS[1] .. ' is being moved between cluster nodes; retry when the move is done')
        end

        """;

    // A write script refused part-way by the user's ACL keeps what it wrote before the refusal (Redis does not roll
    // back), with no change record: found from outside, an entry's status changed while the tool said it failed, and
    // running hosts kept the old answer. Each write script first asks Redis (7.0+) whether the user may run every
    // command it will, on those keys and channel, and writes nothing when not.
    private const string PermissionGuardLua = """
        local function refused(checks)
          if not redis.acl_check_cmd then return nil end
          for _, c in ipairs(checks) do
            local ok, allowed = pcall(redis.acl_check_cmd, unpack(c))
            if ok and not allowed then return c[1] .. ' ' .. c[2] end
          end
          return nil
        end
        local function permission_error(denied)
          return redis.error_reply('NOPERM this user may not run ' .. denied .. ', which this change needs (a publisher\'s command); nothing was written')
        end

        """;

    // Appends a change record, trims the log to ARGV[keep], publishes the sequence.
    private const string AnnounceLua = PermissionGuardLua + """
        local function announce_checks(prefix, checks)
          for _, c in ipairs({ { 'INCR', prefix .. 'seq' }, { 'ZADD', prefix .. 'changes', '1', 'x' },
                               { 'ZREMRANGEBYRANK', prefix .. 'changes', '0', '1' }, { 'PUBLISH', prefix .. 'notify', '1' } }) do
            checks[#checks + 1] = c
          end
          return checks
        end
        -- A write to a namespace whose sequence key is gone (deleted, evicted, lost in a restart) would restart the
        -- sequence hosts follow from 1 (found from outside): refused, naming the key, before anything is written.
        local function sequence_missing(prefix)
          if redis.call('EXISTS', prefix .. 'seq') == 1 then return nil end
          return redis.error_reply('CCDAMAGE the namespace\'s change sequence ' .. prefix .. 'seq is missing (deleted, evicted, or lost in a restart): a write would restart the sequence hosts follow; nothing was written. Publish the catalog again (creditcheck catalog publish: a new sequence, from which hosts resync), then import the lists')
        end
        local function announce(prefix, record, keep)
          local seq = redis.call('INCR', prefix .. 'seq')
          redis.call('ZADD', prefix .. 'changes', seq, '{"q":' .. seq .. ',' .. record .. '}')
          redis.call('ZREMRANGEBYRANK', prefix .. 'changes', 0, -(tonumber(keep) + 1))
          redis.call('PUBLISH', prefix .. 'notify', seq)
          return seq
        end
        local function current(prefix)
          return tonumber(redis.call('GET', prefix .. 'seq') or '0')
        end
        """;

    // A list's manifest, cc:{ns}:manifest field {list} = "gen⇥entries⇥prints⇥sumLo⇥sumHi": the committed
    // generation, the committed index's length, and the count and checksum (sums mod 2^32 of the two
    // little-endian halves) of the 8-byte fingerprints in kb:{list}. Every writer keeps it exact, so a
    // reader can tell a filter source or index that was deleted, evicted, truncated or altered.
    private const string ManifestLua = """
        local function manifest(prefix, list)
          local m = redis.call('HGET', prefix .. 'manifest', list)
          local t = { gen = redis.call('HGET', prefix .. 'gens', list) or '0', entries = 0, prints = 0, lo = 0, hi = 0 }
          if m then
            local g, e, p, lo, hi = string.match(m, '^([^\t]+)\t(%d+)\t(%d+)\t(%d+)\t(%d+)$')
            if g then t = { gen = g, entries = tonumber(e), prints = tonumber(p), lo = tonumber(lo), hi = tonumber(hi) } end
          end
          return t
        end
        local function store_manifest(prefix, list, t)
          redis.call('HSET', prefix .. 'manifest', list, t.gen .. '\t' .. string.format('%d\t%d\t%d\t%d', t.entries, t.prints, t.lo, t.hi))
        end
        local function add_print(t, fingerprint)
          local lo, hi = struct.unpack('<I4I4', fingerprint)
          t.prints = t.prints + 1
          t.lo = (t.lo + lo) % 4294967296
          t.hi = (t.hi + hi) % 4294967296
        end
        """;

    /// <summary>KEYS: subject entry hashes. ARGV: prefix. Returns {seq, n1, field, json, …, n2, …}:
    /// the visible fields of each subject (malformed fields are returned for the caller to report).</summary>
    private const string LookupLua = """
        local prefix = ARGV[1]
        local out = { redis.call('GET', prefix .. 'seq') or '0' }
        local start = #prefix + 3
        for i = 1, #KEYS do
          local subject = string.sub(KEYS[i], start)
          local all = redis.call('HGETALL', KEYS[i])
          local visible = {}
          for j = 1, #all, 2 do
            local list, entry, gen = string.match(all[j], '^([^\t]+)\t([^\t]+)\t([^\t]+)$')
            if list then
              local index = redis.call('HGET', prefix .. 'l:' .. list, subject .. '\t' .. entry)
              if index and string.match(index, '^[^\t]+') == gen then
                visible[#visible + 1] = all[j]
                visible[#visible + 1] = all[j + 1]
              end
            else
              visible[#visible + 1] = all[j]
              visible[#visible + 1] = all[j + 1]
            end
          end
          out[#out + 1] = #visible / 2
          for j = 1, #visible do out[#out + 1] = visible[j] end
        end
        return out
        """;

    // Appends each hash of KEYS[from..] to out: its fields and values, or, for a key that is not a hash, its
    // type's name (a string, not an array), so the other subjects are still answered and that one is named.
    private const string HashesLua = """
        local function hashes(out, from)
          for i = from, #KEYS do
            local r = redis.pcall('HGETALL', KEYS[i])
            if r.err then r = redis.call('TYPE', KEYS[i]).ok end
            out[#out + 1] = r
          end
          return out
        end
        """;

    /// <summary>KEYS: subject entry hashes. Returns each hash's fields and values, in order (see
    /// <see cref="HashesLua"/>): a batch's reads as one command, so the client completes one reply instead of
    /// one per subject.</summary>
    private const string ReadManyLua = HashesLua + "\nreturn hashes({}, 1)";

    /// <summary>KEYS: the namespace's generations key, then subject entry hashes. Returns {generations (flat
    /// list, name, generation …), each hash …}: the committed generations read in the same atomic call as the
    /// hashes, for a host that is behind an import the node has committed.</summary>
    private const string ReadManyWithGenerationsLua = HashesLua + "\n" + """
        local g = redis.pcall('HGETALL', KEYS[1])
        if g.err then g = {} end
        return hashes({ g }, 2)
        """;

    /// <summary>KEYS: the namespace's sequence key, then subject entry hashes. Returns {seq, each hash …}: the
    /// node's sequence read in the same atomic call as the hashes, so a reader knows how current the answer is
    /// (a replica may lag). Declared read-only (the shebang, which must come first), so any replica runs it, and
    /// StackExchange.Redis 3.x sends it as EVALSHA_RO; needs Redis 7.0.</summary>
    private const string ReadManyWithSequenceLua = "#!lua flags=no-writes\n" + HashesLua + "\n" + """
        return hashes({ redis.call('GET', KEYS[1]) or '0' }, 2)
        """;

    /// <summary>ARGV: prefix. Returns {seq, fingerprint, orgKeys, catalogJson, {list, committed generation …},
    /// manifested ('1' when the publisher keeps manifests), {list, manifest …}, epoch ('' when none), then per list (those in
    /// <c>lists</c> and those with a manifest) {list, kb length or -1, index length or -1, key problem or ''},
    /// atomically. A key of the wrong type is reported, not raised. The fingerprints themselves are read
    /// afterwards in pieces (<see cref="FilterSourceReader"/>): one reply holding them all would be as
    /// large as the lists.</summary>
    // After SnapshotLua (wrapped in a function): each list's filter source, in pieces, read in the same script.
    private const string SourcesLua = """
        local out = snapshot()
        local prefix, size = ARGV[1], tonumber(ARGV[2])
        local sources = {}
        for i = 9, #out, 4 do
          local pieces = {}
          local length = tonumber(out[i + 1]) or -1
          for offset = 0, length - 1, size do
            pieces[#pieces + 1] = redis.call('GETRANGE', prefix .. 'kb:' .. out[i], offset, math.min(offset + size, length) - 1)
          end
          sources[#sources + 1] = pieces
        end
        return { out, sources }
        """;

    private const string SnapshotLua = """
        local prefix = ARGV[1]
        local meta = redis.call('HMGET', prefix .. 'meta', 'fingerprint', 'orgKeys', 'manifest', 'epoch')
        local function get(command, key, ...)
          local ok = redis.pcall(command, key, ...)
          if type(ok) == 'table' and ok.err then return nil, key .. ': ' .. ok.err end
          return ok, nil
        end
        local gens = get('HGETALL', prefix .. 'gens') or {}
        local manifests = get('HGETALL', prefix .. 'manifest') or {}
        local out = { redis.call('GET', prefix .. 'seq') or '0', meta[1] or '', meta[2] or '0',
                      redis.call('HGET', prefix .. 'catalog', 'json') or '', gens, meta[3] or '0', manifests, meta[4] or '' }
        local seen = {}
        local lists = get('SMEMBERS', prefix .. 'lists') or {}
        for i = 2, #manifests, 2 do lists[#lists + 1] = manifests[i - 1] end
        for _, list in ipairs(lists) do
          if not seen[list] then
            seen[list] = true
            local blobLength, blobError = get('STRLEN', prefix .. 'kb:' .. list)
            local length, lengthError = get('HLEN', prefix .. 'l:' .. list)
            out[#out + 1] = list
            out[#out + 1] = blobLength or -1
            out[#out + 1] = length or -1
            out[#out + 1] = blobError or lengthError or ''
          end
        end
        return out
        """;

    /// <summary>ARGV: prefix. Returns {seq, {list, committed generation …}}: what a resync compares with its
    /// snapshot after reading the filter sources, to tell whether an import committed meanwhile.</summary>
    private const string GenerationsLua = """
        local gens = redis.pcall('HGETALL', ARGV[1] .. 'gens')
        if type(gens) == 'table' and gens.err then gens = {} end
        return { redis.call('GET', ARGV[1] .. 'seq') or '0', gens }
        """;

    /// <summary>ARGV: prefix. The cheap check a feed runs while idle: {manifested, {list, manifest …},
    /// manifest key problem or '', {lists with data}, then per manifested list {list, kb length or -1, index length or -1, committed generation, key
    /// problem or ''}}. A key of the wrong type is reported, not raised.</summary>
    private const string VerifyLua = """
        local prefix = ARGV[1]
        local function get(command, key, ...)
          local ok = redis.pcall(command, key, ...)
          if type(ok) == 'table' and ok.err then return nil, key .. ': ' .. ok.err end
          return ok, nil
        end
        local manifests, manifestError = get('HGETALL', prefix .. 'manifest')
        local out = { redis.call('HGET', prefix .. 'meta', 'manifest') or '0', manifests or {}, manifestError or '',
                      get('SMEMBERS', prefix .. 'lists') or {} }
        for i = 2, #(manifests or {}), 2 do
          local list = manifests[i - 1]
          local blobLength, blobError = get('STRLEN', prefix .. 'kb:' .. list)
          local length, lengthError = get('HLEN', prefix .. 'l:' .. list)
          out[#out + 1] = list
          out[#out + 1] = blobLength or -1
          out[#out + 1] = length or -1
          out[#out + 1] = get('HGET', prefix .. 'gens', list) or '0'
          out[#out + 1] = blobError or lengthError or ''
        end
        return out
        """;

    // The node's eviction facts as INFO lines ("maxmemory_policy:…", "evicted_keys:…", "run_id:…"), only
    // those three: the caller parses them (InfoFields). INFO refused (an ACL, a proxy) gives none.
    private const string EvictionInfoLua = """
        local function info_lines()
          local lines = {}
          for _, wanted in ipairs({ { 'memory', 'maxmemory_policy' }, { 'stats', 'evicted_keys' }, { 'server', 'run_id' } }) do
            local text = redis.pcall('INFO', wanted[1])
            if type(text) == 'string' then
              local value = string.match(text, wanted[2] .. ':([^\r\n]*)')
              if value then lines[#lines + 1] = wanted[2] .. ':' .. value end
            end
          end
          return table.concat(lines, '\r\n')
        end
        """;

    /// <summary>ARGV: prefix, sample size K, then entries known missing as (list, index field) pairs. The
    /// idle check of subjects' entry hashes: {eviction INFO lines, the verified mark in <c>meta</c> or '',
    /// {list, index field, entry key, entry field …} missing}. Of each list it samples K index fields
    /// (HRANDFIELD) and checks that the entry field each names exists; the pairs passed in are checked again
    /// (one the index no longer names is no longer missing). Read-only; a key of the wrong type counts as missing.</summary>
    private const string EntryCheckLua = EvictionInfoLua + "\n" + """
        local prefix, k = ARGV[1], tonumber(ARGV[2])
        local missing = {}
        local function check(list, field, value)
          local subject, entry = string.match(field, '^([^\t]+)\t(.*)$')
          local gen = value and string.match(value, '^[^\t]+')
          if not subject or not gen then return end
          local key, name = prefix .. 'e:' .. subject, list .. '\t' .. entry .. '\t' .. gen
          local found = redis.pcall('HEXISTS', key, name)
          -- Refused (an ACL without HEXISTS): nothing learnt. A key of the wrong type: missing.
          if type(found) == 'table' and found.err and not string.find(found.err, 'WRONGTYPE', 1, true) then return end
          if found ~= 1 then
            missing[#missing + 1] = list
            missing[#missing + 1] = field
            missing[#missing + 1] = key
            missing[#missing + 1] = name
          end
        end
        for i = 3, #ARGV - 1, 2 do
          local value = redis.pcall('HGET', prefix .. 'l:' .. ARGV[i], ARGV[i + 1])
          if type(value) == 'string' then check(ARGV[i], ARGV[i + 1], value) end
        end
        local lists = redis.pcall('SMEMBERS', prefix .. 'lists')
        if k > 0 and type(lists) == 'table' and not lists.err then
          for _, list in ipairs(lists) do
            local sample = redis.pcall('HRANDFIELD', prefix .. 'l:' .. list, k, 'WITHVALUES')
            if type(sample) == 'table' and not sample.err then
              for i = 1, #sample, 2 do check(list, sample[i], sample[i + 1]) end
            end
          end
        end
        local mark = redis.pcall('HGET', prefix .. 'meta', 'verified')
        return { info_lines(), type(mark) == 'string' and mark or '', missing }
        """;

    /// <summary>ARGV: prefix, list, cursor, count, max named. One page of a list's index (HSCAN) checked
    /// against the subjects' entry hashes: {next cursor, fields checked, fields missing, {index field, entry
    /// key, entry field …} for the first max missing}.</summary>
    private const string VerifyEntriesLua = """
        local prefix, list, max = ARGV[1], ARGV[2], tonumber(ARGV[5])
        local page = redis.call('HSCAN', prefix .. 'l:' .. list, ARGV[3], 'COUNT', tonumber(ARGV[4]))
        local fields, missing, named = page[2], 0, {}
        for i = 1, #fields, 2 do
          local subject, entry = string.match(fields[i], '^([^\t]+)\t(.*)$')
          local gen = string.match(fields[i + 1], '^[^\t]+')
          local key, name = prefix .. 'e:' .. (subject or ''), list .. '\t' .. (entry or '') .. '\t' .. (gen or '')
          if not subject or not gen or redis.pcall('HEXISTS', key, name) ~= 1 then
            missing = missing + 1
            if #named < max * 3 then
              named[#named + 1] = fields[i]
              named[#named + 1] = key
              named[#named + 1] = name
            end
          end
        end
        return { page[1], #fields / 2, missing, named }
        """;

    /// <summary>KEYS: a key of the namespace (for routing). The node's eviction facts as INFO lines.</summary>
    public const string EvictionInfo = EvictionInfoLua + "\nreturn info_lines()";

    public const string EntryCheck = MigrationGuardLua + EntryCheckLua;

    public const string VerifyEntries = MigrationGuardLua + VerifyEntriesLua;

    /// <summary>ARGV: prefix, piece size and budget (bytes, multiples of 8), cursor (list position from 1 in name order,
    /// byte offset), then 8-byte fingerprints. Scans the lists' filter sources (<c>kb:{list}</c>) from the cursor for at
    /// most budget bytes, for each fingerprint at whole-fingerprint positions. Returns {next list position, next offset,
    /// 1 when every list is done or 0, {fingerprint's position (0-based), list, exact …}, {list, generation …} of the lists
    /// scanned}: exact is '1' when the list's manifest counts as many fingerprints as index entries (nothing removed
    /// since its filter source was built, so every fingerprint names a subject still listed), else '0'. A source that
    /// cannot be read (wrong type) holds every fingerprint, with '0'. Read-only; called again from the cursor until done,
    /// so no call blocks the server for long; the generations tell the caller whether a list was replaced in between.</summary>
    private const string ListedPrintsLua = """
        local prefix, size, budget = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
        local at, offset = tonumber(ARGV[4]), tonumber(ARGV[5])
        local prints, out, gens, scanned = {}, {}, {}, 0
        for i = 6, #ARGV do prints[#prints + 1] = ARGV[i] end
        local lists = redis.call('SMEMBERS', prefix .. 'lists')
        table.sort(lists)
        while at <= #lists and scanned < budget do
          local list = lists[at]
          local key, hit, exact = prefix .. 'kb:' .. list, {}, '0'
          local length = redis.pcall('STRLEN', key)
          if type(length) ~= 'number' then
            for i = 1, #prints do hit[i] = true end
            length = 0
          end
          while offset < length and scanned < budget do
            local n = math.min(size, length - offset, budget - scanned)
            local piece = redis.call('GETRANGE', key, offset, offset + n - 1)
            for i, print in ipairs(prints) do
              local from = 1
              while not hit[i] do
                local found = string.find(piece, print, from, true)
                if not found then break end
                -- Only a whole fingerprint counts: the bytes may also straddle two of them.
                if (found - 1) % 8 == 0 then hit[i] = true else from = found + 1 end
              end
            end
            offset, scanned = offset + n, scanned + n
          end
          local m = redis.call('HGET', prefix .. 'manifest', list)
          local entries, count = string.match(m or '', '^[^\t]+\t(%d+)\t(%d+)\t')
          if entries and entries == count then exact = '1' end
          for i = 1, #prints do
            if hit[i] then
              out[#out + 1] = i - 1
              out[#out + 1] = list
              out[#out + 1] = exact
            end
          end
          gens[#gens + 1] = list
          gens[#gens + 1] = redis.call('HGET', prefix .. 'gens', list) or '0'
          if offset >= length then at, offset = at + 1, 0 end
        end
        return { at, offset, at > #lists and 1 or 0, out, gens }
        """;

    /// <summary>KEYS: a key of the namespace (for routing). See <see cref="ListedPrintsLua"/>.</summary>
    public const string ListedPrints = MigrationGuardLua + ListedPrintsLua;

    /// <summary>ARGV: prefix, json, version, keep, a new epoch (kept only when the namespace has none). Returns the
    /// sequence, or -1 when the version is published with other content.</summary>
    private const string PublishCatalogLua = AnnounceLua + "\n" + """
        local prefix = ARGV[1]
        -- One version, one content: a changed catalog under a published version is refused (-1).
        local published = redis.call('HMGET', prefix .. 'catalog', 'version', 'json')
        if published[1] == ARGV[3] and published[2] ~= ARGV[2] then return -1 end
        local denied = refused(announce_checks(prefix, { { 'HSET', prefix .. 'catalog', 'json', 'x' }, { 'HSET', prefix .. 'meta', 'epoch', 'x' } }))
        if denied then return permission_error(denied) end
        redis.call('HSET', prefix .. 'catalog', 'json', ARGV[2], 'version', ARGV[3])
        -- The namespace's epoch, once: a namespace set up anew (flushed, then published again) has another.
        if not redis.call('HGET', prefix .. 'meta', 'epoch') then redis.call('HSET', prefix .. 'meta', 'epoch', ARGV[5]) end
        return announce(prefix, '"op":"catalog","v":' .. cjson.encode(ARGV[3]), ARGV[4])
        """;

    /// <summary>ARGV: prefix, list, subject, entryId, hash, json, fingerprint (8 bytes), fingerprint hex,
    /// expected hash ('' = any), orgKey ('1' or '0'), keep, the catalog version the entry was validated against
    /// ('' = not checked). Returns {status, seq}: 1 written, 0 unchanged, -1 the stored entry is not the expected
    /// one (a concurrent change), -2 expected an entry that is absent, -3 the catalog is no longer that version.</summary>
    private const string UpsertLua = AnnounceLua + "\n" + ManifestLua + "\n" + """
        local prefix, list, subject, entry, hash, json = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
        if ARGV[12] and ARGV[12] ~= '' and redis.call('HGET', prefix .. 'catalog', 'version') ~= ARGV[12] then return { -3, current(prefix) } end
        local indexKey = prefix .. 'l:' .. list
        local indexField = subject .. '\t' .. entry
        local index = redis.call('HGET', indexKey, indexField)
        local gen
        if index then
          local stored, storedHash = string.match(index, '^([^\t]+)\t(.*)$')
          gen = stored
          if ARGV[9] ~= '' and storedHash ~= ARGV[9] then return { -1, current(prefix) } end
          if storedHash == hash then return { 0, current(prefix) } end
        elseif ARGV[9] ~= '' then
          return { -2, current(prefix) }
        else
          -- The list's committed generation: readers see it at once, and no pending cleanup names it
          -- (cleanups name older or abandoned generations only).
          gen = redis.call('HGET', prefix .. 'gens', list) or '0'
        end
        local denied = refused(announce_checks(prefix, {
          { 'HSET', prefix .. 'e:' .. subject, 'f', 'x' }, { 'HSET', indexKey, 'f', 'x' }, { 'SREM', prefix .. 'rm:' .. list, 'x' },
          { 'APPEND', prefix .. 'kb:' .. list, 'x' }, { 'HSET', prefix .. 'manifest', 'f', 'x' }, { 'SADD', prefix .. 'lists', 'x' },
          { 'HSET', prefix .. 'meta', 'orgKeys', '1' }, { 'HINCRBY', prefix .. 'versions', list, '1' } }))
        if denied then return permission_error(denied) end
        local damaged = sequence_missing(prefix)
        if damaged then return damaged end
        redis.call('HSET', prefix .. 'e:' .. subject, list .. '\t' .. entry .. '\t' .. gen, json)
        redis.call('HSET', indexKey, indexField, gen .. '\t' .. hash)
        redis.call('SREM', prefix .. 'rm:' .. list, subject)
        if not index then
          redis.call('APPEND', prefix .. 'kb:' .. list, ARGV[7])
          local t = manifest(prefix, list)
          t.entries = t.entries + 1
          add_print(t, ARGV[7])
          store_manifest(prefix, list, t)
        end
        redis.call('SADD', prefix .. 'lists', list)
        if ARGV[10] == '1' then redis.call('HSET', prefix .. 'meta', 'orgKeys', '1') end
        redis.call('HINCRBY', prefix .. 'versions', list, 1)
        return { 1, announce(prefix, '"op":"entry","l":' .. cjson.encode(list) .. ',"k":"' .. subject .. '","f":"' .. ARGV[8] .. '"', ARGV[11]) }
        """;

    /// <summary>ARGV: prefix, list, subject, entryId, keep. Returns {1 removed or 0 absent, seq}.</summary>
    private const string RemoveLua = AnnounceLua + "\n" + ManifestLua + "\n" + """
        local prefix, list, subject, entry = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
        local indexKey = prefix .. 'l:' .. list
        local index = redis.call('HGET', indexKey, subject .. '\t' .. entry)
        if not index then return { 0, current(prefix) } end
        local gen = string.match(index, '^[^\t]+')
        local denied = refused(announce_checks(prefix, {
          { 'HDEL', prefix .. 'e:' .. subject, 'f' }, { 'HDEL', indexKey, 'f' }, { 'HKEYS', prefix .. 'e:' .. subject },
          { 'SADD', prefix .. 'rm:' .. list, 'x' }, { 'HSET', prefix .. 'manifest', 'f', 'x' }, { 'HINCRBY', prefix .. 'versions', list, '1' } }))
        if denied then return permission_error(denied) end
        local damaged = sequence_missing(prefix)
        if damaged then return damaged end
        redis.call('HDEL', prefix .. 'e:' .. subject, list .. '\t' .. entry .. '\t' .. gen)
        redis.call('HDEL', indexKey, subject .. '\t' .. entry)
        -- Removed from the list altogether (no field of the list left in its hash): remembered in rm:{list}, so a
        -- reader that finds its fingerprint in kb:{list} (kept until a replace import) and its hash empty knows it
        -- was removed, not deleted by damage. A field left (another entry, or an old generation's leftover) adds
        -- nothing: such a subject is told apart by searching the index, the slow but exact way.
        local left = false
        for _, field in ipairs(redis.call('HKEYS', prefix .. 'e:' .. subject)) do
          if string.sub(field, 1, #list + 1) == list .. '\t' then left = true break end
        end
        if not left then redis.call('SADD', prefix .. 'rm:' .. list, subject) end
        local t = manifest(prefix, list)
        t.entries = math.max(0, t.entries - 1)
        store_manifest(prefix, list, t)
        redis.call('HINCRBY', prefix .. 'versions', list, 1)
        return { 1, announce(prefix, '"op":"entry","l":' .. cjson.encode(list) .. ',"k":"' .. subject .. '"', ARGV[5]) }
        """;

    /// <summary>ARGV: prefix, list, mode. Clears leftovers of a staging area, records the new
    /// generation in <c>stage:gen</c> (what an abandoned import staged is found by it), seeds the staged
    /// fingerprints with the committed ones in merge mode, and returns {list version, new generation,
    /// 1 when the list has committed entries or 0, and in merge mode the committed manifest's prints,
    /// sumLo, sumHi (what the copied fingerprints hold), else 0s}.</summary>
    private const string BeginStageLua = ManifestLua + "\n" + """
        local prefix, list, mode = ARGV[1], ARGV[2], ARGV[3]
        redis.call('UNLINK', prefix .. 'stage:l:' .. list, prefix .. 'stage:kb:' .. list, prefix .. 'stage:gc:' .. list, prefix .. 'stage:removed:' .. list)
        if mode == 'merge' and redis.call('EXISTS', prefix .. 'kb:' .. list) == 1 then
          redis.call('COPY', prefix .. 'kb:' .. list, prefix .. 'stage:kb:' .. list)
        end
        local gen = redis.call('INCR', prefix .. 'generations')
        redis.call('SET', prefix .. 'stage:gen:' .. list, gen)
        local t = { prints = 0, lo = 0, hi = 0 }
        if mode == 'merge' then t = manifest(prefix, list) end
        return { redis.call('HGET', prefix .. 'versions', list) or '0', gen, redis.call('EXISTS', prefix .. 'l:' .. list),
                 tostring(t.prints), tostring(t.lo), tostring(t.hi) }
        """;

    /// <summary>ARGV: prefix, list, cursor. One page of the staged index of an import that was not
    /// committed: deletes the entry fields it staged (index values of its generation; the import
    /// writes an entry's index value before the entry, so none is missed), and at the end the staged
    /// index and generation. Returns the next cursor, '0' when done.</summary>
    private const string CollectStagedLua = """
        local prefix, list = ARGV[1], ARGV[2]
        -- First the tombstones its sweep wrote, a page at a time (items subject⇥list⇥entry⇥old generation⇥its
        -- generation): left, they would hide their entries once a later import commits a higher generation.
        if ARGV[3] == '0' or ARGV[3] == 'tombstones' then
          local items = redis.call('LPOP', prefix .. 'stage:removed:' .. list, 1000)
          if items then
            for _, item in ipairs(items) do
              local subject, field, gen = string.match(item, '^([^\t]+)\t([^\t]+\t[^\t]+)\t[^\t]+\t([^\t]+)$')
              if subject then
                local key, name = prefix .. 'e:' .. subject, field .. '\t' .. gen
                if redis.call('HGET', key, name) == '~removed' then redis.call('HDEL', key, name) end
              end
            end
            return 'tombstones'
          end
        end
        local cursor = ARGV[3] == 'tombstones' and '0' or ARGV[3]
        local gen = redis.call('GET', prefix .. 'stage:gen:' .. list)
        local page = { '0', {} }
        if gen then page = redis.call('HSCAN', prefix .. 'stage:l:' .. list, cursor, 'COUNT', 1000) end
        local fields, mine = page[2], (gen or '') .. '\t'
        for i = 1, #fields, 2 do
          if string.sub(fields[i + 1], 1, #mine) == mine then
            local subject, entry = string.match(fields[i], '^([^\t]+)\t(.*)$')
            if subject then redis.call('HDEL', prefix .. 'e:' .. subject, list .. '\t' .. entry .. '\t' .. gen) end
          end
        end
        if page[1] == '0' then redis.call('UNLINK', prefix .. 'stage:l:' .. list, prefix .. 'stage:gen:' .. list) end
        return page[1]
        """;

    /// <summary>ARGV: prefix, list, token, lease in ms. Renews an import's lock if the import still holds
    /// it. Returns 1, or 0 when the lock lapsed or another import holds it.</summary>
    private const string RenewLockLua = """
        local lock = ARGV[1] .. 'lock:' .. ARGV[2]
        if redis.call('GET', lock) ~= ARGV[3] then return 0 end
        redis.call('PEXPIRE', lock, ARGV[4])
        return 1
        """;

    /// <summary>ARGV: prefix, list, mode, cursor. Scans one page of the committed index and carries
    /// entries the import did not mention into the staged index (merge) or marks them for removal
    /// (replace). Returns {next cursor, number removed}. The committed index does not change during
    /// an import (the lock and the version check see to it), so the scan sees each field once.</summary>
    private const string SweepLua = """
        local prefix, list, mode, cursor = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
        local nextIndex = prefix .. 'stage:l:' .. list
        local removals = prefix .. 'stage:removed:' .. list
        local garbage = prefix .. 'stage:gc:' .. list
        local staged = redis.call('GET', prefix .. 'stage:gen:' .. list)
        if mode ~= 'merge' and not staged then
          return redis.error_reply('ERR the staging of list ' .. list .. ' has lost its generation (stage:gen): the import cannot go on; run it again')
        end
        local page = redis.call('HSCAN', prefix .. 'l:' .. list, cursor, 'COUNT', 1000)
        local fields = page[2]
        local removed = 0
        for i = 1, #fields, 2 do
          if redis.call('HEXISTS', nextIndex, fields[i]) == 0 then
            if mode == 'merge' then
              redis.call('HSET', nextIndex, fields[i], fields[i + 1])
            else
              -- A tombstone at the import's generation: once committed it is the entry's newest field, so readers see
              -- the entry gone at the commit, and the commit need not delete every removed field while Redis waits
              -- (found from outside: 400,000 removals held Redis for 4-9 s). The superseded field, then the tombstone,
              -- are collected after the commit; an import that does not commit collects its tombstones (removals).
              local subject, entry = string.match(fields[i], '^([^\t]+)\t(.*)$')
              local gen = string.match(fields[i + 1], '^[^\t]+')
              local field = list .. '\t' .. entry
              redis.call('HSET', prefix .. 'e:' .. subject, field .. '\t' .. staged, '~removed')
              redis.call('RPUSH', removals, subject .. '\t' .. field .. '\t' .. gen .. '\t' .. staged)
              redis.call('RPUSH', garbage, subject .. '\t' .. field .. '\t' .. gen, '~' .. subject .. '\t' .. field .. '\t' .. staged)
              removed = removed + 1
            end
          end
        end
        return { page[1], removed }
        """;

    /// <summary>ARGV: prefix, list, expected list version, keep, generation, and the staged fingerprints'
    /// count, sumLo and sumHi. Switches the list to the staged data in one step and writes its manifest.
    /// Returns {1, seq}, or {-1, seq} when a single-entry change hit the list meanwhile.</summary>
    private const string CommitLua = AnnounceLua + "\n" + ManifestLua + "\n" + """
        local prefix, list = ARGV[1], ARGV[2]
        if (redis.call('HGET', prefix .. 'versions', list) or '0') ~= ARGV[3] then return { -1, current(prefix) } end
        local denied = refused(announce_checks(prefix, {
          { 'UNLINK', prefix .. 'l:' .. list }, { 'RENAME', prefix .. 'stage:l:' .. list, prefix .. 'l:' .. list },
          { 'RENAME', prefix .. 'stage:kb:' .. list, prefix .. 'kb:' .. list }, { 'RENAME', prefix .. 'stage:gc:' .. list, prefix .. 'gc:' .. list },
          { 'UNLINK', prefix .. 'rm:' .. list }, { 'UNLINK', prefix .. 'stage:removed:' .. list }, { 'DEL', prefix .. 'stage:gen:' .. list },
          { 'HSET', prefix .. 'gens', list, '1' }, { 'HSET', prefix .. 'manifest', list, 'x' },
          { 'SADD', prefix .. 'lists', list }, { 'HINCRBY', prefix .. 'versions', list, '1' } }))
        if denied then return permission_error(denied) end
        local damaged = sequence_missing(prefix)
        if damaged then return damaged end
        -- UNLINK frees the old data in the background, and the entries the import removed are hidden by the tombstones
        -- its sweep wrote (collected after): a big list does not block Redis.
        local function switch(from, to)
          redis.call('UNLINK', to)
          if redis.call('EXISTS', from) == 1 then redis.call('RENAME', from, to) end
        end
        switch(prefix .. 'stage:l:' .. list, prefix .. 'l:' .. list)
        switch(prefix .. 'stage:kb:' .. list, prefix .. 'kb:' .. list)
        switch(prefix .. 'stage:gc:' .. list, prefix .. 'gc:' .. list)
        -- The removed subjects were remembered for the filter source the commit replaces (a merge may also list
        -- one again): forgotten, such a subject is told apart by searching the index until its next removal.
        redis.call('UNLINK', prefix .. 'rm:' .. list)
        redis.call('UNLINK', prefix .. 'stage:removed:' .. list)
        redis.call('DEL', prefix .. 'stage:fields:' .. list, prefix .. 'stage:gen:' .. list)
        redis.call('HSET', prefix .. 'gens', list, ARGV[5])
        store_manifest(prefix, list, { gen = ARGV[5], entries = redis.call('HLEN', prefix .. 'l:' .. list),
                                       prints = tonumber(ARGV[6]), lo = tonumber(ARGV[7]), hi = tonumber(ARGV[8]) })
        redis.call('SADD', prefix .. 'lists', list)
        redis.call('HINCRBY', prefix .. 'versions', list, 1)
        return { 1, announce(prefix, '"op":"list","l":' .. cjson.encode(list), ARGV[4]) }
        """;

    /// <summary>ARGV: prefix, source list key, max. Pops up to max "subject⇥field" items and deletes
    /// those fields (invisible leftovers); an item "~subject⇥field" is a removed entry's tombstone, deleted only
    /// while it still is one (a single change may have listed the entry again at the same generation since).
    /// Returns how many remain.</summary>
    private const string CollectLua = """
        local prefix, source, max = ARGV[1], ARGV[2], tonumber(ARGV[3])
        for _ = 1, max do
          local item = redis.call('LPOP', source)
          if not item then break end
          local tombstone = string.sub(item, 1, 1) == '~'
          if tombstone then item = string.sub(item, 2) end
          local subject, field = string.match(item, '^([^\t]+)\t(.*)$')
          if subject then
            local key = prefix .. 'e:' .. subject
            if not tombstone or redis.call('HGET', key, field) == '~removed' then redis.call('HDEL', key, field) end
          end
        end
        return redis.call('LLEN', source)
        """;

    public const string Lookup = MigrationGuardLua + LookupLua;

    public const string ReadMany = ReadManyLua;

    public const string ReadManyWithGenerations = ReadManyWithGenerationsLua;

    public const string ReadManyWithSequence = ReadManyWithSequenceLua;

    public const string Snapshot = MigrationGuardLua + SnapshotLua;

    /// <summary>The snapshot and every list's filter source with it, in one atomic step: KEYS[1] the sequence,
    /// ARGV[1] the prefix, ARGV[2] the piece size. Returns { snapshot, sources }: the snapshot as
    /// <see cref="Snapshot"/> returns it, and per list (in its order) the filter source as pieces of at most
    /// ARGV[2] bytes. A resync that an import kept restarting reads this way: nothing can change in between.</summary>
    public const string ConsistentSnapshot = MigrationGuardLua + "local function snapshot()\n" + SnapshotLua + "\nend\n" + SourcesLua;

    public const string Verify = MigrationGuardLua + VerifyLua;

    public const string Generations = MigrationGuardLua + GenerationsLua;

    /// <summary>KEYS: a key of the namespace (for routing). Returns the server's maxmemory-policy.</summary>
    public const string EvictionPolicy = """
        return string.match(redis.call('INFO', 'memory'), 'maxmemory_policy:([%w-]+)')
        """;

    public const string PublishCatalog = MigrationGuardLua + PublishCatalogLua;

    public const string Upsert = MigrationGuardLua + UpsertLua;

    public const string Remove = MigrationGuardLua + RemoveLua;

    public const string BeginStage = MigrationGuardLua + BeginStageLua;

    public const string RenewLock = MigrationGuardLua + RenewLockLua;

    public const string CollectStaged = MigrationGuardLua + CollectStagedLua;

    public const string Sweep = MigrationGuardLua + SweepLua;

    public const string Commit = MigrationGuardLua + CommitLua;

    public const string Collect = MigrationGuardLua + CollectLua;
}
