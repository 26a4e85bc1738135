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
   * Atomically changes the entry as the function decides from its current value ({@code null} if
   * absent): {@link Change#store} a value with a time to live ({@link Ttl#UNCHANGED} keeps the
   * expiry; storing the current value itself with {@link Ttl#UNCHANGED} leaves the entry as it is),
   * or {@link Change#remove}. The function runs once; if it throws, the entry is left as it was.
   */
  void compute(K key, Function<@Nullable V, Change<V>> function);

  /** Removes every entry for which the test holds, without expiry notices; entries changed meanwhile may be left. */
  void removeIf(BiPredicate<? super K, ? super V> test);
}
