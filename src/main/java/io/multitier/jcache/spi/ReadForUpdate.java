package io.multitier.jcache.spi;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * What {@link L2CacheBackend#readForUpdate} saw: the entry, and who holds the key's lease.
 *
 * @param current the entry and its remaining time to live, or {@code null} if absent (and always
 *     {@code null} when {@link State#BLOCKED})
 * @param state whether the read took the lease, or another client holds it
 * @param <V> the value type
 */
public record ReadForUpdate<V>(@Nullable ValueWithTtl<V> current, State state) {

  /** Who holds the key's lease after the read. */
  public enum State {
    /** The entry was read without taking the lease. */
    UNLEASED,
    /** The caller holds the lease, until its commit or release. */
    LEASED,
    /** Another client holds the lease; the caller should wait and read again. */
    BLOCKED
  }

  public ReadForUpdate {
    requireNonNull(state, "state");
  }

  /** The entry, read without taking the lease. */
  public static <V> ReadForUpdate<V> unleased(@Nullable ValueWithTtl<V> current) {
    return new ReadForUpdate<>(current, State.UNLEASED);
  }

  /** The entry, read while taking the lease. */
  public static <V> ReadForUpdate<V> leased(@Nullable ValueWithTtl<V> current) {
    return new ReadForUpdate<>(current, State.LEASED);
  }

  /** Another client holds the lease. */
  public static <V> ReadForUpdate<V> blockedByAnother() {
    return new ReadForUpdate<>(null, State.BLOCKED);
  }

  /** Returns whether the caller holds the lease. */
  public boolean leased() {
    return state == State.LEASED;
  }

  /** Returns whether another client holds the lease. */
  public boolean blocked() {
    return state == State.BLOCKED;
  }
}
