package io.multitier.jcache.spi;

import org.jspecify.annotations.Nullable;

/**
 * What {@link L2CacheBackend#readForUpdate} saw: the entry, and whether the caller now holds the
 * key's lease or another client does.
 *
 * @param current the entry and its remaining time to live, or {@code null} if absent (and always
 *     {@code null} when {@code blocked})
 * @param leased whether the caller holds the lease, until its commit or release
 * @param blocked whether another client holds the lease; the caller should wait and read again
 * @param <V> the value type
 */
public record ReadForUpdate<V>(@Nullable ValueWithTtl<V> current, boolean leased, boolean blocked) {

  /** The entry, read without taking the lease. */
  public static <V> ReadForUpdate<V> unleased(@Nullable ValueWithTtl<V> current) {
    return new ReadForUpdate<>(current, false, false);
  }

  /** The entry, read while taking the lease. */
  public static <V> ReadForUpdate<V> leased(@Nullable ValueWithTtl<V> current) {
    return new ReadForUpdate<>(current, true, false);
  }

  /** Another client holds the lease. */
  public static <V> ReadForUpdate<V> blockedByAnother() {
    return new ReadForUpdate<>(null, false, true);
  }
}
