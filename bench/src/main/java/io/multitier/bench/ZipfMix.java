package io.multitier.bench;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * Zipfian (exponent 0.99) reads and writes over 100,000 keys, 90% get and 10% put, against a cache
 * bounded to 10,000 entries (10%); a get that misses puts the value back (cache-aside). All 100,000
 * entries are stored first, so the remote contenders hold them all and the in-process ones keep what
 * their eviction policy keeps. The hits and misses of the gets are reported as secondary counters.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ZipfMix {
  static final int KEYS = 100_000;

  @Param({"mtj-l1", "mtj-tiered", "caffeine-jcache", "ehcache3", "redisson-jcache", "raw-caffeine"})
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
    cache = Contenders.create(impl, storeBy.equals("value"), KEYS / 10, false);
    cache.fill(Data.entries(keys));
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

    @Setup
    public void setup(ThreadParams thread) {
      sequence = Data.zipfian(1 << 20, KEYS, 0.10, 31 + thread.getThreadIndex());
    }

    @Setup(Level.Iteration)
    public void reset() {
      hits = 0;
      misses = 0;
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
