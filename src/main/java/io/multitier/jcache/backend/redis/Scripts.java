package io.multitier.jcache.backend.redis;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The Lua scripts of {@link RedisBackend}, one per operation, each one round trip.
 *
 * <p>Scripts that write take {@code ARGV[1]} the invalidation channel, {@code ARGV[2]} the message
 * header naming the sender and {@code ARGV[3]} the byte length of the key prefix, and publish one
 * message per written key in the same script, numbered: each notice advances the cache's sequence
 * number {@code <prefix>{<cache>}#seq} (in the cache's Cluster slot) and carries it, so that a
 * receiver can tell that it missed one. A time to live argument is a decimal number of
 * milliseconds, or {@code -1} for no expiry, {@code -2} to keep the current expiry, {@code 0} to remove.
 */
final class Scripts {

  private static final String WRITE_HELPERS = """
      local function notify(key)
        local seq = redis.call('incr', string.sub(key, 1, ARGV[3] - 1) .. '#seq')
        redis.call('publish', ARGV[1], ARGV[2] .. seq .. ':' .. string.sub(key, ARGV[3] + 1))
      end
      local function store(key, value, ttl)
        if ttl == '0' then
          redis.call('del', key)
        elseif ttl == '-1' then
          redis.call('set', key, value)
        elseif ttl == '-2' then
          redis.call('set', key, value, 'keepttl')
        else
          redis.call('set', key, value, 'px', ttl)
        end
      end
      """;

  /** KEYS[1]; returns {value, pttl} or an empty list. */
  static final Script GET_WITH_TTL = read("getWithTtl", """
      local value = redis.call('get', KEYS[1])
      if not value then
        return {}
      end
      return {value, redis.call('pttl', KEYS[1])}
      """);

  /** KEYS; returns {index, value, pttl, ...} for the keys present, index counting from 1. */
  static final Script GET_ALL_WITH_TTL = read("getAllWithTtl", """
      local found = {}
      for i, key in ipairs(KEYS) do
        local value = redis.call('get', key)
        if value then
          found[#found + 1] = i
          found[#found + 1] = value
          found[#found + 1] = redis.call('pttl', key)
        end
      end
      return found
      """);

  /** KEYS[1]; ARGV[4] value, ARGV[5] ttl. */
  static final Script SET = write("setWithTtl", """
      store(KEYS[1], ARGV[4], ARGV[5])
      notify(KEYS[1])
      return 1
      """);

  /** KEYS; ARGV[2i+2] value and ARGV[2i+3] ttl of KEYS[i]. */
  static final Script SET_ALL = write("setAllWithTtl", """
      for i, key in ipairs(KEYS) do
        store(key, ARGV[2 * i + 2], ARGV[2 * i + 3])
        notify(key)
      end
      return #KEYS
      """);

  /** KEYS[1]; ARGV[4] value, ARGV[5] ttl; returns 1 if the key was absent. */
  static final Script PUT_IF_ABSENT = write("putIfAbsent", """
      if redis.call('exists', KEYS[1]) == 1 then
        return 0
      end
      if ARGV[5] ~= '0' then
        store(KEYS[1], ARGV[4], ARGV[5])
        notify(KEYS[1])
      end
      return 1
      """);

  /** KEYS[1]; ARGV[4] expected, ARGV[5] value, ARGV[6] ttl; returns 1 if replaced. */
  static final Script REPLACE = write("replace", """
      if redis.call('get', KEYS[1]) ~= ARGV[4] then
        return 0
      end
      store(KEYS[1], ARGV[5], ARGV[6])
      notify(KEYS[1])
      return 1
      """);

  /** KEYS[1]; returns 1 if the key was present. */
  static final Script REMOVE = write("remove", """
      local removed = redis.call('del', KEYS[1])
      notify(KEYS[1])
      return removed
      """);

  /** KEYS[1]; ARGV[4] expected; returns 1 if removed. */
  static final Script REMOVE_IF_EQUAL = write("removeIfEqual", """
      if redis.call('get', KEYS[1]) ~= ARGV[4] then
        return 0
      end
      redis.call('del', KEYS[1])
      notify(KEYS[1])
      return 1
      """);

  /** KEYS[1]; ARGV[4] value, ARGV[5] ttl if absent, ARGV[6] ttl if present; returns the previous value. */
  static final Script GET_AND_PUT = write("getAndPut", """
      local previous = redis.call('get', KEYS[1])
      if previous then
        store(KEYS[1], ARGV[4], ARGV[6])
      else
        store(KEYS[1], ARGV[4], ARGV[5])
      end
      notify(KEYS[1])
      return previous
      """);

  /**
   * KEYS; ARGV[4] ttl if absent, ARGV[5] ttl if present, ARGV[5 + i] the value of KEYS[i]; returns
   * per key its previous value, or the integer 0 where it had none.
   */
  static final Script GET_AND_PUT_ALL = write("getAndPutAll", """
      local previous = {}
      for i, key in ipairs(KEYS) do
        local old = redis.call('get', key)
        if old then
          store(key, ARGV[5 + i], ARGV[5])
          previous[i] = old
        else
          store(key, ARGV[5 + i], ARGV[4])
          previous[i] = 0
        end
        notify(key)
      end
      return previous
      """);

  /** KEYS[1]; returns the removed value. */
  static final Script GET_AND_REMOVE = write("getAndRemove", """
      local previous = redis.call('get', KEYS[1])
      redis.call('del', KEYS[1])
      notify(KEYS[1])
      return previous
      """);

  /**
   * KEYS[1] the entry, KEYS[2] its lease; ARGV[1] owner, ARGV[2] lease in milliseconds, ARGV[3]
   * {@code 1} to take the lease even when the entry is present. Returns {0} while another owner
   * holds the lease, {1, value, pttl} for a present entry read without the lease, {2[, value, pttl]}
   * with the lease taken.
   */
  static final Script READ_FOR_UPDATE = read("readForUpdate", """
      local value = redis.call('get', KEYS[1])
      if value and ARGV[3] == '0' then
        return {1, value, redis.call('pttl', KEYS[1])}
      end
      local holder = redis.call('get', KEYS[2])
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
  static final Script COMMIT = write("commit", """
      local function release()
        if ARGV[9] ~= '' and redis.call('get', KEYS[2]) == ARGV[9] then
          redis.call('del', KEYS[2])
        end
      end
      if ARGV[9] ~= '' then
        local holder = redis.call('get', KEYS[2])
        if holder and holder ~= ARGV[9] then
          return 0
        end
      end
      local current = redis.call('get', KEYS[1])
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
            notify(KEYS[1])
          end
        else
          store(KEYS[1], ARGV[7], ARGV[8])
          notify(KEYS[1])
        end
      end
      release()
      return expected and 1 or 0
      """);

  /**
   * KEYS; ARGV[i] a time to live in milliseconds ({@code -1}: none) for KEYS[i]: each present key
   * whose remaining time is shorter gets it, without a notice. Returns how many were lengthened.
   */
  static final Script EXTEND_ALL = read("extendAll", """
      local extended = 0
      for i, key in ipairs(KEYS) do
        local left = redis.call('pttl', key)
        if left > 0 and ARGV[i] == '-1' then
          redis.call('persist', key)
          extended = extended + 1
        elseif left > 0 and left < tonumber(ARGV[i]) then
          redis.call('pexpire', key, ARGV[i])
          extended = extended + 1
        end
      end
      return extended
      """);

  /** KEYS[1] the lease; ARGV[1] owner, ARGV[2] ttl in milliseconds; returns whether the owner holds it. */
  static final Script ACQUIRE_LEASE = read("acquireLease", """
      if redis.call('set', KEYS[1], ARGV[1], 'nx', 'px', ARGV[2]) then
        return 1
      end
      return redis.call('get', KEYS[1]) == ARGV[1] and 1 or 0
      """);

  /** KEYS[1] the lease; ARGV[1] owner; deletes it only if the owner still holds it. */
  static final Script RELEASE_LEASE = read("releaseLease", """
      if redis.call('get', KEYS[1]) == ARGV[1] then
        return redis.call('del', KEYS[1])
      end
      return 0
      """);

  /**
   * KEYS[1] the stream; ARGV[1] the group; creates the group at the stream's end (and the stream);
   * returns 1 if created, 0 if it existed. An existing group is not an error reply, which Redisson
   * would take for a busy server ({@code BUSY…}) and retry for seconds.
   */
  static final Script CREATE_GROUP = read("createGroup", """
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
  static final Script SET_TTL = write("setTtl", """
      if redis.call('exists', KEYS[1]) == 0 then
        return 0
      end
      local ttl = ARGV[4]
      if ttl == '-2' then
        return 1
      elseif ttl == '0' then
        redis.call('del', KEYS[1])
      elseif ttl == '-1' then
        redis.call('persist', KEYS[1])
      else
        redis.call('pexpire', KEYS[1], ttl)
      end
      notify(KEYS[1])
      return 1
      """);

  /** KEYS[1] the cache's sequence key; ARGV[1] channel, ARGV[2] the "every key" message; publishes it numbered. */
  static final Script NOTIFY_CLEARED = read("notifyCleared", """
      local seq = redis.call('incr', KEYS[1])
      return redis.call('publish', ARGV[1], ARGV[2] .. ':' .. seq)
      """);

  /** KEYS[1] a cache's sequence key; returns {its number or 0, the server's run id}. */
  static final Script SEQUENCE = read("sequence", """
      local seq = tonumber(redis.call('get', KEYS[1]) or '0')
      return {seq, string.match(redis.call('info', 'server'), 'run_id:(%w+)')}
      """);

  private Scripts() {}

  private static Script read(String name, String body) {
    return new Script(name, body);
  }

  private static Script write(String name, String body) {
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
