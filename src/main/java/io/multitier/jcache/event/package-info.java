/**
 * Entry events and their delivery to the registered listeners.
 *
 * <p>Every type here is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package io.multitier.jcache.event;

import org.jspecify.annotations.NullMarked;
