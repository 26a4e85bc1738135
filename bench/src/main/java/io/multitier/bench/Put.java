package io.multitier.bench;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;
import org.openjdk.jmh.infra.ThreadParams;

/** put: overwrites of 1,024 keys in a uniform random order, each key with its own 100-byte value. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class Put {
  static final int KEYS = 1024;

  @Param({"mtj-l1", "mtj-tiered", "caffeine-jcache", "ehcache3", "redisson-jcache", "raw-caffeine", "raw-redisson"})
  public String impl;

  @Param({"value", "reference"})
  public String storeBy;

  Contender cache;
  String[] keys;
  byte[][] values;

  @Setup(Level.Trial)
  public void setup() {
    keys = Data.keys(KEYS);
    values = new byte[KEYS][];
    for (int i = 0; i < KEYS; i++) {
      values[i] = Data.value(i);
    }
    cache = Contenders.create(impl, storeBy.equals("value"), 10_000, false);
    cache.fill(Data.entries(keys));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    cache.close();
  }

  @Benchmark
  public void put(GetHit.Cursor cursor) {
    int k = cursor.next();
    cache.put(keys[k], values[k]);
  }
}
