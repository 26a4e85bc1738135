/**
 * Times to live from JCache expiry policies, in the backend SPI's terms.
 *
 * <p>Every type here is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package io.multitier.jcache.expiry;

import org.jspecify.annotations.NullMarked;
