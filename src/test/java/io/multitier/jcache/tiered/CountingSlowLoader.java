package io.multitier.jcache.tiered;

import io.multitier.jcache.testing.RedisServer;
import java.util.Map;
import javax.cache.integration.CacheLoader;

/**
 * A slow loader (half a second a key, like a busy database) that counts its calls in Redis, with
 * {@code INCR loads:<key>} on the server whose port the system property {@value #PORT} names, so
 * that calls from every JVM add up in one place.
 */
public final class CountingSlowLoader implements CacheLoader<String, String> {

  static final String PORT = "stampede.redis.port";

  @Override
  public String load(String key) {
    incr("loads:" + key);
    try {
      Thread.sleep(500);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return "loaded-" + key;
  }

  @Override
  public Map<String, String> loadAll(Iterable<? extends String> keys) {
    throw new UnsupportedOperationException("only single loads are counted");
  }

  private static void incr(String counter) {
    RedisServer.callAt(Integer.parseInt(System.getProperty(PORT)), "INCR", counter);
  }
}
