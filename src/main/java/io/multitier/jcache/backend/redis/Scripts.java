package io.multitier.jcache.backend.redis;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The Lua scripts of {@link RedisBackend}, one per operation, each one round trip.
 *
 * <p>Scripts that change entries ({@link #publishing}) take {@code ARGV[1]} the invalidation
 * channel, {@code ARGV[2]} the message header naming the sender ({@code K:<sender>:<cache>:}) and
 * {@code ARGV[3]} the byte length of the key prefix, followed by {@code :<maxLength>} when the
 * cache keeps an event stream, and by the claims of the cache's class dictionary while there are
 * any ({@link ClassNames}): {@code |<reference>:<length>:<entry>} each, added to the hash
 * {@code <prefix>{<cache>}#classes} before anything else is done ({@code HGET}, then {@code HSET}
 * if the reference is free or holds an entry whose SHA-1 does not start with it), or the write
 * refused with the error {@code CLASSCLASH <reference>} if it holds another entry of that reference. They publish one message per written key in the same script (a
 * bulk write one message naming all its keys), numbered: each notice advances the cache's
 * sequence number {@code <prefix>{<cache>}#seq} (in the cache's Cluster slot) and carries it, so
 * that a receiver can tell that it missed one; {@code putAll} and {@code removeAll} announce all
 * their keys in one notice. Under {@code invalidation: tracking} the channel is empty, or {@code +}
 * when writers keep copies: they publish nothing, Redis's client-side tracking tells the readers of
 * each key ({@link Tracking}), and a key is read back, so that the connection that wrote it goes on
 * being told of its changes, when its writer keeps a copy: a value put if absent (loaded or
 * promoted, which its writer asked for) always, a value otherwise written only with {@code +}, a
 * removed key never (its remover holds no copy). What a script only compares (a lease, the value
 * a conditional write expects, a key that must be absent) it reads with {@code GETEX}, which Redis
 * does not track: a read-only command would leave the key in the tracking table, about 100 bytes,
 * until it next changed, for a copy nobody keeps. A script that gives an entry a time to live also sets the cache's expiry mark
 * {@code <prefix>{<cache>}#expiring} (never removed), so that a cache whose entries never expire
 * is read without asking each entry's {@code PTTL} ({@link #GET_ALL_WITH_TTL}). A cache with an
 * event stream also appends each
 * change to {@code <prefix>{<cache>}#events} (trimmed to about {@code maxLength} entries), with the
 * fields {@code t} ({@code C} created, {@code U} updated, {@code R} removed, {@code E} expired by a
 * zero time to live), {@code k} the encoded key, {@code s} the sender, {@code v} the new value and
 * {@code o} the old one where there is one. A time to live argument is in the one vocabulary that
 * {@link WireValues#ttlToWire} writes: a decimal number of milliseconds, {@code -1} for no expiry,
 * {@code -2} to keep the current expiry, {@code 0} to remove.
 */
final class Scripts {

  private static final String WRITE_HELPERS = """
      local header, claimed = string.match(ARGV[3], '^([^|]*)|?(.*)$')
      local prefixBytes, eventsMax = string.match(header, '^(%d+):?(%d*)$')
      prefixBytes = tonumber(prefixBytes)
      local events = eventsMax ~= ''
      local marked = false
      local function tagOf(key)
        return string.sub(key, 1, prefixBytes - 1)
      end
      if claimed ~= '' then
        -- a class entry is in the dictionary before any value that refers to it; a reference that
        -- holds another entry of that reference (two classes that collide) refuses the write, unchanged
        local dictionary = tagOf(KEYS[1]) .. '#classes'
        local at = 1
        while at <= #claimed do
          local reference, length, from = string.match(claimed, '^(%x+):(%d+):()', at)
          local entry = string.sub(claimed, from, from + tonumber(length) - 1)
          local held = redis.call('hget', dictionary, reference)
          if held ~= entry then
            if held and string.sub(redis.sha1hex(held), 1, 8) == reference then
              return redis.error_reply('CLASSCLASH ' .. reference)
            end
            -- free, or holding what no reader takes (an entry not of this reference)
            redis.call('hset', dictionary, reference, entry)
          end
          at = from + tonumber(length)
        end
      end
      local function before(key)
        return events and redis.call('getex', key)
      end
      local function recorded(key, old, new, ttl)
        if not events then
          return
        end
        local kind
        if new and ttl ~= '0' then
          kind = old and 'U' or 'C'
        elseif old then
          kind = (ttl == '0') and 'E' or 'R'
          new = false
        end
        if kind then
          local entry = {'xadd', tagOf(key) .. '#events', 'maxlen', '~', eventsMax, '*', 't', kind,
              'k', string.sub(key, prefixBytes + 1), 's', string.match(ARGV[2], '^K:([^:]*):')}
          if new then
            entry[#entry + 1] = 'v'
            entry[#entry + 1] = new
          end
          if old then
            entry[#entry + 1] = 'o'
            entry[#entry + 1] = old
          end
          redis.call(unpack(entry))
        end
      end
      local tracked = ARGV[1] == '' or ARGV[1] == '+'
      local function held(new, ttl)
        -- under tracking a writer keeps a copy of a value it wrote only if writers keep copies ('+';
        -- an atomic step knows the time left even when the expiry was left as it was), never of a
        -- removed entry
        return new and ttl ~= '0' and ARGV[1] ~= ''
      end
      local function announce(key, kept)
        if tracked then
          -- tracked: reading a key the writer keeps a copy of back keeps the writing connection
          -- tracking it, which the write itself ended (Redis forgets who read a key once it changes)
          if kept then
            redis.call('exists', key)
          end
        else
          local seq = redis.call('incr', tagOf(key) .. '#seq')
          redis.call('publish', ARGV[1], ARGV[2] .. seq .. ':' .. string.sub(key, prefixBytes + 1))
        end
      end
      local function changed(key, old, new, ttl)
        announce(key, held(new, ttl))
        recorded(key, old, new, ttl)
      end
      local function loaded(key, value, ttl)
        -- a value put if absent was read or loaded by its writer, which keeps it under any setting
        announce(key, ttl ~= '0')
        recorded(key, false, value, ttl)
      end
      local function announced(keys, kept)
        if tracked then
          -- one EXISTS of many keys tracks them all, for a fraction of a call per key
          local read = {}
          for i, key in ipairs(keys) do
            if kept[i] then
              read[#read + 1] = key
            end
          end
          for from = 1, #read, 1000 do
            redis.call('exists', unpack(read, from, math.min(from + 999, #read)))
          end
          return
        end
        local seq = redis.call('incr', tagOf(keys[1]) .. '#seq')
        local notice = {'M', string.sub(ARGV[2], 2), seq}
        for _, key in ipairs(keys) do
          local encoded = string.sub(key, prefixBytes + 1)
          notice[#notice + 1] = ':' .. #encoded .. ':' .. encoded
        end
        redis.call('publish', ARGV[1], table.concat(notice))
      end
      local function notify(key)
        -- a new time to live for a present entry: the writer keeps its copy, with the new deadline
        announce(key, true)
        recorded(key, false, false, nil)
      end
      local function expiring(key)
        if not marked then
          redis.call('set', tagOf(key) .. '#expiring', '1')
          marked = true
        end
      end
      local function store(key, value, ttl)
        if ttl == '0' then
          redis.call('del', key)
        elseif ttl == '-1' then
          redis.call('set', key, value)
        elseif ttl == '-2' then
          redis.call('set', key, value, 'keepttl')
        else
          expiring(key)
          redis.call('set', key, value, 'px', ttl)
        end
      end
      local function stored(key, value, ttl)
        if ttl == '0' then
          return redis.call('del', key) == 1
        elseif ttl == '-1' then
          return redis.call('set', key, value, 'get') and true or false
        elseif ttl == '-2' then
          return redis.call('set', key, value, 'keepttl', 'get') and true or false
        end
        expiring(key)
        return redis.call('set', key, value, 'px', ttl, 'get') and true or false
      end
      local function created(key, value, ttl)
        -- sets an absent key (ttl neither '0' nor, as KEEPTTL of nothing, '-2' means no expiry)
        if ttl == '-1' or ttl == '-2' then
          return redis.call('set', key, value, 'nx')
        end
        expiring(key)
        return redis.call('set', key, value, 'px', ttl, 'nx')
      end
      local function put(key, value, ifAbsent, ifPresent)
        if ifAbsent == ifPresent or (ifAbsent == '-1' and ifPresent == '-2') then
          -- KEEPTTL leaves an absent key without expiry
          return stored(key, value, ifPresent)
        end
        if ifAbsent ~= '0' and ifAbsent ~= '-2' then
          if created(key, value, ifAbsent) then
            return false
          end
          store(key, value, ifPresent)
          return true
        end
        local present = redis.call('exists', key) == 1
        store(key, value, present and ifPresent or ifAbsent)
        return present
      end
      """;

  /** KEYS[1]; returns {value, pttl} or an empty list. */
  static final Script GET_WITH_TTL = plain("getWithTtl", """
      local value = redis.call('get', KEYS[1])
      if not value then
        return {}
      end
      return {value, redis.call('pttl', KEYS[1])}
      """);

  /**
   * KEYS[1] the cache's expiry mark, KEYS[2..] the N entries; returns what {@code MGET} of all the
   * keys answers (the mark, then each entry's value or nil), followed, if some entry of the cache
   * may expire, by each entry's {@code PTTL} ({@code -2} for a missing one): N + 1 or 2N + 1 items,
   * no number per entry when none expires. Without the mark no entry of the cache has a time to
   * live, so only the first hit's {@code PTTL} is asked, to find a mark that was lost (evicted, or
   * never set by an older writer), which then is set again.
   */
  static final Script GET_ALL_WITH_TTL = plain("getAllWithTtl", """
      local values = redis.call('mget', unpack(KEYS))
      if not values[1] then
        local hit = false
        for i = 2, #KEYS do
          if values[i] then
            hit = true
            if redis.call('pttl', KEYS[i]) == -1 then
              return values
            end
            redis.call('set', KEYS[1], '1')
            break
          end
        end
        if not hit then
          return values
        end
      end
      for i = 2, #KEYS do
        values[#KEYS + i - 1] = values[i] and redis.call('pttl', KEYS[i]) or -2
      end
      return values
      """);

  /** KEYS[1]; ARGV[4] value, ARGV[5] ttl. */
  static final Script SET = publishing("setWithTtl", """
      local old = before(KEYS[1])
      store(KEYS[1], ARGV[4], ARGV[5])
      changed(KEYS[1], old, ARGV[4], ARGV[5])
      return 1
      """);

  /** KEYS; ARGV[2i+2] value and ARGV[2i+3] ttl of KEYS[i]; one notice names every key. */
  static final Script SET_ALL = publishing("setAllWithTtl", """
      local kept = {}
      for i, key in ipairs(KEYS) do
        local old = before(key)
        store(key, ARGV[2 * i + 2], ARGV[2 * i + 3])
        recorded(key, old, ARGV[2 * i + 2], ARGV[2 * i + 3])
        kept[i] = held(ARGV[2 * i + 2], ARGV[2 * i + 3])
      end
      announced(KEYS, kept)
      return #KEYS
      """);

  /** KEYS[1]; ARGV[4] value, ARGV[5] ttl; returns 1 if the key was absent. */
  static final Script PUT_IF_ABSENT = publishing("putIfAbsent", """
      if ARGV[5] == '0' then
        return redis.call('getex', KEYS[1]) and 0 or 1
      end
      if not created(KEYS[1], ARGV[4], ARGV[5]) then
        return 0
      end
      loaded(KEYS[1], ARGV[4], ARGV[5])
      return 1
      """);

  /** KEYS[1]; ARGV[4] expected, ARGV[5] value, ARGV[6] ttl; returns 1 if replaced. */
  static final Script REPLACE = publishing("replace", """
      if redis.call('getex', KEYS[1]) ~= ARGV[4] then
        return 0
      end
      store(KEYS[1], ARGV[5], ARGV[6])
      changed(KEYS[1], ARGV[4], ARGV[5], ARGV[6])
      return 1
      """);

  /** KEYS[1]; returns 1 if the key was present. */
  static final Script REMOVE = publishing("remove", """
      local old = before(KEYS[1])
      local removed = redis.call('del', KEYS[1])
      changed(KEYS[1], old, false, nil)
      return removed
      """);

  /** KEYS[1]; ARGV[4] expected; returns 1 if removed. */
  static final Script REMOVE_IF_EQUAL = publishing("removeIfEqual", """
      if redis.call('getex', KEYS[1]) ~= ARGV[4] then
        return 0
      end
      redis.call('del', KEYS[1])
      changed(KEYS[1], ARGV[4], false, nil)
      return 1
      """);

  /** KEYS[1]; ARGV[4] value, ARGV[5] ttl if absent, ARGV[6] ttl if present; returns the previous value. */
  static final Script GET_AND_PUT = publishing("getAndPut", """
      local previous = redis.call('get', KEYS[1])
      local ttl = previous and ARGV[6] or ARGV[5]
      store(KEYS[1], ARGV[4], ttl)
      changed(KEYS[1], previous, ARGV[4], ttl)
      return previous
      """);

  /** KEYS[1]; returns the removed value. */
  static final Script GET_AND_REMOVE = publishing("getAndRemove", """
      local previous = redis.call('get', KEYS[1])
      redis.call('del', KEYS[1])
      changed(KEYS[1], previous, false, nil)
      return previous
      """);

  /**
   * KEYS[1] the entry, KEYS[2] its lease; ARGV[1] owner, ARGV[2] lease in milliseconds, ARGV[3]
   * {@code 1} to take the lease even when the entry is present. Returns {0} while another owner
   * holds the lease, {1, value, pttl} for a present entry read without the lease, {2[, value, pttl]}
   * with the lease taken.
   */
  static final Script READ_FOR_UPDATE = plain("readForUpdate", """
      local value = redis.call('get', KEYS[1])
      if value and ARGV[3] == '0' then
        return {1, value, redis.call('pttl', KEYS[1])}
      end
      local holder = redis.call('getex', KEYS[2])
      if holder and holder ~= ARGV[1] then
        return {0}
      end
      redis.call('set', KEYS[2], ARGV[1], 'px', ARGV[2])
      if value then
        return {2, value, redis.call('pttl', KEYS[1])}
      end
      return {2}
      """);

  /**
   * KEYS[1] the entry, KEYS[2] its lease; ARGV[4] {@code a} if the entry must be absent, else
   * {@code p} and ARGV[5] the bytes it must hold; ARGV[6] {@code put} (ARGV[7] value, ARGV[8] ttl)
   * or {@code del}; ARGV[9] the lease owner, or empty: while another owner holds the lease nothing
   * is done, else the owner's lease is released. Returns 1 if the entry was as expected and the
   * decision was carried out.
   */
  static final Script COMMIT = publishing("commit", """
      local function release()
        if ARGV[9] ~= '' and redis.call('getex', KEYS[2]) == ARGV[9] then
          redis.call('del', KEYS[2])
        end
      end
      if ARGV[9] ~= '' then
        local holder = redis.call('getex', KEYS[2])
        if holder and holder ~= ARGV[9] then
          return 0
        end
      end
      local current = redis.call('getex', KEYS[1])
      local expected
      if ARGV[4] == 'a' then
        expected = not current
      else
        expected = current == ARGV[5]
      end
      if expected then
        if ARGV[6] == 'del' then
          if current then
            redis.call('del', KEYS[1])
            changed(KEYS[1], current, false, nil)
          end
        else
          store(KEYS[1], ARGV[7], ARGV[8])
          changed(KEYS[1], current, ARGV[7], ARGV[8])
        end
      end
      release()
      return expected and 1 or 0
      """);

  /**
   * KEYS; ARGV[i] a time to live ({@link WireValues#ttlToWire}, never {@code -2} or {@code 0}) for KEYS[i]: each present key
   * whose remaining time is shorter gets it, without a notice. Returns how many were lengthened.
   */
  static final Script EXTEND_ALL = plain("extendAll", """
      local extended = 0
      for i, key in ipairs(KEYS) do
        local left = redis.call('pttl', key)
        if left > 0 and ARGV[i] == '-1' then
          redis.call('persist', key)
          extended = extended + 1
        elseif left > 0 and left < tonumber(ARGV[i]) then
          redis.call('pexpire', key, ARGV[i])
          extended = extended + 1
        else
          left = 0
        end
        if left > 0 then
          -- a tracked connection that changed a key's expiry reads it back to go on tracking it
          redis.call('exists', key)
        end
      end
      return extended
      """);

  /** KEYS[1] the lease; ARGV[1] owner, ARGV[2] ttl in milliseconds; returns whether the owner holds it. */
  static final Script ACQUIRE_LEASE = plain("acquireLease", """
      if redis.call('set', KEYS[1], ARGV[1], 'nx', 'px', ARGV[2]) then
        return 1
      end
      return redis.call('getex', KEYS[1]) == ARGV[1] and 1 or 0
      """);

  /** KEYS[1] the lease; ARGV[1] owner; deletes it only if the owner still holds it. */
  static final Script RELEASE_LEASE = plain("releaseLease", """
      if redis.call('getex', KEYS[1]) == ARGV[1] then
        return redis.call('del', KEYS[1])
      end
      return 0
      """);

  /**
   * KEYS[1] the stream; ARGV[1] the group; creates the group at the stream's end (and the stream);
   * returns 1 if created, 0 if it existed. An existing group is not an error reply, which Redisson
   * would take for a busy server ({@code BUSY…}) and retry for seconds.
   */
  static final Script CREATE_GROUP = plain("createGroup", """
      local created = redis.pcall('xgroup', 'create', KEYS[1], ARGV[1], '$', 'mkstream')
      if type(created) == 'table' and created.err then
        if string.sub(created.err, 1, 9) == 'BUSYGROUP' then
          return 0
        end
        return redis.error_reply(created.err)
      end
      return 1
      """);

  /** KEYS[1]; ARGV[4] ttl; returns 1 if the key was present. */
  static final Script SET_TTL = publishing("setTtl", """
      if redis.call('exists', KEYS[1]) == 0 then
        return 0
      end
      local ttl = ARGV[4]
      if ttl == '-2' then
        return 1
      elseif ttl == '0' then
        local old = before(KEYS[1])
        redis.call('del', KEYS[1])
        changed(KEYS[1], old, false, '0')
        return 1
      elseif ttl == '-1' then
        redis.call('persist', KEYS[1])
      else
        expiring(KEYS[1])
        redis.call('pexpire', KEYS[1], ttl)
      end
      notify(KEYS[1])
      return 1
      """);

  /** KEYS[1]; ARGV[4] value, ARGV[5] ttl if absent, ARGV[6] ttl if present; returns 1 if the key was present (not its value). */
  static final Script PUT = publishing("put", """
      local present = redis.call('exists', KEYS[1])
      local old = before(KEYS[1])
      local ttl = (present == 1) and ARGV[6] or ARGV[5]
      store(KEYS[1], ARGV[4], ttl)
      changed(KEYS[1], old, ARGV[4], ttl)
      return present
      """);

  /**
   * KEYS; ARGV[4] ttl if absent, ARGV[5] ttl if present, ARGV[5 + i] the value of KEYS[i]; returns
   * per key 1 if it was present, else 0 (not the previous values). One command per key where the
   * times allow ({@code SET … GET}, {@code SET … NX}), and one notice names every key.
   */
  static final Script PUT_ALL = publishing("putAll", """
      local present, kept = {}, {}
      for i, key in ipairs(KEYS) do
        local old = before(key)
        local was = put(key, ARGV[5 + i], ARGV[4], ARGV[5])
        local ttl = was and ARGV[5] or ARGV[4]
        present[i] = was and 1 or 0
        recorded(key, old, ARGV[5 + i], ttl)
        kept[i] = held(ARGV[5 + i], ttl)
      end
      announced(KEYS, kept)
      return present
      """);

  /** KEYS; removes them with one {@code DEL} and one notice naming every key; returns how many were present. */
  static final Script REMOVE_ALL = publishing("removeAll", """
      local removed = 0
      if events then
        for _, key in ipairs(KEYS) do
          local old = before(key)
          removed = removed + redis.call('del', key)
          recorded(key, old, false, nil)
        end
      else
        removed = redis.call('del', unpack(KEYS))
      end
      announced(KEYS, {})
      return removed
      """);

  /** KEYS[1]; ARGV[1] the bytes it must hold; returns 1 if it holds them. */
  static final Script HOLDS = plain("holds", """
      return redis.call('get', KEYS[1]) == ARGV[1] and 1 or 0
      """);

  /** KEYS[1] the cache's sequence key; ARGV[1] channel, ARGV[2] the "every key" message; publishes it numbered. */
  static final Script NOTIFY_CLEARED = plain("notifyCleared", """
      local seq = redis.call('incr', KEYS[1])
      return redis.call('publish', ARGV[1], ARGV[2] .. ':' .. seq)
      """);

  /** KEYS[1] a cache's sequence key; returns its number, 0 if it has none. */
  static final Script SEQUENCE = plain("sequence", """
      return tonumber(redis.call('get', KEYS[1]) or '0')
      """);

  /**
   * KEYS[1] a stream, KEYS[2] its token key; ARGV[1] how long a token holds in milliseconds,
   * ARGV[2] the stream's length bound ({@code 0}: none), ARGV[3..] field, value, ...; appends the
   * entry unless the token is held. Returns the new id, or false.
   */
  static final Script ADD_ONCE = plain("addOnce", """
      if not redis.call('set', KEYS[2], '1', 'nx', 'px', ARGV[1]) then
        return false
      end
      local entry = {'xadd', KEYS[1]}
      if ARGV[2] ~= '0' then
        entry[#entry + 1] = 'maxlen'
        entry[#entry + 1] = '~'
        entry[#entry + 1] = ARGV[2]
      end
      entry[#entry + 1] = '*'
      for i = 3, #ARGV do
        entry[#entry + 1] = ARGV[i]
      end
      return redis.call(unpack(entry))
      """);

  /** KEYS[1] a stream; returns the id of the newest entry it ever deleted (trimmed), or "0-0". */
  static final Script MAX_DELETED_ID = plain("maxDeletedId", """
      if redis.call('exists', KEYS[1]) == 0 then
        return '0-0'
      end
      local info = redis.call('xinfo', 'stream', KEYS[1])
      for i = 1, #info, 2 do
        if info[i] == 'max-deleted-entry-id' then
          return info[i + 1]
        end
      end
      return '0-0'
      """);

  private Scripts() {}

  /** Returns a script that is its body alone: it reads, or writes what no other client is told of (leases, expiries). */
  private static Script plain(String name, String body) {
    return new Script(name, body);
  }

  /** Returns a script whose body changes entries and publishes each change, with the helpers that do so. */
  private static Script publishing(String name, String body) {
    return new Script(name, WRITE_HELPERS + body);
  }

  /** One script with its SHA-1 digest, as EVALSHA wants it. */
  record Script(String name, String source, String sha) {

    Script(String name, String source) {
      this(name, source, sha1(source));
    }

    private static String sha1(String source) {
      try {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(source.getBytes(UTF_8)));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-1 is missing from this JVM", e);
      }
    }
  }
}
