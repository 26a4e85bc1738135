package io.multitier.jcache.engine;

import java.util.Map;
import javax.cache.integration.CacheLoader;

/**
 * A slow loader (300 ms a key, like a busy database) that counts its calls in Redis with {@code
 * INCR loads:<key>} on the test's redis-server, so that calls from every JVM add up in one place.
 */
public final class CountingLoader implements CacheLoader<String, String> {

  /** Returns the Redis counter of the loads of a key. */
  static String counter(String key) {
    return "loads:" + key;
  }

  @Override
  public String load(String key) {
    Resp.call("INCR", counter(key));
    try {
      Thread.sleep(300);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return "loaded-" + key;
  }

  @Override
  public Map<String, String> loadAll(Iterable<? extends String> keys) {
    throw new UnsupportedOperationException("only single loads are counted");
  }
}
