package io.multitier.jcache.spi;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * What a write does to one entry: {@link #remove()} it, or {@link #store(Object, Duration) store} a
 * value with a time to live in the vocabulary of {@link Ttl}.
 *
 * @param <V> the value type
 */
public final class Change<V> {

  private static final Change<?> REMOVE = new Change<>(null, Duration.ZERO);

  private final @Nullable V value;
  private final Duration ttl;

  private Change(@Nullable V value, Duration ttl) {
    this.value = value;
    this.ttl = ttl;
  }

  /** Removes the entry. */
  @SuppressWarnings("unchecked")
  public static <V> Change<V> remove() {
    return (Change<V>) REMOVE;
  }

  /** Stores the value, to live for {@code ttl} ({@link Ttl#UNCHANGED} keeps the entry's expiry). */
  public static <V> Change<V> store(V value, Duration ttl) {
    return new Change<>(requireNonNull(value, "value"), requireNonNull(ttl, "ttl"));
  }

  /** Returns whether the entry is removed. */
  public boolean isRemove() {
    return value == null;
  }

  /** Returns the value to store; only for a change that is not {@link #isRemove()}. */
  public V value() {
    if (value == null) {
      throw new IllegalStateException("a removal stores no value");
    }
    return value;
  }

  /** Returns the time to live of the stored value; {@link Duration#ZERO} for a removal. */
  public Duration ttl() {
    return ttl;
  }

  @Override
  public String toString() {
    return (value == null) ? "Change.remove" : "Change.store(ttl " + ttl + ")";
  }
}
