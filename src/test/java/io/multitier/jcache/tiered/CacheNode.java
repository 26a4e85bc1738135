package io.multitier.jcache.tiered;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.multitier.jcache.TieredCache;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
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
 * answers line commands on stdin, one reply line on stdout each, starting with {@code @} (logging
 * goes to stderr):
 *
 * <pre>
 * put CACHE KEY VALUE   -> @ok
 * get CACHE KEY         -> @value VALUE | @null
 * remove CACHE KEY      -> @true | @false
 * stats CACHE           -> @{l1.hits=..., ...}
 * stampede CACHE KEY THREADS PORT -> @VALUE,VALUE,... (THREADS threads get KEY at once; the
 *                         loader counts its calls on the Redis at PORT)
 * quit                  -> @bye, then exits
 * </pre>
 *
 * A failure answers {@code @error ...}.
 */
public final class CacheNode {

  private CacheNode() {}

  public static void main(String[] args) throws IOException {
    PrintStream out = new PrintStream(System.out, true, UTF_8);
    CacheManager manager = Caching.getCachingProvider()
        .getCacheManager(URI.create(args[0]), CacheNode.class.getClassLoader());
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, UTF_8));
    out.println("@ready");
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      String[] parts = line.startsWith("stampede ") ? line.split(" ") : line.split(" ", 4);
      try {
        switch (parts[0]) {
          case "put":
            cache(manager, parts[1]).put(parts[2], parts[3]);
            out.println("@ok");
            break;
          case "get": {
            String value = cache(manager, parts[1]).get(parts[2]);
            out.println((value == null) ? "@null" : "@value " + value);
            break;
          }
          case "remove":
            out.println("@" + cache(manager, parts[1]).remove(parts[2]));
            break;
          case "stats":
            out.println("@" + cache(manager, parts[1]).unwrap(TieredCache.class).tierStatistics().asMap());
            break;
          case "stampede":
            System.setProperty(CountingSlowLoader.PORT, parts[4]);
            out.println("@" + String.join(",",
                getAtOnce(cache(manager, parts[1]), parts[2], Integer.parseInt(parts[3]))));
            break;
          case "quit":
            manager.close();
            out.println("@bye");
            System.exit(0);
            break;
          default:
            out.println("@error unknown command: " + line);
        }
      } catch (RuntimeException e) {
        out.println("@error " + e.toString().replace('\n', ' '));
      }
    }
    manager.close();
    System.exit(0);
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
