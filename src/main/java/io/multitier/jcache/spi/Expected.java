package io.multitier.jcache.spi;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * What an atomic step expects an entry to hold when it commits: nothing ({@link #absent()}) or
 * exactly one value ({@link #value(Object)}).
 *
 * @param <V> the value type
 */
public final class Expected<V> {

  private static final Expected<?> ABSENT = new Expected<>(null);

  private final @Nullable V value;

  private Expected(@Nullable V value) {
    this.value = value;
  }

  /** The key must be absent. */
  @SuppressWarnings("unchecked")
  public static <V> Expected<V> absent() {
    return (Expected<V>) ABSENT;
  }

  /** The key must hold exactly this value. */
  public static <V> Expected<V> value(V value) {
    return new Expected<>(requireNonNull(value, "value"));
  }

  /** Returns whether the key must be absent. */
  public boolean isAbsent() {
    return value == null;
  }

  /** Returns the value the key must hold; only for an expectation that is not {@link #isAbsent()}. */
  public V value() {
    if (value == null) {
      throw new IllegalStateException("the key is expected to be absent");
    }
    return value;
  }

  @Override
  public String toString() {
    return (value == null) ? "Expected.absent" : "Expected.value";
  }
}
