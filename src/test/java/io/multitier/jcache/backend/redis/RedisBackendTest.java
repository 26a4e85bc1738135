package io.multitier.jcache.backend.redis;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.multitier.jcache.spi.BackendException;
import io.multitier.jcache.spi.Health;
import io.multitier.jcache.spi.InvalidationListener;
import io.multitier.jcache.spi.Ttl;
import io.multitier.jcache.spi.ValueWithTtl;
import io.multitier.jcache.testing.RedisServer;
import io.multitier.jcache.testing.RedisServerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.Redisson;
import org.redisson.api.RTopic;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;
import org.redisson.config.ConstantDelay;

/** {@link RedisBackend} against a real redis-server: semantics, coherence, round trips and outages. */
final class RedisBackendTest {

  private static final Duration MINUTE = Duration.ofMinutes(1);

  @RegisterExtension
  static final RedisServerExtension redis = new RedisServerExtension();

  private static RedissonClient clientA;
  private static RedissonClient clientB;

  private final List<RedisBackend> backends = new ArrayList<>();
  private RedisBackend cache;

  @BeforeAll
  static void connect() {
    clientA = client(redis.server().address(), Duration.ofSeconds(3), 3);
    clientB = client(redis.server().address(), Duration.ofSeconds(3), 3);
  }

  @AfterAll
  static void disconnect() {
    clientA.shutdown(0, 5, TimeUnit.SECONDS);
    clientB.shutdown(0, 5, TimeUnit.SECONDS);
  }

  @BeforeEach
  void emptyServer() {
    redis.server().call("FLUSHALL");
    cache = backend(clientA, "users");
  }

  @AfterEach
  void closeBackends() {
    backends.forEach(RedisBackend::close);
  }

  @Test
  void storesUnderTheNamespacedKey() {
    cache.setWithTtl("k1", bytes("v1"), MINUTE);

    assertThat(redis.server().call("GET", "mtj:{users}:k1")).isEqualTo("v1");
    assertThat((List<Object>) redis.server().call("KEYS", "*")).containsExactlyInAnyOrder("mtj:{users}#seq", "mtj:{users}#expiring",
        "mtj:{users}:k1");
  }

  @Test
  void getWithTtlReturnsTheValueAndWhatRemainsOfItsTimeToLive() {
    cache.setWithTtl("k1", bytes("v1"), MINUTE);

    ValueWithTtl<byte[]> found = cache.getWithTtl("k1");

    assertThat(found.value()).containsExactly(bytes("v1"));
    assertThat(found.ttl()).isPositive().isLessThanOrEqualTo(MINUTE).isGreaterThan(MINUTE.minusSeconds(10));
    assertThat(pttl("users", "k1")).isBetween(50_000L, 60_000L);
    assertThat(cache.getWithTtl("absent")).isNull();
  }

  @Test
  void eternalEntriesHaveNoExpiry() {
    cache.setWithTtl("k1", bytes("v1"), Ttl.ETERNAL);

    assertThat(pttl("users", "k1")).isEqualTo(-1L);
    assertThat(cache.getWithTtl("k1").ttl()).isEqualTo(Ttl.ETERNAL);
  }

  @Test
  void entriesExpireInRedis() {
    cache.setWithTtl("k1", bytes("v1"), Duration.ofMillis(100));

    await().atMost(Duration.ofSeconds(5)).until(() -> cache.getWithTtl("k1") == null);
    assertThat(cache.get("k1")).isNull();
  }

  @Test
  void timesToLiveBecomeScriptArguments() {
    assertThat(WireValues.ttlToWire(Duration.ofNanos(1))).asString(UTF_8).isEqualTo("1");
    assertThat(WireValues.ttlToWire(Duration.ofMillis(1).plusNanos(1))).asString(UTF_8).isEqualTo("2");
    assertThat(WireValues.ttlToWire(MINUTE)).asString(UTF_8).isEqualTo("60000");
    assertThat(WireValues.ttlToWire(Ttl.ETERNAL)).asString(UTF_8).isEqualTo("-1");
    assertThat(WireValues.ttlToWire(Duration.ofMillis(Long.MAX_VALUE - 1))).asString(UTF_8).isEqualTo("-1");
    assertThat(WireValues.ttlToWire(Ttl.UNCHANGED)).asString(UTF_8).isEqualTo("-2");
    assertThat(WireValues.ttlToWire(Duration.ZERO)).asString(UTF_8).isEqualTo("0");
  }

  @Test
  void zeroTimeToLiveRemoves() {
    cache.setWithTtl("k1", bytes("v1"), MINUTE);
    cache.setWithTtl("k1", bytes("v2"), Duration.ZERO);
    assertThat(cache.get("k1")).isNull();

    assertThat(cache.putIfAbsent("k2", bytes("v"), Duration.ZERO)).isTrue();
    assertThat(cache.get("k2")).isNull();

    cache.setWithTtl("k3", bytes("v1"), MINUTE);
    assertThat(cache.replace("k3", bytes("v1"), bytes("v2"), Duration.ZERO)).isTrue();
    assertThat(cache.get("k3")).isNull();

    cache.setWithTtl("k4", bytes("v1"), MINUTE);
    assertThat(cache.getAndPut("k4", bytes("v2"), MINUTE, Duration.ZERO)).containsExactly(bytes("v1"));
    assertThat(cache.get("k4")).isNull();

    cache.setWithTtl("k5", bytes("v1"), MINUTE);
    assertThat(cache.setTtl("k5", Duration.ZERO)).isTrue();
    assertThat(cache.get("k5")).isNull();
  }

  @Test
  void negativeTimesToLiveOtherThanUnchangedAreRejected() {
    assertThatThrownBy(() -> cache.setWithTtl("k1", bytes("v1"), Duration.ofMillis(-5)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void getAndGetAllReturnOnlyPresentKeys() {
    cache.setWithTtl("a", bytes("1"), MINUTE);
    cache.setWithTtl("b", bytes("2"), Ttl.ETERNAL);

    assertThat(cache.get("a")).containsExactly(bytes("1"));
    assertThat(cache.get("absent")).isNull();
    Map<String, byte[]> found = cache.getAll(List.of("a", "b", "absent"));
    assertThat(found).containsOnlyKeys("a", "b");
    assertThat(found.get("b")).containsExactly(bytes("2"));
  }

  @Test
  void getAllWithTtlReturnsEachPresentKeyWithItsTimeToLive() {
    cache.setWithTtl("a", bytes("1"), MINUTE);
    cache.setWithTtl("b", bytes("2"), Ttl.ETERNAL);

    Map<String, ValueWithTtl<byte[]>> found = cache.getAllWithTtl(List.of("a", "absent", "b"));

    assertThat(found).containsOnlyKeys("a", "b");
    assertThat(found.get("a").value()).containsExactly(bytes("1"));
    assertThat(found.get("a").ttl()).isPositive().isLessThanOrEqualTo(MINUTE);
    assertThat(found.get("b").ttl()).isEqualTo(Ttl.ETERNAL);
    assertThat(cache.getAllWithTtl(List.of())).isEmpty();
  }

  @Test
  void setAllWithTtlGivesEachEntryItsOwnTimeToLive() {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    Map<String, Duration> ttls = new HashMap<>();
    entries.put("a", bytes("1"));
    ttls.put("a", MINUTE);
    entries.put("b", bytes("2"));
    ttls.put("b", Ttl.ETERNAL);
    entries.put("c", bytes("3"));
    ttls.put("c", Duration.ZERO);

    cache.setAllWithTtl(entries, ttls);

    assertThat(pttl("users", "a")).isBetween(50_000L, 60_000L);
    assertThat(pttl("users", "b")).isEqualTo(-1L);
    assertThat(cache.get("c")).isNull();
    assertThat(cache.get("b")).containsExactly(bytes("2"));
  }

  @Test
  void batchesLargeBulkOperations() {
    Map<String, byte[]> entries = new HashMap<>();
    Map<String, Duration> ttls = new HashMap<>();
    for (int i = 0; i < 2_500; i++) {
      entries.put("k" + i, bytes("v" + i));
      ttls.put("k" + i, MINUTE);
    }

    cache.setAllWithTtl(entries, ttls);

    assertThat(cache.getAllWithTtl(entries.keySet())).hasSize(2_500);
    assertThat(cache.getAll(entries.keySet())).hasSize(2_500);
    assertThat(keys(cache)).isEqualTo(entries.keySet());
    cache.clear();
    assertThat((List<Object>) redis.server().call("KEYS", "*")).as("only the count of changes and the expiry mark are left")
        .containsExactlyInAnyOrder("mtj:{users}#seq", "mtj:{users}#expiring");
  }

  @Test
  void putIfAbsentStoresOnlyWhenAbsent() {
    assertThat(cache.putIfAbsent("k1", bytes("v1"), MINUTE)).isTrue();
    assertThat(cache.putIfAbsent("k1", bytes("v2"), Ttl.ETERNAL)).isFalse();

    assertThat(cache.get("k1")).containsExactly(bytes("v1"));
    assertThat(pttl("users", "k1")).isBetween(50_000L, 60_000L);
  }

  @Test
  void replaceComparesBytes() {
    cache.setWithTtl("k1", bytes("v1"), MINUTE);

    assertThat(cache.replace("k1", bytes("other"), bytes("v2"), MINUTE)).isFalse();
    assertThat(cache.replace("absent", bytes("v1"), bytes("v2"), MINUTE)).isFalse();
    assertThat(cache.get("k1")).containsExactly(bytes("v1"));
    assertThat(cache.replace("k1", bytes("v1"), bytes("v2"), Ttl.ETERNAL)).isTrue();
    assertThat(cache.get("k1")).containsExactly(bytes("v2"));
    assertThat(pttl("users", "k1")).isEqualTo(-1L);
    assertThat(cache.get("absent")).isNull();
  }

  @Test
  void unchangedKeepsTheCurrentExpiry() {
    cache.setWithTtl("k1", bytes("v1"), MINUTE);
    assertThat(cache.replace("k1", bytes("v1"), bytes("v2"), Ttl.UNCHANGED)).isTrue();
    assertThat(pttl("users", "k1")).isBetween(50_000L, 60_000L);

    assertThat(cache.getAndPut("k1", bytes("v3"), Duration.ofSeconds(5), Ttl.UNCHANGED)).containsExactly(bytes("v2"));
    assertThat(pttl("users", "k1")).isBetween(50_000L, 60_000L);
    assertThat(cache.get("k1")).containsExactly(bytes("v3"));

    assertThat(cache.setTtl("k1", Ttl.UNCHANGED)).isTrue();
    assertThat(pttl("users", "k1")).isBetween(50_000L, 60_000L);

    assertThat(cache.getAndPut("new", bytes("v"), Ttl.UNCHANGED, MINUTE)).isNull();
    assertThat(pttl("users", "new")).isEqualTo(-1L);
  }

  @Test
  void removeReportsWhetherTheKeyWasPresent() {
    cache.setWithTtl("k1", bytes("v1"), MINUTE);

    assertThat(cache.remove("k1")).isTrue();
    assertThat(cache.remove("k1")).isFalse();
    assertThat(cache.get("k1")).isNull();
  }

  @Test
  void removeIfEqualComparesBytes() {
    cache.setWithTtl("k1", bytes("v1"), MINUTE);

    assertThat(cache.remove("k1", bytes("other"))).isFalse();
    assertThat(cache.get("k1")).containsExactly(bytes("v1"));
    assertThat(cache.remove("k1", bytes("v1"))).isTrue();
    assertThat(cache.get("k1")).isNull();
    assertThat(cache.remove("k1", bytes("v1"))).isFalse();
  }

  @Test
  void getAndPutUsesTheTimeToLiveForAbsentOrPresent() {
    assertThat(cache.getAndPut("k1", bytes("v1"), MINUTE, Ttl.ETERNAL)).isNull();
    assertThat(pttl("users", "k1")).isBetween(50_000L, 60_000L);

    assertThat(cache.getAndPut("k1", bytes("v2"), MINUTE, Ttl.ETERNAL)).containsExactly(bytes("v1"));
    assertThat(pttl("users", "k1")).isEqualTo(-1L);
    assertThat(cache.get("k1")).containsExactly(bytes("v2"));
  }

  @Test
  void putTellsOnlyWhetherTheKeyWasPresentAndUsesItsTimeToLive() {
    assertThat(cache.put("k1", bytes("v1"), MINUTE, Ttl.ETERNAL)).isFalse();
    assertThat(pttl("users", "k1")).isBetween(50_000L, 60_000L);

    assertThat(cache.put("k1", bytes("v2"), MINUTE, Ttl.UNCHANGED)).isTrue();
    assertThat(pttl("users", "k1")).isBetween(50_000L, 60_000L);
    assertThat(cache.put("k1", bytes("v3"), MINUTE, Ttl.ETERNAL)).isTrue();
    assertThat(pttl("users", "k1")).isEqualTo(-1L);
    assertThat(cache.get("k1")).containsExactly(bytes("v3"));
    assertThat(cache.put("k1", bytes("v4"), MINUTE, Duration.ZERO)).isTrue();
    assertThat(cache.get("k1")).isNull();
  }

  @Test
  void putAllTellsWhichKeysWerePresent() {
    cache.setWithTtl("old", bytes("v0"), Ttl.ETERNAL);
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("old", bytes("v1"));
    entries.put("new", bytes("v2"));

    assertThat(cache.putAll(entries, MINUTE, Ttl.ETERNAL)).containsExactly("old");
    assertThat(pttl("users", "old")).isEqualTo(-1L);
    assertThat(pttl("users", "new")).isBetween(50_000L, 60_000L);
    assertThat(cache.get("old")).containsExactly(bytes("v1"));
    assertThat(cache.get("new")).containsExactly(bytes("v2"));
  }

  @Test
  void putAllGivesEachKeyTheTimeToLiveOfWhetherItWasPresent() {
    cache.setWithTtl("eternal", bytes("0"), Ttl.ETERNAL);
    cache.setWithTtl("expiring", bytes("0"), Duration.ofMinutes(10));

    // the same time to live either way: one SET ... GET per key
    assertThat(cache.putAll(Map.of("eternal", bytes("1"), "a", bytes("1")), Ttl.ETERNAL, Ttl.ETERNAL))
        .containsExactly("eternal");
    assertThat(pttl("users", "a")).isEqualTo(-1L);
    // created eternal, expiry kept on update (an eternal policy): one SET ... KEEPTTL GET per key
    assertThat(cache.putAll(Map.of("expiring", bytes("1"), "z", bytes("1")), Ttl.ETERNAL, Ttl.UNCHANGED))
        .containsExactly("expiring");
    assertThat(pttl("users", "expiring")).isBetween(500_000L, 600_000L);
    assertThat(pttl("users", "z")).isEqualTo(-1L);
    // created with a time to live, kept on update: SET ... NX, then SET ... KEEPTTL for a present key
    assertThat(cache.putAll(Map.of("expiring", bytes("2"), "b", bytes("2")), MINUTE, Ttl.UNCHANGED))
        .containsExactly("expiring");
    assertThat(pttl("users", "expiring")).isBetween(500_000L, 600_000L);
    assertThat(pttl("users", "b")).isBetween(50_000L, 60_000L);
    // a zero time to live for an update removes a present key, and creates the absent one
    assertThat(cache.putAll(Map.of("b", bytes("3"), "c", bytes("3")), MINUTE, Duration.ZERO)).containsExactly("b");
    assertThat(cache.get("b")).isNull();
    assertThat(cache.get("c")).containsExactly(bytes("3"));
    // created expired: an absent key is not stored, a present one is updated
    assertThat(cache.putAll(Map.of("c", bytes("4"), "d", bytes("4")), Duration.ZERO, Ttl.UNCHANGED))
        .containsExactly("c");
    assertThat(cache.get("c")).containsExactly(bytes("4"));
    assertThat(cache.get("d")).isNull();
    assertThat(cache.putAll(Map.of("c", bytes("5"), "e", bytes("5")), Duration.ZERO, Duration.ZERO))
        .containsExactly("c");
    assertThat(cache.get("c")).isNull();
    assertThat(cache.get("e")).isNull();
  }

  @Test
  void removeAllRemovesEveryKeyAndCountsThePresentOnes() {
    cache.setWithTtl("a", bytes("1"), MINUTE);
    cache.setWithTtl("b", bytes("2"), Ttl.ETERNAL);

    assertThat(cache.removeAll(List.of("a", "b", "absent"))).isEqualTo(2);
    assertThat(cache.getAll(List.of("a", "b"))).isEmpty();
    assertThat(cache.removeAll(List.of())).isZero();
  }

  @Test
  void aCacheWithoutExpiringEntriesIsReadWithoutTheirTimesToLive() {
    Map<String, byte[]> entries = new HashMap<>();
    for (int i = 0; i < 100; i++) {
      entries.put("k" + i, bytes("v" + i));
    }
    cache.putAll(entries, Ttl.ETERNAL, Ttl.ETERNAL);
    assertThat(redis.server().call("EXISTS", "mtj:{users}#expiring")).as("no entry expires").isEqualTo(0L);

    redis.server().resetStats();
    Map<String, ValueWithTtl<byte[]>> found = cache.getAllWithTtl(entries.keySet());

    assertThat(found).hasSize(100).allSatisfy((key, value) -> assertThat(value.ttl()).isEqualTo(Ttl.ETERNAL));
    assertThat(redis.server().commandStats()).as("the first hit's PTTL checks that the mark was not lost")
        .isEqualTo(Map.of("evalsha", 1L, "mget", 1L, "pttl", 1L));

    cache.setWithTtl("k0", bytes("expiring"), MINUTE);
    assertThat(redis.server().call("EXISTS", "mtj:{users}#expiring")).isEqualTo(1L);
    found = cache.getAllWithTtl(entries.keySet());
    assertThat(found.get("k0").ttl()).isPositive().isLessThanOrEqualTo(MINUTE);
    assertThat(found.get("k1").ttl()).isEqualTo(Ttl.ETERNAL);
  }

  @Test
  void everyWriteThatGivesAnEntryATimeToLiveSetsTheMark() {
    List<Runnable> writes = List.of(
        () -> cache.setWithTtl("k", bytes("v"), MINUTE),
        () -> cache.setAllWithTtl(Map.of("k", bytes("v")), Map.of("k", MINUTE)),
        () -> cache.putIfAbsent("k", bytes("v"), MINUTE),
        () -> cache.put("k", bytes("v"), MINUTE, MINUTE),
        () -> cache.getAndPut("k", bytes("v"), MINUTE, MINUTE),
        () -> cache.putAll(Map.of("k", bytes("v")), MINUTE, Ttl.ETERNAL),
        () -> cache.putAll(Map.of("k", bytes("v")), MINUTE, MINUTE),
        () -> cache.commit("k", io.multitier.jcache.spi.Expected.absent(),
            io.multitier.jcache.spi.Change.store(bytes("v"), MINUTE), io.multitier.jcache.spi.Lease.none()));
    for (Runnable write : writes) {
      redis.server().call("FLUSHALL");
      write.run();
      assertThat(pttl("users", "k")).isPositive();
      assertThat(redis.server().call("EXISTS", "mtj:{users}#expiring")).isEqualTo(1L);
    }

    redis.server().call("FLUSHALL");
    cache.setWithTtl("k", bytes("v"), Ttl.ETERNAL);
    cache.setTtl("k", MINUTE);
    assertThat(redis.server().call("EXISTS", "mtj:{users}#expiring")).as("setTtl").isEqualTo(1L);
  }

  @Test
  void aLostMarkIsFoundByTheFirstHitAndSetAgain() {
    cache.setWithTtl("a", bytes("1"), MINUTE);
    cache.setWithTtl("b", bytes("2"), MINUTE);
    redis.server().call("DEL", "mtj:{users}#expiring");

    Map<String, ValueWithTtl<byte[]>> found = cache.getAllWithTtl(List.of("a", "b"));

    assertThat(found.get("a").ttl()).isPositive().isLessThanOrEqualTo(MINUTE);
    assertThat(found.get("b").ttl()).isPositive().isLessThanOrEqualTo(MINUTE);
    assertThat(redis.server().call("EXISTS", "mtj:{users}#expiring")).isEqualTo(1L);
  }

  @Test
  void oneNoticeNamesEveryKeyOfABulkWriteWithOneNumber() {
    RedisBackend remote = backend(clientB, "users");
    List<String> heard = new CopyOnWriteArrayList<>();
    remote.onInvalidation(recordingInto(heard));
    List<String> raw = new CopyOnWriteArrayList<>();
    RTopic topic = clientB.getTopic("mtj:#invalidations", StringCodec.INSTANCE);
    int listener = topic.addListener(String.class, (channel, message) -> raw.add(message));
    try {
      Map<String, byte[]> entries = new LinkedHashMap<>();
      List<String> keys = List.of("plain", "with:colons:", "1:2", "ünïcødé ☃ 日本語 \uD83D\uDE00", "", ":");
      keys.forEach(key -> entries.put(key, bytes("v")));

      cache.putAll(entries, MINUTE, MINUTE);
      cache.removeAll(keys);
      cache.setWithTtl("last", bytes("1"), MINUTE);

      await().atMost(Duration.ofSeconds(10)).until(() -> heard.contains("last"));
      List<String> twice = new ArrayList<>(keys);
      twice.addAll(keys);
      twice.add("last");
      assertThat(heard).as("each key, and no lost notice").containsExactlyElementsOf(twice);
      assertThat(redis.server().call("GET", "mtj:{users}#seq")).as("one number per notice").isEqualTo("3");
      await().atMost(Duration.ofSeconds(10)).until(() -> raw.size() == 3);
      assertThat(raw.get(0)).startsWith("M:" + cache.senderId() + ":users:1:5:plain:12:with:colons::3:1:2:");
    } finally {
      topic.removeListener(listener);
    }
    await().pollDelay(Duration.ofMillis(1_500)).atMost(Duration.ofSeconds(5)).until(() -> true);
    assertThat(heard).as("no hole was found in the numbers").doesNotContainNull();
  }

  @Test
  void holdsComparesTheBytes() {
    cache.setWithTtl("k1", bytes("v1"), MINUTE);

    assertThat(cache.holds("k1", bytes("v1"))).isTrue();
    assertThat(cache.holds("k1", bytes("v2"))).isFalse();
    assertThat(cache.holds("absent", bytes("v1"))).isFalse();
  }

  @Test
  void getAndRemoveReturnsTheRemovedValue() {
    cache.setWithTtl("k1", bytes("v1"), MINUTE);

    assertThat(cache.getAndRemove("k1")).containsExactly(bytes("v1"));
    assertThat(cache.getAndRemove("k1")).isNull();
    assertThat(cache.get("k1")).isNull();
  }

  @Test
  void setTtlChangesTheExpiryOfPresentEntries() {
    assertThat(cache.setTtl("absent", MINUTE)).isFalse();
    assertThat(redis.server().call("EXISTS", "mtj:{users}:absent")).isEqualTo(0L);

    cache.setWithTtl("k1", bytes("v1"), Ttl.ETERNAL);
    assertThat(cache.setTtl("k1", MINUTE)).isTrue();
    assertThat(pttl("users", "k1")).isBetween(50_000L, 60_000L);
    assertThat(cache.setTtl("k1", Ttl.ETERNAL)).isTrue();
    assertThat(pttl("users", "k1")).isEqualTo(-1L);
  }

  @Test
  void valuesAreStoredByteForByte() {
    byte[] everyByte = new byte[256];
    for (int i = 0; i < everyByte.length; i++) {
      everyByte[i] = (byte) i;
    }

    cache.setWithTtl("all", everyByte, MINUTE);
    cache.setWithTtl("empty", new byte[0], MINUTE);

    assertThat(cache.get("all")).containsExactly(everyByte);
    assertThat(cache.getWithTtl("all").value()).containsExactly(everyByte);
    assertThat(cache.getWithTtl("empty").value()).isEmpty();
    assertThat(cache.replace("all", everyByte.clone(), bytes("x"), MINUTE)).isTrue();
  }

  @Test
  void keysListsOnlyThisCachesKeysWithoutTheNamespace() {
    cache.setWithTtl("a", bytes("1"), MINUTE);
    cache.setWithTtl("b:{x}*", bytes("2"), MINUTE);
    backend(clientA, "other").setWithTtl("c", bytes("3"), MINUTE);
    backend(clientA, "users2").setWithTtl("d", bytes("4"), MINUTE);
    redis.server().call("SET", "unrelated", "5");

    assertThat(keys(cache)).containsExactlyInAnyOrder("a", "b:{x}*");
  }

  @Test
  void clearRemovesOnlyThisCachesKeys() {
    RedisBackend other = backend(clientA, "other");
    RedisBackend longerName = backend(clientA, "users2");
    cache.setWithTtl("a", bytes("1"), MINUTE);
    cache.setWithTtl("b", bytes("2"), Ttl.ETERNAL);
    other.setWithTtl("a", bytes("3"), MINUTE);
    longerName.setWithTtl("a", bytes("4"), MINUTE);
    redis.server().call("SET", "unrelated", "5");
    redis.server().call("SET", "mtj:users:a", "6");

    cache.clear();

    assertThat(keys(cache)).isEmpty();
    assertThat(other.get("a")).containsExactly(bytes("3"));
    assertThat(longerName.get("a")).containsExactly(bytes("4"));
    assertThat(redis.server().call("GET", "unrelated")).isEqualTo("5");
    assertThat(redis.server().call("GET", "mtj:users:a")).isEqualTo("6");
  }

  @Test
  void globCharactersInThePrefixMatchOnlyThemselves() {
    RedisBackend globbed = BackendFactory.standalone(clientA, "p*?[a]\\:").backend("c", 0);
    backends.add(globbed);
    globbed.setWithTtl("k", bytes("1"), MINUTE);
    redis.server().call("SET", "pZZa:{c}:k", "lookalike");
    redis.server().call("SET", "p*?a:{c}:k", "lookalike");

    assertThat(keys(globbed)).containsExactly("k");
    globbed.clear();

    assertThat(globbed.get("k")).isNull();
    assertThat(redis.server().call("DBSIZE")).as("the lookalikes, the cache's count of changes and its expiry mark")
        .isEqualTo(4L);
  }

  @Test
  void braceInThePrefixIsRejected() {
    assertThatThrownBy(() -> BackendFactory.standalone(clientA, "a{b").backend("c", 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anyCacheNameGetsItsOwnNamespace() {
    List<String> names = List.of("com.example.Order$Line#lines", "{braces}", "}{", "a:b:c", "*?[]\\",
        "with space", "ünïcødé ☃ 日本語", "", "%7Bbraces%7D", "users");
    List<RedisBackend> writers = new ArrayList<>();
    List<RedisBackend> readers = new ArrayList<>();
    Map<String, List<String>> heard = new HashMap<>();
    for (String name : names) {
      RedisBackend writer = backend(clientA, name);
      RedisBackend reader = backend(clientB, name);
      List<String> events = new CopyOnWriteArrayList<>();
      reader.onInvalidation(recordingInto(events));
      heard.put(name, events);
      writers.add(writer);
      readers.add(reader);
    }
    String key = "key:{ключ}*? ☃";

    for (RedisBackend writer : writers) {
      writer.setWithTtl(key, bytes(writer.toString()), MINUTE);
    }

    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      assertThat(readers.get(i).get(key)).containsExactly(bytes(writers.get(i).toString()));
      assertThat(readers.get(i).getWithTtl(key).value()).containsExactly(bytes(writers.get(i).toString()));
      assertThat(keys(readers.get(i))).containsExactly(key);
      await().atMost(Duration.ofSeconds(10)).until(() -> heard.get(name).equals(List.of(key)));
    }
    assertThat((List<?>) redis.server().call("KEYS", "*")).as("an entry, a count of changes and an expiry mark each")
        .hasSize(3 * names.size());
    for (String name : names) {
      String tag = KeyNamespace.encodeName(name);
      assertThat(tag).isNotEmpty().doesNotContain("{", "}", "*", "?", "[", "]", "\\", ":", " ");
      assertThat(redis.server().call("EXISTS", "mtj:{" + tag + "}:" + key)).as(name).isEqualTo(1L);
    }

    writers.get(1).clear();

    for (int i = 0; i < names.size(); i++) {
      byte[] expected = (i == 1) ? null : bytes(writers.get(i).toString());
      assertThat(readers.get(i).get(key)).as(names.get(i)).isEqualTo(expected);
    }
  }

  @Test
  void otherClientsHearOfEveryWriteAndNotOfTheirOwn() {
    RedisBackend remote = backend(clientB, "users");
    List<String> heardHere = new CopyOnWriteArrayList<>();
    List<String> heardThere = new CopyOnWriteArrayList<>();
    cache.onInvalidation(recordingInto(heardHere));
    remote.onInvalidation(recordingInto(heardThere));

    cache.setWithTtl("set", bytes("1"), MINUTE);
    cache.setAllWithTtl(Map.of("all", bytes("1")), Map.of("all", MINUTE));
    cache.putIfAbsent("pia", bytes("1"), MINUTE);
    cache.putIfAbsent("pia", bytes("2"), MINUTE);
    cache.replace("set", bytes("1"), bytes("2"), MINUTE);
    cache.replace("set", bytes("no"), bytes("3"), MINUTE);
    cache.getAndPut("gap", bytes("1"), MINUTE, MINUTE);
    cache.remove("gap", bytes("no"));
    cache.remove("gap", bytes("1"));
    cache.setTtl("pia", Duration.ofMinutes(2));
    cache.setTtl("absent", Duration.ofMinutes(2));
    cache.getAndRemove("pia");
    cache.remove("all");
    cache.setWithTtl("last-here", bytes("1"), MINUTE);
    remote.setWithTtl("last-there", bytes("1"), MINUTE);

    await().atMost(Duration.ofSeconds(10)).until(() -> heardHere.contains("last-there"));
    assertThat(heardHere).containsExactly("last-there");
    await().atMost(Duration.ofSeconds(10)).until(() -> heardThere.contains("last-here"));
    assertThat(heardThere)
        .containsExactly("set", "all", "pia", "set", "gap", "gap", "pia", "pia", "all", "last-here");
  }

  @Test
  void clearTellsOtherClientsThatEveryKeyMayHaveChanged() {
    RedisBackend remote = backend(clientB, "users");
    List<String> heardHere = new CopyOnWriteArrayList<>();
    List<String> heardThere = new CopyOnWriteArrayList<>();
    cache.onInvalidation(recordingInto(heardHere));
    remote.onInvalidation(recordingInto(heardThere));

    cache.setWithTtl("k1", bytes("1"), MINUTE);
    cache.clear();
    cache.setWithTtl("last-here", bytes("1"), MINUTE);
    remote.setWithTtl("last-there", bytes("1"), MINUTE);

    await().atMost(Duration.ofSeconds(10)).until(() -> heardHere.contains("last-there"));
    assertThat(heardHere).containsExactly("last-there");
    await().atMost(Duration.ofSeconds(10)).until(() -> heardThere.contains("last-here"));
    assertThat(heardThere).containsExactly("k1", null, "last-here");
  }

  @Test
  void cachesShareOneChannelButHearOnlyOfTheirOwnKeys() {
    RedisBackend otherCache = backend(clientB, "orders");
    RedisBackend sameCache = backend(clientB, "users");
    List<String> heardByOther = new CopyOnWriteArrayList<>();
    List<String> heardBySame = new CopyOnWriteArrayList<>();
    otherCache.onInvalidation(recordingInto(heardByOther));
    sameCache.onInvalidation(recordingInto(heardBySame));

    cache.setWithTtl("k1", bytes("1"), MINUTE);
    cache.clear();
    otherCache.setWithTtl("marker", bytes("1"), MINUTE);
    cache.setWithTtl("last", bytes("1"), MINUTE);

    await().atMost(Duration.ofSeconds(10)).until(() -> heardBySame.contains("last"));
    assertThat(heardBySame).containsExactly("k1", null, "last");
    assertThat(heardByOther).isEmpty();
  }

  @Test
  void messagesNameTheSenderTheCountAndTheKey() {
    List<String> raw = new CopyOnWriteArrayList<>();
    RTopic topic = clientB.getTopic("mtj:#invalidations", StringCodec.INSTANCE);
    int listener = topic.addListener(String.class, (channel, message) -> raw.add(message));
    try {
      cache.setWithTtl("k:1 ☃", bytes("1"), MINUTE);
      cache.clear();

      await().atMost(Duration.ofSeconds(10)).until(() -> raw.size() == 2);
      assertThat(raw).containsExactly("K:" + cache.senderId() + ":users:1:k:1 ☃", "C:" + cache.senderId() + ":users:2");
    } finally {
      topic.removeListener(listener);
    }
  }

  @Test
  void healthCheckPings() {
    Health health = cache.healthCheck();

    assertThat(health.healthy()).isTrue();
    assertThat(health.tier()).isEqualTo("L2 redis").isEqualTo(cache.name());
    assertThat(health.detail()).contains("ms");
  }

  @Nested
  final class RoundTrips {

    private final RedisServer server = redis.server();

    @BeforeEach
    void warmUp() {
      cache.setWithTtl("warm", bytes("1"), MINUTE);
      cache.setAllWithTtl(Map.of("warm", bytes("1")), Map.of("warm", MINUTE));
      cache.getWithTtl("warm");
      cache.getAllWithTtl(List.of("warm"));
      cache.putIfAbsent("warm", bytes("1"), MINUTE);
      cache.replace("warm", bytes("1"), bytes("1"), MINUTE);
      cache.getAndPut("warm", bytes("1"), MINUTE, MINUTE);
      cache.setTtl("warm", MINUTE);
      cache.remove("warm", bytes("no"));
      cache.getAndRemove("warm");
      cache.remove("warm");
      for (int i = 0; i < 100; i += 2) {
        cache.setWithTtl("k" + i, bytes("v"), MINUTE);
      }
      server.resetStats();
    }

    @Test
    void getWithTtlIsOneScript() {
      cache.getWithTtl("k0");

      assertThat(server.commandStats()).isEqualTo(Map.of("evalsha", 1L, "get", 1L, "pttl", 1L));
    }

    @Test
    void getAllWithTtlOfAHundredKeysIsOneScript() {
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        keys.add("k" + i);
      }

      assertThat(cache.getAllWithTtl(keys)).hasSize(50);

      assertThat(server.commandStats()).isEqualTo(Map.of("evalsha", 1L, "mget", 1L, "pttl", 50L));
    }

    @Test
    void setWithTtlPublishesInsideItsScript() {
      cache.setWithTtl("k1", bytes("v"), MINUTE);

      assertThat(server.commandStats()).as("the value and the cache's expiry mark")
          .isEqualTo(numbered(Map.of("evalsha", 1L, "set", 2L, "publish", 1L)));
    }

    @Test
    void setAllWithTtlOfAHundredEntriesIsOneScript() {
      Map<String, byte[]> entries = new HashMap<>();
      Map<String, Duration> ttls = new HashMap<>();
      for (int i = 0; i < 100; i++) {
        entries.put("n" + i, bytes("v"));
        ttls.put("n" + i, MINUTE);
      }

      cache.setAllWithTtl(entries, ttls);

      assertThat(server.commandStats()).as("the values, the cache's expiry mark once, one notice")
          .isEqualTo(numbered(Map.of("evalsha", 1L, "set", 101L, "publish", 1L)));
    }

    @Test
    void bulkWritesSendOneNotice() {
      Map<String, byte[]> entries = new HashMap<>();
      for (int i = 0; i < 100; i++) {
        entries.put("n" + i, bytes("v"));
      }

      assertCommands(() -> cache.putAll(entries, Ttl.ETERNAL, Ttl.ETERNAL),
          Map.of("evalsha", 1L, "set", 100L, "publish", 1L));
      assertCommands(() -> cache.removeAll(entries.keySet()), Map.of("evalsha", 1L, "del", 1L, "publish", 1L));
      assertCommands(() -> cache.putAll(entries, MINUTE, Ttl.UNCHANGED),
          Map.of("evalsha", 1L, "set", 101L, "publish", 1L));
      assertCommands(() -> cache.putAll(entries, MINUTE, Ttl.UNCHANGED),
          Map.of("evalsha", 1L, "set", 201L, "publish", 1L));
    }

    @Test
    void everyOtherOperationIsOneCommand() {
      assertCommands(() -> cache.get("k0"), Map.of("get", 1L));
      assertCommands(() -> cache.getAll(List.of("k0", "k1", "k2")), Map.of("mget", 1L));
      // a write that gives an entry a time to live also sets the cache's expiry mark; what a script
      // only compares it reads with GETEX, which client-side tracking does not remember
      assertCommands(() -> cache.putIfAbsent("p", bytes("v"), MINUTE),
          Map.of("evalsha", 1L, "set", 2L, "publish", 1L));
      assertCommands(() -> cache.replace("k0", bytes("v"), bytes("w"), MINUTE),
          Map.of("evalsha", 1L, "getex", 1L, "set", 2L, "publish", 1L));
      assertCommands(() -> cache.remove("k2"), Map.of("evalsha", 1L, "del", 1L, "publish", 1L));
      assertCommands(() -> cache.remove("k4", bytes("v")),
          Map.of("evalsha", 1L, "getex", 1L, "del", 1L, "publish", 1L));
      assertCommands(() -> cache.getAndPut("k6", bytes("w"), MINUTE, Ttl.UNCHANGED),
          Map.of("evalsha", 1L, "get", 1L, "set", 1L, "publish", 1L));
      assertCommands(() -> cache.getAndRemove("k8"), Map.of("evalsha", 1L, "get", 1L, "del", 1L, "publish", 1L));
      assertCommands(() -> cache.setTtl("k10", Ttl.ETERNAL),
          Map.of("evalsha", 1L, "exists", 1L, "persist", 1L, "publish", 1L));
    }

    /** The client sent one command: {@code evalsha}, whose script made the others inside the server, or one plain command. */
    private void assertCommands(Runnable operation, Map<String, Long> expected) {
      server.resetStats();
      operation.run();
      assertThat(server.commandStats()).isEqualTo(numbered(expected));
    }

    /** Adds what numbering the notices costs: one {@code incr} of the cache's count per {@code publish}. */
    private Map<String, Long> numbered(Map<String, Long> commands) {
      Map<String, Long> numbered = new java.util.HashMap<>(commands);
      if (commands.containsKey("publish")) {
        numbered.put("incr", commands.get("publish"));
      }
      return numbered;
    }
  }

  @Nested
  final class Outages {

    private static final Duration TIMEOUT = Duration.ofMillis(500);
    private static final int RETRIES = 1;
    private static final Duration WORST_CASE = TIMEOUT.plusMillis(100).multipliedBy(RETRIES + 1).plusSeconds(2);

    private RedisServer server;
    private RedissonClient writerClient;
    private RedissonClient readerClient;

    @BeforeEach
    void startOwnServer() {
      server = RedisServer.start();
      writerClient = client(server.address(), TIMEOUT, RETRIES);
      readerClient = client(server.address(), TIMEOUT, RETRIES);
    }

    @AfterEach
    void stopOwnServer() {
      closeBackends();
      backends.clear();
      writerClient.shutdown(0, 5, TimeUnit.SECONDS);
      readerClient.shutdown(0, 5, TimeUnit.SECONDS);
      server.stop();
    }

    @Test
    void aRestartedServerMeansEveryKeyMayHaveChanged() {
      RedisBackend writer = backend(writerClient, "users");
      RedisBackend reader = backend(readerClient, "users");
      List<String> heard = new CopyOnWriteArrayList<>();
      reader.onInvalidation(recordingInto(heard));
      writer.setWithTtl("k1", bytes("v1"), MINUTE);
      await().atMost(Duration.ofSeconds(10)).until(() -> heard.equals(List.of("k1")));

      server.kill();

      assertFailsFast(() -> writer.setWithTtl("k2", bytes("v2"), MINUTE), "setWithTtl");
      assertFailsFast(() -> reader.getWithTtl("k1"), "getWithTtl");
      assertThat(reader.healthCheck().healthy()).isFalse();

      server.restart();

      await().atMost(Duration.ofSeconds(20)).until(() -> heard.contains(null));
      await().atMost(Duration.ofSeconds(20)).ignoreExceptionsInstanceOf(BackendException.class)
          .until(() -> reader.getWithTtl("k1") == null);
      writer.setWithTtl("k3", bytes("v3"), MINUTE);
      await().atMost(Duration.ofSeconds(10)).until(() -> heard.contains("k3"));
      assertThat(reader.get("k3")).containsExactly(bytes("v3"));
      assertThat(reader.healthCheck().healthy()).isTrue();
    }

    @Test
    void aFrozenServerTimesOperationsOut() {
      RedisBackend writer = backend(writerClient, "users");
      writer.setWithTtl("k1", bytes("v1"), MINUTE);

      server.pause();
      try {
        assertFailsFast(() -> writer.getWithTtl("k1"), "getWithTtl");
        assertFailsFast(() -> writer.setWithTtl("k1", bytes("v2"), MINUTE), "setWithTtl");
      } finally {
        server.resume();
      }

      await().atMost(Duration.ofSeconds(20)).ignoreExceptionsInstanceOf(BackendException.class)
          .until(() -> writer.getWithTtl("k1") != null);
    }

    private void assertFailsFast(Runnable operation, String name) {
      long start = System.nanoTime();
      assertThatThrownBy(operation::run)
          .isInstanceOf(BackendException.class)
          .hasMessageContaining("L2 redis")
          .hasMessageContaining(name);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(WORST_CASE);
    }
  }

  private RedisBackend backend(RedissonClient client, String cacheName) {
    RedisBackend backend = BackendFactory.standalone(client, RedisBackend.DEFAULT_PREFIX).backend(cacheName, 0);
    backends.add(backend);
    return backend;
  }

  private static RedissonClient client(String address, Duration timeout, int retries) {
    Config config = new Config();
    config.setThreads(4).setNettyThreads(4);
    config.useSingleServer()
        .setAddress(address)
        .setTimeout((int) timeout.toMillis())
        .setConnectTimeout((int) timeout.toMillis())
        .setRetryAttempts(retries)
        .setRetryDelay(new ConstantDelay(Duration.ofMillis(100)))
        .setReconnectionDelay(new ConstantDelay(Duration.ofMillis(100)))
        .setPingConnectionInterval(0)
        .setConnectionMinimumIdleSize(2)
        .setConnectionPoolSize(4)
        .setSubscriptionConnectionMinimumIdleSize(1)
        .setSubscriptionConnectionPoolSize(4);
    return Redisson.create(config);
  }

  private static Set<String> keys(RedisBackend backend) {
    Set<String> keys = new HashSet<>();
    backend.keys().forEachRemaining(keys::add);
    return keys;
  }

  private static long pttl(String cacheName, String key) {
    return (Long) redis.server().call("PTTL", "mtj:{" + KeyNamespace.encodeName(cacheName) + "}:" + key);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(UTF_8);
  }

  /** Returns a listener that records each invalidated key, and {@code null} for "every key". */
  private static InvalidationListener<String> recordingInto(List<String> heard) {
    return InvalidationListener.of(heard::add, () -> heard.add(null));
  }
}
