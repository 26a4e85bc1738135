package io.multitier.jcache.coherence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.multitier.jcache.TieredCache;
import io.multitier.jcache.configuration.MultiTierConfiguration;
import io.multitier.jcache.tier.TierStatistics;
import io.multitier.jcache.testing.DelayProxy;
import io.multitier.jcache.testing.ManagerFiles;
import io.multitier.jcache.testing.RecordingListener;
import io.multitier.jcache.testing.RedisServer;
import io.multitier.jcache.testing.RedisServerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.expiry.CreatedExpiryPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code invalidation: tracking}: CacheManagers with Redisson clients of their own over one Redis
 * (to Redis, as many JVMs) hear of a change only if they read the key since its last change, hear of
 * changes any client makes, and drop their copies when a tracking connection is lost or Redis
 * restarts.
 */
final class TrackingTest {

  private static final String PREFIX = "trk:";
  private static final Duration BOUND = Duration.ofSeconds(2);
  private static final String SETTINGS = "  invalidation: tracking\n  reconcileInterval: 1s\n";
  /** {@link #SETTINGS} with writers keeping copies of what they write, for tests of what a writer holds. */
  private static final String KEEPING = SETTINGS + "  writerKeepsCopy: true\n";

  @RegisterExtension
  static final RedisServerExtension redis = new RedisServerExtension();

  private final RedisServer server = redis.server();
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

  /** A write reaches the nodes that read the key, and no other. */
  @Test
  void aWriteIsDeliveredOnlyToTheNodesThatHoldTheKey() {
    List<Cache<String, String>> nodes = open(8, "items");
    Cache<String, String> writer = nodes.get(0);
    writer.put("x", "1");
    writer.put("fence", "f");
    for (int holders = 1; holders <= 7; holders += 3) {
      long[] before = new long[nodes.size()];
      for (int i = 1; i < nodes.size(); i++) {
        Cache<String, String> node = nodes.get(i);
        // the last round's fence: a node that reads it has heard of every earlier change
        await().atMost(BOUND).until(() -> "f".equals(node.get("fence")));
        assertThat(nodes.get(i).get(i <= holders ? "x" : "other-" + i)).isEqualTo(i <= holders ? "1" : null);
        before[i] = stats(nodes.get(i)).invalidationsReceived();
      }
      writer.put("x", "2");
      // every node holds the fence: once each has heard of its change, each has heard of x's before it
      writer.put("fence", "g");
      for (int i = 1; i < nodes.size(); i++) {
        awaitFence(nodes.get(i), i, holders, before[i]);
      }
      for (int i = 1; i < nodes.size(); i++) {
        long heard = stats(nodes.get(i)).invalidationsReceived() - before[i];
        assertThat(heard).as("invalidations node %d heard, %d holders of x", i, holders)
            .isEqualTo(i <= holders ? 2 : 1);
      }
      System.out.printf("%d holders of x: each heard x and the fence, the %d others the fence only%n",
          holders, nodes.size() - 1 - holders);
      writer.put("x", "1");
      writer.put("fence", "f");
    }
  }

  /**
   * Waits until the node reads the fence's new value; if it does not within the bound, fails with
   * what the node heard this round and how Redis sees the tracking connections (flag {@code R}: a
   * redirect to a connection that is gone), so that a rare failure explains itself.
   */
  private void awaitFence(Cache<String, String> node, int index, int holders, long heardBefore) {
    try {
      await().atMost(BOUND).until(() -> "g".equals(node.get("fence")));
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      String tracking = ((String) server.call("CLIENT", "LIST")).lines()
          .filter(line -> line.matches(".* flags=\\S*[tR]\\S* .*")).collect(java.util.stream.Collectors.joining("\n"));
      throw new AssertionError(String.format("node %d (round of %d holders) still read %s %d ms after the fence"
          + " changed; it heard %d invalidations this round; tracking connections:%n%s", index, holders,
          node.get("fence"), BOUND.toMillis(), stats(node).invalidationsReceived() - heardBefore, tracking), e);
    }
  }

  /**
   * An invalidation that reaches the node in pieces drops the copy as one that arrives whole does
   * (Redisson then hands it over as a list of keys rather than the key: on a busy machine a node
   * ignored such a message and served the old value until its copy's cap).
   */
  @Test
  void anInvalidationReadFromPiecesDropsTheCopy() {
    int keys = 20;
    try (DelayProxy proxy = DelayProxy.fragmenting("127.0.0.1", server.port())) {
      Cache<String, String> writer = cache(managers, "w", SETTINGS, "items");
      MultiTierConfiguration<String, String> config = new MultiTierConfiguration<>();
      config.setTypes(String.class, String.class);
      config.setStatisticsEnabled(true);
      Cache<String, String> reader = managers.open(managers.single(proxy.address(), PREFIX, "") + SETTINGS)
          .createCache("items", config);
      awaitTracking(2);
      for (int round = 0; round < 6; round++) {
        for (int i = 0; i < keys; i++) {
          writer.put("k" + i, "v" + round);
        }
        // from the second round on, the reader holds the last round's copies: only an invalidation
        // makes it read the new values (its copies would live the ten minutes of l1MaxTtl)
        for (int i = 0; i < keys; i++) {
          String key = "k" + i;
          String value = "v" + round;
          await().atMost(BOUND).until(() -> value.equals(reader.get(key)));
        }
        long hits = stats(reader).l1Hits();
        for (int i = 0; i < keys; i++) {
          assertThat(reader.get("k" + i)).isEqualTo("v" + round);
        }
        assertThat(stats(reader).l1Hits() - hits).as("the reader holds the round's copies").isEqualTo(keys);
      }
    }
  }

  /** An operator's DEL, by a client of its own, drops every node's copy. */
  @Test
  void aKeyDeletedByAnotherClientIsDroppedFromEveryL1() {
    List<Cache<String, String>> nodes = open(4, "items");
    nodes.get(0).put("x", "v");
    for (Cache<String, String> node : nodes) {
      assertThat(node.get("x")).isEqualTo("v");
      assertThat(node.get("x")).isEqualTo("v");
    }
    long deleted = System.nanoTime();
    assertThat(server.call("DEL", PREFIX + "{items}:s:x")).isEqualTo(1L);
    for (Cache<String, String> node : nodes) {
      await().atMost(BOUND).until(() -> node.get("x") == null);
    }
    System.out.printf("An operator's DEL dropped the copies of 4 nodes within %d ms%n",
        (System.nanoTime() - deleted) / 1_000_000);
  }

  /** A killed subscription or tracked connection drops the copies, and the node hears changes again after. */
  @Test
  void aLostTrackingConnectionDropsTheCopiesAndIsReplaced() {
    List<Cache<String, String>> nodes = open(2, "items");
    Cache<String, String> writer = nodes.get(0);
    Cache<String, String> reader = nodes.get(1);
    for (String kill : List.of("pubsub", "tracked")) {
      writer.put("x", "held");
      await().atMost(BOUND).until(() -> "held".equals(reader.get("x")));
      long flushes = stats(reader).l1Flushes();
      if (kill.equals("pubsub")) {
        server.call("CLIENT", "KILL", "TYPE", "pubsub");
      } else {
        for (String id : trackingClientIds()) {
          server.call("CLIENT", "KILL", "ID", id);
        }
      }
      await().atMost(BOUND).until(() -> stats(reader).l1Flushes() > flushes);
      awaitTracking(2);
      writer.put("x", "before-" + kill);
      await().atMost(BOUND).until(() -> ("before-" + kill).equals(reader.get("x")));
      long l1Hits = stats(reader).l1Hits();
      assertThat(reader.get("x")).isEqualTo("before-" + kill);
      assertThat(stats(reader).l1Hits() - l1Hits).as("the reader holds a copy again").isEqualTo(1);
      writer.put("x", "after-" + kill);
      await().atMost(BOUND).until(() -> ("after-" + kill).equals(reader.get("x")));
    }
  }

  /** After Redis restarted, no node serves a copy it read before. */
  @Test
  void aRestartedRedisLeavesNoOldCopy() {
    List<Cache<String, String>> nodes = open(2, "items");
    Cache<String, String> writer = nodes.get(0);
    Cache<String, String> reader = nodes.get(1);
    writer.put("r", "before-restart");
    assertThat(reader.get("r")).isEqualTo("before-restart");
    server.restart();
    await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
      writer.put("r", "after-restart");
      return true;
    });
    await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> "after-restart".equals(reader.get("r")));
    awaitTracking(2);
    writer.put("r", "later");
    await().atMost(BOUND).until(() -> "later".equals(reader.get("r")));
  }

  /**
   * Redis's expiry of an entry is also a change it tells the holders of: each holder's EXPIRED
   * still carries the value that expired, whichever of the two messages (the tracking invalidation,
   * the expiry notification) reaches it first.
   */
  @Test
  void anEntryThatExpiresInRedisIsReportedWithItsValueByEveryHolder() {
    List<Cache<String, String>> nodes = new ArrayList<>();
    List<RecordingListener<String, String>> heard = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      MultiTierConfiguration<String, String> config = new MultiTierConfiguration<>();
      config.setTypes(String.class, String.class);
      config.setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(
          new javax.cache.expiry.Duration(TimeUnit.SECONDS, 1)));
      RecordingListener<String, String> listener = new RecordingListener<>();
      config.addCacheEntryListenerConfiguration(listener.configuration(true));
      nodes.add(managers.open(managers.separateClient(server, PREFIX, "e" + i, "") + KEEPING)
          .createCache("expiring", config));
      heard.add(listener);
    }
    awaitTracking(3);
    // one second to live: the put's reply and the reader's read come back well before Redis expires the entry
    for (int round = 0; round < 3; round++) {
      String key = "k" + round;
      nodes.get(0).put(key, "v" + round);
      assertThat(nodes.get(1).get(key)).isEqualTo("v" + round);
      String expired = "EXPIRED " + key + "=v" + round + " (was v" + round + ")";
      for (int i = 0; i < 3; i++) {
        RecordingListener<String, String> listener = heard.get(i);
        await().atMost(Duration.ofSeconds(5)).until(() -> listener.briefs().stream()
            .anyMatch(brief -> brief.startsWith("EXPIRED " + key + "=")));
      }
      assertThat(heard.get(0).briefs()).as("the writer held a copy").contains(expired);
      assertThat(heard.get(1).briefs()).as("the reader held a copy").contains(expired);
      assertThat(heard.get(2).briefs()).as("a node without a copy knows no value")
          .contains("EXPIRED " + key + "=null");
    }
  }

  /** A writer is told of later changes to keys it wrote a value to, and not of keys it removed. */
  @Test
  void aRemoverIsNotToldOfLaterChangesToTheKey() {
    List<Cache<String, String>> nodes = open(2, "items", KEEPING);
    Cache<String, String> writer = nodes.get(0);
    Cache<String, String> other = nodes.get(1);
    writer.put("created", "v1");
    writer.put("updated", "v1");
    writer.put("updated", "v2");
    writer.put("removed", "v1");
    writer.remove("removed");
    writer.put("fence", "f1");
    long heard = stats(writer).invalidationsReceived();

    other.put("created", "w");
    other.put("updated", "w");
    other.put("removed", "w");
    other.put("fence", "f2");
    // the writer holds the fence: once it hears of the fence it has heard of every earlier change
    await().atMost(BOUND).until(() -> "f2".equals(writer.get("fence")));
    assertThat(stats(writer).invalidationsReceived() - heard)
        .as("the writer heard of the keys it created and updated and of the fence").isEqualTo(3);
    assertThat(writer.get("created")).isEqualTo("w");
    assertThat(writer.get("updated")).isEqualTo("w");
    assertThat(writer.get("removed")).isEqualTo("w");
  }

  /** The writer of a putAll keeps its copies and is told of later changes to each of their keys. */
  @Test
  void aPutAllWriterIsToldOfLaterChangesToEachKey() {
    List<Cache<String, String>> nodes = open(2, "items", KEEPING);
    Cache<String, String> writer = nodes.get(0);
    Cache<String, String> other = nodes.get(1);
    Map<String, String> entries = new LinkedHashMap<>();
    for (int i = 0; i < 50; i++) {
      entries.put("p" + i, "v");
    }
    writer.putAll(entries);
    long hits = stats(writer).l1Hits();
    assertThat(writer.getAll(entries.keySet())).isEqualTo(entries);
    assertThat(stats(writer).l1Hits() - hits).as("the writer holds what it wrote").isEqualTo(50);
    for (int i = 0; i < 50; i += 7) {
      other.put("p" + i, "w");
    }
    for (int i = 0; i < 50; i += 7) {
      String key = "p" + i;
      await().atMost(BOUND).until(() -> "w".equals(writer.get(key)));
    }
  }

  /**
   * By default a writer keeps no copy of what it writes, so Redis remembers no reader for it and
   * tells it of no later change: it reads the key again, once, when it next wants it, and is told
   * of changes from then on.
   */
  @Test
  void byDefaultAWriterKeepsNoCopyAndRedisTracksNothingForIt() {
    List<Cache<String, String>> nodes = open(2, "items");
    Cache<String, String> writer = nodes.get(0);
    Cache<String, String> other = nodes.get(1);
    long trackedBefore = trackedKeys();
    Map<String, String> entries = new LinkedHashMap<>();
    for (int i = 0; i < 20; i++) {
      entries.put("b" + i, "v");
    }
    writer.putAll(entries);
    writer.put("single", "v");
    writer.put("single", "v2");
    writer.invoke("stepped", (entry, arguments) -> {
      entry.setValue("s");
      return null;
    });
    assertThat(trackedKeys() - trackedBefore).as("keys Redis tracks for their writer").isZero();

    long heard = stats(writer).invalidationsReceived();
    for (String key : entries.keySet()) {
      other.put(key, "w");
    }
    other.put("single", "w");
    other.put("stepped", "w");
    long l2Hits = stats(writer).l2Hits();
    assertThat(writer.get("single")).as("read again from Redis").isEqualTo("w");
    assertThat(writer.get("single")).as("and held from then on").isEqualTo("w");
    assertThat(stats(writer).l2Hits() - l2Hits).isEqualTo(1);
    assertThat(writer.get("stepped")).isEqualTo("w");
    assertThat(writer.getAll(entries.keySet())).allSatisfy((key, value) -> assertThat(value).isEqualTo("w"));
    assertThat(stats(writer).invalidationsReceived() - heard).as("the writer was told of no change").isZero();

    // a fence: the writer now holds "single" (it read it), so it hears this change; none before it
    other.put("single", "fence");
    await().atMost(BOUND).until(() -> "fence".equals(writer.get("single")));
    assertThat(stats(writer).invalidationsReceived() - heard).as("only the change to a key it read").isEqualTo(1);
  }

  /** Under tracking a plain put and an L2 hit are still one round trip each, and nothing is published. */
  @Test
  void aPutAndAnL2HitAreOneRoundTripEach() {
    List<Cache<String, String>> nodes = open(2, "items");
    server.resetStats();
    nodes.get(0).put("k", "v");
    assertThat(server.commandStats()).containsEntry("evalsha", 1L).doesNotContainKeys("publish", "incr", "eval");
    server.resetStats();
    assertThat(nodes.get(1).get("k")).isEqualTo("v");
    assertThat(server.commandStats()).containsEntry("evalsha", 1L).containsEntry("get", 1L)
        .doesNotContainKeys("publish", "eval");
    assertThat(stats(nodes.get(1)).l2Hits()).isEqualTo(1);
  }

  /** An ACL user needs the channel of the invalidations besides its prefix; without it, its calls fail and Redis logs why. */
  @Test
  void anAclUserWithTheInvalidationChannelIsTrackedAndOneWithoutItIsRefused() {
    String login = "username: \"tracked\"\npassword: \"s3cret\"\ntimeout: 3000\nretryAttempts: 1\n";
    server.call("ACL", "LOG", "RESET");
    server.call("ACL", "SETUSER", "tracked", "reset", "on", ">s3cret", "~" + PREFIX + "*", "&" + PREFIX + "*",
        "&__redis__:invalidate", "+@all", "-@dangerous");
    try {
      Cache<String, String> a = aclCache(login);
      Cache<String, String> b = aclCache(login);
      a.put("k", "v1");
      assertThat(b.get("k")).isEqualTo("v1");
      a.put("k", "v2");
      await().atMost(BOUND).until(() -> "v2".equals(b.get("k")));
      assertThat(server.call("ACL", "LOG")).as("no command was refused").asList().isEmpty();

      server.call("ACL", "SETUSER", "tracked", "resetchannels", "&" + PREFIX + "*");
      Cache<String, String> refused = aclCache(login);
      assertThatThrownBy(() -> refused.put("k", "v3")).isInstanceOf(CacheException.class)
          .hasMessageContaining("L2 redis");
      assertThat(server.call("ACL", "LOG")).as("Redis logged the refusal").asList().isNotEmpty();
    } finally {
      managers.close();
      managers = new ManagerFiles();
      server.call("ACL", "DELUSER", "tracked");
    }
  }

  private Cache<String, String> aclCache(String login) {
    MultiTierConfiguration<String, String> config = new MultiTierConfiguration<>();
    config.setTypes(String.class, String.class);
    return managers.open(managers.single(server.address(), PREFIX, login) + SETTINGS).createCache("acl", config);
  }

  private List<Cache<String, String>> open(int count, String name) {
    return open(count, name, SETTINGS);
  }

  private List<Cache<String, String>> open(int count, String name, String settings) {
    List<Cache<String, String>> nodes = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      nodes.add(cache(managers, "n" + i, settings, name));
    }
    awaitTracking(count);
    return nodes;
  }

  private Cache<String, String> cache(ManagerFiles files, String tag, String settings, String name) {
    MultiTierConfiguration<String, String> config = new MultiTierConfiguration<>();
    config.setTypes(String.class, String.class);
    config.setStatisticsEnabled(true);
    Cache<String, String> cache = files.open(files.separateClient(server, PREFIX, tag, "") + settings)
        .createCache(name, config);
    cache.get("warm-up");
    return cache;
  }

  /** Returns how many keys Redis's tracking table holds. */
  private long trackedKeys() {
    return ((String) server.call("INFO", "stats")).lines().filter(line -> line.startsWith("tracking_total_keys:"))
        .mapToLong(line -> Long.parseLong(line.substring(line.indexOf(':') + 1).trim())).findFirst().orElseThrow();
  }

  /** Waits until this many connections are tracked, and a little longer for their nodes' first flush. */
  private void awaitTracking(int count) {
    await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
        .until(() -> trackingClientIds().size() >= count);
    try {
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Returns the ids of the connections that Redis tracks (flag {@code t} in {@code CLIENT LIST}). */
  private List<String> trackingClientIds() {
    List<String> ids = new ArrayList<>();
    for (String line : ((String) server.call("CLIENT", "LIST")).split("\n")) {
      String id = null;
      boolean tracked = false;
      for (String field : line.trim().split(" ")) {
        if (field.startsWith("id=")) {
          id = field.substring(3);
        } else if (field.startsWith("flags=")) {
          tracked = field.substring(6).contains("t");
        }
      }
      if (tracked && id != null) {
        ids.add(id);
      }
    }
    return ids;
  }

  private static TierStatistics stats(Cache<String, String> cache) {
    return cache.unwrap(TieredCache.class).tierStatistics();
  }
}
