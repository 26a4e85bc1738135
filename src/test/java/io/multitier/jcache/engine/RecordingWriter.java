package io.multitier.jcache.engine;

import java.util.Collection;
import javax.cache.Cache;
import javax.cache.integration.CacheWriter;

/**
 * A write-through system of record that keeps, in Redis, every write it is told: {@code RPUSH
 * writes:<key> <value>} (and {@code deleted} for a delete) on the test's redis-server, so that the
 * writes of every JVM add up in one list per key, in the order the writer was called.
 */
public final class RecordingWriter implements CacheWriter<String, Integer> {

  /** Returns the Redis list that records the writes of a key. */
  static String list(String key) {
    return "writes:" + key;
  }

  @Override
  public void write(Cache.Entry<? extends String, ? extends Integer> entry) {
    Resp.call("RPUSH", list(entry.getKey()), Integer.toString(entry.getValue()));
  }

  @Override
  public void writeAll(Collection<Cache.Entry<? extends String, ? extends Integer>> entries) {
    for (var it = entries.iterator(); it.hasNext(); ) {
      write(it.next());
      it.remove();
    }
  }

  @Override
  public void delete(Object key) {
    Resp.call("RPUSH", list((String) key), "deleted");
  }

  @Override
  public void deleteAll(Collection<?> keys) {
    for (var it = keys.iterator(); it.hasNext(); ) {
      delete(it.next());
      it.remove();
    }
  }
}
