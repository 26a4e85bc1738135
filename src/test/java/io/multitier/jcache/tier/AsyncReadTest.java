package io.multitier.jcache.tier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.multitier.jcache.backend.caffeine.CaffeineBackend;
import io.multitier.jcache.backend.redis.RedisConnection;
import io.multitier.jcache.configuration.DegradationPolicy;
import io.multitier.jcache.configuration.MultiTierConfiguration;
import io.multitier.jcache.configuration.RedisSettings;
import io.multitier.jcache.copy.Codec;
import io.multitier.jcache.spi.NearCacheBackend;
import io.multitier.jcache.spi.Ttl;
import io.multitier.jcache.testing.FakeTicker;
import io.multitier.jcache.testing.RedisServer;
import io.multitier.jcache.testing.RedisServerExtension;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import javax.cache.CacheException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The engine's asynchronous reads against a real redis-server: an L1 hit is answered before
 * {@code getAsync} returns, a miss holds no thread while Redis answers (a paused Redis shows it),
 * and what Redis answers is promoted, counted and degraded exactly as a synchronous read's answer.
 * Each test has a writer store and a reader store (two JVMs' engines) on one client.
 */
final class AsyncReadTest {

  private static final String PREFIX = "async:";

  @RegisterExtension
  static final RedisServerExtension redis = new RedisServerExtension();

  private final RedisServer server = redis.server();
  private final List<AutoCloseable> opened = new ArrayList<>();

  @BeforeEach
  void flush() {
    server.call("FLUSHALL");
  }

  @AfterEach
  void close() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
  }

  @Test
  void anL1HitIsCompleteWhenGetAsyncReturns() throws Exception {
    Store<String, String> writer = store("hit", new FakeTicker(), DegradationPolicy.FAIL_FAST);
    Store<String, String> reader = store("hit", new FakeTicker(), DegradationPolicy.FAIL_FAST);
    put(writer, reader, "k", "v", Ttl.ETERNAL);
    assertThat(reader.getAsync("k").toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo("v");
    server.resetStats();

    CompletableFuture<String> hit = reader.getAsync("k").toCompletableFuture();
    CompletableFuture<Map<String, String>> hits = reader.getAllAsync(Set.of("k")).toCompletableFuture();

    assertThat(hit).as("answered by L1 before getAsync returned").isCompletedWithValue("v");
    assertThat(hits).isCompletedWithValue(Map.of("k", "v"));
    assertThat(reader.statistics().l1Hits()).isEqualTo(2);
    assertThat(server.commandStats()).as("an L1 hit reaches no server").isEmpty();
  }

  @Test
  void anL1OnlyStoreAnswersInACompletedStage() {
    Store<String, String> local = Stores.local(nearTiers(new FakeTicker()), 100, false, null, new Removals<>() {
      @Override
      public void expired(String key, String value) {}

      @Override
      public void evicted(String key, String value) {}
    });
    opened.add(local);
    local.put("k", "v", new Fixed(Ttl.ETERNAL), false, WriteThrough.none(), Committed.ignored());

    assertThat(local.getAsync("k").toCompletableFuture()).isCompletedWithValue("v");
    assertThat(local.getAsync("absent").toCompletableFuture()).isCompletedWithValue(null);
    assertThat(local.getAllAsync(Set.of("k", "absent")).toCompletableFuture()).isCompletedWithValue(Map.of("k", "v"));
  }

  @Test
  void aMissWhileRedisIsPausedReturnsAtOnceAndCompletesWhenItAnswers() throws Exception {
    Store<String, String> writer = store("paused", new FakeTicker(), DegradationPolicy.FAIL_FAST);
    Store<String, String> reader = store("paused", new FakeTicker(), DegradationPolicy.FAIL_FAST);
    put(writer, reader, "k", "v", Ttl.ETERNAL);
    put(writer, reader, "k2", "v2", Ttl.ETERNAL);

    CompletableFuture<String> read;
    CompletableFuture<Map<String, String>> readAll;
    server.pause();
    try {
      long start = System.nanoTime();
      read = reader.getAsync("k").toCompletableFuture();
      readAll = reader.getAllAsync(Set.of("k2", "absent")).toCompletableFuture();
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

      assertThat(tookMillis).as("the calling thread did not wait for the paused Redis").isLessThan(50);
      Thread.sleep(200);
      assertThat(read).as("Redis has not answered").isNotDone();
      assertThat(readAll).isNotDone();
    } finally {
      server.resume();
    }

    assertThat(read.get(5, TimeUnit.SECONDS)).isEqualTo("v");
    assertThat(readAll.get(5, TimeUnit.SECONDS)).isEqualTo(Map.of("k2", "v2"));
    TierStatistics tiers = reader.statistics();
    assertThat(tiers.l2Hits()).isEqualTo(2);
    assertThat(tiers.promotions()).isEqualTo(2);
    assertThat(tiers.misses()).isEqualTo(1);
    assertThat(reader.getAsync("k").toCompletableFuture()).as("promoted when Redis answered").isCompletedWithValue("v");
  }

  @Test
  void aReadRedisFailsToAnswerFailsTheStageUnderFailFast() throws Exception {
    Store<String, String> reader = store("failfast", new FakeTicker(), DegradationPolicy.FAIL_FAST);
    CompletableFuture<String> read;
    server.pause();
    try {
      read = reader.getAsync("k").toCompletableFuture();
      assertThatThrownBy(() -> read.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
          .cause().isInstanceOf(CacheException.class).hasMessageContaining("failed during get");
    } finally {
      server.resume();
    }
    assertThat(reader.statistics().l2Errors()).isEqualTo(1);
    assertThat(reader.statistics().degradedReads()).as("a failure, not a degraded read").isZero();
  }

  @Test
  void aReadRedisFailsToAnswerIsAMissUnderServeLocal() throws Exception {
    Store<String, String> reader = store("servelocal", new FakeTicker(), DegradationPolicy.SERVE_LOCAL);
    CompletableFuture<String> read;
    server.pause();
    try {
      read = reader.getAsync("k").toCompletableFuture();
      assertThat(read.get(10, TimeUnit.SECONDS)).isNull();
    } finally {
      server.resume();
    }
    assertThat(reader.statistics().l2Errors()).isEqualTo(1);
    assertThat(reader.statistics().degradedReads()).isEqualTo(1);
  }

  /** As PromotionTtlTest: the promoted copy lives what remained in Redis when the read was sent, in one round trip. */
  @Test
  void theAsynchronousReadPromotesAsTheSynchronousOneInOneRoundTrip() throws Exception {
    FakeTicker ticker = new FakeTicker();
    Store<String, String> writer = store("promo", new FakeTicker(), DegradationPolicy.FAIL_FAST);
    Store<String, String> reader = store("promo", ticker, DegradationPolicy.FAIL_FAST);
    writer.get("absent");
    put(writer, reader, "k", "v", Duration.ofSeconds(3));
    server.resetStats();

    assertThat(reader.getAsync("k").toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo("v");
    assertThat(server.commandStats()).as("one round trip").isEqualTo(Map.of("evalsha", 1L, "get", 1L, "pttl", 1L));
    long after = (Long) server.call("PTTL", PREFIX + "{promo}:s:k");
    TierStatistics tiers = reader.statistics();
    assertThat(tiers.l2Hits()).isEqualTo(1);
    assertThat(tiers.promotions()).isEqualTo(1);

    ticker.advance(Duration.ofMillis(after - 5));
    assertThat(reader.getAsync("k").toCompletableFuture()).as("still the L1 copy").isCompletedWithValue("v");
    assertThat(tiers.l1Hits()).isEqualTo(1);

    ticker.advance(Duration.ofMillis(3_001 - (after - 5)));
    assertThat(reader.getAsync("k").toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo("v");
    assertThat(tiers.l1Hits()).as("the copy expired with what remained in Redis").isEqualTo(1);
    assertThat(tiers.l2Hits()).isEqualTo(2);
  }

  private Store<String, String> store(String cache, FakeTicker ticker, DegradationPolicy degradation) {
    RedisConnection connection = RedisConnection.open(new RedisSettings(server.address(), null, PREFIX, null, null,
        null, null, "1h", "publish"), cache, URI.create("test:async"), "test:async", getClass().getClassLoader());
    opened.add(connection);
    MultiTierConfiguration<String, String> config = new MultiTierConfiguration<String, String>()
        .setTicker(ticker).setDegradation(degradation);
    config.setTypes(String.class, String.class);
    Store<String, String> store = Stores.tiered(cache, config, Codec.JAVA, connection.backend(cache, 0), nearTiers(ticker),
        getClass().getClassLoader(), () -> Ttl.UNCHANGED, false);
    opened.add(store);
    return store;
  }

  private static NearTiers nearTiers(FakeTicker ticker) {
    return new NearTiers() {
      @Override
      public <K, T> NearCacheBackend<K, T> build(long maximumSize, BiConsumer<K, T> onExpired,
          BiConsumer<K, T> onEvicted, boolean expiring) {
        return new CaffeineBackend<>("L1", maximumSize, ticker, Runnable::run, onExpired, onEvicted, expiring);
      }
    };
  }

  private static void put(Store<String, String> store, String key, String value, Duration ttl) {
    store.put(key, value, new Fixed(ttl), false, WriteThrough.none(), Committed.ignored());
  }

  /** Puts in the writer and waits until the reader heard of it, so that the notice drops no copy the reader makes later. */
  private static void put(Store<String, String> writer, Store<String, String> reader, String key, String value,
      Duration ttl) {
    long heard = reader.statistics().invalidationsReceived();
    put(writer, key, value, ttl);
    await().atMost(Duration.ofSeconds(5)).until(() -> reader.statistics().invalidationsReceived() > heard);
  }

  /** A fixed time to live for new and replaced entries. */
  private record Fixed(Duration ttl) implements PutTtls {
    @Override
    public Duration ifAbsent() {
      return ttl;
    }

    @Override
    public Duration ifPresent() {
      return ttl;
    }

    @Override
    public boolean fixed() {
      return true;
    }
  }
}
