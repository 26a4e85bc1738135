package io.multitier.jcache.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.multitier.jcache.TieredCache;
import io.multitier.jcache.configuration.MultiTierConfiguration;
import io.multitier.jcache.testing.FakeTicker;
import io.multitier.jcache.testing.ManagerFiles;
import io.multitier.jcache.testing.RedisServer;
import io.multitier.jcache.testing.RedisServerExtension;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.configuration.Factory;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.ExpiryPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Access expiry across nodes: two CacheManagers on Redisson clients of their own over one Redis
 * (each cache has its own Redis backend and sender id, so they invalidate each other as two JVMs
 * do), each with a ticker of its own. An access that lengthens the entry's life in L2 reaches Redis
 * lazily, off the reader's thread, and tells no other node to drop its copy; an access that
 * shortens it reaches Redis and drops the other node's copy.
 */
final class TtlExtensionTest {

  private static final Duration ACCESS = Duration.ofSeconds(60);
  private static final Duration BOUND = Duration.ofSeconds(5);
  private static final String PREFIX = "ttl:";

  @RegisterExtension
  static final RedisServerExtension redis = new RedisServerExtension();

  private final RedisServer server = redis.server();
  private final FakeTicker tickerA = new FakeTicker();
  private final FakeTicker tickerB = new FakeTicker();
  private ManagerFiles managers;

  @BeforeEach
  void emptyServer() {
    server.call("FLUSHALL");
    managers = new ManagerFiles();
  }

  @AfterEach
  void close() {
    managers.close();
  }

  @Test
  void anAccessThatLengthensTheL2LifeSendsNoInvalidation() {
    Factory<ExpiryPolicy> accessed = AccessedExpiryPolicy.factoryOf(
        new javax.cache.expiry.Duration(TimeUnit.MILLISECONDS, ACCESS.toMillis()));
    Cache<String, String> a = open("a", tickerA, accessed, "sessions");
    a.put("k", "v");
    String entry = onlyEntryKey("sessions");
    a.put("fence", "f1");
    // B subscribes after A's puts, so that no notice of them reaches B after it read them
    Cache<String, String> b = open("b", tickerB, accessed, "sessions");
    var statsA = a.unwrap(TieredCache.class).tierStatistics();
    var statsB = b.unwrap(TieredCache.class).tierStatistics();
    assertThat(b.get("k")).isEqualTo("v");
    assertThat(b.get("fence")).isEqualTo("f1");
    assertThat(a.get("k")).isEqualTo("v");
    // as if 40 s had passed for Redis too: L2's deadline is 20 s away
    server.call("PEXPIRE", entry, "20000");
    long heardBefore = statsB.invalidationsReceived();

    tickerA.advance(Duration.ofSeconds(40));
    assertThat(a.get("k")).as("A reads k 40 s (on its ticker) after it wrote it").isEqualTo("v");

    await().atMost(BOUND).untilAsserted(() -> assertThat(pttl(entry))
        .as("k's time to live in Redis after A's access, in ms").isBetween(50_000L, ACCESS.toMillis()));
    // a fence: pub/sub delivers in order, so once B's copy of the fence is dropped B has heard every
    // notice sent before
    a.put("fence", "f2");
    await().atMost(BOUND).until(() -> "f2".equals(b.get("fence")));
    assertThat(statsB.invalidationsReceived() - heardBefore)
        .as("notices B received after A lengthened k's life: only the fence's").isEqualTo(1);
    long l1HitsB = statsB.l1Hits();
    long l2HitsB = statsB.l2Hits();
    assertThat(b.get("k")).isEqualTo("v");
    assertThat(statsB.l1Hits() - l1HitsB).as("B still holds its L1 copy of k: L1 hits").isEqualTo(1);
    assertThat(statsB.l2Hits() - l2HitsB).as("B's L2 hits").isZero();
    assertThat(statsA.l2Errors() + statsB.l2Errors()).as("L2 errors").isZero();
  }

  /**
   * Under {@code invalidation: tracking} the lengthened life is a change Redis tells the other
   * holders of: B's copy is dropped once, B reads the entry again with its longer life, and that
   * read, lengthening nothing, drops no copy of A's.
   */
  @Test
  void underTrackingALengthenedLifeDropsTheOtherCopyOnceAndItIsReadAgainWithIt() {
    Factory<ExpiryPolicy> accessed = AccessedExpiryPolicy.factoryOf(
        new javax.cache.expiry.Duration(TimeUnit.MILLISECONDS, ACCESS.toMillis()));
    Cache<String, String> a = open("a", tickerA, accessed, "tracked", "  invalidation: tracking\n  writerKeepsCopy: true\n");
    Cache<String, String> b = open("b", tickerB, accessed, "tracked", "  invalidation: tracking\n");
    a.put("k", "v");
    var statsA = a.unwrap(TieredCache.class).tierStatistics();
    var statsB = b.unwrap(TieredCache.class).tierStatistics();
    assertThat(b.get("k")).as("B reads k with all its minute left: no extension").isEqualTo("v");
    long heardA = statsA.invalidationsReceived();
    long heardB = statsB.invalidationsReceived();

    tickerA.advance(Duration.ofSeconds(40));
    assertThat(a.get("k")).as("A reads k 40 s (on its ticker) after it wrote it").isEqualTo("v");

    await().atMost(BOUND).until(() -> statsA.ttlExtensions() == 1);
    await().atMost(BOUND).until(() -> statsB.invalidationsReceived() == heardB + 1);
    long l2HitsB = statsB.l2Hits();
    assertThat(b.get("k")).isEqualTo("v");
    assertThat(statsB.l2Hits() - l2HitsB).as("B read k again from Redis").isEqualTo(1);
    assertThat(b.get("k")).isEqualTo("v");
    assertThat(statsB.l2Hits() - l2HitsB).as("and holds it again").isEqualTo(1);
    // a fence: once A hears B's write of a key A holds, A has heard everything Redis told it before
    a.put("fence", "f1");
    assertThat(a.get("fence")).isEqualTo("f1");
    b.put("fence", "f2");
    await().atMost(BOUND).until(() -> "f2".equals(a.get("fence")));
    assertThat(statsA.invalidationsReceived() - heardA).as("A heard only the fence: B's read lengthened nothing")
        .isEqualTo(1);
    assertThat(statsB.ttlExtensions()).as("B's extensions").isZero();
    assertThat(statsA.l2Errors() + statsB.l2Errors()).as("L2 errors").isZero();
  }

  @Test
  void anAccessThatShortensTheL2LifeReachesRedisAndDropsTheOtherCopy() {
    Factory<ExpiryPolicy> shortens = new FactoryBuilder.SingletonFactory<>(new HourThenMinuteOnAccess());
    Cache<String, String> a = open("a", tickerA, shortens, "shrinking");
    a.put("k", "v");
    Cache<String, String> b = open("b", tickerB, shortens, "shrinking");
    var statsA = a.unwrap(TieredCache.class).tierStatistics();
    String entry = onlyEntryKey("shrinking");
    assertThat(pttl(entry)).as("k's time to live in Redis after the put, in ms").isGreaterThan(3_000_000L);
    // A holds the copy it wrote (a read of A's would be an access, shortening the life itself)
    long l1HitsA = statsA.l1Hits();
    long heardA = statsA.invalidationsReceived();

    assertThat(b.get("k")).as("B's access shortens k's life from 1 h to 1 min").isEqualTo("v");

    await().atMost(BOUND).untilAsserted(() -> assertThat(pttl(entry))
        .as("k's time to live in Redis after B's access, in ms").isBetween(1L, 60_000L));
    await().atMost(BOUND).until(() -> statsA.invalidationsReceived() > heardA);
    assertThat(a.get("k")).isEqualTo("v");
    assertThat(statsA.l1Hits() - l1HitsA).as("A's L1 hits: its copy, good for 1 h, was dropped").isZero();
  }

  /** Creation: 1 hour; access: 1 minute; update: unchanged. */
  private static final class HourThenMinuteOnAccess implements ExpiryPolicy, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public javax.cache.expiry.Duration getExpiryForCreation() {
      return new javax.cache.expiry.Duration(TimeUnit.HOURS, 1);
    }

    @Override
    public javax.cache.expiry.Duration getExpiryForAccess() {
      return new javax.cache.expiry.Duration(TimeUnit.MINUTES, 1);
    }

    @Override
    public javax.cache.expiry.Duration getExpiryForUpdate() {
      return null;
    }
  }

  private Cache<String, String> open(String tag, FakeTicker ticker, Factory<? extends ExpiryPolicy> policy,
      String name) {
    return open(tag, ticker, policy, name, "  invalidation: publish\n");
  }

  private Cache<String, String> open(String tag, FakeTicker ticker, Factory<? extends ExpiryPolicy> policy,
      String name, String settings) {
    MultiTierConfiguration<String, String> config = new MultiTierConfiguration<>();
    config.setTypes(String.class, String.class);
    config.setExpiryPolicyFactory(policy);
    config.setTicker(ticker);
    return managers.open(managers.separateClient(server, PREFIX, tag, "") + settings).createCache(name, config);
  }

  /** Returns the one Redis key of the cache's entries (found with SCAN, whatever the key encoding). */
  private String onlyEntryKey(String cacheName) {
    List<String> found = new ArrayList<>();
    String cursor = "0";
    do {
      List<?> reply = (List<?>) server.call("SCAN", cursor, "MATCH", PREFIX + "*", "COUNT", "1000");
      cursor = (String) reply.get(0);
      for (Object key : (List<?>) reply.get(1)) {
        String text = (String) key;
        if (text.contains("{" + cacheName + "}") && !text.contains("#")) {
          found.add(text);
        }
      }
    } while (!cursor.equals("0"));
    assertThat(found).as("the Redis keys of the entries of %s", cacheName).hasSize(1);
    return found.get(0);
  }

  private long pttl(String key) {
    return (Long) server.call("PTTL", key);
  }
}
