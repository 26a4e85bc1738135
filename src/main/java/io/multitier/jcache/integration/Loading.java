package io.multitier.jcache.integration;

import java.util.Collections;
import java.util.Map;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;
import org.jspecify.annotations.Nullable;

/** Calls a {@link CacheLoader} so that every failure reaches the caller as a {@link CacheLoaderException}. */
public final class Loading {

  private Loading() {}

  /** Loads one value, or returns {@code null} if the loader has none. */
  public static <K, V> @Nullable V load(CacheLoader<K, V> loader, K key) {
    try {
      return loader.load(key);
    } catch (CacheLoaderException e) {
      throw e;
    } catch (RuntimeException | Error e) {
      throw new CacheLoaderException("The CacheLoader failed to load " + key + ": " + e, e);
    } catch (Exception e) {
      throw new CacheLoaderException("The CacheLoader failed to load " + key + ": " + e, e);
    }
  }

  /** Loads many values; keys the loader has no value for are absent or map to {@code null}. */
  public static <K, V> Map<K, @Nullable V> loadAll(CacheLoader<K, V> loader, Iterable<? extends K> keys) {
    try {
      Map<K, V> loaded = loader.loadAll(keys);
      // a read-only view: the loader's map may hold null values, which its type does not say
      return (loaded == null) ? Map.of() : Collections.<K, @Nullable V>unmodifiableMap(loaded);
    } catch (CacheLoaderException e) {
      throw e;
    } catch (Exception e) {
      throw new CacheLoaderException("The CacheLoader failed to load all: " + e, e);
    }
  }
}
