package io.multitier.jcache.tiered;

import static org.assertj.core.api.Assertions.assertThat;

import io.multitier.jcache.testing.ManagerFiles;
import io.multitier.jcache.TieredCache;
import io.multitier.jcache.testing.RedisServer;
import io.multitier.jcache.testing.RedisServerExtension;
import io.multitier.jcache.tier.TierStatistics;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import javax.cache.Cache;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Round trips per JCache operation on a tiered cache (statistics off, eternal expiry, no
 * listeners), counted by redis-server itself in {@code INFO commandstats}. Redis counts the
 * commands a Lua script runs too, so one round trip shows as one {@code evalsha} plus the commands
 * inside it ({@code get}, {@code pttl}, {@code set}, {@code publish}), and no other command the
 * client sent.
 */
final class RoundTripTest {

  /** Both managers read the same Redisson file, so they share one client; it sends no keep-alive PINGs. */
  private static final String REDISSON = "pingConnectionInterval: 0\n";
  private static final String CACHES = "caches:\n"
      + "  rt:\n"
      + "    keyType: java.lang.String\n"
      + "    valueType: java.lang.String\n";

  @RegisterExtension
  static final RedisServerExtension redis = new RedisServerExtension();

  private final RedisServer server = redis.server();
  private ManagerFiles managers;
  private Cache<String, String> warm;
  private Cache<String, String> cold;

  @BeforeEach
  void warmUp() {
    server.call("FLUSHALL");
    managers = new ManagerFiles();
    String redisSection = ManagerFiles.publishing(managers.separateClient(server, "rt:", "shared", REDISSON));
    warm = managers.open(redisSection + CACHES).getCache("rt", String.class, String.class);
    for (int i = 0; i < 200; i++) {
      warm.put("k" + i, "v" + i);
    }
    // load every script and open the connections before counting
    warm.get("absent");
    warm.getAll(Set.of("absent1", "absent2"));
    warm.remove("absent");
    warm.putAll(Map.of("w1", "v", "w2", "v"));
    warm.removeAll(Set.of("w1", "w2"));
    // a fresh manager on the same client: its L1 is cold, its subscription is made
    cold = managers.open(redisSection + CACHES).getCache("rt", String.class, String.class);
    server.resetStats();
  }

  @AfterEach
  void close() {
    managers.close();
  }

  @Test
  void anL2HitGetIsOneRoundTrip() {
    assertThat(cold.get("k0")).isEqualTo("v0");

    assertThat(server.commandStats()).isEqualTo(Map.of("evalsha", 1L, "get", 1L, "pttl", 1L));
    TierStatistics tiers = cold.unwrap(TieredCache.class).tierStatistics();
    assertThat(tiers.l2Hits()).isEqualTo(1);
    assertThat(tiers.promotions()).isEqualTo(1);

    server.resetStats();
    assertThat(cold.get("k0")).isEqualTo("v0");
    assertThat(server.commandStats()).as("an L1 hit reaches no server").isEmpty();
  }

  @Test
  void aMissIsOneRoundTrip() {
    assertThat(cold.get("absent")).isNull();

    assertThat(server.commandStats()).isEqualTo(Map.of("evalsha", 1L, "get", 1L));
  }

  @Test
  void getAllOfAHundredColdKeysIsOneRoundTrip() {
    Set<String> keys = new HashSet<>();
    for (int i = 100; i < 200; i++) {
      keys.add("k" + i);
    }

    Map<String, String> found = cold.getAll(keys);

    assertThat(found).hasSize(100).containsEntry("k150", "v150");
    assertThat(server.commandStats()).as("no entry expires: the first hit's PTTL only checks that")
        .isEqualTo(Map.of("evalsha", 1L, "mget", 1L, "pttl", 1L));
    assertThat(cold.unwrap(TieredCache.class).tierStatistics().promotions()).isEqualTo(100);
  }

  @Test
  void aPutIsOneRoundTripThatAlsoPublishesTheInvalidation() {
    cold.put("k0", "updated");

    assertThat(server.commandStats()).as("the previous value is not read back")
        .isEqualTo(Map.of("evalsha", 1L, "exists", 1L, "set", 1L, "publish", 1L, "incr", 1L));

    server.resetStats();
    cold.put("new", "v");
    assertThat(server.commandStats()).isEqualTo(Map.of("evalsha", 1L, "exists", 1L, "set", 1L, "publish", 1L, "incr", 1L));
  }

  @Test
  void aRemoveIsOneRoundTrip() {
    assertThat(cold.remove("k1")).isTrue();

    assertThat(server.commandStats()).as("the removed value is not read back")
        .isEqualTo(Map.of("evalsha", 1L, "del", 1L, "publish", 1L, "incr", 1L));
  }

  @Test
  void aPutAllOfAHundredEntriesIsOneRoundTrip() {
    Map<String, String> entries = new HashMap<>();
    for (int i = 0; i < 100; i++) {
      entries.put("p" + i, "v");
    }

    cold.putAll(entries);

    assertThat(server.commandStats()).as("one SET per key and one notice naming them all")
        .isEqualTo(Map.of("evalsha", 1L, "set", 100L, "incr", 1L, "publish", 1L));
    for (String key : entries.keySet()) {
      assertThat(cold.get(key)).isEqualTo("v");
    }
  }

  @Test
  void aRemoveAllOfAHundredKeysIsOneRoundTrip() {
    Set<String> keys = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      keys.add("k" + i);
    }

    cold.removeAll(keys);

    assertThat(server.commandStats()).as("one DEL of them all and one notice naming them all")
        .isEqualTo(Map.of("evalsha", 1L, "del", 1L, "incr", 1L, "publish", 1L));
    for (String key : keys) {
      assertThat(cold.get(key)).isNull();
    }
  }
}
