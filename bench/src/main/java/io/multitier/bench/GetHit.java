package io.multitier.bench;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;
import org.openjdk.jmh.infra.ThreadParams;

/** L1-hit get: 1,024 keys, all present (they fit every size bound), read in a uniform random order. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class GetHit {
  static final int KEYS = 1024;

  @Param({"mtj-l1", "mtj-tiered", "caffeine-jcache", "ehcache3", "redisson-jcache", "raw-caffeine", "raw-redisson"})
  public String impl;

  @Param({"value", "reference"})
  public String storeBy;

  Contender cache;
  String[] keys;

  @Setup(Level.Trial)
  public void setup() {
    keys = Data.keys(KEYS);
    cache = Contenders.create(impl, storeBy.equals("value"), 10_000, false);
    cache.fill(Data.entries(keys));
    for (String key : keys) {
      if (cache.get(key) == null) {
        throw new IllegalStateException(impl + " lost " + key);
      }
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    cache.close();
  }

  @State(Scope.Thread)
  public static class Cursor {
    int[] sequence;
    int next;

    @Setup
    public void setup(ThreadParams thread) {
      sequence = Data.uniform(1 << 16, KEYS, 17 + thread.getThreadIndex());
    }

    int next() {
      return sequence[next++ & (sequence.length - 1)];
    }
  }

  @Benchmark
  public byte[] get(Cursor cursor) {
    return cache.get(keys[cursor.next()]);
  }
}
