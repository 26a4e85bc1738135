package io.multitier.jcache.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;
import javax.cache.Cache;
import javax.cache.processor.EntryProcessor;

/**
 * The contending workloads of these tests, run alike by this JVM and by an {@link EngineNode}
 * child: each runs its threads from one start, and the JVMs start together through a barrier in
 * Redis ({@link Resp#barrier}) that the last thread of each JVM to arrive passes.
 */
final class Workloads {

  /** The JVMs of a test. */
  static final int JVMS = 2;

  /** Adds one (absent is 0) and returns the new value. */
  static final EntryProcessor<String, Integer, Integer> INCREMENT = (entry, arguments) -> {
    int next = entry.exists() ? entry.getValue() + 1 : 1;
    entry.setValue(next);
    return next;
  };

  /** Only reads the value (read-through loads it if absent): what Spring's {@code @Cacheable(sync = true)} does. */
  static final EntryProcessor<String, String, String> READ = (entry, arguments) -> entry.getValue();

  private Workloads() {}

  /** Returns the name of the i-th of {@code keys} keys. */
  static String key(int i) {
    return "k" + i;
  }

  /** Each thread increments keys in turn, {@code perThread} times in all, with {@code invoke}. */
  static void increments(Cache<String, Integer> cache, int threads, int perThread, int keys, String barrier) {
    together(threads, barrier, t -> () -> {
      for (int i = 0; i < perThread; i++) {
        cache.invoke(key((t + i) % keys), INCREMENT);
      }
      return null;
    });
  }

  /**
   * Each thread, {@code attempts} times on the keys in turn, reads a key and replaces what it read
   * with one more; returns, per key, how many replaces the cache accepted.
   */
  static Map<String, Long> replaces(Cache<String, Integer> cache, int threads, int attempts, int keys,
      String barrier) {
    List<long[]> accepted = together(threads, barrier, t -> () -> {
      long[] mine = new long[keys];
      for (int i = 0; i < attempts; i++) {
        int k = (t + i) % keys;
        Integer old = cache.get(key(k));
        if (old != null && cache.replace(key(k), old, old + 1)) {
          mine[k]++;
        }
      }
      return mine;
    });
    Map<String, Long> perKey = new TreeMap<>();
    for (int k = 0; k < keys; k++) {
      long sum = 0;
      for (long[] counts : accepted) {
        sum += counts[k];
      }
      perKey.put(key(k), sum);
    }
    return perKey;
  }

  /** All threads {@code invoke(key, e -> e.getValue())} at once; returns what each got. */
  static List<String> invokeAtOnce(Cache<String, String> cache, String key, int threads, String barrier) {
    return together(threads, barrier, t -> () -> cache.invoke(key, READ));
  }

  /** All threads {@code get(key)} at once; returns what each got. */
  static List<String> getAtOnce(Cache<String, String> cache, String key, int threads, String barrier) {
    return together(threads, barrier, t -> () -> cache.get(key));
  }

  /** Formats per-key counts as {@code k0=1,k1=2}, which {@link #parseCounts} reads back. */
  static String formatCounts(Map<String, Long> counts) {
    StringBuilder text = new StringBuilder();
    counts.forEach((key, count) -> text.append(text.length() == 0 ? "" : ",").append(key).append('=').append(count));
    return text.toString();
  }

  static Map<String, Long> parseCounts(String text) {
    Map<String, Long> counts = new TreeMap<>();
    for (String entry : text.split(",")) {
      int equals = entry.indexOf('=');
      counts.put(entry.substring(0, equals), Long.parseLong(entry.substring(equals + 1)));
    }
    return counts;
  }

  private static <T> List<T> together(int threads, String barrier, IntFunction<Callable<T>> body) {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CyclicBarrier start = new CyclicBarrier(threads, () -> Resp.barrier(barrier, JVMS));
      List<Future<T>> runs = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Callable<T> work = body.apply(t);
        runs.add(pool.submit(() -> {
          start.await(60, TimeUnit.SECONDS);
          return work.call();
        }));
      }
      List<T> results = new ArrayList<>();
      for (Future<T> run : runs) {
        results.add(run.get(120, TimeUnit.SECONDS));
      }
      return results;
    } catch (ExecutionException e) {
      throw new IllegalStateException("a contending thread failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException | TimeoutException e) {
      throw new IllegalStateException("the contending threads did not finish: " + e, e);
    } finally {
      pool.shutdownNow();
    }
  }
}
