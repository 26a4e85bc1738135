package io.multitier.jcache.spi;

import java.util.function.BiPredicate;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The in-process tier: a bounded map of objects in this JVM, in front of the authoritative tier (or
 * the source of truth itself when the cache has no shared tier).
 *
 * <p>Adds to {@link CacheBackend} what the engine needs of a near cache: an atomic read-modify-write
 * of one entry, which is how an L1-only cache carries out a JCache atomic step.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface NearCacheBackend<K, V> extends CacheBackend<K, V> {

  /**
   * Atomically replaces the entry with what the function returns for its current value
   * ({@code null} if absent): a new value and time to live ({@link Ttl#UNCHANGED} keeps the
   * expiry), or {@code null} to remove the entry. Returning the current value with
   * {@link Ttl#UNCHANGED} leaves the entry as it is. The function runs once; if it throws, the
   * entry is left as it was.
   */
  void compute(K key, Function<@Nullable V, @Nullable ValueWithTtl<V>> function);

  /** Removes every entry for which the test holds, without expiry notices; entries changed meanwhile may be left. */
  void removeIf(BiPredicate<? super K, ? super V> test);
}
