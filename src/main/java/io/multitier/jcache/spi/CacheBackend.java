package io.multitier.jcache.spi;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One tier of a cache: a key/value store with per-entry time to live.
 *
 * <p>The tiering engine talks to every tier through this interface only. The in-process tier
 * ({@code CaffeineBackend}) holds objects; remote tiers hold {@code byte[]} values under
 * {@code String} keys that the engine has already encoded, and implement {@link L2CacheBackend}.
 * A time to live is a positive {@link Duration} or {@link Ttl#ETERNAL}, and where an operation
 * says so {@link Ttl#UNCHANGED} or {@link Duration#ZERO}, as {@link Ttl} defines them.
 *
 * <p>Implementations are thread-safe. A failure to reach the store is reported as a
 * {@link BackendException}; the engine decides how the cache degrades.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface CacheBackend<K, V> extends AutoCloseable {

  /** Returns the name of this tier, for logs, health reports and metrics. */
  String name();

  /** Returns the value stored for the key, or {@code null} if absent or expired. */
  @Nullable V get(K key);

  /** Stores the value for the key, replacing any other, to expire after the time to live. */
  void setWithTtl(K key, V value, Duration ttl);

  /** Removes the key; returns whether it was present. */
  boolean remove(K key);

  /** Reports whether the store is reachable and working. */
  Health healthCheck();

  /** Returns the present values of the keys; absent keys are left out of the map. */
  default Map<K, V> getAll(Collection<? extends K> keys) {
    Map<K, V> found = new HashMap<>();
    for (K key : keys) {
      V value = get(key);
      if (value != null) {
        found.put(key, value);
      }
    }
    return found;
  }

  /**
   * Stores every entry of the map, each with its own time to live (every key of {@code entries}
   * has one in {@code ttls}), in as few round trips as possible.
   */
  default void setAllWithTtl(Map<? extends K, ? extends V> entries, Map<? extends K, Duration> ttls) {
    entries.forEach((key, value) -> setWithTtl(key, value, requireNonNull(ttls.get(key), "ttl")));
  }

  /** Stores the value only if the key is absent; returns whether it was stored. */
  boolean putIfAbsent(K key, V value, Duration ttl);

  /** Replaces the value only if the current one equals {@code expected}; returns whether it did. */
  boolean replace(K key, V expected, V value, Duration ttl);

  /** Removes the key only if its current value equals {@code expected}; returns whether it did. */
  boolean remove(K key, V expected);

  /**
   * Stores the value and returns the previous one (or {@code null}), atomically. The time to live
   * is {@code ttlIfAbsent} for a new entry and {@code ttlIfPresent} for a replaced one, where
   * {@link Ttl#UNCHANGED} keeps the entry's current expiry and {@link Duration#ZERO} removes it.
   */
  @Nullable V getAndPut(K key, V value, Duration ttlIfAbsent, Duration ttlIfPresent);

  /** Does {@link #getAndPut} but returns only whether the key was present, so no previous value is read back. */
  default boolean put(K key, V value, Duration ttlIfAbsent, Duration ttlIfPresent) {
    return getAndPut(key, value, ttlIfAbsent, ttlIfPresent) != null;
  }

  /** Does {@link #put} for every entry, in as few round trips as possible; returns the keys that were present. */
  default Set<K> putAll(Map<? extends K, ? extends V> entries, Duration ttlIfAbsent, Duration ttlIfPresent) {
    Set<K> present = new HashSet<>();
    entries.forEach((key, value) -> {
      if (put(key, value, ttlIfAbsent, ttlIfPresent)) {
        present.add(key);
      }
    });
    return present;
  }

  /** Removes every key, in as few round trips as the tier allows; returns how many were present. */
  default int removeAll(Collection<? extends K> keys) {
    int removed = 0;
    for (K key : keys) {
      if (remove(key)) {
        removed++;
      }
    }
    return removed;
  }

  /** Removes the key and returns its value, or {@code null} if it was absent. */
  @Nullable V getAndRemove(K key);

  /**
   * Sets a new time to live on a present entry ({@link Duration#ZERO} expires it at once, so it is
   * removed; {@link Ttl#UNCHANGED} leaves it); returns whether it was present.
   */
  boolean setTtl(K key, Duration ttl);

  /** Returns the keys present now; the iterator reflects later changes weakly or not at all. */
  Iterator<K> keys();

  /** Removes every entry that belongs to this cache, and only those. */
  void clear();

  /** Returns this tier's streams, if it offers that optional capability. */
  default Optional<StreamingBackend> streams() {
    return Optional.empty();
  }

  /** Releases the resources of this tier; entries in a shared store are left in place. */
  @Override
  void close();
}
