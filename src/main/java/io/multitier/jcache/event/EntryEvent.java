package io.multitier.jcache.event;

import javax.cache.Cache;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.EventType;
import org.jspecify.annotations.Nullable;

/**
 * One change to one entry, as listeners receive it. Removed and expired events carry the value
 * that was lost both as the value and as the old value.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class EntryEvent<K, V> extends CacheEntryEvent<K, V> {

  private static final long serialVersionUID = 1L;

  private final K key;
  private final @Nullable V value;
  private final @Nullable V oldValue;
  private final boolean oldValueAvailable;
  private final Origin origin;

  /** Who made the change. */
  enum Origin {
    /** An operation of this JVM. */
    THIS_JVM,
    /** Another JVM that shares the cache (a cache with cluster events). */
    OTHER_JVM,
    /** The shared tier itself: Redis expired the entry. */
    SHARED_TIER
  }

  EntryEvent(Cache<K, V> source, EventType type, K key, @Nullable V value, @Nullable V oldValue,
      boolean oldValueAvailable, Origin origin) {
    super(source, type);
    this.key = key;
    this.value = value;
    this.oldValue = oldValue;
    this.oldValueAvailable = oldValueAvailable;
    this.origin = origin;
  }

  /** Returns who made the change. */
  Origin origin() {
    return origin;
  }

  @Override
  public K getKey() {
    return key;
  }

  @Override
  public @Nullable V getValue() {
    return value;
  }

  @Override
  public @Nullable V getOldValue() {
    return oldValueAvailable ? oldValue : null;
  }

  @Override
  public boolean isOldValueAvailable() {
    return oldValueAvailable;
  }

  @Override
  public <T> T unwrap(Class<T> clazz) {
    if (clazz.isInstance(this)) {
      return clazz.cast(this);
    }
    throw new IllegalArgumentException("A cache entry event cannot be unwrapped to " + clazz.getName());
  }

  @Override
  public String toString() {
    return getEventType() + " " + key + "=" + value + (oldValueAvailable ? " (was " + oldValue + ")" : "");
  }
}
