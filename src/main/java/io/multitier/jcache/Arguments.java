package io.multitier.jcache;

import static java.util.Objects.requireNonNull;

import java.util.Set;

/**
 * Checks the keys and values a cache is given against JSR-107's rules: not {@code null}, and of
 * the configured types.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class Arguments<K, V> {

  private final String cacheName;
  private final Class<K> keyType;
  private final Class<V> valueType;

  Arguments(String cacheName, Class<K> keyType, Class<V> valueType) {
    this.cacheName = requireNonNull(cacheName);
    this.keyType = requireNonNull(keyType);
    this.valueType = requireNonNull(valueType);
  }

  /** Throws if the key or the value is {@code null} or not of the cache's type. */
  void requireKeyValue(K key, V value, String operation) {
    requireNonNull(key, () -> "a null key was given to " + operation);
    requireNonNull(value, () -> "a null value was given to " + operation);
    if (keyType != Object.class && !keyType.isInstance(key)) {
      throw new ClassCastException("Cache '" + cacheName + "' takes keys of type " + keyType.getName()
          + ", not " + key.getClass().getName());
    }
    requireValueType(value);
  }

  /** Throws if the value, not {@code null}, is not of the cache's value type. */
  void requireValueType(V value) {
    if (valueType != Object.class && !valueType.isInstance(value)) {
      throw new ClassCastException("Cache '" + cacheName + "' takes values of type "
          + valueType.getName() + ", not " + value.getClass().getName());
    }
  }

  /** Throws if the set or one of its keys is {@code null}. */
  static void requireNoNulls(Set<?> keys, String operation) {
    requireNonNull(keys, () -> "a null key set was given to " + operation);
    for (Object key : keys) {
      requireNonNull(key, () -> "a null key was given to " + operation);
    }
  }
}
