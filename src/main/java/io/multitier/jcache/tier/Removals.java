package io.multitier.jcache.tier;

/**
 * What the in-process tier reports upwards of entries it dropped by itself: the facade hands it
 * down when it builds the engine, and turns it into events and statistics.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface Removals<K, V> {

  /** Reports an entry that expired. */
  void expired(K key, V value);

  /** Reports an entry evicted to respect the size bound. */
  void evicted(K key, V value);

}
