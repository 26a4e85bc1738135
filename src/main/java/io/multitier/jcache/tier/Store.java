package io.multitier.jcache.tier;

import io.multitier.jcache.spi.Health;
import io.multitier.jcache.spi.StreamingBackend;
import java.time.Duration;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The tiering engine as the JCache facade sees it: one logical map whose entries live in one or
 * more tiers. Reads go from the fastest tier to the slowest and promote what they find; writes
 * reach every tier; atomic steps run against the tier that other JVMs share.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface Store<K, V> extends AutoCloseable {

  /**
   * Checks, before anything is written anywhere (the {@code CacheWriter} included), that the key and
   * value can be stored; throws {@link IllegalArgumentException} for one over the configured size
   * limit and {@link io.multitier.jcache.copy.SerializationException} for one that cannot be
   * serialized. Nothing to check by default.
   */
  default void checkEntry(K key, V value) {}

  /** Returns the value, or {@code null} if no tier has it. */
  V get(K key);

  /** Returns the present values of the keys. */
  Map<K, V> getAll(Collection<? extends K> keys);

  /** Returns whether some tier has the key, without promoting it. */
  boolean containsKey(K key);

  /**
   * Atomically applies the function to the current value ({@code null} if absent) and carries out
   * the returned {@link Write}. The function may run more than once when another JVM wins a race,
   * so it must tolerate being retried.
   */
  void compute(K key, Function<V, Write<V>> function);

  /** Stores the value and returns the previous one; see {@code CacheBackend#getAndPut}. */
  V getAndPut(K key, V value, Duration ttlIfAbsent, Duration ttlIfPresent);

  /** Does {@link #getAndPut} for every entry, in as few round trips as the tiers allow; returns the previous values. */
  Map<K, V> getAndPutAll(Map<K, V> entries, Duration ttlIfAbsent, Duration ttlIfPresent);

  /** Stores the value only if absent; returns whether it did. */
  boolean putIfAbsent(K key, V value, Duration ttl);

  /** Removes the key and returns its value, or {@code null}. */
  V getAndRemove(K key);

  /** Sets a new time to live on a present entry; zero removes it. */
  void setTtl(K key, Duration ttl);

  /**
   * Returns the value of a missing key from {@code loader}, called by one client of the shared
   * tier at a time: the one that holds the key's lease (held for at most {@code lease}) loads;
   * the others wait, up to {@code maxWait}, for its value to appear, then load themselves.
   */
  V loadShared(K key, Supplier<V> loader, Duration lease, Duration maxWait);

  /** Returns the keys present now. */
  Iterator<K> keys();

  /** Removes every entry of this cache from every tier. */
  void clear();

  /** Returns the cache's streams: the shared tier's when there is one, else the in-process tier's. */
  Optional<StreamingBackend> streams();

  /** Reports the health of each tier, fastest first. */
  List<Health> health();

  /** Returns the per-tier counters. */
  TierStatistics statistics();

  /** Releases the tiers; shared data stays where it is. */
  @Override
  void close();
}
