/**
 * The tiering engine: one logical map over the in-process tier and the tiers below it.
 *
 * <p>Every type here is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package io.multitier.jcache.tier;

import org.jspecify.annotations.NullMarked;
