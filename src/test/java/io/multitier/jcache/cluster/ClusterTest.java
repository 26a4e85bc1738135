package io.multitier.jcache.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.multitier.jcache.TieredCache;
import io.multitier.jcache.spi.Health;
import io.multitier.jcache.testing.ChildJvm;
import io.multitier.jcache.testing.ManagerFiles;
import io.multitier.jcache.testing.RecordingListener;
import io.multitier.jcache.testing.RedisCluster;
import io.multitier.jcache.testing.RedisServer;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The tiered cache over a local Redis Cluster of three masters: every Cache operation across two
 * CacheManagers in this JVM, caches spread over the masters (one cache's keys share a hash slot),
 * and the two-JVM coherence test (this JVM and a child {@code CacheNode}): a write in one is read by
 * the other, and an update or removal drops the other's L1 copy within a bound; and, on caches of
 * every master, the repair of a lost notice, Redis's expiries and other clients' changes heard by
 * listeners.
 */
final class ClusterTest {

  private static final Duration INVALIDATION_BOUND = Duration.ofSeconds(2);
  private static final String PREFIX = "cluster:";
  private static final String CACHES = "caches:\n"
      + "  shared:\n"
      + "    keyType: java.lang.String\n"
      + "    valueType: java.lang.String\n";

  private static RedisCluster cluster;
  private static ManagerFiles managers;
  private static String redis;

  @BeforeAll
  static void start() {
    long start = System.nanoTime();
    cluster = RedisCluster.start();
    System.out.printf("ClusterTest: 3-master cluster ready in %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    managers = new ManagerFiles();
    redis = managers.redis(PREFIX, cluster.redissonYaml("timeout: 3000\n"));
  }

  @AfterAll
  static void stop() {
    try {
      if (managers != null) {
        managers.close();
      }
    } finally {
      if (cluster != null) {
        cluster.close();
      }
    }
  }

  @Test
  void everyOperationWorksAcrossTwoManagersAndManyCachesSpreadOverTheMasters() {
    cluster.flushAll();
    CacheManager a = managers.open(redis + CACHES);
    CacheManager b = managers.open(managers.redis(PREFIX, cluster.redissonYaml("timeout: 3000\n")) + CACHES);
    io.multitier.jcache.security.Workload.run(a.getCache("shared", String.class, String.class),
        b.getCache("shared", String.class, String.class));
    assertThat(a.getCache("shared", String.class, String.class).unwrap(TieredCache.class).health()).allMatch(Health::healthy);

    // twenty caches: their hash tags land on every master, and each stays coherent
    Set<Integer> nodesUsed = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      String name = "c" + i;
      Cache<String, String> inA = a.createCache(name, new javax.cache.configuration.MutableConfiguration<String, String>()
          .setTypes(String.class, String.class));
      Cache<String, String> inB = b.createCache(name, new javax.cache.configuration.MutableConfiguration<String, String>()
          .setTypes(String.class, String.class));
      Map<String, String> entries = new HashMap<>();
      for (int k = 0; k < 5; k++) {
        entries.put("k" + k, name + "-" + k);
      }
      inA.putAll(entries);
      assertThat(inB.getAll(entries.keySet())).isEqualTo(entries);
      inB.put("k0", "changed");
      await().atMost(INVALIDATION_BOUND).until(() -> "changed".equals(inA.get("k0")));
      for (int n = 0; n < cluster.nodes().size(); n++) {
        RedisServer node = cluster.nodes().get(n);
        if ((Long) node.call("DBSIZE") > 0 && !nodesUsed.contains(n)) {
          nodesUsed.add(n);
        }
      }
    }
    assertThat(nodesUsed).as("masters holding entries").hasSize(3);
  }

  @Test
  void twoJvmsStayCoherent() {
    cluster.flushAll();
    CacheManager manager = managers.open(redis + CACHES);
    Cache<String, String> here = manager.getCache("shared", String.class, String.class);
    try (ChildJvm child = ChildJvm.start(managers.write("child.yaml", redis + CACHES).toUri())) {
      here.put("j1", "from-parent");
      assertThat(child.get("shared", "j1")).isEqualTo("from-parent");
      child.put("shared", "j2", "from-child");
      assertThat(here.get("j2")).isEqualTo("from-child");

      // both hold j1 in L1; an update in one reaches the other's L1 within the bound
      assertThat(here.get("j1")).isEqualTo("from-parent");
      child.put("shared", "j1", "updated-by-child");
      long start = System.nanoTime();
      await().atMost(INVALIDATION_BOUND).pollInterval(Duration.ofMillis(5)).until(() -> "updated-by-child".equals(here.get("j1")));
      System.out.printf("ClusterTest: invalidation child -> parent seen after %d ms%n",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
      assertThat(child.get("shared", "j1")).isEqualTo("updated-by-child");
      here.put("j1", "updated-by-parent");
      await().atMost(INVALIDATION_BOUND).until(() -> "updated-by-parent".equals(child.get("shared", "j1")));
      assertThat(child.remove("shared", "j1")).isTrue();
      await().atMost(INVALIDATION_BOUND).until(() -> here.get("j1") == null);
      assertThat(child.stat("shared", "invalidations.received")).isGreaterThanOrEqualTo(1);
    }
  }

  @Test
  void onEveryMasterALostNoticeIsRepairedAndListenersHearExpiriesAndOtherClientsChanges() {
    cluster.flushAll();
    StringBuilder caches = new StringBuilder("caches:\n");
    for (int i = 0; i < 6; i++) {
      caches.append("  events-").append(i).append(":\n    keyType: java.lang.String\n")
          .append("    valueType: java.lang.String\n    events: cluster\n");
    }
    String settings = "  reconcileInterval: 1s\n  invalidation: publish\n";
    CacheManager reader = managers.open(managers.redis("events:", cluster.redissonYaml("timeout: 3000\n")) + settings + caches);
    CacheManager writer = managers.open(managers.redis("events:", cluster.redissonYaml("timeout: 3000\n")) + settings + caches);
    Set<Integer> ports = new HashSet<>();
    for (int i = 0; i < 6; i++) {
      String name = "events-" + i;
      Cache<String, String> here = reader.getCache(name, String.class, String.class);
      Cache<String, String> there = writer.getCache(name, String.class, String.class);
      RecordingListener<String, String> heard = new RecordingListener<>();
      here.registerCacheEntryListener(heard.configuration(false));

      there.put("k", "v1");
      await().atMost(INVALIDATION_BOUND).until(() -> heard.briefs().contains("CREATED k=v1"));
      assertThat(here.get("k")).isEqualTo("v1");
      assertThat(here.get("k")).isEqualTo("v1");
      there.put("source", "v2");
      ports.add(onItsMaster(name, "redis.call('set', KEYS[1], redis.call('get', KEYS[2])) return redis.call('incr', KEYS[3])",
          "events:{" + name + "}:s:k", "events:{" + name + "}:s:source", "events:{" + name + "}#seq"));
      long lost = System.nanoTime();
      await().atMost(Duration.ofSeconds(5)).until(() -> "v2".equals(here.get("k")));
      System.out.printf("ClusterTest: %s repaired %d ms after its notice was lost%n", name,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lost));

      onItsMaster(name, "return redis.call('pexpire', KEYS[1], 1)", "events:{" + name + "}:s:k");
      await().atMost(Duration.ofSeconds(5)).until(() -> heard.briefs().contains("EXPIRED k=v2 (was v2)"));
      assertThat(heard.briefs()).containsExactly("CREATED k=v1", "CREATED source=v2", "EXPIRED k=v2 (was v2)");
    }
    assertThat(ports).as("masters holding the caches").hasSizeGreaterThan(1);
  }

  /**
   * With {@code invalidation: tracking}, each master tracks its own keys: on caches of every master,
   * a write is heard by the CacheManager that holds the key and not by one that holds another key,
   * and an operator's {@code DEL} on the master drops the holder's copy.
   */
  @Test
  void underTrackingEachMasterTellsOnlyTheHoldersOfItsKeys() throws InterruptedException {
    cluster.flushAll();
    StringBuilder caches = new StringBuilder("caches:\n");
    for (int i = 0; i < 6; i++) {
      caches.append("  tracked-").append(i).append(":\n    keyType: java.lang.String\n")
          .append("    valueType: java.lang.String\n");
    }
    String settings = "  invalidation: tracking\n  reconcileInterval: 1s\n";
    CacheManager writer = managers.open(managers.redis("tracked:", cluster.redissonYaml("timeout: 3000\n")) + settings + caches);
    CacheManager holder = managers.open(managers.redis("tracked:", cluster.redissonYaml("timeout: 3000\n")) + settings + caches);
    CacheManager other = managers.open(managers.redis("tracked:", cluster.redissonYaml("timeout: 3000\n")) + settings + caches);
    for (int i = 0; i < 6; i++) {
      writer.getCache("tracked-" + i, String.class, String.class).put("k", "v1");
      holder.getCache("tracked-" + i, String.class, String.class).get("k");
      other.getCache("tracked-" + i, String.class, String.class).get("elsewhere");
    }
    // every master's tracking connections are open, and their first flush is done
    Thread.sleep(500);
    Set<Integer> ports = new HashSet<>();
    for (int i = 0; i < 6; i++) {
      String name = "tracked-" + i;
      Cache<String, String> there = writer.getCache(name, String.class, String.class);
      Cache<String, String> here = holder.getCache(name, String.class, String.class);
      Cache<String, String> elsewhere = other.getCache(name, String.class, String.class);
      assertThat(here.get("k")).isEqualTo("v1");
      assertThat(elsewhere.get("elsewhere")).isNull();
      long heardElsewhere = elsewhere.unwrap(TieredCache.class).tierStatistics().invalidationsReceived();

      there.put("k", "v2");
      await().atMost(INVALIDATION_BOUND).until(() -> "v2".equals(here.get("k")));
      ports.add(onItsMaster(name, "return redis.call('del', KEYS[1])", "tracked:{" + name + "}:s:k"));
      await().atMost(INVALIDATION_BOUND).until(() -> here.get("k") == null);
      assertThat(elsewhere.get("elsewhere")).isNull();
      assertThat(elsewhere.unwrap(TieredCache.class).tierStatistics().invalidationsReceived() - heardElsewhere)
          .as("invalidations of %s heard by a CacheManager that holds none of the changed keys", name).isZero();
    }
    assertThat(ports).as("masters holding the caches").hasSizeGreaterThan(1);
  }

  /** Runs a script on the master of the cache's slot; returns that master's port. */
  private static int onItsMaster(String cache, String script, String... keys) {
    String[] command = new String[3 + keys.length];
    command[0] = "EVAL";
    command[1] = script;
    command[2] = Integer.toString(keys.length);
    System.arraycopy(keys, 0, command, 3, keys.length);
    for (RedisServer node : cluster.nodes()) {
      try {
        Object reply = node.call(command);
        if (!(reply instanceof RuntimeException) && !String.valueOf(reply).startsWith("MOVED")) {
          return node.port();
        }
      } catch (RuntimeException moved) {
        // another master's slot
      }
    }
    throw new AssertionError("no master ran the script for " + cache);
  }
}
