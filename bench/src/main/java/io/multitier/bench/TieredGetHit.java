package io.multitier.bench;

import io.multitier.jcache.AsyncCache;
import io.multitier.jcache.TieredCache;
import io.multitier.jcache.tier.TierStatistics;
import java.util.concurrent.TimeUnit;
import javax.cache.configuration.Factory;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.expiry.EternalExpiryPolicy;
import javax.cache.expiry.ExpiryPolicy;
import org.openjdk.jmh.annotations.*;

/**
 * L1-hit get of our tiered cache against our L1-only cache (issue 10, item 3): the keys, values and
 * access sequences of {@link GetHit}, under an expiry policy.
 *
 * <ul>
 *   <li>{@code eternal}: {@link EternalExpiryPolicy}.
 *   <li>{@code created}: {@link CreatedExpiryPolicy} of 1 hour, so that the tiered cache's L1 copy is a
 *       promoted entry with a finite remaining time to live.
 *   <li>{@code accessed}: {@link AccessedExpiryPolicy} of 1 hour (every read sets a new expiry).
 * </ul>
 *
 * <p>The tiered cache is filled through a second CacheManager sharing its Redis keys (another node,
 * as far as the measured cache can tell), then every key is read once, so that each is an L2 hit
 * promoted into L1 with what it still lives in Redis (capped by {@code l1MaxTtl}). The L1-only cache
 * is filled through itself and read once. Setup and teardown check, with
 * {@code unwrap(TieredCache.class).tierStatistics()}, that every read after the first one per key is
 * an L1 hit: a trial whose reads reached Redis fails.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class TieredGetHit {
  static final int KEYS = GetHit.KEYS;

  @Param({"mtj-l1", "mtj-tiered"})
  public String impl;

  @Param({"value", "reference"})
  public String storeBy;

  @Param({"eternal", "created", "accessed"})
  public String expiry;

  Contender cache;
  AsyncCache<String, byte[]> async;
  String[] keys;
  TierStatistics tiers;
  long l1HitsBefore;
  long elsewhereBefore;

  static Factory<? extends ExpiryPolicy> policy(String expiry) {
    switch (expiry) {
      case "eternal": return EternalExpiryPolicy.factoryOf();
      case "created": return CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.HOURS, 1));
      case "accessed": return AccessedExpiryPolicy.factoryOf(new Duration(TimeUnit.HOURS, 1));
      default: throw new IllegalArgumentException("unknown expiry " + expiry + " (eternal, created, accessed)");
    }
  }

  @Setup(Level.Trial)
  public void setup() {
    keys = Data.keys(KEYS);
    boolean byValue = storeBy.equals("value");
    String name = "bench-" + impl + "-" + expiry + "-" + System.nanoTime();
    Contenders.JCacheContender measured;
    switch (impl) {
      case "mtj-l1":
        measured = Contenders.mtj(name, false, byValue, 10_000, false, policy(expiry), null);
        measured.fill(Data.entries(keys));
        break;
      case "mtj-tiered": {
        if (!byValue) {
          throw new IllegalArgumentException("mtj-tiered is store-by-value (store-by-reference caches are L1-only)");
        }
        Redis.call("FLUSHALL");
        String prefix = "bench-" + System.nanoTime() + ":";
        measured = Contenders.mtj(name, true, true, 10_000, false, policy(expiry), prefix);
        try (Contender otherNode = Contenders.mtj(name, true, true, 10_000, false, policy(expiry), prefix)) {
          otherNode.fill(Data.entries(keys));
        }
        break;
      }
      default:
        throw new IllegalArgumentException("TieredGetHit compares mtj-l1 and mtj-tiered, not " + impl);
    }
    cache = measured;
    @SuppressWarnings("unchecked")
    AsyncCache<String, byte[]> asyncView = measured.cache().unwrap(AsyncCache.class);
    async = asyncView;
    tiers = measured.cache().unwrap(TieredCache.class).tierStatistics();
    if (impl.equals("mtj-tiered")) {
      awaitNotices(tiers);
    }
    // the first read of each key: an L2 hit promoted into L1 (tiered), an L1 hit (L1-only)
    for (String key : keys) {
      if (cache.get(key) == null) {
        throw new IllegalStateException(impl + " lost " + key);
      }
    }
    if (impl.equals("mtj-tiered") && (tiers.promotions() != KEYS || tiers.l2Hits() != KEYS)) {
      throw new IllegalStateException("expected " + KEYS + " promotions from Redis, got " + tiers);
    }
    // the second read of each key: an L1 hit for both (an L1-only cache counts its hits only once
    // statistics are on, which this benchmark leaves off: its hits are checked by their values)
    long hits = tiers.l1Hits();
    for (String key : keys) {
      if (cache.get(key) == null) {
        throw new IllegalStateException(impl + " lost " + key + " on its second read");
      }
    }
    if (impl.equals("mtj-tiered") && tiers.l1Hits() - hits != KEYS) {
      throw new IllegalStateException("expected " + KEYS + " L1 hits, got " + (tiers.l1Hits() - hits) + ": " + tiers);
    }
    l1HitsBefore = tiers.l1Hits();
    elsewhereBefore = elsewhere(tiers);
  }

  /**
   * Waits until the other node's notices of its fill have all arrived: a promotion that a notice
   * of the same key overtakes is dropped, and the set-up check below would count it missing.
   */
  private static void awaitNotices(TierStatistics tiers) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (tiers.invalidationsReceived() < KEYS && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
  }

  /** Reads that L1 did not answer. */
  private static long elsewhere(TierStatistics tiers) {
    return tiers.l2Hits() + tiers.lowerHits() + tiers.misses() + tiers.degradedReads();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    try {
      long missed = elsewhere(tiers) - elsewhereBefore;
      if (missed != 0) {
        throw new IllegalStateException(missed + " measured reads were not L1 hits (" + (tiers.l1Hits() - l1HitsBefore)
            + " were): " + tiers);
      }
    } finally {
      cache.close();
    }
  }

  @Benchmark
  public byte[] get(GetHit.Cursor cursor) {
    return cache.get(keys[cursor.next()]);
  }

  /** The same hit through {@code AsyncCache} (issue 18): a stage complete on return, its value taken at once. */
  @Benchmark
  public byte[] getAsync(GetHit.Cursor cursor) {
    return async.getAsync(keys[cursor.next()]).toCompletableFuture().getNow(null);
  }
}
