/**
 * The JSR-107 facade: the caching provider, its CacheManagers and caches, and the vendor views a
 * cache unwraps to ({@link io.multitier.jcache.TieredCache}, {@link io.multitier.jcache.ComputingCache}).
 *
 * <p>Every type here is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package io.multitier.jcache;

import org.jspecify.annotations.NullMarked;
