/**
 * Calls to the application's {@code CacheLoader} and {@code CacheWriter}, with JSR-107's exceptions.
 *
 * <p>Every type here is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package io.multitier.jcache.integration;

import org.jspecify.annotations.NullMarked;
