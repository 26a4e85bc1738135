package io.multitier.jcache.coherence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.multitier.jcache.TieredCache;
import io.multitier.jcache.tier.TierStatistics;
import io.multitier.jcache.testing.ManagerFiles;
import io.multitier.jcache.testing.RedisServer;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The staleness bound in one JVM: Redis paused ({@code SIGSTOP}) longer than
 * {@code reconcileInterval} (1 s here) + 1 s while a {@code FAIL_FAST} and a {@code SERVE_LOCAL}
 * cache hold copies. Past the bound the {@code FAIL_FAST} copy is no longer served (the read goes
 * to Redis and fails) and the {@code SERVE_LOCAL} one is, counted in {@code l1.unvouched}; once
 * Redis answers again the copies are dropped and kept again, and hits no longer count.
 */
final class StalenessBoundTest {

  private static final Duration BOUND = Duration.ofSeconds(2);
  private static final Duration SLACK = Duration.ofSeconds(1);
  private static final String CACHES = "caches:\n"
      + "  strict:\n"
      + "    keyType: java.lang.String\n"
      + "    valueType: java.lang.String\n"
      + "  lenient:\n"
      + "    keyType: java.lang.String\n"
      + "    valueType: java.lang.String\n"
      + "    degradation: SERVE_LOCAL\n";

  private RedisServer server;
  private ManagerFiles managers;
  private Cache<String, String> strict;
  private Cache<String, String> lenient;

  @BeforeEach
  void start() {
    server = RedisServer.start();
    managers = new ManagerFiles();
    CacheManager manager = managers.open(ManagerFiles.sharedClient(server, "bound:") + "  reconcileInterval: 1s\n" + CACHES);
    strict = manager.getCache("strict", String.class, String.class);
    lenient = manager.getCache("lenient", String.class, String.class);
  }

  @AfterEach
  void stop() {
    try {
      server.resume();
      managers.close();
    } finally {
      server.close();
    }
  }

  @Test
  void pastTheBoundFailFastCopiesAreNotServedAndServeLocalOnesAreCounted() {
    strict.put("k", "v");
    lenient.put("k", "v");
    TierStatistics strictTiers = tiers(strict);
    TierStatistics lenientTiers = tiers(lenient);
    assertThat(strict.get("k")).isEqualTo("v");
    assertThat(lenient.get("k")).isEqualTo("v");
    assertThat(lenientTiers.unvouchedHits()).isZero();
    long strictFlushes = strictTiers.l1Flushes();
    long lenientFlushes = lenientTiers.l1Flushes();

    server.pause();
    try {
      LockSupport.parkNanos(BOUND.plus(SLACK).toNanos());
      assertThatThrownBy(() -> strict.get("k")).as("the FAIL_FAST copy is dropped: the read goes to Redis")
          .isInstanceOf(CacheException.class);
      assertThat(strictTiers.l1Flushes()).isGreaterThan(strictFlushes);
      assertThat(lenient.get("k")).as("the SERVE_LOCAL copy is served").isEqualTo("v");
      assertThat(lenientTiers.unvouchedHits()).as("and counted").isPositive();
      assertThat(strictTiers.unvouchedHits()).isZero();
    } finally {
      server.resume();
    }

    // Redis answers again: every copy dropped, then kept again and vouched for
    await().atMost(Duration.ofSeconds(10)).until(() -> lenientTiers.l1Flushes() > lenientFlushes);
    await().atMost(Duration.ofSeconds(10)).ignoreExceptionsInstanceOf(CacheException.class)
        .until(() -> "v".equals(strict.get("k")) && isL1Hit(strict, strictTiers));
    assertThat(lenient.get("k")).isEqualTo("v");
    assertThat(isL1Hit(lenient, lenientTiers)).as("kept again").isTrue();
    long unvouched = lenientTiers.unvouchedHits();
    assertThat(lenient.get("k")).isEqualTo("v");
    assertThat(lenientTiers.unvouchedHits()).as("vouched for again").isEqualTo(unvouched);
  }

  private static boolean isL1Hit(Cache<String, String> cache, TierStatistics tiers) {
    long hits = tiers.l1Hits();
    cache.get("k");
    return tiers.l1Hits() == hits + 1;
  }

  private static TierStatistics tiers(Cache<?, ?> cache) {
    return cache.unwrap(TieredCache.class).tierStatistics();
  }
}
