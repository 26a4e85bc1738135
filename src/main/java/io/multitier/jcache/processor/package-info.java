/**
 * What an {@code EntryProcessor} sees and what {@code invokeAll} returns.
 *
 * <p>Every type here is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package io.multitier.jcache.processor;

import org.jspecify.annotations.NullMarked;
