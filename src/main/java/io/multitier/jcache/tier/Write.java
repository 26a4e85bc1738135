package io.multitier.jcache.tier;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * What an atomic step decided to do with one entry: keep it, remove it, or store a value.
 *
 * @param <V> the value type
 */
public final class Write<V> {

  private static final Write<?> KEEP = new Write<>(Kind.KEEP, null, null);
  private static final Write<?> REMOVE = new Write<>(Kind.REMOVE, null, null);

  enum Kind { KEEP, REMOVE, PUT }

  final Kind kind;
  final V value;
  final Duration ttl;

  private Write(Kind kind, V value, Duration ttl) {
    this.kind = kind;
    this.value = value;
    this.ttl = ttl;
  }

  /** Leaves the entry as it is. */
  @SuppressWarnings("unchecked")
  public static <V> Write<V> keep() {
    return (Write<V>) KEEP;
  }

  /** Removes the entry. */
  @SuppressWarnings("unchecked")
  public static <V> Write<V> remove() {
    return (Write<V>) REMOVE;
  }

  /** Stores the value with the time to live ({@code Ttl.UNCHANGED} keeps the current expiry, zero removes). */
  public static <V> Write<V> put(V value, Duration ttl) {
    return new Write<>(Kind.PUT, requireNonNull(value, "value"), requireNonNull(ttl, "ttl"));
  }
}
