package io.multitier.bench;

import io.multitier.jcache.TieredCache;
import io.multitier.jcache.tier.TierStatistics;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * Zipfian (exponent 0.99) reads and writes over 100,000 keys, 90% get and 10% put, against a cache
 * bounded to 10,000 entries (10%); a get that misses puts the value back (cache-aside). All 100,000
 * entries are stored first, so the remote contenders hold them all and the in-process ones keep what
 * their eviction policy keeps. The hits and misses of the gets are reported as secondary counters,
 * and for our tiered cache the gets L1 answered ({@code l1Hits}) and those it did not
 * ({@code l1Misses}), from its tier statistics over each iteration (counted by thread 0 for all):
 * the L1 hit ratio the Zipfian bound of {@link Report} is computed from.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ZipfMix {
  static final int KEYS = 100_000;
  /** The share of operations that are puts (whatever the key). */
  static final double WRITE_SHARE = 0.10;

  @Param({"mtj-l1", "mtj-tiered", "caffeine-jcache", "ehcache3", "redisson-jcache", "raw-caffeine"})
  public String impl;

  @Param({"value", "reference"})
  public String storeBy;

  Contender cache;
  String[] keys;
  byte[][] values;
  TierStatistics tiers;

  @Setup(Level.Trial)
  public void setup() {
    keys = Data.keys(KEYS);
    values = new byte[KEYS][];
    for (int i = 0; i < KEYS; i++) {
      values[i] = Data.value(i);
    }
    cache = Contenders.create(impl, storeBy.equals("value"), KEYS / 10, false);
    cache.fill(Data.entries(keys));
    if (impl.equals("mtj-tiered")) {
      tiers = ((Contenders.JCacheContender) cache).cache().unwrap(TieredCache.class).tierStatistics();
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    cache.close();
  }

  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class Cursor {
    int[] sequence;
    int next;
    public long hits;
    public long misses;
    public long l1Hits;
    public long l1Misses;
    boolean counts;
    long l1HitsBefore;
    long l1MissesBefore;

    @Setup
    public void setup(ThreadParams thread) {
      sequence = Data.zipfian(1 << 20, KEYS, WRITE_SHARE, 31 + thread.getThreadIndex());
      counts = thread.getThreadIndex() == 0;
    }

    @Setup(Level.Iteration)
    public void reset(ZipfMix bench) {
      hits = 0;
      misses = 0;
      l1Hits = 0;
      l1Misses = 0;
      if (counts && bench.tiers != null) {
        l1HitsBefore = bench.tiers.l1Hits();
        l1MissesBefore = l1Missed(bench.tiers);
      }
    }

    @TearDown(Level.Iteration)
    public void count(ZipfMix bench) {
      if (counts && bench.tiers != null) {
        l1Hits = bench.tiers.l1Hits() - l1HitsBefore;
        l1Misses = l1Missed(bench.tiers) - l1MissesBefore;
      }
    }

    private static long l1Missed(TierStatistics tiers) {
      return tiers.l2Hits() + tiers.lowerHits() + tiers.misses() + tiers.degradedReads();
    }

    int next() {
      return sequence[next++ & (sequence.length - 1)];
    }
  }

  @Benchmark
  public byte[] readWrite(Cursor cursor) {
    int op = cursor.next();
    int k = op & Integer.MAX_VALUE;
    if (op < 0) {
      cache.put(keys[k], values[k]);
      return null;
    }
    byte[] value = cache.get(keys[k]);
    if (value == null) {
      cursor.misses++;
      cache.put(keys[k], values[k]);
    } else {
      cursor.hits++;
    }
    return value;
  }
}
