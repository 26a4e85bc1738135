package io.multitier.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * The paths that must reach Redis, side by side: our tiered cache, Redisson's JCache and raw Redisson
 * ({@code RBucket}/{@code RBuckets} on bytes). Our tiered cache has an <b>L1 of one entry</b>, so its
 * gets and getAlls over 10,000 keys in a uniform order miss L1 and hit Redis (an L2 hit, promoted),
 * as Redisson's reads always do. Run at 1, 16 and 64 threads ({@code -t}).
 *
 * <ul>
 *   <li>{@code get}, {@code put}: one of 10,000 keys, uniform.
 *   <li>{@code getAll100}, {@code putAll100}: 100 of those keys (64 prepared sets).
 *   <li>{@code remove}: of a key that is present. Each thread removes the keys of its own slice of
 *       131,072 in order and puts back, before each iteration, what it removed in the last one; the
 *       {@code removed} and {@code absent} counters tell whether a thread ran past its slice.
 *   <li>{@code invoke}: {@link Contenders.Swap}, read the value and replace it (raw Redisson: GETSET).
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class Remote {
  static final int KEYS = 10_000;
  static final int REMOVE_KEYS = 1 << 17;
  static final int SETS = 64;

  @Param({"mtj-tiered", "redisson-jcache", "raw-redisson"})
  public String impl;

  @Param({"value"})
  public String storeBy;

  Contender cache;
  String[] keys;
  byte[][] values;
  Set<String>[] sets;
  Map<String, byte[]>[] batches;

  @Setup(Level.Trial)
  @SuppressWarnings("unchecked")
  public void setup(BenchmarkParams params) {
    boolean remove = params.getBenchmark().endsWith(".remove");
    keys = Data.keys(remove ? REMOVE_KEYS : KEYS);
    values = new byte[keys.length][];
    for (int i = 0; i < keys.length; i++) {
      values[i] = Data.value(i);
    }
    sets = Data.keySets(Data.keys(KEYS), SETS, 100, 7);
    batches = new Map[SETS];
    for (int s = 0; s < SETS; s++) {
      Map<String, byte[]> batch = new LinkedHashMap<>();
      for (String key : sets[s]) {
        batch.put(key, values[Integer.parseInt(key.substring(1))]);
      }
      batches[s] = batch;
    }
    cache = Contenders.create(impl, true, 1, false);
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
      nextSet = thread.getThreadIndex();
    }

    int next() {
      return sequence[next++ & (sequence.length - 1)];
    }
  }

  /** A thread's slice of the keys to remove, refilled before each iteration. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class RemoveCursor {
    int first;
    int size;
    int done;
    public long removed;
    public long absent;

    @Setup(Level.Trial)
    public void slice(ThreadParams thread) {
      size = REMOVE_KEYS / thread.getThreadCount();
      first = thread.getThreadIndex() * size;
    }

    @Setup(Level.Iteration)
    public void refill(Remote bench) {
      Map<String, byte[]> batch = new LinkedHashMap<>();
      for (int i = first; i < first + Math.min(done, size); i++) {
        batch.put(bench.keys[i], bench.values[i]);
        if (batch.size() == 100) {
          bench.cache.putAll(batch);
          batch.clear();
        }
      }
      if (!batch.isEmpty()) {
        bench.cache.putAll(batch);
      }
      done = 0;
      removed = 0;
      absent = 0;
    }

    String next(String[] keys) {
      return keys[first + done++ % size];
    }
  }

  @Benchmark
  public byte[] get(Cursor cursor) {
    return cache.get(keys[cursor.next()]);
  }

  @Benchmark
  public void put(Cursor cursor) {
    int k = cursor.next();
    cache.put(keys[k], values[k]);
  }

  @Benchmark
  public Map<String, byte[]> getAll100(Cursor cursor) {
    return cache.getAll(sets[cursor.nextSet++ & (SETS - 1)]);
  }

  @Benchmark
  public void putAll100(Cursor cursor) {
    cache.putAll(batches[cursor.nextSet++ & (SETS - 1)]);
  }

  @Benchmark
  public boolean remove(RemoveCursor cursor) {
    boolean removed = cache.remove(cursor.next(keys));
    if (removed) {
      cursor.removed++;
    } else {
      cursor.absent++;
    }
    return removed;
  }

  @Benchmark
  public int invoke(Cursor cursor) {
    int k = cursor.next();
    return cache.invoke(keys[k], values[k]);
  }
}
