/**
 * The JSR-107 MXBeans of a cache, their JMX registration, and its per-tier Micrometer meters.
 *
 * <p>Every type here is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package io.multitier.jcache.management;

import org.jspecify.annotations.NullMarked;
