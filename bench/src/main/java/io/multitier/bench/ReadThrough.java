package io.multitier.bench;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * Read-through: Zipfian (0.99) gets over 100,000 keys with a CacheLoader (a fresh 100-byte value, no
 * I/O), a size bound of 10,000, starting empty. In-process contenders load what they evicted; the
 * remote ones keep every loaded key in Redis, so after warm-up they mostly read from Redis.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ReadThrough {
  static final int KEYS = 100_000;

  @Param({"mtj-l1", "mtj-tiered", "caffeine-jcache", "ehcache3", "redisson-jcache", "raw-caffeine"})
  public String impl;

  @Param({"value", "reference"})
  public String storeBy;

  Contender cache;
  String[] keys;

  @Setup(Level.Trial)
  public void setup() {
    keys = Data.keys(KEYS);
    cache = Contenders.create(impl, storeBy.equals("value"), KEYS / 10, true);
    if (cache.get(keys[12345]) == null) {
      throw new IllegalStateException(impl + " did not load");
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
      sequence = Data.zipfian(1 << 20, KEYS, 0.0, 41 + thread.getThreadIndex());
    }
  }

  @Benchmark
  public byte[] get(Cursor cursor) {
    return cache.get(keys[cursor.sequence[cursor.next++ & (cursor.sequence.length - 1)]]);
  }
}
