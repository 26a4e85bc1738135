package io.multitier.jcache.processor;

import static java.util.Objects.requireNonNull;

import java.util.function.Function;
import javax.cache.processor.MutableEntry;
import org.jspecify.annotations.Nullable;

/**
 * The entry an {@code EntryProcessor} sees: it records what the processor did, so the cache can
 * carry it out atomically afterwards.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class MutableCacheEntry<K, V> implements MutableEntry<K, V> {

  /** What the processor did to the entry, in the order of precedence the cache applies. */
  public enum Action { NONE, READ, LOADED, CREATED, UPDATED, DELETED }

  private final K key;
  private final @Nullable V original;
  private final @Nullable Function<K, @Nullable V> loader;
  private @Nullable V value;
  private Action action = Action.NONE;

  /**
   * Creates the entry.
   *
   * @param key the key
   * @param original the current value, or {@code null} if absent
   * @param loader loads a missing value on {@link #getValue()} (read-through), or {@code null}
   */
  public MutableCacheEntry(K key, @Nullable V original, @Nullable Function<K, @Nullable V> loader) {
    this.key = requireNonNull(key, "key");
    this.original = original;
    this.value = original;
    this.loader = loader;
  }

  @Override
  public K getKey() {
    return key;
  }

  @Override
  public @Nullable V getValue() {
    if (action == Action.NONE) {
      if (value != null) {
        action = Action.READ;
      } else if (loader != null) {
        value = loader.apply(key);
        if (value != null) {
          action = Action.LOADED;
        }
      }
    }
    return value;
  }

  @Override
  public boolean exists() {
    return value != null;
  }

  @Override
  public void remove() {
    value = null;
    action = (action == Action.CREATED) ? Action.NONE : Action.DELETED;
  }

  @Override
  public void setValue(V newValue) {
    requireNonNull(newValue, "An EntryProcessor may not set a null value");
    value = newValue;
    action = (original == null) ? Action.CREATED : Action.UPDATED;
  }

  /** Returns what the processor did. */
  public Action action() {
    return action;
  }

  /** Returns the value the entry holds now, or {@code null} if it holds none. */
  public @Nullable V value() {
    return value;
  }

  @Override
  public <T> T unwrap(Class<T> clazz) {
    if (clazz.isInstance(this)) {
      return clazz.cast(this);
    }
    throw new IllegalArgumentException("A mutable entry cannot be unwrapped to " + clazz.getName());
  }
}
