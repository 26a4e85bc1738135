package io.multitier.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.multitier.bench.Codecs.Person;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import org.redisson.config.Config;
import org.redisson.jcache.configuration.RedissonConfiguration;

/**
 * Bytes of Redis memory per entry of a ten-field POJO ({@link Codecs.Person}): Redis's memory less
 * its clients' buffers and script caches ({@link #usedMemory}) after a {@code FLUSHALL} and the
 * cache's creation, before and after 10,000 {@code put}s through the standard JCache API,
 * divided by 10,000. Each cache has its provider's default settings; ours names only its Redis,
 * the allow-list its values need to be read back and, for {@code mtj-java} or {@code mtj-kryo},
 * the codec. Also prints what the keys and values themselves take, so that the rest is Redis's own
 * cost of the layout (one key per entry, or one hash per cache). With {@code -Dbench.expiring=true}
 * every entry is created to expire in an hour, so that the cost of keeping its expiry shows too;
 * {@code -Dbench.invalidation=publish} or {@code tracking} sets ours (the default is tracking,
 * whose table in Redis holds every key a CacheManager read since its last change, and wrote with
 * {@code -Dbench.writerKeepsCopy=true}). With {@code -Dbench.readAll=true} a second CacheManager of
 * the same provider then reads every entry once before the memory is measured, as a node that
 * holds them all would (for Redisson's JCache, which keeps no near copies, that changes nothing).
 *
 * <p>Usage: {@code RedisPerEntry <mtj|mtj-java|mtj-kryo|redisson-jcache>...}, with
 * {@code -Dbench.redis=redis://127.0.0.1:PORT} (a server of its own: it is flushed).
 */
public final class RedisPerEntry {

  private static final int ENTRIES = 10_000;
  private static final String CACHE = "people";
  private static final List<CacheManager> READERS = new java.util.ArrayList<>();

  private RedisPerEntry() {}

  public static void main(String[] args) throws Exception {
    for (String contender : args) {
      Redis.call("FLUSHALL");
      try (CacheManager manager = manager(contender)) {
        MutableConfiguration<String, Person> config = new MutableConfiguration<String, Person>()
            .setTypes(String.class, Person.class);
        if (Boolean.getBoolean("bench.expiring")) {
          config.setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(Duration.ONE_HOUR));
        }
        Cache<String, Person> cache = manager.createCache(CACHE, contender.equals("redisson-jcache")
            ? RedissonConfiguration.fromConfig(redisson(), config) : config);
        Cache<String, Person> reader = Boolean.getBoolean("bench.readAll") ? reader(contender, config) : null;
        // measured from here: the clients' connections (their buffers count in used_memory) are open
        Thread.sleep(500);
        long before = usedMemory();
        for (int i = 0; i < ENTRIES; i++) {
          cache.put(key(i), Person.sample(i));
        }
        Person read = cache.get(key(42));
        if (read == null || read.id != Person.sample(42).id) {
          throw new IllegalStateException(contender + " lost an entry");
        }
        if (reader != null) {
          for (int i = 0; i < ENTRIES; i++) {
            if (reader.get(key(i)) == null) {
              throw new IllegalStateException(contender + " lost entry " + i);
            }
          }
        }
        Thread.sleep(2000); // lets Redis finish rehashing the tables the entries grew
        long after = usedMemory();
        Map<String, Long> payload = payload();
        System.out.printf(Locale.ROOT, "%-16s %7.1f bytes per entry (Redis memory less client buffers), keys %d, of which per entry:"
            + " key names %.1f, values %.1f, MEMORY USAGE %.1f%n", contender, (after - before) / (double) ENTRIES,
            payload.get("keys"), payload.get("keyBytes") / (double) ENTRIES, payload.get("valueBytes") / (double) ENTRIES,
            payload.get("usage") / (double) ENTRIES);
        System.out.printf(Locale.ROOT, "%-16s Redis's client-side tracking table: %s keys%n", contender,
            trackedKeys());
      } finally {
        for (CacheManager reader : READERS) {
          reader.close();
        }
        READERS.clear();
      }
    }
  }

  /** Returns the cache as a second CacheManager sees it, which stays open until the contender is measured. */
  private static Cache<String, Person> reader(String contender, MutableConfiguration<String, Person> config)
      throws Exception {
    CacheManager reader = manager(contender);
    READERS.add(reader);
    return reader.createCache(CACHE, contender.equals("redisson-jcache")
        ? RedissonConfiguration.fromConfig(redisson(), config) : config);
  }

  private static CacheManager manager(String contender) throws Exception {
    if (contender.equals("redisson-jcache")) {
      return Caching.getCachingProvider(Contenders.REDISSON)
          .getCacheManager(URI.create("bench:redisson-" + System.nanoTime()), RedisPerEntry.class.getClassLoader());
    }
    String codec = contender.startsWith("mtj-") ? "  codec: " + contender.substring(4) + "\n" : "";
    Path yaml = Files.createTempFile("bench-per-entry-", ".yaml");
    yaml.toFile().deleteOnExit();
    String invalidation = System.getProperty("bench.invalidation", "");
    Files.writeString(yaml, "redis:\n  address: " + Redis.address() + "\n"
        + (invalidation.isEmpty() ? "" : "  invalidation: " + invalidation + "\n")
        + (System.getProperty("bench.writerKeepsCopy") == null ? ""
            : "  writerKeepsCopy: " + System.getProperty("bench.writerKeepsCopy") + "\n")
        + "defaults:\n  allowedClasses: [\"" + Codecs.class.getName() + "$*\"]\n" + codec, UTF_8);
    return Caching.getCachingProvider(Contenders.MTJ)
        .getCacheManager(yaml.toUri(), RedisPerEntry.class.getClassLoader());
  }

  private static Config redisson() {
    Config config = new Config();
    config.useSingleServer().setAddress(Redis.address());
    return config;
  }

  /** The number of keys, the bytes of their names and values, and their MEMORY USAGE, summed over the server. */
  private static Map<String, Long> payload() {
    @SuppressWarnings("unchecked")
    List<Long> sums = (List<Long>) Redis.call("EVAL", "local keys, names, values, usage = 0, 0, 0, 0"
        + " for _, k in ipairs(redis.call('KEYS', '*')) do"
        + "  keys = keys + 1; names = names + #k"
        + "  usage = usage + redis.call('MEMORY', 'USAGE', k, 'SAMPLES', '0')"
        + "  local t = redis.call('TYPE', k)['ok']"
        + "  if t == 'string' then values = values + redis.call('STRLEN', k)"
        + "  elseif t == 'hash' then for i, v in ipairs(redis.call('HGETALL', k)) do values = values + #v end end"
        + " end return {keys, names, values, usage}", "0");
    Map<String, Long> payload = new LinkedHashMap<>();
    payload.put("keys", sums.get(0));
    payload.put("keyBytes", sums.get(1));
    payload.put("valueBytes", sums.get(2));
    payload.put("usage", sums.get(3));
    return payload;
  }

  /** Returns how many keys Redis's tracking table holds ({@code tracking_total_keys}). */
  private static String trackedKeys() {
    for (String line : ((String) Redis.call("INFO", "stats")).split("\r\n")) {
      if (line.startsWith("tracking_total_keys:")) {
        return line.substring("tracking_total_keys:".length());
      }
    }
    return "?";
  }

  /**
   * Returns Redis's memory less what its clients' buffers and its script caches hold
   * ({@code MEMORY STATS}: {@code total.allocated} − {@code clients.normal} − {@code lua.caches} −
   * {@code functions.caches}): the buffers of the connections grow and shrink with their traffic,
   * and would count as entries.
   */
  private static long usedMemory() {
    List<?> stats = (List<?>) Redis.call("MEMORY", "STATS");
    Map<String, Long> fields = new LinkedHashMap<>();
    for (int i = 0; i + 1 < stats.size(); i += 2) {
      if (stats.get(i + 1) instanceof Long value) {
        fields.put(String.valueOf(stats.get(i)), value);
      }
    }
    return fields.get("total.allocated") - fields.get("clients.normal") - fields.getOrDefault("lua.caches", 0L)
        - fields.getOrDefault("functions.caches", 0L);
  }


  private static String key(int i) {
    return String.format(Locale.ROOT, "person-%06d", i);
  }
}
