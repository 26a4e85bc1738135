package io.multitier.jcache.tiered;

import io.multitier.jcache.TieredCache;
import io.multitier.jcache.testing.NodeProtocol;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;

/**
 * The other JVM of {@link TwoJvmTest}: opens the CacheManager of the file its argument names and
 * answers {@link NodeProtocol} commands:
 *
 * <pre>
 * put CACHE KEY VALUE   -> @ok
 * get CACHE KEY         -> @value VALUE | @null
 * remove CACHE KEY      -> @true | @false
 * stats CACHE           -> @{l1.hits=..., ...}
 * stampede CACHE KEY THREADS PORT -> @VALUE,VALUE,... (THREADS threads get KEY at once; the
 *                         loader counts its calls on the Redis at PORT)
 * </pre>
 */
public final class CacheNode {

  private CacheNode() {}

  public static void main(String[] args) throws IOException {
    CacheManager manager = Caching.getCachingProvider()
        .getCacheManager(URI.create(args[0]), CacheNode.class.getClassLoader());
    NodeProtocol.serve(List.of(manager), 4, (parts, out) -> {
      switch (parts[0]) {
        case "put":
          cache(manager, parts[1]).put(parts[2], parts[3]);
          return "ok";
        case "get": {
          String value = cache(manager, parts[1]).get(parts[2]);
          return (value == null) ? "null" : "value " + value;
        }
        case "remove":
          return String.valueOf(cache(manager, parts[1]).remove(parts[2]));
        case "stats":
          return String.valueOf(cache(manager, parts[1]).unwrap(TieredCache.class).tierStatistics().asMap());
        case "stampede": {
          String[] threadsAndPort = parts[3].split(" ");
          System.setProperty(CountingSlowLoader.PORT, threadsAndPort[1]);
          return String.join(",", getAtOnce(cache(manager, parts[1]), parts[2], Integer.parseInt(threadsAndPort[0])));
        }
        default:
          return null;
      }
    });
  }

  /** Has {@code threads} threads get the key at the same moment; returns what each read. */
  static List<String> getAtOnce(Cache<String, String> cache, String key, int threads) {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CyclicBarrier start = new CyclicBarrier(threads);
      List<Future<String>> reads = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        reads.add(pool.submit(() -> {
          start.await();
          return cache.get(key);
        }));
      }
      List<String> values = new ArrayList<>();
      for (Future<String> read : reads) {
        values.add(read.get(30, TimeUnit.SECONDS));
      }
      return values;
    } catch (InterruptedException | ExecutionException | TimeoutException e) {
      throw new IllegalStateException("a concurrent get failed: " + e, e);
    } finally {
      pool.shutdownNow();
    }
  }

  private static Cache<String, String> cache(CacheManager manager, String name) {
    return manager.getCache(name, String.class, String.class);
  }
}
