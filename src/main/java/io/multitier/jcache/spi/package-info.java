/**
 * The backend SPI: what every tier of a cache implements.
 *
 * <p>Every type here is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package io.multitier.jcache.spi;

import org.jspecify.annotations.NullMarked;
