package io.multitier.jcache.spi;

/**
 * Makes a tier below the shared one for a cache, found by {@link #name()} through
 * {@link java.util.ServiceLoader} ({@code META-INF/services/io.multitier.jcache.spi.TierFactory}).
 * A tier can also be named by the class name of its {@link L2CacheBackend}, which then needs a
 * public constructor taking the cache name, or none.
 */
public interface TierFactory {

  /** Returns the name configurations use for this kind of tier. */
  String name();

  /** Returns the tier of one cache; keys and values are the encoded strings and bytes of the shared tier. */
  L2CacheBackend<String, byte[]> create(String cacheName);
}
