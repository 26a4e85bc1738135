/**
 * The in-process tier, on Caffeine.
 *
 * <p>Every type here is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package io.multitier.jcache.backend.caffeine;

import org.jspecify.annotations.NullMarked;
