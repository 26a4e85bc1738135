package io.multitier.jcache.coherence;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.multitier.jcache.TieredCache;
import io.multitier.jcache.testing.RecordingListener;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.spi.CachingProvider;

/**
 * A node of the coherence tests in a JVM of its own: opens the CacheManager of each file its
 * arguments name (numbered from 0) and answers line commands on stdin, replies on stdout starting
 * with {@code @}. A cache is named {@code M/NAME}, M the number of its CacheManager.
 *
 * <pre>
 * get M/CACHE KEY          -> @value VALUE | @null
 * put M/CACHE KEY VALUE    -> @ok
 * stat M/CACHE COUNTER     -> @NUMBER
 * watch M/CACHE KEY VALUE  -> @watching, then @seen NANOTIME once get(KEY) returns VALUE ("null": none)
 * listen M/CACHE           -> @ok; registers an asynchronous listener of every event type, old values wanted
 * heard M/CACHE            -> @EVENT|EVENT|... what it heard so far, in {@link RecordingListener.Seen#brief()} form
 * quit                     -> @bye, then exits
 * </pre>
 */
public final class CoherenceNode {

  private CoherenceNode() {}

  public static void main(String[] args) throws IOException {
    PrintStream out = new PrintStream(System.out, true, UTF_8);
    CachingProvider provider = Caching.getCachingProvider();
    List<CacheManager> managers = new ArrayList<>();
    for (String uri : args) {
      managers.add(provider.getCacheManager(URI.create(uri), CoherenceNode.class.getClassLoader()));
    }
    Map<String, RecordingListener<String, String>> listeners = new ConcurrentHashMap<>();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, UTF_8));
    out.println("@ready");
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      String[] parts = line.split(" ", 4);
      try {
        switch (parts[0]) {
          case "get": {
            String value = cache(managers, parts[1]).get(parts[2]);
            out.println((value == null) ? "@null" : "@value " + value);
            break;
          }
          case "put":
            cache(managers, parts[1]).put(parts[2], parts[3]);
            out.println("@ok");
            break;
          case "stat":
            out.println("@" + cache(managers, parts[1]).unwrap(TieredCache.class).tierStatistics().asMap().get(parts[2]));
            break;
          case "watch": {
            Cache<String, String> cache = cache(managers, parts[1]);
            String awaited = parts[3].equals("null") ? null : parts[3];
            out.println("@watching");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Objects.equals(cache.get(parts[2]), awaited) && System.nanoTime() < deadline) {
              LockSupport.parkNanos(100_000);
            }
            long seen = System.nanoTime();
            out.println(Objects.equals(cache.get(parts[2]), awaited) ? "@seen " + seen : "@error not seen in 30 s");
            break;
          }
          case "listen": {
            RecordingListener<String, String> listener = new RecordingListener<>();
            cache(managers, parts[1]).registerCacheEntryListener(listener.configuration(false));
            listeners.put(parts[1], listener);
            out.println("@ok");
            break;
          }
          case "heard":
            out.println("@" + String.join("|", listeners.get(parts[1]).briefs()));
            break;
          case "quit":
            managers.forEach(CacheManager::close);
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
    managers.forEach(CacheManager::close);
    System.exit(0);
  }

  private static Cache<String, String> cache(List<CacheManager> managers, String name) {
    int slash = name.indexOf('/');
    return managers.get(Integer.parseInt(name.substring(0, slash)))
        .getCache(name.substring(slash + 1), String.class, String.class);
  }
}
