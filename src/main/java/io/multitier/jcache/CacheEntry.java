package io.multitier.jcache;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import javax.cache.Cache;

/**
 * An immutable key and value, as iteration returns them and a CacheWriter receives them.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class CacheEntry<K, V> implements Cache.Entry<K, V> {

  private final K key;
  private final V value;

  CacheEntry(K key, V value) {
    this.key = requireNonNull(key, "key");
    this.value = requireNonNull(value, "value");
  }

  @Override
  public K getKey() {
    return key;
  }

  @Override
  public V getValue() {
    return value;
  }

  @Override
  public <T> T unwrap(Class<T> clazz) {
    if (clazz.isInstance(this)) {
      return clazz.cast(this);
    }
    throw new IllegalArgumentException("A cache entry cannot be unwrapped to " + clazz.getName());
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Cache.Entry)) {
      return false;
    }
    Cache.Entry<?, ?> other = (Cache.Entry<?, ?>) o;
    return key.equals(other.getKey()) && value.equals(other.getValue());
  }

  @Override
  public int hashCode() {
    return Map.entry(key, value).hashCode();
  }

  @Override
  public String toString() {
    return key + "=" + value;
  }
}
