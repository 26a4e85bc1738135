package io.multitier.jcache.integration;

import java.util.Collection;
import javax.cache.Cache;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;

/**
 * Calls a {@link CacheWriter} so that every failure reaches the caller as a
 * {@link CacheWriterException}.
 */
public final class Writing {

  private Writing() {}

  /** Writes one entry through. */
  public static <K, V> void write(CacheWriter<K, V> writer, Cache.Entry<? extends K, ? extends V> entry) {
    try {
      writer.write(entry);
    } catch (CacheWriterException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new CacheWriterException("The CacheWriter failed to write " + entry.getKey() + ": " + e, e);
    }
  }

  /** Writes entries through; on failure the collection holds those that were not written. */
  public static <K, V> void writeAll(CacheWriter<K, V> writer,
      Collection<Cache.Entry<? extends K, ? extends V>> entries) {
    if (entries.isEmpty()) {
      return;
    }
    try {
      writer.writeAll(entries);
    } catch (CacheWriterException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new CacheWriterException("The CacheWriter failed to write all: " + e, e);
    }
  }

  /** Deletes one key through. */
  public static <K, V> void delete(CacheWriter<K, V> writer, K key) {
    try {
      writer.delete(key);
    } catch (CacheWriterException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new CacheWriterException("The CacheWriter failed to delete " + key + ": " + e, e);
    }
  }

  /** Deletes keys through; on failure the collection holds those that were not deleted. */
  public static <K, V> void deleteAll(CacheWriter<K, V> writer, Collection<?> keys) {
    if (keys.isEmpty()) {
      return;
    }
    try {
      writer.deleteAll(keys);
    } catch (CacheWriterException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new CacheWriterException("The CacheWriter failed to delete all: " + e, e);
    }
  }
}
