package io.multitier.bench;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * Reads that must go to Redis: our tiered cache with an L1 of one entry (so 10,000 keys read in a
 * uniform order always miss L1, hit L2, and are promoted), against Redisson's JCache and the raw
 * Redisson ceiling ({@code RBucket.get}, {@code RBuckets.get} = MGET).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class L2Hit {
  static final int KEYS = 10_000;

  @Param({"mtj-tiered", "redisson-jcache", "raw-redisson"})
  public String impl;

  @Param({"value"})
  public String storeBy;

  Contender cache;
  String[] keys;
  Set<String>[] sets;

  @Setup(Level.Trial)
  public void setup() {
    keys = Data.keys(KEYS);
    sets = Data.keySets(keys, 64, 100, 7);
    cache = Contenders.create(impl, storeBy.equals("value"), 1, false);
    cache.fill(Data.entries(keys));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    cache.close();
  }

  @State(Scope.Thread)
  public static class Cursor {
    int[] sequence;
    int next;
    int nextSet;

    @Setup
    public void setup(ThreadParams thread) {
      sequence = Data.uniform(1 << 16, KEYS, 23 + thread.getThreadIndex());
    }
  }

  @Benchmark
  public byte[] get(Cursor cursor) {
    return cache.get(keys[cursor.sequence[cursor.next++ & (cursor.sequence.length - 1)]]);
  }

  @Benchmark
  public Map<String, byte[]> getAll100(Cursor cursor) {
    return cache.getAll(sets[cursor.nextSet++ & 63]);
  }
}
