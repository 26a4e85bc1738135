package io.multitier.jcache.coherence;

import io.multitier.jcache.TieredCache;
import io.multitier.jcache.testing.NodeProtocol;
import io.multitier.jcache.testing.RecordingListener;
import java.io.IOException;
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
 * arguments name (numbered from 0) and answers {@link NodeProtocol} commands. A cache is named
 * {@code M/NAME}, M the number of its CacheManager.
 *
 * <pre>
 * get M/CACHE KEY          -> @value VALUE | @null
 * put M/CACHE KEY VALUE    -> @ok
 * stat M/CACHE COUNTER     -> @NUMBER
 * watch M/CACHE KEY VALUE  -> @watching, then @seen NANOTIME once get(KEY) returns VALUE ("null": none)
 * listen M/CACHE           -> @ok; registers an asynchronous listener of every event type, old values wanted
 * heard M/CACHE            -> @EVENT|EVENT|... what it heard so far, in {@link RecordingListener.Seen#brief()} form
 * </pre>
 */
public final class CoherenceNode {

  private CoherenceNode() {}

  public static void main(String[] args) throws IOException {
    CachingProvider provider = Caching.getCachingProvider();
    List<CacheManager> managers = new ArrayList<>();
    for (String uri : args) {
      managers.add(provider.getCacheManager(URI.create(uri), CoherenceNode.class.getClassLoader()));
    }
    Map<String, RecordingListener<String, String>> listeners = new ConcurrentHashMap<>();
    NodeProtocol.serve(managers, 4, (parts, out) -> {
      switch (parts[0]) {
        case "get": {
          String value = cache(managers, parts[1]).get(parts[2]);
          return (value == null) ? "null" : "value " + value;
        }
        case "put":
          cache(managers, parts[1]).put(parts[2], parts[3]);
          return "ok";
        case "stat":
          return String.valueOf(cache(managers, parts[1]).unwrap(TieredCache.class).tierStatistics().asMap().get(parts[2]));
        case "watch":
          return watch(cache(managers, parts[1]), parts[2], parts[3].equals("null") ? null : parts[3], out);
        case "listen": {
          RecordingListener<String, String> listener = new RecordingListener<>();
          cache(managers, parts[1]).registerCacheEntryListener(listener.configuration(false));
          listeners.put(parts[1], listener);
          return "ok";
        }
        case "heard":
          return String.join("|", listeners.get(parts[1]).briefs());
        default:
          return null;
      }
    });
  }

  /** Answers {@code watching}, then reads the key until it returns the value, and answers when. */
  private static String watch(Cache<String, String> cache, String key, String awaited, PrintStream out) {
    out.println("@watching");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Objects.equals(cache.get(key), awaited) && System.nanoTime() < deadline) {
      LockSupport.parkNanos(100_000);
    }
    long seen = System.nanoTime();
    if (!Objects.equals(cache.get(key), awaited)) {
      throw new IllegalStateException("not seen in 30 s");
    }
    return "seen " + seen;
  }

  private static Cache<String, String> cache(List<CacheManager> managers, String name) {
    int slash = name.indexOf('/');
    return managers.get(Integer.parseInt(name.substring(0, slash)))
        .getCache(name.substring(slash + 1), String.class, String.class);
  }
}
