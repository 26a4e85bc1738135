package io.multitier.bench;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;
import org.openjdk.jmh.infra.ThreadParams;

/** getAll of 100 keys, all present, drawn from 1,024 keys (64 prepared key sets). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class GetAll {
  static final int KEYS = 1024;

  @Param({"mtj-l1", "mtj-tiered", "caffeine-jcache", "ehcache3", "redisson-jcache", "raw-caffeine", "raw-redisson"})
  public String impl;

  @Param({"value", "reference"})
  public String storeBy;

  Contender cache;
  Set<String>[] sets;

  @Setup(Level.Trial)
  public void setup() {
    String[] keys = Data.keys(KEYS);
    sets = Data.keySets(keys, 64, 100, 5);
    cache = Contenders.create(impl, storeBy.equals("value"), 10_000, false);
    cache.fill(Data.entries(keys));
    if (cache.getAll(sets[0]).size() != 100) {
      throw new IllegalStateException(impl + " getAll missed keys");
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    cache.close();
  }

  @State(Scope.Thread)
  public static class Cursor {
    int next;
  }

  @Benchmark
  public Map<String, byte[]> getAll100(Cursor cursor) {
    return cache.getAll(sets[cursor.next++ & 63]);
  }
}
