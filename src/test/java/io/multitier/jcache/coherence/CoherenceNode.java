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
 * sample M/CACHE KEY MS    -> @ok; reads the key every millisecond for MS milliseconds on a thread of its own
 * sampled M/CACHE KEY      -> @FIRST,LAST,OUTCOME|... once that sampling ended: each run of reads with one
 *                             outcome ("value V", "null", "failed"), from its first to its last read (nanoTime)
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
    Map<String, Sampler> samplers = new ConcurrentHashMap<>();
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
        case "sample": {
          Sampler sampler = new Sampler(cache(managers, parts[1]), parts[2],
              TimeUnit.MILLISECONDS.toNanos(Long.parseLong(parts[3])));
          samplers.put(parts[1] + " " + parts[2], sampler);
          sampler.start();
          return "ok";
        }
        case "sampled":
          return samplers.remove(parts[1] + " " + parts[2]).runs();
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

  /** Reads a key every millisecond for a while, and keeps the runs of reads that had one outcome. */
  private static final class Sampler extends Thread {

    private final Cache<String, String> cache;
    private final String key;
    private final long nanos;
    private final StringBuilder runs = new StringBuilder();

    Sampler(Cache<String, String> cache, String key, long nanos) {
      super("sampler-" + key);
      setDaemon(true);
      this.cache = cache;
      this.key = key;
      this.nanos = nanos;
    }

    @Override
    public void run() {
      long end = System.nanoTime() + nanos;
      String outcome = null;
      long first = 0;
      long last = 0;
      for (long now = System.nanoTime(); now < end; now = System.nanoTime()) {
        String read;
        try {
          String value = cache.get(key);
          read = (value == null) ? "null" : "value " + value;
        } catch (javax.cache.CacheException e) {
          read = "failed";
        }
        long at = System.nanoTime();
        if (!read.equals(outcome)) {
          append(first, last, outcome);
          outcome = read;
          first = now;
        }
        last = at;
        LockSupport.parkNanos(1_000_000);
      }
      append(first, last, outcome);
    }

    private void append(long first, long last, String outcome) {
      if (outcome != null) {
        runs.append(runs.length() == 0 ? "" : "|").append(first).append(',').append(last).append(',').append(outcome);
      }
    }

    /** Waits until the sampling ended and returns its runs. */
    String runs() {
      try {
        join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
      return runs.toString();
    }
  }

  private static Cache<String, String> cache(List<CacheManager> managers, String name) {
    int slash = name.indexOf('/');
    return managers.get(Integer.parseInt(name.substring(0, slash)))
        .getCache(name.substring(slash + 1), String.class, String.class);
  }
}
