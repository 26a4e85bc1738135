package io.multitier.jcache.tier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.github.benmanes.caffeine.cache.Ticker;
import io.multitier.jcache.backend.caffeine.CaffeineBackend;
import io.multitier.jcache.backend.redis.RedisConnection;
import io.multitier.jcache.configuration.DegradationPolicy;
import io.multitier.jcache.configuration.RedisSettings;
import io.multitier.jcache.copy.JavaSerializer;
import io.multitier.jcache.spi.L2CacheBackend;
import io.multitier.jcache.testing.RedisServerExtension;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link SharedTierGuard} against a real redis-server: a subscription under way holds no other caller up. */
final class SharedTierGuardTest {

  @RegisterExtension
  static final RedisServerExtension redis = new RedisServerExtension();

  @Test
  void aSubscriptionWaitingForRedisHoldsUpNoOtherCall() throws Exception {
    RedisConnection connection = RedisConnection.open(new RedisSettings(redis.server().address(), null, null, null, null,
        null, null, null), "guard", URI.create("test:guard"), "test:guard", getClass().getClassLoader());
    L2CacheBackend<String, byte[]> real = connection.backend("guard", 0);
    CountDownLatch subscribing = new CountDownLatch(1);
    CountDownLatch answer = new CountDownLatch(1);
    AtomicInteger subscriptions = new AtomicInteger();
    AtomicInteger listenerRegistrations = new AtomicInteger();
    L2CacheBackend<String, byte[]> l2 = slowToSubscribe(real, subscribing, answer, subscriptions, listenerRegistrations);
    TierStatistics statistics = new TierStatistics();
    NearTier<String, String> near = new NearTier<>(new CaffeineBackend<>("L1", 100, Ticker.systemTicker(),
        Runnable::run, (key, copy) -> {}, (key, copy) -> {}, false), Ticker.systemTicker(), Duration.ofMinutes(1),
        statistics);
    LimitedCodec<String, String> codec = new LimitedCodec<>(new SerializingCodec<>(JavaSerializer.allowing(List.of()),
        getClass().getClassLoader()), 1024, 1 << 20, statistics, l2.name());
    SharedTierGuard<String, String> guard = new SharedTierGuard<>(l2, near, new SharedNotices<>(near, codec, statistics),
        DegradationPolicy.FAIL_FAST, statistics);
    try {
      CompletableFuture<Void> starting = CompletableFuture.runAsync(guard::start);
      assertThat(subscribing.await(10, TimeUnit.SECONDS)).isTrue();

      // the subscriber waits for Redis: the others neither wait for it nor subscribe a second time
      assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
        guard.onSharedEvents(event -> {});
        assertThat(guard.call(() -> l2.getWithTtl("s:absent"), "get")).isNull();
      });
      assertThat(subscriptions).hasValue(1);
      assertThat(listenerRegistrations).hasValue(0);

      answer.countDown();
      starting.get(10, TimeUnit.SECONDS);
      assertThat(subscriptions).hasValue(1);
      assertThat(listenerRegistrations).as("the listener set meanwhile, registered once subscribed").hasValue(1);
    } finally {
      answer.countDown();
      near.close();
      real.close();
      connection.close();
    }
  }

  /** Returns the backend with an {@code onInvalidation} that waits for {@code answer} before it subscribes. */
  @SuppressWarnings("unchecked")
  private static L2CacheBackend<String, byte[]> slowToSubscribe(L2CacheBackend<String, byte[]> real,
      CountDownLatch subscribing, CountDownLatch answer, AtomicInteger subscriptions, AtomicInteger listenerRegistrations) {
    return (L2CacheBackend<String, byte[]>) Proxy.newProxyInstance(SharedTierGuardTest.class.getClassLoader(),
        new Class<?>[] {L2CacheBackend.class}, (proxy, method, args) -> {
          if (method.getName().equals("onInvalidation")) {
            subscriptions.incrementAndGet();
            subscribing.countDown();
            answer.await(10, TimeUnit.SECONDS);
          } else if (method.getName().equals("onSharedEvents")) {
            listenerRegistrations.incrementAndGet();
          }
          try {
            return method.invoke(real, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }
}
