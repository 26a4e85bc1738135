/**
 * The configuration of a CacheManager and of its caches: the YAML file, the shared tier's address
 * and the vendor settings of {@link io.multitier.jcache.configuration.MultiTierConfiguration}.
 *
 * <p>Every type here is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package io.multitier.jcache.configuration;

import org.jspecify.annotations.NullMarked;
